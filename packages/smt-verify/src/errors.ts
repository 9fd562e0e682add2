// Errors a caller can cause. Each message says what was wrong and what to do. Malformed boxes and
// mismatched networks are interval's error classes (one owner), thrown with this package's messages.
import { InvalidBoxError, ModelMismatchError } from '@quantproof/interval';

export { InvalidBoxError, ModelMismatchError };

/** Base class of every error this package throws for a bad argument. */
export class SmtVerifyError extends Error {
  override readonly name: string = 'SmtVerifyError';
}

/**
 * A box with the wrong dimension, NaN/infinite bounds, or lower > upper: interval's
 * `InvalidBoxError` (one class for the whole project), with a message that says what to do.
 */
export function invalidBoxError(detail: string): InvalidBoxError {
  return new InvalidBoxError(
    `invalid input box: ${detail}. Give finite lower/upper bounds, one pair per network input, ` +
      'with lower ≤ upper and at least one float32 value between them.',
  );
}

/** The FP32 and int8 networks do not describe the same function shape (interval's class). */
export function modelMismatchError(detail: string): ModelMismatchError {
  return new ModelMismatchError(
    `the FP32 and int8 networks do not match: ${detail}. Pass the Mlp the QMlp was quantised from.`,
  );
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

/** The queue's Redis cannot be reached (or refuses the password). */
export class QueueUnavailableError extends SmtVerifyError {
  override readonly name: string = 'QueueUnavailableError';
}

/**
 * A queue worker met a box of another run: its networks or options differ from the coordinator's
 * (the fingerprint every box carries), or the box was written by another payload version. The box
 * is put back untouched and the worker stops.
 */
export class QueueWorkerRefusedError extends SmtVerifyError {
  override readonly name: string = 'QueueWorkerRefusedError';
}
