// Errors a caller can cause. Each message says what was wrong and what to do.

/** Base class of every error this package throws for a bad argument. */
export class SmtVerifyError extends Error {
  override readonly name: string = 'SmtVerifyError';
}

/** A box with the wrong dimension, NaN/infinite bounds, or lower > upper. */
export class InvalidBoxError extends SmtVerifyError {
  override readonly name: string = 'InvalidBoxError';

  constructor(detail: string) {
    super(
      `invalid input box: ${detail}. Give finite lower/upper bounds, one pair per network input, ` +
        'with lower ≤ upper and at least one float32 value between them.',
    );
  }
}

/** The FP32 and int8 networks do not describe the same function shape. */
export class ModelMismatchError extends SmtVerifyError {
  override readonly name: string = 'ModelMismatchError';

  constructor(detail: string) {
    super(
      `the FP32 and int8 networks do not match: ${detail}. Pass the Mlp the QMlp was quantised from.`,
    );
  }
}

/** An option outside its documented range. */
export class SmtVerifyOptionsError extends SmtVerifyError {
  override readonly name: string = 'SmtVerifyOptionsError';

  constructor(detail: string) {
    super(`invalid option: ${detail}.`);
  }
}

/** A VNN-LIB property that does not fit the network it is checked against. */
export class VnnlibNetworkMismatchError extends SmtVerifyError {
  override readonly name: string = 'VnnlibNetworkMismatchError';

  constructor(detail: string) {
    super(
      `the VNN-LIB property does not fit the network: ${detail}. Check that the property was written ` +
        'for this .onnx file (X_i per network input, Y_j per network output).',
    );
  }
}
