// How far float32 execution of the FP32 network can stray from its exact real semantics over a
// box. Below this margin a decision is a tie: never a proof, never a counterexample.
import type { Mlp } from '@quantproof/nn';
import type { Fp32Bounds } from './internal-bounds.js';

const U32 = 2 ** -24;
const U64 = 2 ** -53;

/**
 * A sound bound, per logit, on |float32 execution − exact real semantics| over the box of
 * `bounds`, for ANY summation order, with or without fused multiply-add (so it covers
 * `forwardFp32` and onnxruntime's MLAS kernels alike). Per layer with n = fan-in + 1 terms:
 * `e_out ≤ |W|·e_in + γ_n·(|W|·(|x| + e_in) + |b|)`, γ_n = n·u/(1 − n·u), u = 2⁻²⁴, plus n·2⁻¹⁴⁹
 * for underflow; ReLU is 1-Lipschitz. Computed in float64, rounded up.
 */
export function fp32ExecutionErrorBound(mlp: Mlp, bounds: Fp32Bounds): Float64Array {
  let err = new Float64Array(mlp.layers[0]!.inFeatures); // float32 inputs are exact
  let mag = bounds.input.lower.map((l, i) =>
    Math.max(Math.abs(l), Math.abs(bounds.input.upper[i]!)),
  );
  mlp.layers.forEach((layer, l) => {
    const { inFeatures: k, outFeatures: n, weight, bias } = layer;
    const terms = k + 1;
    const gamma = (terms * U32) / (1 - terms * U32);
    const next = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let propagated = 0;
      let magnitude = Math.abs(bias[j]!);
      for (let i = 0; i < k; i++) {
        const w = Math.abs(weight[j * k + i]!);
        propagated += w * err[i]!;
        magnitude += w * (mag[i]! + err[i]!);
      }
      const e = propagated + gamma * magnitude + terms * 2 ** -149;
      next[j] = e * (1 + 4 * (k + 2) * U64) + Number.MIN_VALUE;
    }
    err = next;
    const pre = bounds.pre[l]!;
    mag = pre.lower.map((lo, j) => {
      const hi = pre.upper[j]!;
      return layer.activation === 'relu' ? Math.max(0, hi) : Math.max(Math.abs(lo), Math.abs(hi));
    });
  });
  return err;
}

/**
 * The tie tolerance of a decision: the largest `e_i + e_j` over pairs of logits, a bound on how much
 * float32 execution can move any logit difference. A real margin above it gives the same decision
 * under every float32 execution.
 */
export function tieToleranceFromErrors(errors: ArrayLike<number>): number {
  let first = 0;
  let second = 0;
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i]!;
    if (e > first) {
      second = first;
      first = e;
    } else if (e > second) second = e;
  }
  return (first + second) * (1 + 4 * U64);
}
