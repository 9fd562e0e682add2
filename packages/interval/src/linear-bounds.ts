// Linear bounds (CROWN / DeepPoly style) of one network: every unstable neuron's pre-activation
// bounds are tightened by back-substituting it to the input (layer by layer, so each layer's
// relaxation uses the tightest bounds available), then the logits are bounded by linear functions
// of the input variable. Every linear bound is intersected with the interval bound of the same
// quantity, so linear bounds are never looser than IBP.

import type { Mlp } from '@quantproof/nn';
import { createInt8Executor, qmlpInputSize, type QMlp, hasInputCells } from '@quantproof/quant';
import { mlpInputSize, validateMlp } from '@quantproof/nn';
import { checkBoxDimension, type Box, type Bounds } from './box.js';
import {
  createBackSubstitution,
  finaliseLayer,
  lowerForm,
  outputLowerForm,
  prepareLayerInput,
  type BackSubstitution,
  type LinearForm,
} from './back-substitution.js';
import { fp32BoxState, fp32Network } from './fp32-network.js';
import { int8BoxState, type Int8BoxState } from './int8-bounds.js';
import { int8Network } from './int8-network.js';
import {
  clampBounds,
  copyBounds,
  type BoxState,
  type InputNoise,
  type RealNetwork,
} from './real-network.js';
import { isStable, relaxClamp } from './relaxation.js';

/** Linear bounds of a network's logits over its input variable, and their concrete values. */
export interface LinearBounds {
  /**
   * The variable the linear functions take: `'input'` (the box's inputs, for the FP32 network and
   * dynamic int8 models) or `'dequantized-input'` (s·(q − zp) of the quantised input, for static
   * int8 models).
   */
  readonly inputVariable: 'input' | 'dequantized-input';
  /** The range of that variable over the box. */
  readonly domain: Bounds;
  /** Row-major [outputs][inputs]: `Σ_i lowerA[j·n + i]·v_i + lowerBias[j] ≤ logit_j`. */
  readonly lowerA: Float64Array;
  readonly lowerBias: Float64Array;
  /** Row-major [outputs][inputs]: `logit_j ≤ Σ_i upperA[j·n + i]·v_i + upperBias[j]`. */
  readonly upperA: Float64Array;
  readonly upperBias: Float64Array;
  /** Concrete logit bounds: the linear bounds' extremes over the domain, intersected with IBP. */
  readonly logits: Bounds;
  /** Per layer: pre-activation bounds after refinement (in the network's real units). */
  readonly preActivations: readonly Bounds[];
}

/** A network's refined bounds on one box, ready for output specifications. */
export interface RefinedNetwork {
  readonly net: RealNetwork;
  readonly state: BoxState;
  readonly ctx: BackSubstitution;
}

function cloneState<S extends BoxState>(state: S): S {
  return {
    ...state,
    bias: [...state.bias],
    pre: state.pre.map(copyBounds),
    post: state.post.map(copyBounds),
    ...(state.inputNoise === undefined ? {} : { inputNoise: [...state.inputNoise] }),
  };
}

/**
 * Refines the interval bounds of `state` (copied, not modified) by back-substitution: every
 * neuron whose interval bounds straddle a kink of its activation gets linear bounds, intersected
 * with its interval bounds.
 */
export function refineNetwork<S extends BoxState>(
  net: RealNetwork,
  state: S,
): RefinedNetwork & { state: S } {
  const refined = cloneState(state);
  const ctx = createBackSubstitution(net, refined);
  const bias = refined.bias as Bounds[];
  const inputNoise = refined.inputNoise as (InputNoise | null)[] | undefined;
  net.layers.forEach((layer, l) => {
    // The layer's noise from the refined bounds of its input, where it depends on them (sound:
    // those bounds hold on the box; the interval bounds of layer l used the wider noise).
    const noise = l > 0 ? (refined.renoise?.(l, refined.post[l - 1]!) ?? null) : null;
    if (noise !== null) {
      bias[l] = noise.bias;
      if (inputNoise !== undefined) inputNoise[l] = noise.inputNoise;
    }
    prepareLayerInput(ctx, l);
    const pre = refined.pre[l]!;
    if (noise?.pre !== undefined) {
      for (let j = 0; j < layer.outFeatures; j++) {
        if (noise.pre.lower[j]! > pre.lower[j]!) pre.lower[j] = noise.pre.lower[j]!;
        if (noise.pre.upper[j]! < pre.upper[j]!) pre.upper[j] = noise.pre.upper[j]!;
      }
    }
    const lo = layer.activationLower;
    const hi = layer.activationUpper;
    if (l > 0) {
      const row = new Float64Array(layer.outFeatures);
      for (let j = 0; j < layer.outFeatures; j++) {
        if (isStable(pre, lo, hi, j)) continue;
        row[j] = 1;
        const lower = lowerForm(ctx, l, 'pre', row).lower;
        row[j] = -1;
        const upper = -lowerForm(ctx, l, 'pre', row).lower;
        row[j] = 0;
        if (lower > pre.lower[j]!) pre.lower[j] = lower;
        if (upper < pre.upper[j]!) pre.upper[j] = upper;
      }
      refined.post[l] = clampBounds(pre, layer);
    }
    finaliseLayer(ctx, l, relaxClamp(pre, lo, hi, refined.bias[l]));
  });
  return { net, state: refined, ctx };
}

