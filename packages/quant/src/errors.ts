/** Base class of every error `@quantproof/quant` throws for a bad input. */
export class QuantError extends Error {
  override readonly name: string = 'QuantError';
}

/**
 * An option is outside its documented range or the combination is not supported (a weight bit
 * width outside 2..8, a percentile outside (0, 100], int8 activations with uint8 weights in the
 * QOperator format). The message names the option and the accepted values.
 */
export class QuantOptionsError extends QuantError {
  override readonly name: string = 'QuantOptionsError';
}

/**
 * The scheme cannot be executed exactly the way onnxruntime runs it, so no model is produced:
 * e.g. a ReLU layer whose output zero point is not the element type's minimum (the ReLU could not
 * be folded into the requantisation clamp). The message says which layer and what to change.
 */
export class UnsupportedSchemeError extends QuantError {
  override readonly name: string = 'UnsupportedSchemeError';
}

/** Calibration data is empty, has the wrong length, or holds NaN or ±Infinity. */
export class CalibrationDataError extends QuantError {
  override readonly name: string = 'CalibrationDataError';
}

/**
 * A `QMlp` breaks one of its invariants (shapes, scales that are not positive finite float32
 * values, zero points outside the element type, a ReLU that cannot be folded). `path` locates the
 * offending field, e.g. `layers[1].weightQuant.scales[3]`.
 */
export class InvalidQMlpError extends QuantError {
  override readonly name: string = 'InvalidQMlpError';
  /** Where in the model the problem is, as a JavaScript-style access path (`$` is the root). */
  readonly path: string;

  /** `message` says what is wrong and what to do; `path` says where. */
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/** An input vector or batch passed to the executor has the wrong length. */
export class InputShapeError extends QuantError {
  override readonly name: string = 'InputShapeError';
}

/**
 * An input that the modelled onnxruntime path cannot process deterministically: NaN or ±Infinity
 * reaching DynamicQuantizeLinear (its min/max reduction and scale become undefined).
 */
export class NonFiniteInputError extends QuantError {
  override readonly name: string = 'NonFiniteInputError';
}

/**
 * A layer's worst-case int32 accumulator (from its actual weights, bias and zero points) could
 * exceed the int32 range, so exact int32 accumulation is not guaranteed. Use fewer inputs per
 * neuron, smaller weights, or a reduced weight range.
 */
export class AccumulatorOverflowError extends QuantError {
  override readonly name: string = 'AccumulatorOverflowError';
}

/**
 * A serialised quantised model (`qmlpFromJson`) cannot be read: another format or version, a
 * missing or mistyped field, a tensor of the wrong size, or quantisation parameters that break a
 * `QMlp` invariant. `path` locates the offending field in the document (`$.model.layers[1].bias`).
 */
export class QMlpFormatError extends QuantError {
  override readonly name: string = 'QMlpFormatError';
  /** Where in the document the problem is, as a JavaScript-style access path (`$` is the root). */
  readonly path: string;

  /** `message` says what is wrong and what to do; `path` says where. */
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}
