// Sound bounds of the probabilities a float32 Softmax head outputs, from bounds of its float32
// logits. onnxruntime's CPU Softmax (MLAS) computes, per row of k logits z: m = max z,
// d_j = fl(z_j − m), e_j = exp32(d_j), s = the float32 sum of the e_j (any order), and
// p_i = e_i ⊘ s (a division, or a multiplication by fl(1/s)). With E_j = exp(z_j − m) exact,
// S = Σ E_j ≥ 1 (the maximum contributes exp(0) = 1) and P_i = E_i / S the exact Softmax:
//
// (a) each term: e_j ∈ [E_j(1 − ρ) − α, E_j(1 + ρ) + α]. The subtraction errs by at most
//     u·|z_j − m| (u = 2⁻²⁴), so exp(d_j) = E_j·exp(θ), |θ| ≤ u·|z_j − m|; where E_j ≥ 2⁻¹²⁶,
//     |z_j − m| ≤ 87.4 and |exp(θ) − 1| ≤ 5.3·10⁻⁶. The float32 exp is allowed a further relative
//     error of 2⁻¹⁷ (128 ulps; MLAS's polynomial is within a few), so ρ = 2⁻¹⁴ leaves a margin of
//     four. Where E_j < 2⁻¹²⁶ (subnormal, or flushed to zero) any result in [0, 2⁻¹²⁵] is covered by
//     α = 2⁻¹²⁵.
// (b) the sum of k non-negative terms: relative error γ_{k−1} (Higham §3.1; float32 addition of
//     subnormals is exact).
// (c) the normalisation: relative error 2u + u² (one or two roundings), plus 2⁻¹⁴⁹ absolute for an
//     underflowing product.
// Dividing by S ≥ 1 (so α/S ≤ α):
//   p_i ≥ (P_i(1 − ρ) − α) / ((1 + ρ)(1 + γ) + kα(1 + γ)) · (1 − 3u) − 2⁻¹⁴⁹,
//   p_i ≤ (P_i(1 + ρ) + α) / ((1 − ρ)(1 − γ) − kα) · (1 + 3u) + 2⁻¹⁴⁹.
// Over logits in [l, u], P_i = 1 / (1 + Σ_{j≠i} exp(z_j − z_i)) is increasing in z_i and decreasing
// in every other z_j, so P_i ∈ [1 / (1 + Σ_{j≠i} exp(u_j − l_i)), 1 / (1 + Σ_{j≠i} exp(l_j − u_i))],
// which also holds for the exact real Softmax of real logits in the bounds. Everything is computed
// with interval's directed operations; `Math.exp` (within one ulp in V8) is widened by two ulps.
// Non-finite logit bounds (possible float32 overflow, after which the Softmax outputs NaN) give no
// bounds. The allowance is checked against onnxruntime-node in the cli's tests.
import type { Bounds } from './box.js';
import {
  addDown,
  addUp,
  divDown,
  divUp,
  mulDown,
  mulUp,
  nextDown,
  nextUp,
  subDown,
  subUp,
} from './outward.js';

/** Relative error allowed on each float32 exp term of the Softmax (ρ above): 2⁻¹⁴. */
export const SOFTMAX_TERM_RELATIVE_ERROR: number = 2 ** -14;

/** Absolute error allowed on each exp term that underflows float32's normal range (α): 2⁻¹²⁵. */
export const SOFTMAX_TERM_ABSOLUTE_ERROR: number = 2 ** -125;

const U = 2 ** -24;
const RHO = SOFTMAX_TERM_RELATIVE_ERROR;
const ALPHA = SOFTMAX_TERM_ABSOLUTE_ERROR;
const TINY = 2 ** -149;

function expUp(x: number): number {
  return nextUp(nextUp(Math.exp(x)));
}

function expDown(x: number): number {
  return Math.max(0, nextDown(nextDown(Math.exp(x))));
}

/** Bounds of the exact Softmax over logits in `logits` (both finite everywhere). */
function exactSoftmaxBounds(logits: Bounds): Bounds {
  const k = logits.lower.length;
  const lower = new Float64Array(k);
  const upper = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let most = 1;
    let least = 1;
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      most = addUp(most, expUp(subUp(logits.upper[j]!, logits.lower[i]!)));
      least = addDown(least, expDown(subDown(logits.lower[j]!, logits.upper[i]!)));
    }
    lower[i] = divDown(1, most);
    upper[i] = Math.min(1, divUp(1, least));
  }
  return { lower, upper };
}

/**
 * Bounds of every probability that onnxruntime's float32 Softmax outputs for float32 logits within
 * `logits` (and of the exact Softmax of real logits there), each within [0, 1]; null when a logit
 * bound is not finite (float32 overflow is possible, after which the outputs may be NaN).
 */
export function softmaxBoundsFp32(logits: Bounds): Bounds | null {
  const k = logits.lower.length;
  for (let j = 0; j < k; j++) {
    if (!Number.isFinite(logits.lower[j]!) || !Number.isFinite(logits.upper[j]!)) return null;
  }
  const exact = exactSoftmaxBounds(logits);
  const gamma = divUp(mulUp(k - 1, U), subDown(1, mulUp(k - 1, U)));
  const kAlpha = mulUp(k, ALPHA);
  // (1 + ρ)(1 + γ) + kα(1 + γ) and (1 − ρ)(1 − γ) − kα, rounded to widen the bounds.
  const denominatorUp = addUp(mulUp(1 + RHO, addUp(1, gamma)), mulUp(kAlpha, addUp(1, gamma)));
  const denominatorDown = subDown(mulDown(1 - RHO, subDown(1, gamma)), kAlpha);
  const lower = new Float64Array(k);
  const upper = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const low = subDown(mulDown(exact.lower[i]!, 1 - RHO), ALPHA);
    lower[i] = Math.max(0, subDown(mulDown(divDown(low, denominatorUp), 1 - 3 * U), TINY));
    const high = addUp(mulUp(exact.upper[i]!, 1 + RHO), ALPHA);
    upper[i] = Math.min(1, addUp(mulUp(divUp(high, denominatorDown), 1 + 3 * U), TINY));
  }
  return { lower, upper };
}

/** The float32 Softmax of float32 `logits` as the steps above compute it (the reported output). */
export function softmaxFp32(logits: ArrayLike<number>): Float32Array {
  const k = logits.length;
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, logits[j]!);
  const out = new Float32Array(k);
  let sum = 0;
  for (let j = 0; j < k; j++) {
    out[j] = Math.exp(Math.fround(logits[j]! - max));
    sum = Math.fround(sum + out[j]!);
  }
  for (let j = 0; j < k; j++) out[j] = Math.fround(out[j]! / sum);
  return out;
}
