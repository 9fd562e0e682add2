import { elementTypeRange, type QuantElementType } from './element-type.js';
import { roundHalfEven } from './round-half-even.js';

/**
 * The float32 requantisation multiplier of QLinearMatMul (`quantize_linear_matmul.cc`:
 * `a_scale * b_scale / y_scale`, left to right): `M = fl32(fl32(a_s · b_s) / y_s)`. QGemm with
 * `alpha = 1` computes the same value (see `qgemmMultiplier`). All scales are float32 values.
 */
export function requantizeMultiplier(
  inputScale: number,
  weightScale: number,
  outputScale: number,
): number {
  return Math.fround(Math.fround(inputScale * weightScale) / outputScale);
}

/**
 * The multiplier of com.microsoft QGemm (`quant_gemm.cc` `ComputeOutputScale`):
 * `fl32(fl32(fl32(alpha · a_s) · b_s) / y_s)`, or `fl32(fl32(alpha · a_s) · b_s)` without `y_scale`
 * (float output). Equal to `requantizeMultiplier` when `alpha = 1`.
 */
export function qgemmMultiplier(
  alpha: number,
  inputScale: number,
  weightScale: number,
  outputScale: number | null,
): number {
  const scale = Math.fround(Math.fround(alpha * inputScale) * weightScale);
  return outputScale === null ? scale : Math.fround(scale / outputScale);
}

/**
 * MLAS's `MlasRequantizeOutput` on one int32 accumulator (bias already added): convert to float32
 * (`_mm_cvtepi32_ps`, so |acc| > 2^24 rounds to nearest even), multiply by the float32 multiplier,
 * clamp in float to `[qmin - zp, qmax - zp]`, round half to even (`_mm_cvtps_epi32`), add the zero
 * point as an integer. Clamping before rounding equals rounding then saturating, because the clamp
 * bounds are integers.
 */
export function requantize(
  accumulator: number,
  multiplier: number,
  zeroPoint: number,
  elementType: QuantElementType,
): number {
  const { qmin, qmax } = elementTypeRange(elementType);
  const lower = qmin - zeroPoint;
  const upper = qmax - zeroPoint;
  let v = Math.fround(Math.fround(accumulator) * multiplier);
  v = v > lower ? v : lower;
  v = v < upper ? v : upper;
  return roundHalfEven(v) + zeroPoint;
}

/**
 * The float output of MatMulIntegerToFloat / DynamicQuantizeMatMul (MLAS
 * `MLAS_QGEMM_SCALE_BIAS_OUTPUT_PROCESSOR`, and the unfused `Cast → Mul → Add` graph):
 * `fl32(fl32(fl32(acc) · multiplier) + bias)`, multiply and add rounded separately (no FMA).
 */
export function scaleAccumulator(accumulator: number, multiplier: number, bias: number): number {
  return Math.fround(Math.fround(Math.fround(accumulator) * multiplier) + bias);
}
