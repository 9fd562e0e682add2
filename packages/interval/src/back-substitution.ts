// CROWN / DeepPoly-style back-substitution through one real-units network (real-network.ts).
//
// A lower form `Σ_k A_k v_k + c` bounds a quantity from below for every point of the box, where v
// are the variables of one layer (its pre-activations t or activations a). Substituting a layer
// keeps the form a lower bound:
//   - through an activation, A_k a_k ≥ A_k (λ t_k + μ) with the lower relaxation when A_k ≥ 0 and
//     the upper one when A_k < 0;
//   - through an affine layer, A·t = (AᵀW)·a + A·β with β in the layer's bias interval; a layer
//     with input noise (t = W(a + δ) + β, |δ_i| ≤ e_i: real-network.ts's `InputNoise`) adds
//     (AᵀW)·δ ≥ −Σ_i |(AᵀW)_i|·e_i, with β in the interval that leaves δ out.
// Coefficients are computed in round-to-nearest: the form keeps whatever doubles come out and the
// constant absorbs the difference to the exact coefficients, |error| · max|variable| (bounded by
// outward.ts), so every form is a sound lower bound in exact real arithmetic. Upper bounds are
// lower bounds of the negated quantity.

import type { Bounds } from './box.js';
import {
  addDown,
  addUp,
  dotAbsUp,
  dotIntervalDown,
  dotIntervalDownFast,
  inflateNonNegativeSum,
  productSlackUp,
  roundingSlackUp,
  subDown,
} from './outward.js';
import type { BoxState, RealNetwork } from './real-network.js';
import { magnitudes } from './real-network.js';
import type { Relaxation } from './relaxation.js';

/** A linear lower bound `Σ_i coefficients_i x_i + constant` over the network's input variable. */
export interface LinearForm {
  readonly coefficients: Float64Array;
  readonly constant: number;
  /** The form's minimum over the input domain (rounded down): the concrete lower bound. */
  readonly lower: number;
}

/** Everything back-substitution through one network on one box needs. */
export interface BackSubstitution {
  readonly net: RealNetwork;
  readonly state: BoxState;
  /** Relaxations of the layers finalised so far (index = layer). */
  readonly relax: Relaxation[];
  /** Magnitude bounds of each layer's input (the domain for layer 0). */
  readonly inputMax: Float64Array[];
  /** Σ of `inputMax[l]`, rounded up. */
  readonly inputMaxSum: number[];
  /** Per layer, per output: Σ_i |W_ji| · inputMax_i, rounded up. */
  readonly rowAbs: Float64Array[];
  /** Magnitude bounds of each finalised layer's pre-activations. */
  readonly preMax: Float64Array[];
  /** Three buffers as wide as the widest layer, reused by every back-substitution. */
  readonly scratch: readonly Float64Array[];
}

/** A fresh back-substitution context; call `finaliseLayer` for each layer in order. */
export function createBackSubstitution(net: RealNetwork, state: BoxState): BackSubstitution {
  let width = net.layers[0]?.inFeatures ?? 0;
  for (const layer of net.layers) width = Math.max(width, layer.outFeatures);
  const scratch = [0, 1, 2].map(() => new Float64Array(width));
  return { net, state, relax: [], inputMax: [], inputMaxSum: [], rowAbs: [], preMax: [], scratch };
}

function sumUp(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return inflateNonNegativeSum(s, values.length);
}

/**
 * Records layer `l`'s input magnitudes (from the final bounds of layer l − 1) so that rows of
 * layer l can be back-substituted. Call before bounding layer l's neurons.
 */
export function prepareLayerInput(ctx: BackSubstitution, l: number): void {
  const input = l === 0 ? ctx.state.domain : ctx.state.post[l - 1]!;
  const layer = ctx.net.layers[l]!;
  const vmax = magnitudes(input);
  // With input noise the layer's variable is a + δ: its magnitudes bound the coefficients' slack.
  const noise = ctx.state.inputNoise?.[l]?.magnitudes;
  if (noise !== undefined)
    for (let i = 0; i < vmax.length; i++) vmax[i] = addUp(vmax[i]!, noise[i]!);
  const rowAbs = new Float64Array(layer.outFeatures);
  for (let j = 0; j < layer.outFeatures; j++) {
    rowAbs[j] = dotAbsUp(layer.weight, j * layer.inFeatures, vmax, 0, layer.inFeatures);
  }
  ctx.inputMax[l] = vmax;
  ctx.inputMaxSum[l] = sumUp(vmax);
  ctx.rowAbs[l] = rowAbs;
}

/** Records layer `l`'s relaxation once its pre-activation bounds are final. */
export function finaliseLayer(ctx: BackSubstitution, l: number, relax: Relaxation): void {
  ctx.relax[l] = relax;
  ctx.preMax[l] = magnitudes(ctx.state.pre[l]!);
}

