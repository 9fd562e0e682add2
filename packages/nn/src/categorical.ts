import { NnShapeError } from './errors.js';
import { type GradientSink, checkRows, classIndex, sinkScale } from './gradient-sink.js';
import { type Logits, rowLogSumShifted, rowMax } from './log-softmax.js';
import type { Rng } from './rng.js';

/**
 * Log-probability of `actions[s]` under the categorical distribution `softmax(logits[s])`, for
 * each of `n` rows of `k` logits, written to `out[s]`. Returns `out`.
 */
export function categoricalLogProb(
  logits: Logits,
  actions: ArrayLike<number>,
  n: number,
  k: number,
  out: Float64Array,
): Float64Array {
  checkRows('categoricalLogProb', logits, n, k);
  if (out.length < n) {
    throw new NnShapeError(
      `categoricalLogProb: the output buffer holds ${out.length} values; needs ${n}`,
    );
  }
  for (let s = 0; s < n; s++) {
    const offset = s * k;
    const action = classIndex('categoricalLogProb', actions, s, k);
    const max = rowMax(logits, offset, k);
    out[s] = logits[offset + action]! - max - rowLogSumShifted(logits, offset, k, max);
  }
  return out;
}

/** Entropy `-Σ_i p_i log p_i` (nats) of `softmax(logits[s])` for each of `n` rows, into `out[s]`. */
export function categoricalEntropy(
  logits: Logits,
  n: number,
  k: number,
  out: Float64Array,
): Float64Array {
  checkRows('categoricalEntropy', logits, n, k);
  if (out.length < n) {
    throw new NnShapeError(
      `categoricalEntropy: the output buffer holds ${out.length} values; needs ${n}`,
    );
  }
  for (let s = 0; s < n; s++) out[s] = rowEntropy(logits, s * k, k);
  return out;
}

function rowEntropy(logits: Logits, offset: number, k: number): number {
  const max = rowMax(logits, offset, k);
  const logSum = rowLogSumShifted(logits, offset, k, max);
  let entropy = 0;
  for (let i = 0; i < k; i++) {
    const logP = logits[offset + i]! - max - logSum;
    const p = Math.exp(logP);
    if (p > 0) entropy -= p * logP;
  }
  return entropy;
}

/**
 * Mean entropy over `n` rows; with a `sink`, adds `scale · d(mean entropy)/d(logits)`, where
 * `dH/dz_i = -p_i (log p_i + H)`. (PPO's entropy bonus is the loss `-entCoef · H`: use
 * `scale = -entCoef`.)
 */
export function meanEntropy(logits: Logits, n: number, k: number, sink?: GradientSink): number {
  checkRows('meanEntropy', logits, n, k);
  const scale = sink === undefined ? 0 : sinkScale(sink, n * k) / Math.max(n, 1);
  let total = 0;
  for (let s = 0; s < n; s++) {
    const offset = s * k;
    const entropy = rowEntropy(logits, offset, k);
    total += entropy;
    if (sink === undefined) continue;
    const max = rowMax(logits, offset, k);
    const logSum = rowLogSumShifted(logits, offset, k, max);
    const gradient = sink.gradient;
    for (let i = 0; i < k; i++) {
      const logP = logits[offset + i]! - max - logSum;
      const p = Math.exp(logP);
      gradient[offset + i] = gradient[offset + i]! - scale * p * (logP + entropy);
    }
  }
  return n === 0 ? 0 : total / n;
}

/**
 * Softmax cross-entropy with class targets: `mean_s -log softmax(logits[s])[targets[s]]`; with a
 * `sink`, adds `scale · (softmax(z) - onehot(target)) / n`.
 */
export function softmaxCrossEntropy(
  logits: Logits,
  targets: ArrayLike<number>,
  n: number,
  k: number,
  sink?: GradientSink,
): number {
  checkRows('softmaxCrossEntropy', logits, n, k);
  const scale = sink === undefined ? 0 : sinkScale(sink, n * k) / Math.max(n, 1);
  let total = 0;
  for (let s = 0; s < n; s++) {
    const offset = s * k;
    const target = classIndex('softmaxCrossEntropy', targets, s, k);
    const max = rowMax(logits, offset, k);
    const logSum = rowLogSumShifted(logits, offset, k, max);
    total -= logits[offset + target]! - max - logSum;
    if (sink === undefined) continue;
    const gradient = sink.gradient;
    for (let i = 0; i < k; i++) {
      const p = Math.exp(logits[offset + i]! - max - logSum);
      gradient[offset + i] = gradient[offset + i]! + scale * (p - (i === target ? 1 : 0));
    }
  }
  return n === 0 ? 0 : total / n;
}

/**
 * Samples an action from `softmax(logits[offset … offset+k-1])` by inversion: with one
 * `u = rng.nextFloat64()`, returns the first i whose cumulative probability exceeds `u` (the last
 * index if rounding leaves the total below u).
 */
export function sampleCategorical(logits: Logits, offset: number, k: number, rng: Rng): number {
  checkRows('sampleCategorical', logits, 1, offset + k);
  const max = rowMax(logits, offset, k);
  let total = 0;
  for (let i = 0; i < k; i++) total += Math.exp(logits[offset + i]! - max);
  const threshold = rng.nextFloat64() * total;
  let cumulative = 0;
  for (let i = 0; i < k; i++) {
    cumulative += Math.exp(logits[offset + i]! - max);
    if (threshold < cumulative) return i;
  }
  return k - 1;
}

/**
 * Index of the largest of the `k` logits at `offset`: the first one on ties, and the first NaN if
 * any (NaN counts as maximal, as in `torch.argmax` and numpy) — the decision rule of quant's
 * `decideOutputs`, which owns it; quant's tests check the two agree bit for bit.
 */
export function argmax(logits: Logits, offset: number, k: number): number {
  checkRows('argmax', logits, 1, offset + k);
  let best = 0;
  if (Number.isNaN(logits[offset]!)) return 0;
  for (let i = 1; i < k; i++) {
    const v = logits[offset + i]!;
    if (Number.isNaN(v)) return i;
    if (v > logits[offset + best]!) best = i;
  }
  return best;
}
