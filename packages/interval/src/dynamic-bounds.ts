// Bounds of a dynamically quantised layer: DynamicQuantizeLinear's run-time scale is bounded from
// the input bounds (it is monotone in max(data, 0) − min(data, 0)), and the input quantisation
// error |s·(q − zp) − x| ≤ s·(½ + 2^-12) (proved in the README) enters the layer as noise through
// Σ|Ŵ| in interval propagation, and per input element in back-substitution (`InputNoise`); the
// rest is the float32 error of fl(fl(fl(acc)·fl(s·s_w)) + b).
//
// Beside that error model, the layer is bounded as executed, code by code (`dynamicCodeBounds`):
// every step of DynamicQuantizeLinear → MatMulInteger → scale → bias is monotone in each of its
// arguments, so bounds of the scale, the zero point, each q − zp and each accumulator follow from
// corners. On a box inside one input cell (every q − zp constant) the accumulators are exact and
// the output is known up to the scale's own range, which shrinks with the box: the error model's
// s/2 per input does not. Both bound the same executed value; the layer keeps their intersection.

import type { Bounds } from './box.js';
import { roundHalfEven, scaleAccumulator } from '@quantproof/quant';
import { affineIntervalBounds } from './fp32-network.js';
import type { LayerResult } from './int8-bounds.js';
import type { DynamicLayerData } from './int8-network.js';
import {
  addUp,
  dotAbsUp,
  float32Down,
  float32ErrorUp,
  float32Up,
  mulUp,
  subDown,
  subUp,
} from './outward.js';
import { clampBounds, magnitudes, type RealLayer } from './real-network.js';

// The clamp's bounds are integers, so a clamped value is not rounded again: ½ + 2^-12 (README).
const DYNAMIC_ERROR_FACTOR = 0.5 + 2 ** -12;
// Below 2^-100 a scale may be subnormal; then every input and s·(q − zp) are below 2^-91.
const DYNAMIC_TINY_SCALE_ERROR = 2 ** -90;
// Covers the float32 underflows of fl(s·s_w)·fl(acc) (|acc| < 2^31) and of the products.
const DYNAMIC_ABSOLUTE_SLACK = 2 ** -100;
// Beyond this a float32 product or partial sum could overflow (as in the FP32 network's bounds).
const OVERFLOW_GUARD = 2 ** 126;

/**
 * Bounds of DynamicQuantizeLinear's scale fl(fl(max − min)/255) over float32 inputs within
 * `input` (1 is included when the range can be zero), and the largest scale among inputs whose
 * range is not zero.
 */
export function dynamicScaleBounds(input: Bounds): Bounds & { readonly nonZeroUpper: number } {
  let minLo = 0;
  let minHi = 0;
  let maxLo = 0;
  let maxHi = 0;
  for (let i = 0; i < input.lower.length; i++) {
    minLo = Math.min(minLo, input.lower[i]!);
    minHi = Math.min(minHi, input.upper[i]!);
    maxLo = Math.max(maxLo, input.lower[i]!);
    maxHi = Math.max(maxHi, input.upper[i]!);
  }
  // min = min(data, 0) ∈ [minLo, minHi], max = max(data, 0) ∈ [maxLo, maxHi].
  const rangeLo = Math.max(0, subDown(maxLo, minHi));
  const rangeHi = subUp(maxHi, minLo);
  // fl(max − min) and fl(·/255) are monotone in max − min.
  const lower = Math.fround(float32Down(rangeLo) / 255);
  const upper = Math.fround(float32Up(rangeHi) / 255);
  const rangeCanBeZero = rangeLo === 0;
  return {
    lower: Float64Array.of(rangeCanBeZero ? Math.min(lower, 1) : lower),
    upper: Float64Array.of(rangeCanBeZero ? Math.max(upper, 1) : upper),
    nonZeroUpper: upper,
  };
}

