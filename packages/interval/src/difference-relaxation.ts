// Linear relaxation of one neuron's activation difference
//   Δ = A(t + δ) − R(t),   t ∈ [tl, tu] (FP32 pre-activation), δ ∈ [dl, du] (int8 − FP32
//   pre-activation), t + δ ∈ [il, iu] (int8 pre-activation),
// where R = clamp(·, fa, fb) is the FP32 activation and A = clamp(·, ia, ib) the int8 one (ReLU
// folded into requantisation, saturation included). Two families of sound linear bounds
// Δ ≥ p·δ + q·t + r (and ≤), the better one chosen per neuron:
//
// - Lipschitz (ReluDiff): A is monotone and 1-Lipschitz, so A(t + δ) − A(t) ∈ [min(0, δ), max(0, δ)]
//   whatever t is, and Δ = [A(t + δ) − A(t)] + S(t) with S = A − R bounded over [tl, tu] at its
//   kinks. min(0, δ) and max(0, δ) are relaxed by their chords over [dl, du]. This is what keeps Δ
//   of the order of the quantisation error where both networks are unstable.
// - Independent (NeuroDiff-style, exact on stable neurons): A(s) ≥ κ s + ω over s ∈ [il, iu] and
//   R(t) ≤ λ t + μ over [tl, tu] give Δ ≥ κ δ + (κ − λ) t + (ω − μ). When both neurons are stable
//   this is the exact Δ (δ, t + δ − fa, ia − t, …).
//
// Candidates are scored by their value at the centre of the rectangle [tl, tu] × [dl, du]. Intercepts are
// rounded outward; the rounding of κ − λ is exact (TwoSum) and moved into the intercept.

import type { Bounds } from './box.js';
import {
  addDown,
  addUp,
  scaleIntervalDown,
  scaleIntervalUp,
  subDown,
  subUp,
  twoSumError,
} from './outward.js';
import { clampValue } from './real-network.js';
import {
  breakpoints,
  clampLowerSlopes,
  clampUpperSlopes,
  lowerInterceptAt,
  upperInterceptAt,
} from './relaxation.js';

/** Per-neuron bounds `Δ ≥ lowerDelta·δ + lowerPre·t + lowerIntercept` and `Δ ≤ upper…`. */
export interface DifferenceRelaxation {
  readonly lowerDelta: Float64Array;
  readonly lowerPre: Float64Array;
  readonly lowerIntercept: Float64Array;
  readonly upperDelta: Float64Array;
  readonly upperPre: Float64Array;
  readonly upperIntercept: Float64Array;
  /** Concrete bounds of Δ (the activation difference) per neuron. */
  readonly post: Bounds;
}

/** What the relaxation of one layer's differences needs. */
export interface DifferenceLayerInput {
  /** FP32 pre-activation bounds. */
  readonly pre: Bounds;
  /** int8 pre-activation bounds (real units). */
  readonly intPre: Bounds;
  /** Bounds of δ = int8 − FP32 pre-activation. */
  readonly delta: Bounds;
  readonly fpLower: Float64Array;
  readonly fpUpper: Float64Array;
  readonly intLower: Float64Array;
  readonly intUpper: Float64Array;
  /** The int8 layer's bias interval (its width is the neuron's rounding noise). */
  readonly intNoise: Bounds;
}

interface Line {
  p: number;
  q: number;
  r: number;
}

// A candidate's value at the centre of the rectangle [tl, tu] × [dl, du]: the larger (for lower
// lines) the less area between the line and Δ, as CROWN's adaptive choice.
function atCentre(c: Line, tm: number, dm: number): number {
  return c.p * dm + c.q * tm + c.r;
}

// Slope 0 on the int8 side treats its activation as the constant range [A(il), A(iu)]: exact when
// the requantised output is known, and free of the rounding noise carried by δ. Offered when the
// int8 range is no wider than the neuron's own noise (as relaxClamp does).
function withZero(slopes: number[], narrow: boolean): number[] {
  return !narrow || slopes.includes(0) ? slopes : [...slopes, 0];
}

const minZero = (d: number): number => (d < 0 ? d : 0);
const maxZero = (d: number): number => (d > 0 ? d : 0);

