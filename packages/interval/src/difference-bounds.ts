// Difference bounds: the FP32 network and the int8 model propagated jointly, layer by layer, in
// the variables (a, Δ) = (FP32 activation, int8 activation − FP32 activation), as ReluDiff /
// NeuroDiff / VeryDiff do. With t = W a + β the FP32 pre-activation and t' = Ŵ a' + β' the int8 one
// (real units, noise in β, β'), the pre-activation difference is
//   δ = t' − t = Ŵ Δ + (Ŵ − W) a + (β' − β),
// small because Ŵ ≈ W and Δ is of the order of the quantisation error; each layer's Δ is relaxed
// in (δ, t) by difference-relaxation.ts. Back-substitution runs through both networks at once,
// CROWN-style, down to the float32 input x ∈ [fl(lower), fl(upper)], where the input difference
// is Δ₀ = s·(Q(x) − zp) − x for static models (Q(x) ∈ [Q(fl l), Q(fl u)]: exactly −x plus a
// constant inside one quantisation cell) and Δ₀ = 0 for dynamic ones (their input quantisation is
// noise of the first layer). Rounding is handled as in back-substitution.ts.

import { float32Range, type Box, type Bounds } from './box.js';
import type { LinearForm } from './back-substitution.js';
import { relaxDifference, type DifferenceRelaxation } from './difference-relaxation.js';
import type { Int8BoxState } from './int8-bounds.js';
import { inputDifference, type InputDifference } from './input-difference.js';
import type { RefinedNetwork } from './linear-bounds.js';
import {
  addDown,
  addUp,
  dotAbsUp,
  dotIntervalDown,
  dotIntervalDownFast,
  inflateNonNegativeSum,
  magnitude,
  mulDown,
  productSlackUp,
  roundingSlackUp,
  scaleIntervalDown,
  subDown,
  subUp,
  twoSumError,
} from './outward.js';
import type { PreparedPair } from './pair.js';
import { magnitudes } from './real-network.js';
import { isStable } from './relaxation.js';

/** Joint FP32/int8 bounds on one box. */
export interface JointAnalysis {
  readonly pair: PreparedPair;
  readonly fp: RefinedNetwork;
  readonly int: RefinedNetwork & { readonly state: Int8BoxState };
  /** The float32 inputs of the box, [fl(lower), fl(upper)]. */
  readonly x: Bounds;
  readonly input: InputDifference;
  /** Per layer: the interval of β' − β (plus the rounding of D). */
  readonly deltaBias: Bounds[];
  /** Per layer: bounds of δ. */
  readonly delta: Bounds[];
  readonly deltaMax: Float64Array[];
  readonly relax: DifferenceRelaxation[];
  /** Per layer: bounds of Δ (the activation difference). */
  readonly deltaPost: Bounds[];
  readonly rowAbsD: Float64Array[];
  readonly rowAbsInt: Float64Array[];
  readonly deltaInMaxSum: number[];
}

