/** Base class of every error `@quantproof/nn` throws for a bad input. */
export class NnError extends Error {
  override readonly name: string = 'NnError';
}

/**
 * A network, tensor or batch has the wrong shape: a layer's weight length is not
 * `outFeatures * inFeatures`, consecutive layers do not chain, an input has the wrong length.
 */
export class NnShapeError extends NnError {
  override readonly name: string = 'NnShapeError';
}

/** An option is out of its documented range (a seed, a learning rate, a gain, a clip range). */
export class NnOptionsError extends NnError {
  override readonly name: string = 'NnOptionsError';
}

/**
 * A serialised network cannot be read: unknown format or version, a missing field, a wrong shape,
 * a non-finite weight, an unknown activation. `path` locates the offending field (`layers[1].bias`).
 */
export class NnFormatError extends NnError {
  override readonly name: string = 'NnFormatError';
  /** Where in the document the problem is, as a JavaScript-style access path (`$` is the root). */
  readonly path: string;

  /** `message` says what is wrong and what to do; `path` says where. */
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}