/** A lower form over layer l's pre-activations, pushed through layer l's affine map. */
function throughAffine(
  ctx: BackSubstitution,
  l: number,
  a: Float64Array,
  constant: number,
  next: Float64Array,
): number {
  const layer = ctx.net.layers[l]!;
  const { inFeatures: n, outFeatures: m, weight } = layer;
  const noise = ctx.state.inputNoise?.[l] ?? null;
  const bias: Bounds = noise === null ? ctx.state.bias[l]! : noise.bias;
  let c = addDown(constant, dotIntervalDownFast(a, 0, bias.lower, bias.upper, 0, m));
  next.fill(0);
  let weighted = 0;
  let terms = 0;
  const rowAbs = ctx.rowAbs[l]!;
  for (let j = 0; j < m; j++) {
    const aj = a[j]!;
    if (aj === 0) continue;
    terms++;
    weighted += Math.abs(aj) * rowAbs[j]!;
    const row = j * n;
    for (let i = 0; i < n; i++) next[i] = next[i]! + aj * weight[row + i]!;
  }
  // The computed coefficients' own error against (AᵀW) is in the slack below (the magnitudes of
  // a + δ), so the noise is weighed with the computed ones.
  if (noise !== null && terms > 0) c = subDown(c, dotAbsUp(next, 0, noise.magnitudes, 0, n));
  return subDown(
    c,
    productSlackUp(terms, inflateNonNegativeSum(weighted, terms), ctx.inputMaxSum[l]!),
  );
}

/** A lower form over layer l's activations, pushed through its relaxation to its pre-activations. */
function throughActivation(
  ctx: BackSubstitution,
  l: number,
  a: Float64Array,
  constant: number,
  next: Float64Array,
): number {
  const r = ctx.relax[l]!;
  const preMax = ctx.preMax[l]!;
  next.fill(0);
  const intercepts = ctx.scratch[2]!.subarray(0, a.length).fill(0);
  let absTimesMax = 0;
  let maxSum = 0;
  let inexact = 0;
  for (let k = 0; k < a.length; k++) {
    const ak = a[k]!;
    if (ak === 0) continue;
    const lower = ak >= 0;
    const slope = lower ? r.lowerSlope[k]! : r.upperSlope[k]!;
    intercepts[k] = lower ? r.lowerIntercept[k]! : r.upperIntercept[k]!;
    const product = ak * slope;
    next[k] = product;
    if (slope !== 0 && slope !== 1) {
      absTimesMax += Math.abs(product) * preMax[k]!;
      maxSum += preMax[k]!;
      inexact++;
    }
  }
  // Σ a_k·intercept_k with a_k ≥ 0 on lower intercepts: a plain dot product bounded below.
  let c = addDown(constant, dotIntervalDownFast(a, 0, intercepts, intercepts, 0, a.length));
  if (inexact > 0) c = subDown(c, roundingSlackUp(absTimesMax, maxSum, inexact));
  return c;
}

/**
 * Back-substitutes the lower form `row · v` — v being layer `l`'s pre-activations (`level: 'pre'`)
 * or activations (`'post'`) — down to the input domain, and concretises it.
 */
export function lowerForm(
  ctx: BackSubstitution,
  l: number,
  level: 'pre' | 'post',
  row: Float64Array,
): LinearForm {
  let a = row;
  let constant = 0;
  let which = 0;
  // Alternates between two scratch buffers: the input of a step is never its output.
  const take = (length: number): Float64Array => {
    const buffer = ctx.scratch[which]!.subarray(0, length);
    which ^= 1;
    return buffer;
  };
  const layers = ctx.net.layers;
  if (level === 'post') {
    const next = take(a.length);
    constant = throughActivation(ctx, l, a, constant, next);
    a = next;
  }
  for (let k = l; k >= 0; k--) {
    const next = take(layers[k]!.inFeatures);
    constant = throughAffine(ctx, k, a, constant, next);
    a = next;
    if (k > 0) {
      const activation = take(a.length);
      constant = throughActivation(ctx, k - 1, a, constant, activation);
      a = activation;
    }
  }
  const domain = ctx.state.domain;
  const lower = addDown(constant, dotIntervalDown(a, 0, domain.lower, domain.upper, 0, a.length));
  return { coefficients: Float64Array.from(a), constant, lower };
}

/** The lower form of `spec · output` (output = the last activation plus its output noise). */
export function outputLowerForm(ctx: BackSubstitution, spec: Float64Array): LinearForm {
  const last = ctx.net.layers.length - 1;
  const form = lowerForm(ctx, last, 'post', spec);
  const noise = dotAbsUp(spec, 0, ctx.state.outputNoise, 0, spec.length);
  if (noise === 0) return form;
  return {
    coefficients: form.coefficients,
    constant: subDown(form.constant, noise),
    lower: subDown(form.lower, noise),
  };
}