function throughJointAffine(
  j: JointAnalysis,
  k: number,
  at: Float64Array,
  ad: Float64Array,
  constant: number,
): { ba: Float64Array; bd: Float64Array; constant: number } {
  const layer = j.pair.fpNet.layers[k]!;
  const { inFeatures: n, outFeatures: m } = layer;
  const w = layer.weight;
  const d = j.pair.weightDifference[k]!;
  const wq = j.pair.intNet.layers[k]!.weight;
  const fpBias = j.fp.state.bias[k]!;
  const deltaBias = j.deltaBias[k]!;
  let c = addDown(constant, dotIntervalDownFast(at, 0, fpBias.lower, fpBias.upper, 0, m));
  c = addDown(c, dotIntervalDownFast(ad, 0, deltaBias.lower, deltaBias.upper, 0, m));
  const ba = new Float64Array(n);
  const bd = new Float64Array(n);
  const rowAbsFp = j.fp.ctx.rowAbs[k]!;
  const rowAbsD = j.rowAbsD[k]!;
  const rowAbsInt = j.rowAbsInt[k]!;
  let weightedA = 0;
  let weightedD = 0;
  let termsA = 0;
  let termsD = 0;
  for (let r = 0; r < m; r++) {
    const t = at[r]!;
    const e = ad[r]!;
    const row = r * n;
    if (t !== 0) {
      termsA++;
      weightedA += Math.abs(t) * rowAbsFp[r]!;
      for (let i = 0; i < n; i++) ba[i] = ba[i]! + t * w[row + i]!;
    }
    if (e !== 0) {
      termsD++;
      weightedA += Math.abs(e) * rowAbsD[r]!;
      weightedD += Math.abs(e) * rowAbsInt[r]!;
      for (let i = 0; i < n; i++) {
        ba[i] = ba[i]! + e * d[row + i]!;
        bd[i] = bd[i]! + e * wq[row + i]!;
      }
    }
  }
  // The int8 layer's input noise (dynamic input quantisation) meets the coefficients on Δ: the
  // int8 pre-activation is Ŵ(a + Δ + δ) + β'. The slack below covers their rounding (deltaInMax
  // holds |Δ| + the noise).
  const noise = j.int.state.inputNoise?.[k] ?? null;
  if (noise !== null && termsD > 0) c = subDown(c, dotAbsUp(bd, 0, noise.magnitudes, 0, n));
  const fpSum = j.fp.ctx.inputMaxSum[k]!;
  c = subDown(c, productSlackUp(termsA + termsD, inflateNonNegativeSum(weightedA, 2 * m), fpSum));
  c = subDown(c, productSlackUp(termsD, inflateNonNegativeSum(weightedD, m), j.deltaInMaxSum[k]!));
  return { ba, bd, constant: c };
}

function exactFactor(factor: number): boolean {
  return factor === 0 || factor === 1 || factor === -1;
}

function throughJointActivation(
  j: JointAnalysis,
  k: number,
  ba: Float64Array,
  bd: Float64Array,
  constant: number,
): { at: Float64Array; ad: Float64Array; constant: number } {
  const fr = j.fp.ctx.relax[k]!;
  const dr = j.relax[k]!;
  const tMax = j.fp.ctx.preMax[k]!;
  const dMax = j.deltaMax[k]!;
  const n = ba.length;
  const at = new Float64Array(n);
  const ad = new Float64Array(n);
  const fpIntercepts = new Float64Array(n);
  const deltaIntercepts = new Float64Array(n);
  // Σ |rounded result| · magnitude of its variable, over the inexact roundings (roundingSlackUp).
  let absTimesMax = 0;
  let maxSum = 0;
  let inexact = 0;
  for (let i = 0; i < n; i++) {
    const a = ba[i]!;
    const e = bd[i]!;
    if (a === 0 && e === 0) continue;
    const lambda = a >= 0 ? fr.lowerSlope[i]! : fr.upperSlope[i]!;
    fpIntercepts[i] = a >= 0 ? fr.lowerIntercept[i]! : fr.upperIntercept[i]!;
    const p = e >= 0 ? dr.lowerDelta[i]! : dr.upperDelta[i]!;
    const q = e >= 0 ? dr.lowerPre[i]! : dr.upperPre[i]!;
    deltaIntercepts[i] = e >= 0 ? dr.lowerIntercept[i]! : dr.upperIntercept[i]!;
    const x1 = a * lambda;
    const x2 = e * q;
    const sum = x1 + x2;
    at[i] = sum;
    const dp = e * p;
    ad[i] = dp;
    const tm = tMax[i]!;
    if (!exactFactor(lambda)) {
      absTimesMax += Math.abs(x1) * tm;
      maxSum += tm;
      inexact++;
    }
    if (!exactFactor(q)) {
      absTimesMax += Math.abs(x2) * tm;
      maxSum += tm;
      inexact++;
    }
    if (x1 !== 0 && x2 !== 0) {
      absTimesMax += Math.abs(sum) * tm;
      maxSum += tm;
      inexact++;
    }
    if (!exactFactor(p)) {
      absTimesMax += Math.abs(dp) * dMax[i]!;
      maxSum += dMax[i]!;
      inexact++;
    }
  }
  let c = addDown(constant, dotIntervalDownFast(ba, 0, fpIntercepts, fpIntercepts, 0, n));
  c = addDown(c, dotIntervalDownFast(bd, 0, deltaIntercepts, deltaIntercepts, 0, n));
  if (inexact > 0) c = subDown(c, roundingSlackUp(absTimesMax, maxSum, inexact));
  return { at, ad, constant: c };
}

