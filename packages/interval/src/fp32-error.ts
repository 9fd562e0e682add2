// The float32 error model of the FP32 network's *execution*: how far the float32 outputs that
// onnxruntime (or forwardFp32) computes at a float32 input can lie from the exact real outputs over
// the same float32 weights at that input. Every tie tolerance comes from here, computed for the box
// (or the single point) it is applied to, never inherited from a larger box.
//
// Layer by layer, with a the float32 activations and ā the exact ones at the same input:
//   |fl(W a + b) − (W ā + b)| ≤ |fl(W a + b) − (W a + b)| + |W| |a − ā|
// The first term is the per-layer float32 noise of `fp32BoxState` (γ_{n+1} Σ|terms| + n·2⁻¹⁴⁹, valid
// for ANY summation order, with or without fused multiply-add, so for MLAS's kernels as well as
// forwardFp32); ReLU is 1-Lipschitz. Where a partial sum could overflow float32 (the noise is
// infinite there) the error is +Infinity: the real-number question is then not the deployed one,
// and nothing may be proven or refuted from it.

import { mlpInputSize, validateMlp, type Mlp } from '@quantproof/nn';
import { checkBoxDimension, type Box } from './box.js';
import { fp32BoxState, fp32Network } from './fp32-network.js';
import { addUp, dotAbsUp, subUp } from './outward.js';

/**
 * Per output, an upper bound of |float32 execution − exact real output| at every float32 input of
 * `box` (a point box gives the tolerance at that point); +Infinity where float32 could overflow.
 * Throws `BoxDimensionError` for a box of the wrong dimension.
 */
export function fp32ExecutionError(mlp: Mlp, box: Box): Float64Array {
  validateMlp(mlp);
  checkBoxDimension(box, mlpInputSize(mlp), 'fp32ExecutionError');
  const net = fp32Network(mlp);
  const state = fp32BoxState(net, box);
  let error = new Float64Array(mlpInputSize(mlp)); // float32 inputs are exact
  net.layers.forEach((layer, l) => {
    const n = layer.inFeatures;
    const noise = state.bias[l]!;
    const next = new Float64Array(layer.outFeatures);
    for (let j = 0; j < layer.outFeatures; j++) {
      const b = layer.bias[j]!;
      const own = Math.max(subUp(noise.upper[j]!, b), subUp(b, noise.lower[j]!));
      next[j] = Number.isFinite(own)
        ? addUp(dotAbsUp(layer.weight, j * n, error, 0, n), own)
        : Infinity;
      if (Number.isNaN(next[j]!)) next[j] = Infinity;
    }
    error = next;
  });
  return error;
}

/**
 * The tie tolerance between outputs `a` and `b` given per-output execution errors: how much float32
 * execution can move `y_a − y_b`. An exact margin `y_a − y_b` above it means the float32 outputs keep
 * `y_a > y_b`; +Infinity when either error is.
 */
export function pairTolerance(errors: ArrayLike<number>, a: number, b: number): number {
  return addUp(errors[a]!, errors[b]!);
}

/** The largest pair tolerance over all pairs of outputs (0 for one output). */
export function maxPairTolerance(errors: ArrayLike<number>): number {
  let first = 0;
  let second = 0;
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    if (!(e <= first)) {
      second = first;
      first = e;
    } else if (e > second) second = e;
  }
  return errors.length < 2 ? 0 : addUp(first, second);
}