// Below this the scale may be subnormal or 0 (then fl(x/s) and the zero point may be NaN): the
// code bounds are not computed and the error model alone bounds the layer.
const CODE_BOUNDS_MIN_SCALE = 2 ** -100;
// The average number of code steps per input element beyond which the code bounds are skipped.
const CODE_BOUNDS_MAX_SPREAD = 2;

/**
 * Bounds of one dynamic layer's float32 outputs before the activation, as the executor computes
 * them for float32 inputs within `input` (finite), from bounds of every intermediate integer; null
 * when the scale can be tiny, the inputs are not finite or the codes spread too wide to gain
 * anything. Sound because each step is monotone:
 * - zp = RNE(clamp(−fl(min/s), 0, 255)) with min = min(data, 0) ≤ 0 is non-increasing in min and
 *   in s (min/s rises towards 0 as either grows), so it lies between its values at (minHi, sHi)
 *   and (minLo, sLo);
 * - q − zp = RNE(clamp(fl(x/s), −zp, 255 − zp)) is non-decreasing in fl(x/s) and non-increasing in
 *   zp, and fl(x/s) is monotone in x and in s (s > 0), so it is extreme at the corners of
 *   [x] × [s] and [zp];
 * - acc = Σ (q − zp)·(w − zp_w) is bounded exactly in integers;
 * - fl(fl(fl(acc)·fl(s·s_w)) + b) is monotone in acc (fl(s·s_w) > 0) and in fl(s·s_w) (the
 *   direction of acc's sign), so it is extreme at the corners of [acc] × [fl(s·s_w)].
 * The scale, zero point and codes are correlated in truth; bounding them independently only widens.
 */
export function dynamicCodeBounds(
  data: DynamicLayerData,
  input: Bounds,
  scale: Bounds,
  bias: Float64Array,
): Bounds | null {
  const n = input.lower.length;
  const m = bias.length;
  const sLo = scale.lower[0]!;
  const sHi = scale.upper[0]!;
  if (!(sLo >= CODE_BOUNDS_MIN_SCALE) || !(sHi < Infinity)) return null;
  let minLo = 0;
  let minHi = 0;
  for (let i = 0; i < n; i++) {
    const lo = input.lower[i]!;
    const hi = input.upper[i]!;
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
    minLo = Math.min(minLo, lo);
    minHi = Math.min(minHi, hi);
  }
  // fl(min/s) for min ≤ 0 is non-decreasing in min and in s, so zp = RNE(clamp(0 − fl(min/s))) is
  // non-increasing in both.
  const zeroPoint = (min: number, s: number): number => {
    const initial = Math.fround(0 - Math.fround(min / s));
    return roundHalfEven(Math.max(0, Math.min(255, initial)));
  };
  const zpLo = zeroPoint(minHi, sHi);
  const zpHi = zeroPoint(minLo, sLo);
  // q − zp per input element: lowest at the lowest fl(x/s) and the highest zero point.
  const codeLo = new Float64Array(n);
  const codeHi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = input.lower[i]!;
    const hi = input.upper[i]!;
    const ratioLo = Math.min(Math.fround(lo / sLo), Math.fround(lo / sHi));
    const ratioHi = Math.max(Math.fround(hi / sLo), Math.fround(hi / sHi));
    codeLo[i] = roundHalfEven(Math.max(-zpHi, Math.min(255 - zpHi, ratioLo)));
    codeHi[i] = roundHalfEven(Math.max(-zpLo, Math.min(255 - zpLo, ratioHi)));
  }
  // Where the codes spread over more than CODE_BOUNDS_MAX_SPREAD values on average, the code
  // bounds are no tighter than the error model's (each spread code costs what s/2 per input does)
  // and are skipped. A sub-box's codes spread no wider, so its bounds still lie within the box's.
  let spread = 0;
  for (let i = 0; i < n; i++) spread += codeHi[i]! - codeLo[i]!;
  if (spread > CODE_BOUNDS_MAX_SPREAD * n) return null;
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    // Exact integer arithmetic: |products| < 2^17, sums far below 2^53.
    let accLo = 0;
    let accHi = 0;
    for (let i = 0; i < n; i++) {
      const w = data.centred[j * n + i]!;
      accLo += w >= 0 ? w * codeLo[i]! : w * codeHi[i]!;
      accHi += w >= 0 ? w * codeHi[i]! : w * codeLo[i]!;
    }
    const sw = data.weightScale[j]!;
    const b = bias[j]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (const acc of [accLo, accHi]) {
      for (const s of [sLo, sHi]) {
        const v = scaleAccumulator(acc, Math.fround(s * sw), b);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (Number.isNaN(lo) || Number.isNaN(hi)) return null;
    lower[j] = lo;
    upper[j] = hi;
  }
  return { lower, upper };
}

