import { elementTypeRange, type QuantElementType } from './element-type.js';

// The one owner of ties-to-even in quantproof. ONNX QuantizeLinear, onnxruntime's
// `RoundHalfToEven` (util/qmath.h: `x - remainderf(x, 1)`), MLAS's `_mm_cvtps_epi32` under the
// default MXCSR and numpy's `round` all round half to even; `Math.round` rounds half up and is
// never used for quantisation.

/**
 * Rounds a finite number to the nearest integer, ties to even (`2.5 → 2`, `3.5 → 4`,
 * `-2.5 → -2`). Exact for every float64 value, hence for every float32 value. ±Infinity and NaN
 * are returned unchanged.
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  // x - floor(x) is exact in float64: both lie in the same or adjacent binades and the difference
  // is a fraction of x's own significand bits.
  const fraction = x - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

function saturate(x: number, lower: number, upper: number, what: string): number {
  if (Number.isNaN(x)) {
    throw new RangeError(`cannot saturate NaN to ${what}: round and check the value first`);
  }
  return x < lower ? lower : x > upper ? upper : x;
}

/** Saturating cast of an integer (or ±Infinity) to int8: values clamp to [-128, 127]. NaN throws. */
export function saturateInt8(x: number): number {
  return saturate(x, -128, 127, 'int8');
}

/** Saturating cast of an integer (or ±Infinity) to uint8: values clamp to [0, 255]. NaN throws. */
export function saturateUint8(x: number): number {
  return saturate(x, 0, 255, 'uint8');
}

/** Saturating cast of an integer (or ±Infinity) to int32: values clamp to [-2^31, 2^31 - 1]. NaN throws. */
export function saturateInt32(x: number): number {
  return saturate(x, -2147483648, 2147483647, 'int32');
}

/** Saturating cast of an integer (or ±Infinity) to a quantised element type. NaN throws. */
export function saturateTo(x: number, type: QuantElementType): number {
  const { qmin, qmax } = elementTypeRange(type);
  return saturate(x, qmin, qmax, type);
}
