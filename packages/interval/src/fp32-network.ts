// The FP32 network as a real-units network, and its interval bounds. The bounds cover both
// semantics of the FP32 policy on the box: exact real arithmetic over the float32 weights at every
// real input of the box, and `forwardFp32`'s float32 arithmetic at every float32 input fl(x).
//
// forwardFp32 computes, per output, `acc = fl(acc + fl(w_i x_i))` over i, then `fl(acc + b)`: every
// product term passes through at most n + 1 float32 roundings (its product, then at most n additions
// including the bias), the bias through one, and each of the n products may underflow by at most
// 2^-150. So |y32 − (W x + b)| ≤ γ_{n+1} (Σ|w_i||x_i| + |b|) + n·2^-149 (Higham §3.1), as long as
// nothing overflows — guarded below: a layer whose Σ|terms| could reach 2^126 gets infinite bounds.
// The float32 inputs of layer l + 1 are ReLU outputs of layer l, which lie in layer l's bounds,
// so the induction goes through. ReLU (`y < 0 ? 0 : y`) is the same function in both semantics.

import { mlpInputSize, validateMlp, type Mlp } from '@quantproof/nn';
import { checkBoxDimension, fp32InputRange, type Box, type Bounds } from './box.js';
import {
  addDown,
  addUp,
  dotAbsUp,
  dotIntervalDown,
  dotIntervalUp,
  float32ErrorUp,
  inflateNonNegativeSum,
  productSlackUp,
  subDown,
} from './outward.js';
import {
  clampBounds,
  magnitudes,
  type BoxState,
  type RealLayer,
  type RealNetwork,
} from './real-network.js';

/** Interval bounds of the FP32 network on a box, layer by layer. */
export interface Fp32IntervalBounds {
  /** Per layer: bounds of the pre-activation `W a + b` (real, and float32 as forwardFp32 rounds it). */
  readonly preActivations: readonly Bounds[];
  /** Per layer: bounds of the layer's output after its activation. */
  readonly activations: readonly Bounds[];
  /** Bounds of the logits (the last layer's output). */
  readonly logits: Bounds;
}

// Beyond this a float32 partial sum could overflow; the error model no longer applies.
const OVERFLOW_GUARD = 2 ** 126;

/** The FP32 network in real units: its float32 weights and biases, ReLU as clamp(0, +∞). */
export function fp32Network(mlp: Mlp): RealNetwork {
  validateMlp(mlp);
  const layers = mlp.layers.map((layer): RealLayer => ({
    inFeatures: layer.inFeatures,
    outFeatures: layer.outFeatures,
    weight: Float64Array.from(layer.weight),
    bias: Float64Array.from(layer.bias),
    activationLower: new Float64Array(layer.outFeatures).fill(
      layer.activation === 'relu' ? 0 : -Infinity,
    ),
    activationUpper: new Float64Array(layer.outFeatures).fill(Infinity),
  }));
  return { layers };
}

/**
 * Interval propagation through one real-units layer with a per-box bias interval: `t ∈ W a + β`
 * with every product and sum rounded outward (so the result is monotone in the input bounds).
 */
export function affineIntervalBounds(layer: RealLayer, input: Bounds, bias: Bounds): Bounds {
  const { inFeatures: n, outFeatures: m, weight } = layer;
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    lower[j] = addDown(
      dotIntervalDown(weight, j * n, input.lower, input.upper, 0, n),
      bias.lower[j]!,
    );
    upper[j] = addUp(dotIntervalUp(weight, j * n, input.lower, input.upper, 0, n), bias.upper[j]!);
  }
  return { lower, upper };
}

