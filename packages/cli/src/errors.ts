// Errors a user of the command line can cause, each mapped to a documented exit code.

/** Exit codes of `quantproof`; the README documents them. */
export const EXIT_CODES: {
  readonly ok: 0;
  readonly usage: 2;
  readonly input: 3;
  readonly internal: 70;
} = { ok: 0, usage: 2, input: 3, internal: 70 };

/** A bad flag or flag value: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
  /** The exit code this error ends the process with. */
  readonly exitCode: number = EXIT_CODES.usage;
}

/** A missing, unreadable or invalid input file: printed as one line, exit code 3. */
export class InputError extends Error {
  override readonly name: string = 'InputError';
  /** The exit code this error ends the process with. */
  readonly exitCode: number = EXIT_CODES.input;
}
