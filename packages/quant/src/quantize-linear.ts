import {
  allocateQuantized,
  elementTypeRange,
  type QuantElementType,
  type QuantizedArray,
} from './element-type.js';
import { roundHalfEven } from './round-half-even.js';

// Float32 emulation: every float32 operation is computed in float64 and rounded once with
// Math.fround. For +, -, × and ÷ of two float32 operands this double rounding is innocuous (the
// float64 result rounded to float32 equals the IEEE float32 result) because float64 has at least
// 2·24 + 2 significand bits — S. A. Figueroa, "When is double rounding innocuous?", SIGNUM
// Newsletter 30(3), 1995; also Boldo & Melquiond, IEEE TC 57(4), 2008.

/** Linear quantisation parameters of one tensor: `real = scale · (q - zeroPoint)`. */
export interface TensorQuant {
  /** A positive, finite float32 value. */
  readonly scale: number;
  /** An integer inside the element type's range. */
  readonly zeroPoint: number;
  readonly elementType: QuantElementType;
}

/**
 * ONNX QuantizeLinear exactly as MLAS computes it on x86-64 (`MlasQuantizeLinearKernel`,
 * `MlasQuantizeLinearAvx512F`): `v = fl32(x / scale)` (float32 division), clamp in float to
 * `[qmin - zp, qmax - zp]` with MAXPS/MINPS semantics (a NaN quotient becomes `qmin - zp`),
 * round half to even, then add the zero point as an integer. `x` is first rounded to float32 (as
 * storing it in a float32 tensor would); `scale` must be a float32 value.
 */
export function quantizeLinear(
  x: number,
  scale: number,
  zeroPoint: number,
  elementType: QuantElementType,
): number {
  const { qmin, qmax } = elementTypeRange(elementType);
  const lower = qmin - zeroPoint;
  const upper = qmax - zeroPoint;
  let v = Math.fround(Math.fround(x) / scale);
  // _mm_max_ps(v, lower) returns its second operand when the first is NaN; then _mm_min_ps.
  v = v > lower ? v : lower;
  v = v < upper ? v : upper;
  return roundHalfEven(v) + zeroPoint;
}

/**
 * QuantizeLinear over a float32 tensor into `out` (allocated in the element type when omitted).
 * Returns `out`.
 */
export function quantizeLinearArray(
  x: Float32Array,
  params: TensorQuant,
  out: QuantizedArray = allocateQuantized(params.elementType, x.length),
): QuantizedArray {
  const { scale, zeroPoint, elementType } = params;
  for (let i = 0; i < x.length; i++) {
    out[i] = quantizeLinear(x[i]!, scale, zeroPoint, elementType);
  }
  return out;
}

/**
 * ONNX DequantizeLinear as MLAS computes it (`MlasDequantizeLinearRefImpl` and its SSE2 kernel):
 * `fl32(float(int32(q) - zp) · scale)`. `scale` must be a float32 value.
 */
export function dequantizeLinear(q: number, scale: number, zeroPoint: number): number {
  return Math.fround((q - zeroPoint) * scale);
}

/** DequantizeLinear over a quantised tensor into a float32 tensor. Returns `out`. */
export function dequantizeLinearArray(
  q: ArrayLike<number>,
  params: TensorQuant,
  out: Float32Array = new Float32Array(q.length),
): Float32Array {
  for (let i = 0; i < q.length; i++) {
    out[i] = dequantizeLinear(q[i]!, params.scale, params.zeroPoint);
  }
  return out;
}