/** Interval bounds and noise of one dynamic layer on inputs within `input`. */
export function dynamicLayerBounds(
  layer: RealLayer,
  data: DynamicLayerData,
  input: Bounds,
): LayerResult {
  const n = layer.inFeatures;
  const m = layer.outFeatures;
  const scale = dynamicScaleBounds(input);
  const quantError = Math.max(
    mulUp(scale.nonZeroUpper, DYNAMIC_ERROR_FACTOR),
    DYNAMIC_TINY_SCALE_ERROR,
  );
  // An input element that is exactly 0 on the box (a ReLU off everywhere) is quantised to the zero
  // point and dequantised to 0 again: no noise.
  const noiseIn = Float64Array.from(input.lower, (lo, i) =>
    lo >= 0 && input.upper[i]! <= 0 ? 0 : quantError,
  );
  const amax = magnitudes(input);
  const bias = { lower: new Float64Array(m), upper: new Float64Array(m) };
  // The same interval without the input quantisation error, which back-substitution weighs per
  // input element instead (`InputNoise`).
  const substitutionBias = { lower: new Float64Array(m), upper: new Float64Array(m) };
  for (let j = 0; j < m; j++) {
    const b = layer.bias[j]!;
    const inputError = dotAbsUp(layer.weight, j * n, noiseIn, 0, n);
    const sumAbs = addUp(addUp(dotAbsUp(layer.weight, j * n, amax, 0, n), inputError), Math.abs(b));
    // Where fl(s·s_w), the float32 products or sums could overflow (fl(s·s_w) = +Inf times a zero
    // accumulator is NaN), the error model does not apply: nothing is bounded.
    const scaleProduct = mulUp(scale.upper[0]!, data.weightScale[j]!);
    if (!(sumAbs < OVERFLOW_GUARD) || !(scaleProduct < OVERFLOW_GUARD)) {
      bias.lower[j] = substitutionBias.lower[j] = -Infinity;
      bias.upper[j] = substitutionBias.upper[j] = Infinity;
      continue;
    }
    const own = addUp(float32ErrorUp(3, sumAbs, 0), DYNAMIC_ABSOLUTE_SLACK);
    const noise = addUp(inputError, own);
    bias.lower[j] = subDown(b, noise);
    bias.upper[j] = addUp(b, noise);
    substitutionBias.lower[j] = subDown(b, own);
    substitutionBias.upper[j] = addUp(b, own);
  }
  const pre = affineIntervalBounds(layer, input, bias);
  const codes = dynamicCodeBounds(data, input, scale, layer.bias);
  if (codes !== null) {
    for (let j = 0; j < m; j++) {
      pre.lower[j] = Math.max(pre.lower[j]!, codes.lower[j]!);
      pre.upper[j] = Math.min(pre.upper[j]!, codes.upper[j]!);
    }
  }
  const post = clampBounds(pre, layer);
  return {
    bias,
    pre,
    post,
    quantOut: null,
    logits: post,
    executed: { kind: 'dynamic', input, scale, output: post },
    inputNoise: { bias: substitutionBias, magnitudes: noiseIn },
  };
}
