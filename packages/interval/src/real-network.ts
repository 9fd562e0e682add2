// The common form every network takes inside the bound computations: a chain of layers
//   t_l = W_l a_{l-1} + β_l,   β_l ∈ [biasLower_l, biasUpper_l],   a_l = clamp(t_l, lo_l, hi_l)
// in real units, whose output is y = a_L + ε with |ε| ≤ outputNoise. Every rounding the executor
// performs (float32 sums, requantisation, rounding to integers, dynamic input quantisation) is
// folded into the bias interval of its layer — a bounded additive noise — so that one
// back-substitution engine serves the FP32 network, the three int8 execution paths and their
// difference. The noise depends on the magnitudes inside the box, so a `BoxState` holds the noise of
// one box together with its interval bounds.

import type { Bounds } from './box.js';

/** One layer in real units: weights, nominal bias and a per-neuron clamp activation. */
export interface RealLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Row-major [out][in] real-units weights. */
  readonly weight: Float64Array;
  /** Nominal bias; the per-box bias interval adds the rounding noise around it. */
  readonly bias: Float64Array;
  /** `a = clamp(t, activationLower, activationUpper)`: ReLU is [0, +∞], identity [-∞, +∞]. */
  readonly activationLower: Float64Array;
  readonly activationUpper: Float64Array;
}

/** A network in real units. */
export interface RealNetwork {
  readonly layers: readonly RealLayer[];
}

/** The per-box quantities every bound computation of one network shares. */
export interface BoxState {
  /** Bounds of the network's input variable (see each network's builder for what it is). */
  readonly domain: Bounds;
  /** Per layer: the bias interval including all rounding noise, `t ∈ W a + [lower, upper]`. */
  readonly bias: Bounds[];
  /** Per layer: sound bounds of the pre-activation t (interval bounds, tightened by linear ones). */
  readonly pre: Bounds[];
  /** Per layer: sound bounds of the activation `clamp(t)`. */
  readonly post: Bounds[];
  /** `|output − a_L| ≤ outputNoise` (float32 rounding of dequantised logits; else zero). */
  readonly outputNoise: Float64Array;
  /** Sound bounds of the network's output (the logits) from interval propagation. */
  readonly logits: Bounds;
  /**
   * Per layer (absent or null: none): rounding noise on the layer's INPUT elements, kept apart so
   * that back-substitution can weigh it with the substituted coefficients (`InputNoise`).
   */
  readonly inputNoise?: readonly (InputNoise | null)[];
  /**
   * Layer l's noise again from tighter bounds of its input (the refined activations of layer
   * l − 1), or null where it does not depend on them. Noise that scales with the input's range
   * (dynamic quantisation) is computed from interval bounds first; refinement narrows it.
   */
  readonly renoise?: (l: number, input: Bounds) => LayerNoise | null;
}

/** A layer's bias interval and input noise (see `BoxState`). */
export interface LayerNoise {
  readonly bias: Bounds;
  readonly inputNoise: InputNoise | null;
  /** Bounds of the layer's pre-activation values the refined input gives directly, if any. */
  readonly pre?: Bounds;
}

/**
 * A layer that computes `t = W (a + δ) + β` with `|δ_i| ≤ magnitudes_i` for every input element i
 * and β ∈ `bias` (dynamic input quantisation: δ is DynamicQuantizeLinear's rounding error, 0 where
 * the input is exactly 0). `bias` is the layer's bias interval without δ's share; the layer's
 * `BoxState.bias` entry (used by interval propagation) is wider: it holds δ's worst case
 * Σ_i |W_ji|·magnitudes_i per output j. A coefficient vector c on t then meets δ as
 * c·W·δ ≥ −Σ_i |(cW)_i|·magnitudes_i, never more than Σ_j |c_j|·Σ_i |W_ji|·magnitudes_i — the noise
 * of one input element is shared by every output it feeds.
 */
export interface InputNoise {
  readonly bias: Bounds;
  readonly magnitudes: Float64Array;
}

/** `clamp(t, lo, hi)` with ±∞ bounds allowed (the exact activation of a real layer). */
export function clampValue(t: number, lo: number, hi: number): number {
  return t < lo ? lo : t > hi ? hi : t;
}

/** Post-activation bounds from pre-activation bounds (clamp is monotone, so this is exact). */
export function clampBounds(pre: Bounds, layer: RealLayer): Bounds {
  const n = layer.outFeatures;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const lo = layer.activationLower[j]!;
    const hi = layer.activationUpper[j]!;
    lower[j] = clampValue(pre.lower[j]!, lo, hi);
    upper[j] = clampValue(pre.upper[j]!, lo, hi);
  }
  return { lower, upper };
}

/** Element-wise max(|lower|, |upper|): bounds of a vector's magnitudes. */
export function magnitudes(bounds: Bounds): Float64Array {
  const out = new Float64Array(bounds.lower.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.max(Math.abs(bounds.lower[i]!), Math.abs(bounds.upper[i]!));
  }
  return out;
}

/** Whether every bound is a finite number. */
export function boundsFinite(bounds: Bounds): boolean {
  for (let i = 0; i < bounds.lower.length; i++) {
    if (!Number.isFinite(bounds.lower[i]!) || !Number.isFinite(bounds.upper[i]!)) return false;
  }
  return true;
}

/** The intersection of two sound bounds of the same quantity (still sound). */
export function intersectBounds(a: Bounds, b: Bounds): Bounds {
  const n = a.lower.length;
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lower[i] = Math.max(a.lower[i]!, b.lower[i]!);
    upper[i] = Math.min(a.upper[i]!, b.upper[i]!);
  }
  return { lower, upper };
}

/** Copies of a bounds pair (so that refinement never aliases the interval bounds). */
export function copyBounds(b: Bounds): Bounds {
  return { lower: new Float64Array(b.lower), upper: new Float64Array(b.upper) };
}

/** Identity activation bounds for `n` neurons. */
export function identityActivation(n: number): { lower: Float64Array; upper: Float64Array } {
  return {
    lower: new Float64Array(n).fill(-Infinity),
    upper: new Float64Array(n).fill(Infinity),
  };
}
