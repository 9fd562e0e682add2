/** Base class of every error `@quantproof/interval` throws for a bad input. */
export class IntervalError extends Error {
  override readonly name: string = 'IntervalError';
}

/**
 * A box is malformed: a NaN or infinite bound, a lower bound above its upper bound, lower and
 * upper vectors of different lengths, an empty box, or a negative radius. The message names the
 * offending dimension and says how to build a valid box.
 */
export class InvalidBoxError extends IntervalError {
  override readonly name: string = 'InvalidBoxError';
}

/** A box, point or counterexample has a different number of dimensions than the network's inputs. */
export class BoxDimensionError extends IntervalError {
  override readonly name: string = 'BoxDimensionError';
}

/**
 * The FP32 network and the int8 model do not describe the same architecture (layer count, widths,
 * or activations differ), so their decisions cannot be compared layer by layer.
 */
export class ModelMismatchError extends IntervalError {
  override readonly name: string = 'ModelMismatchError';
}

/** An option is outside its documented range (a negative budget, an unknown method, a bad seed). */
export class IntervalOptionsError extends IntervalError {
  override readonly name: string = 'IntervalOptionsError';
}
