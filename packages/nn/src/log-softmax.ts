import { type GradientSink, checkRows, sinkScale } from './gradient-sink.js';
import { NnShapeError } from './errors.js';

/** Logits as either precision: float32 from `forwardFp32`, float64 from `forwardTrain`. */
export type Logits = Float32Array | Float64Array;

/** The largest of the `k` values at `offset` (internal helper of the row-wise functions). */
export function rowMax(logits: Logits, offset: number, k: number): number {
  let max = -Infinity;
  for (let i = 0; i < k; i++) max = Math.max(max, logits[offset + i]!);
  return max;
}

/** `log Σ_i exp(z_i - max)` for the row's `max` (internal helper: `log p_i = z_i - max - this`). */
export function rowLogSumShifted(logits: Logits, offset: number, k: number, max: number): number {
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.exp(logits[offset + i]! - max);
  return Math.log(sum);
}

/** `log Σ_i exp(z_i)` of the `k` values at `offset`, computed stably as `m + log Σ exp(z_i - m)`. */
export function logSumExp(logits: Logits, offset: number, k: number): number {
  const max = rowMax(logits, offset, k);
  if (max === -Infinity || max === Infinity) return max;
  return max + rowLogSumShifted(logits, offset, k, max);
}

function checkOut(name: string, out: Float64Array, size: number): void {
  if (out.length < size) {
    throw new NnShapeError(`${name}: the output buffer holds ${out.length} values; needs ${size}`);
  }
}

/** Row-wise log-softmax of `n` rows of `k` logits into `out`: `(z_i - max z) - log Σ exp(z - max z)`. */
export function logSoftmax(logits: Logits, n: number, k: number, out: Float64Array): Float64Array {
  checkRows('logSoftmax', logits, n, k);
  checkOut('logSoftmax', out, n * k);
  for (let s = 0; s < n; s++) {
    const offset = s * k;
    const max = rowMax(logits, offset, k);
    const logSum = rowLogSumShifted(logits, offset, k, max);
    for (let i = 0; i < k; i++) out[offset + i] = logits[offset + i]! - max - logSum;
  }
  return out;
}

/** Row-wise softmax of `n` rows of `k` logits into `out`: `exp(z_i - max z) / Σ exp(z - max z)`. */
export function softmax(logits: Logits, n: number, k: number, out: Float64Array): Float64Array {
  checkRows('softmax', logits, n, k);
  checkOut('softmax', out, n * k);
  for (let s = 0; s < n; s++) {
    const offset = s * k;
    const max = rowMax(logits, offset, k);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const e = Math.exp(logits[offset + i]! - max);
      out[offset + i] = e;
      sum += e;
    }
    for (let i = 0; i < k; i++) out[offset + i] = out[offset + i]! / sum;
  }
  return out;
}

/**
 * The vector–Jacobian product of log-softmax: given `dLogProbs` = dL/d(logSoftmax(z)) it adds
 * `scale · dL/dz` to `sink.gradient`, where `dL/dz_i = g_i - softmax(z)_i · Σ_j g_j` per row.
 */
export function logSoftmaxBackward(
  logits: Logits,
  dLogProbs: ArrayLike<number>,
  n: number,
  k: number,
  sink: GradientSink,
): void {
  checkRows('logSoftmaxBackward', logits, n, k);
  checkRows('logSoftmaxBackward', dLogProbs, n, k);
  const scale = sinkScale(sink, n * k);
  const gradient = sink.gradient;
  for (let s = 0; s < n; s++) {
    const offset = s * k;
    const max = rowMax(logits, offset, k);
    const logSum = rowLogSumShifted(logits, offset, k, max);
    let total = 0;
    for (let i = 0; i < k; i++) total += dLogProbs[offset + i]!;
    for (let i = 0; i < k; i++) {
      const p = Math.exp(logits[offset + i]! - max - logSum);
      gradient[offset + i] = gradient[offset + i]! + scale * (dLogProbs[offset + i]! - p * total);
    }
  }
}
