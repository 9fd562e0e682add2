// The input difference Δ₀ = (int8 model's input) − (FP32 network's input) of the joint analysis,
// relaxed linearly in the float32 input x.

import { hasInputCells, inputFeatureQuant } from '@quantproof/quant';
import type { Bounds } from './box.js';
import type { Int8BoxState } from './int8-bounds.js';
import {
  addDown,
  addUp,
  FLOAT32_MIN_SUBNORMAL,
  magnitude,
  mulUp,
  scaleIntervalDown,
  scaleIntervalUp,
  subDown,
  UNIT_ROUNDOFF_FLOAT32,
} from './outward.js';
import type { PreparedPair } from './pair.js';
import { clampValue } from './real-network.js';
import { breakpoints, lowerInterceptAt, upperInterceptAt } from './relaxation.js';

const U8 = { qmin: 0, qmax: 255 };
const I8 = { qmin: -128, qmax: 127 };

/**
 * The input difference Δ₀ of the joint network: per coordinate, linear bounds in x,
 * `lowerSlope·x + lowerIntercept ≤ Δ₀ ≤ upperSlope·x + upperIntercept` (all zero for dynamic
 * models), and the constant bounds they imply over the float32 input range.
 */
export interface InputDifference {
  readonly quantized: boolean;
  readonly lowerSlope: Float64Array;
  readonly lowerIntercept: Float64Array;
  readonly upperSlope: Float64Array;
  readonly upperIntercept: Float64Array;
  readonly bounds: Bounds;
}

interface InputLine {
  slope: number;
  intercept: number;
}

// Static models: Δ₀ = s·RNE(clamp(fl(x/s), qmin − zp, qmax − zp)) − x. Inside one quantisation cell
// (Q(fl l) = Q(fl u) = q) that is exactly s·(q − zp) − x. Otherwise, with h(x) = clamp(x, L, U) − x
// (L, U = s·(qmin − zp), s·(qmax − zp)), clamp being 1-Lipschitz gives
// |Δ₀ − h(x)| ≤ s/2 + 2^-24|x| + s·2^-150, and h is relaxed at its kinks; the quantised range gives
// s·(qLo − zp) − x ≤ Δ₀ ≤ s·(qHi − zp) − x too. The best line at the cell's midpoint is kept.
/**
 * Linear bounds of Δ₀ per input coordinate (zero for dynamic models, whose input quantisation is
 * noise of their first layer).
 */
export function inputDifference(
  pair: PreparedPair,
  x: Bounds,
  state: Int8BoxState,
): InputDifference {
  const n = x.lower.length;
  const out: InputDifference = {
    quantized: false,
    lowerSlope: new Float64Array(n),
    lowerIntercept: new Float64Array(n),
    upperSlope: new Float64Array(n),
    upperIntercept: new Float64Array(n),
    bounds: { lower: new Float64Array(n), upper: new Float64Array(n) },
  };
  const model = pair.int8;
  const first = state.executed.layers[0]!;
  // No input quantisation: dynamic models (their first layer's noise) and a first layer kept in
  // float32 read x itself.
  if (!hasInputCells(model) || first.kind === 'dynamic' || first.kind === 'kept-float') return out;
  const { qmin, qmax } = model.input.elementType === 'uint8' ? U8 : I8;
  for (let i = 0; i < n; i++) {
    // Each feature's own input quantisation (per-feature input scales).
    const { scale, zeroPoint } = inputFeatureQuant(model, i);
    const clampLo = scale * (qmin - zeroPoint);
    const clampHi = scale * (qmax - zeroPoint);
    const h = (v: number): number => clampValue(v, clampLo, clampHi) - v;
    const xl = x.lower[i]!;
    const xu = x.upper[i]!;
    const qLo = first.input.lower[i]!;
    const qHi = first.input.upper[i]!;
    // float32 scale × small integer: exact.
    const lowers: InputLine[] = [{ slope: -1, intercept: scale * (qLo - zeroPoint) }];
    const uppers: InputLine[] = [{ slope: -1, intercept: scale * (qHi - zeroPoint) }];
    if (qLo !== qHi) {
      const r = addUp(
        addUp(scale / 2, mulUp(UNIT_ROUNDOFF_FLOAT32, magnitude(xl, xu))),
        mulUp(scale, FLOAT32_MIN_SUBNORMAL),
      );
      const points = breakpoints(xl, xu, [clampLo, clampHi]);
      const slopes = [0, -1];
      if (xu > xl) slopes.push((h(xu) - h(xl)) / (xu - xl));
      for (const slope of slopes) {
        lowers.push({ slope, intercept: subDown(lowerInterceptAt(h, slope, points), r) });
        uppers.push({ slope, intercept: addUp(upperInterceptAt(h, slope, points), r) });
      }
    }
    const mid = xl + (xu - xl) / 2;
    const lower = best(lowers, mid, 1);
    const upper = best(uppers, mid, -1);
    out.lowerSlope[i] = lower.slope;
    out.lowerIntercept[i] = lower.intercept;
    out.upperSlope[i] = upper.slope;
    out.upperIntercept[i] = upper.intercept;
    out.bounds.lower[i] = addDown(scaleIntervalDown(lower.slope, xl, xu), lower.intercept);
    out.bounds.upper[i] = addUp(scaleIntervalUp(upper.slope, xl, xu), upper.intercept);
  }
  return { ...out, quantized: true };
}

function best(lines: readonly InputLine[], at: number, sign: 1 | -1): InputLine {
  let chosen = lines[0]!;
  let score = -Infinity;
  for (const line of lines) {
    const v = sign * (line.slope * at + line.intercept);
    if (v > score) {
      chosen = line;
      score = v;
    }
  }
  return chosen;
}