/** The lower form of `spec · logits` (spec over the outputs) on a refined network. */
export function specLowerForm(refined: RefinedNetwork, spec: Float64Array): LinearForm {
  return outputLowerForm(refined.ctx, spec);
}

/** Linear bounds of every logit of a refined network, intersected with its interval bounds. */
export function logitLinearBounds(
  refined: RefinedNetwork,
  inputVariable: LinearBounds['inputVariable'],
): LinearBounds {
  const outputs = refined.state.logits.lower.length;
  const n = refined.state.domain.lower.length;
  const lowerA = new Float64Array(outputs * n);
  const upperA = new Float64Array(outputs * n);
  const lowerBias = new Float64Array(outputs);
  const upperBias = new Float64Array(outputs);
  const logits = copyBounds(refined.state.logits);
  const spec = new Float64Array(outputs);
  for (let j = 0; j < outputs; j++) {
    spec[j] = 1;
    const low = specLowerForm(refined, spec);
    spec[j] = -1;
    const up = specLowerForm(refined, spec);
    spec[j] = 0;
    lowerA.set(low.coefficients, j * n);
    lowerBias[j] = low.constant;
    for (let i = 0; i < n; i++) upperA[j * n + i] = -up.coefficients[i]!;
    upperBias[j] = -up.constant;
    if (low.lower > logits.lower[j]!) logits.lower[j] = low.lower;
    if (-up.lower < logits.upper[j]!) logits.upper[j] = -up.lower;
  }
  return {
    inputVariable,
    domain: refined.state.domain,
    lowerA,
    lowerBias,
    upperA,
    upperBias,
    logits,
    preActivations: refined.state.pre,
  };
}

/** The FP32 network refined on a box (internal: validated by the caller). */
export function refineFp32(mlp: Mlp, box: Box): RefinedNetwork {
  const net = fp32Network(mlp);
  return refineNetwork(net, fp32BoxState(net, box));
}

/** The int8 model refined on a box (internal: validated by the caller). */
export function refineInt8(model: QMlp, box: Box): RefinedNetwork & { state: Int8BoxState } {
  const net = int8Network(model);
  return refineNetwork(net, int8BoxState(net, box));
}

/**
 * Linear bounds of the FP32 network's logits over `box`, valid for both semantics (real arithmetic
 * on real inputs, forwardFp32 on float32 inputs) with the box's inputs as variable.
 */
export function linearBoundsFp32(mlp: Mlp, box: Box): LinearBounds {
  validateMlp(mlp);
  checkBoxDimension(box, mlpInputSize(mlp), 'linearBoundsFp32');
  return logitLinearBounds(refineFp32(mlp, box), 'input');
}

/** Lower bounds of `spec · logits` over one box: each spec folded into one back-substitution. */
export type SpecLowerBound = (spec: Float64Array) => {
  /** The lower bound over the box (rounded down). */
  readonly lower: number;
  /** The bound's linear form over the box's inputs: |coefficient_i| × width_i is input i's share. */
  readonly coefficients: Float64Array;
};

/**
 * Lower bounds of linear functions `spec · logits` of the FP32 network over `box`, valid for both
 * semantics (real arithmetic on real inputs, forwardFp32 on float32 inputs): the network is
 * refined once, and each spec is folded into the back-substitution from the output — tighter than
 * combining per-logit bounds (a difference of two logits shares their hidden terms).
 */
export function fp32SpecLowerBound(mlp: Mlp, box: Box): SpecLowerBound {
  validateMlp(mlp);
  checkBoxDimension(box, mlpInputSize(mlp), 'fp32SpecLowerBound');
  const refined = refineFp32(mlp, box);
  return (spec) => {
    const form = specLowerForm(refined, spec);
    return { lower: form.lower, coefficients: form.coefficients };
  };
}

/**
 * Linear bounds of the int8 model's logits (as `forwardInt8` computes them on float32 inputs fl(x),
 * x in the box) over the dequantised quantised input (static) or the input (dynamic).
 */
export function linearBoundsInt8(model: QMlp, box: Box): LinearBounds {
  createInt8Executor(model);
  checkBoxDimension(box, qmlpInputSize(model), 'linearBoundsInt8');
  return logitLinearBounds(
    refineInt8(model, box),
    hasInputCells(model) ? 'dequantized-input' : 'input',
  );
}
