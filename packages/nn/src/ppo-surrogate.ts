import { NnOptionsError, NnShapeError } from './errors.js';
import { type GradientSink, checkRows, classIndex, sinkScale } from './gradient-sink.js';
import { type Logits, rowLogSumShifted, rowMax } from './log-softmax.js';

/** A minibatch for `ppoClippedSurrogate`: `n` rows of `k` logits and per-row rollout data. */
export interface PpoSurrogateBatch {
  /** Current policy logits, row-major [n, k]. */
  readonly logits: Logits;
  /** Action taken in each row (integer in [0, k)). */
  readonly actions: ArrayLike<number>;
  /** Log-probability of that action under the policy that collected the rollout. */
  readonly oldLogProbs: ArrayLike<number>;
  /** Advantage estimate of each row (normalise beforehand if you want SB3's behaviour). */
  readonly advantages: ArrayLike<number>;
  /** Clip range ε > 0 (PPO: 0.2). */
  readonly clipRange: number;
  readonly n: number;
  readonly k: number;
}

/** The clipped surrogate loss and SB3's diagnostics. */
export interface PpoSurrogateResult {
  /** `-mean_s min(r_s A_s, clip(r_s, 1-ε, 1+ε) A_s)` with `r_s = exp(logp_s - oldLogp_s)`. */
  readonly loss: number;
  /** Fraction of rows with `|r_s - 1| > ε`. */
  readonly clipFraction: number;
  /** `mean_s ((r_s - 1) - log r_s)`, SB3's approximate KL(old ‖ new). */
  readonly approxKl: number;
}

/**
 * PPO's clipped surrogate policy loss (as SB3). With a `sink`, adds `scale · dLoss/d(logits)`:
 * the row's gradient is `-(r_s A_s / n) · (onehot(a_s) - softmax(z_s))` where the unclipped term
 * is the minimum (`A ≥ 0` and `r ≤ 1+ε`, or `A < 0` and `r ≥ 1-ε`; ties count as unclipped, as
 * PyTorch's min/clamp do), and 0 where the clipped constant is.
 */
export function ppoClippedSurrogate(
  batch: PpoSurrogateBatch,
  sink?: GradientSink,
): PpoSurrogateResult {
  const { logits, actions, oldLogProbs, advantages, clipRange, n, k } = batch;
  checkRows('ppoClippedSurrogate', logits, n, k);
  if (oldLogProbs.length < n || advantages.length < n || actions.length < n) {
    throw new NnShapeError(
      `ppoClippedSurrogate: actions, oldLogProbs and advantages need ${n} entries; got ${actions.length}, ${oldLogProbs.length}, ${advantages.length}`,
    );
  }
  if (!(clipRange > 0 && Number.isFinite(clipRange))) {
    throw new NnOptionsError(
      `ppoClippedSurrogate: clipRange must be finite and > 0; got ${clipRange}`,
    );
  }
  const scale = sink === undefined ? 0 : sinkScale(sink, n * k) / Math.max(n, 1);
  let objective = 0;
  let clipped = 0;
  let approxKl = 0;
  for (let s = 0; s < n; s++) {
    const offset = s * k;
    const action = classIndex('ppoClippedSurrogate', actions, s, k);
    const max = rowMax(logits, offset, k);
    const logSum = rowLogSumShifted(logits, offset, k, max);
    const logRatio = logits[offset + action]! - max - logSum - oldLogProbs[s]!;
    const ratio = Math.exp(logRatio);
    const advantage = advantages[s]!;
    const clippedRatio = Math.min(Math.max(ratio, 1 - clipRange), 1 + clipRange);
    const unclippedTerm = ratio * advantage;
    const clippedTerm = clippedRatio * advantage;
    objective += Math.min(unclippedTerm, clippedTerm);
    if (Math.abs(ratio - 1) > clipRange) clipped += 1;
    approxKl += ratio - 1 - logRatio;
    if (sink === undefined || !(unclippedTerm <= clippedTerm)) continue;
    // d(-r A)/d logp = -r A; d logp/dz_i = onehot_i - p_i.
    const dLogP = -unclippedTerm * scale;
    const gradient = sink.gradient;
    for (let i = 0; i < k; i++) {
      const p = Math.exp(logits[offset + i]! - max - logSum);
      gradient[offset + i] = gradient[offset + i]! + dLogP * ((i === action ? 1 : 0) - p);
    }
  }
  if (n === 0) return { loss: 0, clipFraction: 0, approxKl: 0 };
  return { loss: -objective / n, clipFraction: clipped / n, approxKl: approxKl / n };
}
