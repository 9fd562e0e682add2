// The decision of a model on an input — the one definition every package uses (executor, bounds,
// encodings, replay, evaluation, agreement): the first maximal index of the model's actual float32
// outputs as onnxruntime computes them. With a `logits` head those outputs are the logits. With a
// final float32 `Softmax` they are probabilities, and Softmax is not strictly increasing in float32:
// logits closer than a few units in the last place of exp(0) give equal probabilities, and the
// first of them wins although its logit is smaller. Outside that band a Softmax keeps the order.
import type { OutputHead } from '@quantproof/nn';
import { argmaxFirst } from './argmax.js';

/**
 * Float32 logit gaps above this keep their strict order through onnxruntime's float32 Softmax
 * (`max`, `exp(l − max)`, normalise): with g > 2⁻¹⁷, exp(−g) ≤ 1 − 7.6·10⁻⁶, far outside the
 * error of a float32 exp (a few 2⁻²⁴ relative, or 2⁻¹²⁶ absolute when it underflows), so the
 * maximal logit's exp(0) stays strictly above every other term and the normalisation (one division
 * or multiplication by the same float32 value, monotone in float32) cannot merge them. Gaps at or
 * below it may collapse to equal probabilities. Checked against onnxruntime-node 1.30.0 with zero
 * tolerance (onnx's `test/softmax-order.diff.test.ts`, 21 000 seeded vectors of 2 to 8 logits,
 * magnitudes 1e-30 to 1e30): no gap above it collapsed, and the largest gap that did was 2⁻²⁵
 * (exp(−2⁻²⁵) rounds to 1), 256 times below this bound.
 */
export const SOFTMAX_ORDER_GAP: number = 2 ** -17;

/** A decision: one action, or several the model's outputs may pick between (never guessed). */
export type OutputDecision =
  | { readonly kind: 'action'; readonly action: number }
  | {
      readonly kind: 'undetermined';
      /** Indices the model may pick at this input. */
      readonly candidates: readonly number[];
      /**
       * `softmax-collapse`: logits within `SOFTMAX_ORDER_GAP` of the maximum may round to equal
       * probabilities; `non-finite`: a logit is ±Inf or NaN in front of a Softmax.
       */
      readonly reason: 'softmax-collapse' | 'non-finite';
    };

/**
 * The decision of a model whose output values are `outputs` (as the file computes them, after any
 * head): the first maximal index; a NaN counts as maximal (numpy's and torch's `argmax`), ±Inf
 * compare as values, so (+Inf, +Inf) decides 0. Throws `RangeError` for no outputs.
 */
export function decideOutputs(outputs: ArrayLike<number>): number {
  return argmaxFirst(outputs);
}

/**
 * The decision of a model from its float32 `logits` and its output `head`. With `logits` it is
 * `decideOutputs(logits)`. With `softmax` it is the same index whenever every other logit equals
 * the maximal one or lies more than `SOFTMAX_ORDER_GAP` below it (equal logits give equal
 * probabilities, so the first index wins either way); otherwise the Softmax may collapse and the
 * decision is `undetermined` between the near-maximal indices.
 */
export function decideLogits(
  logits: ArrayLike<number>,
  head: OutputHead = 'logits',
): OutputDecision {
  const action = argmaxFirst(logits);
  if (head === 'logits') return { kind: 'action', action };
  const all = Array.from({ length: logits.length }, (_, i) => i);
  for (let i = 0; i < logits.length; i++) {
    if (!Number.isFinite(logits[i]!)) {
      return { kind: 'undetermined', candidates: all, reason: 'non-finite' };
    }
  }
  const top = logits[action]!;
  const near = all.filter((i) => {
    const gap = top - logits[i]!;
    return i === action || (gap > 0 && gap <= SOFTMAX_ORDER_GAP);
  });
  if (near.length === 1) return { kind: 'action', action };
  return { kind: 'undetermined', candidates: near, reason: 'softmax-collapse' };
}