/**
 * Back-substitutes the lower form `first · v + second · w` through both networks to the float32
 * input: at `level: 'pre'` of layer l, v = t (FP32 pre-activations) and w = δ; at `'post'`, v = a
 * and w = Δ.
 */
export function jointLowerForm(
  j: JointAnalysis,
  l: number,
  level: 'pre' | 'post',
  first: Float64Array,
  second: Float64Array,
): LinearForm {
  let at = first;
  let ad = second;
  let constant = 0;
  if (level === 'post') ({ at, ad, constant } = throughJointActivation(j, l, at, ad, constant));
  let ba = at;
  let bd = ad;
  for (let k = l; k >= 0; k--) {
    ({ ba, bd, constant } = throughJointAffine(j, k, at, ad, constant));
    if (k > 0) ({ at, ad, constant } = throughJointActivation(j, k - 1, ba, bd, constant));
  }
  const n = ba.length;
  const coefficients = new Float64Array(n);
  const input = j.input;
  let absTimesMax = 0;
  let maxSum = 0;
  let inexact = 0;
  for (let i = 0; i < n; i++) {
    const e = bd[i]!;
    if (!input.quantized || e === 0) {
      coefficients[i] = ba[i]!;
      continue;
    }
    // e·Δ₀ ≥ e·(α x + β) with the lower line when e ≥ 0, the upper one otherwise.
    const alpha = e >= 0 ? input.lowerSlope[i]! : input.upperSlope[i]!;
    const beta = e >= 0 ? input.lowerIntercept[i]! : input.upperIntercept[i]!;
    const product = e * alpha;
    const coef = ba[i]! + product;
    coefficients[i] = coef;
    const err = twoSumError(ba[i]!, product, coef);
    if (err !== 0)
      constant = addDown(constant, scaleIntervalDown(err, j.x.lower[i]!, j.x.upper[i]!));
    if (!exactFactor(alpha)) {
      const xm = magnitude(j.x.lower[i]!, j.x.upper[i]!);
      absTimesMax += Math.abs(product) * xm;
      maxSum += xm;
      inexact++;
    }
    if (beta !== 0) constant = addDown(constant, mulDown(e, beta));
  }
  if (inexact > 0) constant = subDown(constant, roundingSlackUp(absTimesMax, maxSum, inexact));
  const lower = addDown(constant, dotIntervalDown(coefficients, 0, j.x.lower, j.x.upper, 0, n));
  return { coefficients, constant, lower };
}

function sumUp(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return inflateNonNegativeSum(s, values.length);
}

/**
 * Propagates both refined networks jointly over the box: δ bounds (back-substituted for every
 * neuron where either network is unstable, intersected with int8 − FP32 interval bounds), the
 * difference relaxations and the Δ bounds of every layer.
 */
