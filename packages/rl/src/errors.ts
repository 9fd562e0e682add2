// Errors a caller of @quantproof/rl can cause.

/** Base class of every error @quantproof/rl throws on purpose. */
export class RlError extends Error {
  override readonly name: string = 'RlError';
}

/** An option out of its documented range; the message names the option and the range. */
export class RlOptionsError extends RlError {
  override readonly name: string = 'RlOptionsError';
  /** `where`: the function, `option`: the option's name, `value`: what was given. */
  constructor(where: string, option: string, value: unknown, expected: string) {
    super(`${where}: ${option} must be ${expected}; got ${String(value)}`);
  }
}

/** An environment or policy whose sizes do not fit together. */
export class RlShapeError extends RlError {
  override readonly name: string = 'RlShapeError';
}