/** Relaxes Δ = A(t + δ) − R(t) for every neuron of a layer. */
export function relaxDifference(input: DifferenceLayerInput): DifferenceRelaxation {
  const n = input.pre.lower.length;
  const out = {
    lowerDelta: new Float64Array(n),
    lowerPre: new Float64Array(n),
    lowerIntercept: new Float64Array(n),
    upperDelta: new Float64Array(n),
    upperPre: new Float64Array(n),
    upperIntercept: new Float64Array(n),
    post: { lower: new Float64Array(n), upper: new Float64Array(n) },
  };
  for (let j = 0; j < n; j++) {
    const tl = input.pre.lower[j]!;
    const tu = input.pre.upper[j]!;
    const il = input.intPre.lower[j]!;
    const iu = input.intPre.upper[j]!;
    const dl = input.delta.lower[j]!;
    const du = input.delta.upper[j]!;
    const fa = input.fpLower[j]!;
    const fb = input.fpUpper[j]!;
    const ia = input.intLower[j]!;
    const ib = input.intUpper[j]!;
    const R = (t: number): number => clampValue(t, fa, fb);
    const A = (s: number): number => clampValue(s, ia, ib);
    // Concrete bounds from the two activations' ranges (A and R are monotone).
    let postLo = subDown(A(il), R(tu));
    let postHi = subUp(A(iu), R(tl));
    const finite = [tl, tu, il, iu, dl, du].every(Number.isFinite);
    if (!finite) {
      out.lowerIntercept[j] = postLo;
      out.upperIntercept[j] = postHi;
      out.post.lower[j] = postLo;
      out.post.upper[j] = postHi;
      continue;
    }
    // S(t) = A(t) − R(t) over [tl, tu].
    const sPoints = breakpoints(tl, tu, [fa, fb, ia, ib]);
    let sLo = Infinity;
    let sHi = -Infinity;
    for (const t of sPoints) {
      sLo = Math.min(sLo, subDown(A(t), R(t)));
      sHi = Math.max(sHi, subUp(A(t), R(t)));
    }
    postLo = Math.max(postLo, addDown(minZero(dl), sLo));
    postHi = Math.min(postHi, addUp(maxZero(du), sHi));
    const dPoints = breakpoints(dl, du, [0]);
    const kl = du <= 0 ? 1 : dl >= 0 ? 0 : -dl / (du - dl);
    const ku = dl >= 0 ? 1 : du <= 0 ? 0 : du / (du - dl);
    const lowers: Line[] = [
      { p: kl, q: 0, r: addDown(lowerInterceptAt(minZero, kl, dPoints), sLo) },
    ];
    const uppers: Line[] = [{ p: ku, q: 0, r: addUp(upperInterceptAt(maxZero, ku, dPoints), sHi) }];
    const iPoints = breakpoints(il, iu, [ia, ib]);
    const tPoints = breakpoints(tl, tu, [fa, fb]);
    const intNarrow = iu - il <= input.intNoise.upper[j]! - input.intNoise.lower[j]!;
    for (const kappa of withZero(clampLowerSlopes(il, iu, ia, ib), intNarrow)) {
      const omega = lowerInterceptAt(A, kappa, iPoints);
      for (const lambda of clampUpperSlopes(tl, tu, fa, fb)) {
        const mu = upperInterceptAt(R, lambda, tPoints);
        const q = kappa - lambda;
        const e = twoSumError(kappa, -lambda, q);
        lowers.push({ p: kappa, q, r: addDown(subDown(omega, mu), scaleIntervalDown(e, tl, tu)) });
      }
    }
    for (const kappa of withZero(clampUpperSlopes(il, iu, ia, ib), intNarrow)) {
      const omega = upperInterceptAt(A, kappa, iPoints);
      for (const lambda of clampLowerSlopes(tl, tu, fa, fb)) {
        const mu = lowerInterceptAt(R, lambda, tPoints);
        const q = kappa - lambda;
        const e = twoSumError(kappa, -lambda, q);
        uppers.push({ p: kappa, q, r: addUp(subUp(omega, mu), scaleIntervalUp(e, tl, tu)) });
      }
    }
    const tm = tl + (tu - tl) / 2;
    const dm = dl + (du - dl) / 2;
    let best = lowers[0]!;
    let bestScore = -Infinity;
    for (const c of lowers) {
      const score = atCentre(c, tm, dm);
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    out.lowerDelta[j] = best.p;
    out.lowerPre[j] = best.q;
    out.lowerIntercept[j] = best.r;
    best = uppers[0]!;
    bestScore = Infinity;
    for (const c of uppers) {
      const score = atCentre(c, tm, dm);
      if (score < bestScore) {
        best = c;
        bestScore = score;
      }
    }
    out.upperDelta[j] = best.p;
    out.upperPre[j] = best.q;
    out.upperIntercept[j] = best.r;
    out.post.lower[j] = postLo;
    out.post.upper[j] = postHi;
  }
  return out;
}
