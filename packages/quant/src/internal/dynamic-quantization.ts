import { NonFiniteInputError } from '../errors.js';
import { quantizeLinear, type TensorQuant } from '../quantize-linear.js';
import { roundHalfEven } from '../round-half-even.js';

/**
 * The scale and zero point DynamicQuantizeLinear (uint8) computes for a float32 tensor, exactly as
 * onnxruntime's `GetQuantizationParameter` (`core/util/qmath.h`) with `qmin = 0, qmax = 255`:
 * `min = min(min(data), 0)`, `max = max(max(data), 0)`,
 * `scale = max == min ? 1 : fl32(fl32(max - min) / 255)`,
 * `zp = RoundHalfToEven(clamp(fl32(0 - fl32(min / scale)), 0, 255))`.
 * `data[offset … offset + length)` must be finite float32 values (NaN or ±Infinity throw
 * `NonFiniteInputError`: onnxruntime's result is not defined for them). A subnormal range can
 * underflow the scale to 0 (then `zp = 255` and QuantizeLinear divides by zero, as in onnxruntime).
 */
export function dynamicQuantizationParams(
  data: Float32Array,
  offset = 0,
  length: number = data.length - offset,
): TensorQuant {
  let min = Infinity;
  let max = -Infinity;
  for (let i = offset; i < offset + length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      throw new NonFiniteInputError(
        `DynamicQuantizeLinear input element ${i - offset} is ${v}: onnxruntime's min/max reduction ` +
          'is undefined for NaN and ±Infinity; pass finite inputs',
      );
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // std::min(min, 0.0f) and std::max(max, 0.0f); an empty tensor gives min = max = 0.
  min = min < 0 ? min : 0;
  max = max > 0 ? max : 0;
  const scale = max === min ? 1 : Math.fround(Math.fround(max - min) / 255);
  const initialZeroPoint = Math.fround(0 - Math.fround(min / scale));
  // std::max(0.f, std::min(255.f, v)) with std::min(a, b) = b < a ? b : a, std::max(a, b) = a < b ? b : a:
  // a NaN (0 / 0 when a subnormal range underflows the scale to 0) becomes 255.
  const upper = initialZeroPoint < 255 ? initialZeroPoint : 255;
  const clamped = 0 < upper ? upper : 0;
  return { scale, zeroPoint: roundHalfEven(clamped), elementType: 'uint8' };
}

/** Result of `dynamicQuantizeLinear`: the uint8 tensor and the parameters it was quantised with. */
export interface DynamicQuantized {
  readonly values: Uint8Array;
  readonly params: TensorQuant;
}

/**
 * ONNX DynamicQuantizeLinear as onnxruntime's CPU kernel runs it: `dynamicQuantizationParams`,
 * then the MLAS QuantizeLinear kernel with those parameters.
 */
export function dynamicQuantizeLinear(data: Float32Array): DynamicQuantized {
  const params = dynamicQuantizationParams(data);
  const values = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    values[i] = quantizeLinear(data[i]!, params.scale, params.zeroPoint, 'uint8');
  }
  return { values, params };
}