export function analyseDifference(
  pair: PreparedPair,
  box: Box,
  fp: RefinedNetwork,
  int: RefinedNetwork & { readonly state: Int8BoxState },
): JointAnalysis {
  const x = float32Range(box);
  const input = inputDifference(pair, x, int.state);
  const j: JointAnalysis = {
    pair,
    fp,
    int,
    x,
    input,
    deltaBias: [],
    delta: [],
    deltaMax: [],
    relax: [],
    deltaPost: [],
    rowAbsD: [],
    rowAbsInt: [],
    deltaInMaxSum: [],
  };
  let deltaInMax = magnitudes(input.bounds);
  pair.fpNet.layers.forEach((layer, l) => {
    const { inFeatures: n, outFeatures: m } = layer;
    const intLayer = pair.intNet.layers[l]!;
    const fpIn = fp.ctx.inputMax[l]!;
    const d = pair.weightDifference[l]!;
    const dErr = pair.weightDifferenceError[l]!;
    const fpBias = fp.state.bias[l]!;
    // β' without the input noise, which the back-substitution weighs per input element.
    const noise = int.state.inputNoise?.[l] ?? null;
    const intBias = noise === null ? int.state.bias[l]! : noise.bias;
    const deltaIn =
      noise === null
        ? deltaInMax
        : Float64Array.from(deltaInMax, (v, i) => addUp(v, noise.magnitudes[i]!));
    const rowAbsD = new Float64Array(m);
    const rowAbsInt = new Float64Array(m);
    const lower = new Float64Array(m);
    const upper = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      rowAbsD[r] = dotAbsUp(d, r * n, fpIn, 0, n);
      rowAbsInt[r] = dotAbsUp(intLayer.weight, r * n, deltaIn, 0, n);
      const dNoise = dotAbsUp(dErr, r * n, fpIn, 0, n);
      lower[r] = subDown(subDown(intBias.lower[r]!, fpBias.upper[r]!), dNoise);
      upper[r] = addUp(subUp(intBias.upper[r]!, fpBias.lower[r]!), dNoise);
    }
    j.rowAbsD.push(rowAbsD);
    j.rowAbsInt.push(rowAbsInt);
    j.deltaInMaxSum.push(sumUp(deltaIn));
    j.deltaBias.push({ lower, upper });
    const pre = fp.state.pre[l]!;
    const intPre = int.state.pre[l]!;
    const delta = {
      lower: Float64Array.from(intPre.lower, (v, r) => subDown(v, pre.upper[r]!)),
      upper: Float64Array.from(intPre.upper, (v, r) => subUp(v, pre.lower[r]!)),
    };
    j.delta.push(delta);
    const zero = new Float64Array(m);
    const row = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      const stable =
        isStable(pre, layer.activationLower, layer.activationUpper, r) &&
        isStable(intPre, intLayer.activationLower, intLayer.activationUpper, r);
      if (stable) continue;
      row[r] = 1;
      const lo = jointLowerForm(j, l, 'pre', zero, row).lower;
      row[r] = -1;
      const hi = -jointLowerForm(j, l, 'pre', zero, row).lower;
      row[r] = 0;
      if (lo > delta.lower[r]!) delta.lower[r] = lo;
      if (hi < delta.upper[r]!) delta.upper[r] = hi;
    }
    j.deltaMax.push(magnitudes(delta));
    const relax = relaxDifference({
      pre,
      intPre,
      delta,
      fpLower: layer.activationLower,
      fpUpper: layer.activationUpper,
      intLower: intLayer.activationLower,
      intUpper: intLayer.activationUpper,
      intNoise: int.state.bias[l]!,
    });
    j.relax.push(relax);
    j.deltaPost.push(relax.post);
    deltaInMax = magnitudes(relax.post);
  });
  return j;
}

/**
 * The lower form of `spec · int8 logits` from the joint analysis: int8 logits = FP32 logits + Δ
 * of the last layer + the float32 rounding of dequantised logits.
 */
export function jointInt8SpecLowerForm(j: JointAnalysis, spec: Float64Array): LinearForm {
  const last = j.pair.fpNet.layers.length - 1;
  const form = jointLowerForm(j, last, 'post', spec, spec);
  const noise = dotAbsUp(spec, 0, j.int.state.outputNoise, 0, spec.length);
  return { ...form, constant: subDown(form.constant, noise), lower: subDown(form.lower, noise) };
}

/** The lower form of `spec · (int8 logits − FP32 logits)` from the joint analysis. */
export function jointDifferenceSpecLowerForm(j: JointAnalysis, spec: Float64Array): LinearForm {
  const last = j.pair.fpNet.layers.length - 1;
  const form = jointLowerForm(j, last, 'post', new Float64Array(spec.length), spec);
  const noise = dotAbsUp(spec, 0, j.int.state.outputNoise, 0, spec.length);
  return { ...form, constant: subDown(form.constant, noise), lower: subDown(form.lower, noise) };
}