/** The FP32 network's per-box state: input range, float32 rounding noise and interval bounds. */
export function fp32BoxState(net: RealNetwork, box: Box): BoxState {
  const domain = fp32InputRange(box);
  const bias: Bounds[] = [];
  const pre: Bounds[] = [];
  const post: Bounds[] = [];
  let input = domain;
  for (const layer of net.layers) {
    const n = layer.inFeatures;
    const m = layer.outFeatures;
    const amax = magnitudes(input);
    const lower = new Float64Array(m);
    const upper = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const b = layer.bias[j]!;
      const sumAbs = addUp(dotAbsUp(layer.weight, j * n, amax, 0, n), Math.abs(b));
      if (!(sumAbs < OVERFLOW_GUARD)) {
        lower[j] = -Infinity;
        upper[j] = Infinity;
        continue;
      }
      const noise = float32ErrorUp(n + 1, sumAbs, n);
      lower[j] = subDown(b, noise);
      upper[j] = addUp(b, noise);
    }
    const layerBias = { lower, upper };
    const t = affineIntervalBounds(layer, input, layerBias);
    bias.push(layerBias);
    pre.push(t);
    input = clampBounds(t, layer);
    post.push(input);
  }
  const last = post[post.length - 1]!;
  return {
    domain,
    bias,
    pre,
    post,
    outputNoise: new Float64Array(last.lower.length),
    logits: last,
  };
}

/**
 * Interval bound propagation (IBP) of the FP32 network over `box`: bounds that contain the exact
 * real output at every real input of the box and forwardFp32's float32 output at every float32
 * input fl(x) of it. Throws `BoxDimensionError` for a box of the wrong dimension.
 */
export function ibpFp32(mlp: Mlp, box: Box): Fp32IntervalBounds {
  validateMlp(mlp);
  checkBoxDimension(box, mlpInputSize(mlp), 'ibpFp32');
  const state = fp32BoxState(fp32Network(mlp), box);
  return { preActivations: state.pre, activations: state.post, logits: state.logits };
}

/**
 * A sound upper bound of `Σ_j c_j · y_j` over `box`, y the FP32 network's logits in exact real
 * arithmetic (at every real input of the box and every float32 input fl(x) of it), given `bounds` =
 * `ibpFp32(mlp, box)`: the output layer is folded into c and bounded over the last hidden layer's
 * activation bounds (the box's input range for a one-layer network) — tighter than combining the
 * logits' own intervals. +∞ when those bounds are unbounded.
 */
export function fp32LinearUpperBound(
  mlp: Mlp,
  box: Box,
  bounds: Fp32IntervalBounds,
  c: ArrayLike<number>,
): number {
  const last = mlp.layers[mlp.layers.length - 1]!;
  const { inFeatures: k, outFeatures: n, weight, bias } = last;
  const layers = bounds.activations.length;
  const input = layers >= 2 ? bounds.activations[layers - 2]! : fp32InputRange(box);
  const m = magnitudes(input);
  let mSum = 0;
  for (let i = 0; i < k; i++) {
    if (!Number.isFinite(m[i]!)) return Infinity;
    mSum += m[i]!;
  }
  // Σ_j c_j (W_j · h + b_j) = Σ_i C_i h_i + Σ_j c_j b_j with C = cᵀW folded in round-to-nearest:
  // the folding error Σ_i |Ĉ_i − C_i| · |h_i| is at most productSlackUp's bound.
  const folded = new Float64Array(k);
  const rowAbs = new Float64Array(n);
  let terms = 0;
  for (let j = 0; j < n; j++) {
    const cj = c[j]!;
    if (cj === 0) continue;
    terms++;
    rowAbs[j] = dotAbsUp(weight, j * k, m, 0, k);
    for (let i = 0; i < k; i++) folded[i] = folded[i]! + cj * weight[j * k + i]!;
  }
  const weighted = dotAbsUp(c, 0, rowAbs, 0, n);
  const slack = productSlackUp(terms, weighted, inflateNonNegativeSum(mSum, k));
  const biasTerm = dotIntervalUp(c, 0, bias, bias, 0, n);
  return addUp(addUp(dotIntervalUp(folded, 0, input.lower, input.upper, 0, k), biasTerm), slack);
}
