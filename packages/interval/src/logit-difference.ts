// The public difference bounds: int8 logits − FP32 logits on a box, from the joint propagation,
// next to the naive bounds obtained by subtracting the two networks' separately computed bounds.

import type { Mlp } from '@quantproof/nn';
import { checkBoxDimension, type Box, type Bounds } from './box.js';
import { analyseDifference, jointDifferenceSpecLowerForm } from './difference-bounds.js';
import { fp32BoxState } from './fp32-network.js';
import { int8BoxState } from './int8-bounds.js';
import { logitLinearBounds, refineNetwork, type LinearBounds } from './linear-bounds.js';
import { subDown, subUp } from './outward.js';
import { preparePair } from './pair.js';
import { intersectBounds } from './real-network.js';
import { hasInputCells, type QMlp } from '@quantproof/quant';

/** Bounds of the logit difference `forwardInt8(fl(x)) − fp32(fl(x))` over a box. */
export interface DifferenceBounds {
  /** The float32 inputs [fl(lower), fl(upper)]: the variable of the linear bounds. */
  readonly domain: Bounds;
  /** Row-major [outputs][inputs]: `Σ_i lowerA[j·n + i]·x_i + lowerBias[j] ≤ int8_j − fp32_j`. */
  readonly lowerA: Float64Array;
  readonly lowerBias: Float64Array;
  /** Row-major [outputs][inputs]: `int8_j − fp32_j ≤ Σ_i upperA[j·n + i]·x_i + upperBias[j]`. */
  readonly upperA: Float64Array;
  readonly upperBias: Float64Array;
  /** Joint difference bounds (intersected with `subtracted`, so never looser). */
  readonly difference: Bounds;
  /** The naive bounds: int8 bounds − FP32 bounds, each from linear bounds ∩ IBP. */
  readonly subtracted: Bounds;
  /** The FP32 network's linear bounds (both semantics). */
  readonly fp32: LinearBounds;
  /** The int8 model's linear bounds. */
  readonly int8: LinearBounds;
}

/**
 * Bounds of int8 logits − FP32 logits (FP32 in either semantics) at every float32 input fl(x), x
 * in `box`, propagated jointly through both networks (ReluDiff-style difference relaxations).
 */
export function differenceBounds(fp32: Mlp, int8: QMlp, box: Box): DifferenceBounds {
  const pair = preparePair(fp32, int8);
  checkBoxDimension(box, pair.inputSize, 'differenceBounds');
  const fp = refineNetwork(pair.fpNet, fp32BoxState(pair.fpNet, box));
  const int = refineNetwork(pair.intNet, int8BoxState(pair.intNet, box));
  const joint = analyseDifference(pair, box, fp, int);
  const fpLinear = logitLinearBounds(fp, 'input');
  const intLinear = logitLinearBounds(int, hasInputCells(int8) ? 'dequantized-input' : 'input');
  const k = pair.outputSize;
  const n = pair.inputSize;
  const subtracted = {
    lower: Float64Array.from(intLinear.logits.lower, (v, j) =>
      subDown(v, fpLinear.logits.upper[j]!),
    ),
    upper: Float64Array.from(intLinear.logits.upper, (v, j) => subUp(v, fpLinear.logits.lower[j]!)),
  };
  const lowerA = new Float64Array(k * n);
  const upperA = new Float64Array(k * n);
  const lowerBias = new Float64Array(k);
  const upperBias = new Float64Array(k);
  const lower = new Float64Array(k);
  const upper = new Float64Array(k);
  const spec = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    spec[j] = 1;
    const low = jointDifferenceSpecLowerForm(joint, spec);
    spec[j] = -1;
    const up = jointDifferenceSpecLowerForm(joint, spec);
    spec[j] = 0;
    lowerA.set(low.coefficients, j * n);
    lowerBias[j] = low.constant;
    for (let i = 0; i < n; i++) upperA[j * n + i] = -up.coefficients[i]!;
    upperBias[j] = -up.constant;
    lower[j] = low.lower;
    upper[j] = -up.lower;
  }
  return {
    domain: joint.x,
    lowerA,
    lowerBias,
    upperA,
    upperBias,
    difference: intersectBounds({ lower, upper }, subtracted),
    subtracted,
    fp32: fpLinear,
    int8: intLinear,
  };
}
