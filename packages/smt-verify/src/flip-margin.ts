// Query (2): the certified flip margin δ* — the largest FP32 margin at which the int8 action still
// differs somewhere in the box — bracketed by bisection on the margin threshold.
import { fp32LinearUpperBound } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import type { InputBox } from './box.js';
import {
  prepareBox,
  type QueryOptions,
  searchDisagreement,
  type UnknownReason,
} from './disagreement-query.js';
import type { Counterexample } from './replay.js';

/** Options of `flipMargin`. */
export interface FlipMarginOptions extends QueryOptions {
  /** Stop when upper − lower ≤ this. Default 1e-3 of the initial upper bound. */
  readonly precision?: number;
  /** Most bisection steps. Default 16. */
  readonly maxSteps?: number;
}

/**
 * `consistent`: no disagreement above the tie tolerance (δ* does not exist). `bounded`: every
 * disagreement has FP32 margin ≤ `upper`, and `witness` disagrees with margin `lower`
 * (lower ≤ δ* ≤ upper). `unknown`: a query could not decide (bounds found so far included).
 */
export type FlipMarginResult =
  | { readonly kind: 'consistent'; readonly tieTolerance: number }
  | {
      readonly kind: 'bounded';
      readonly lower: number;
      readonly upper: number;
      readonly witness: Counterexample;
      readonly tieTolerance: number;
    }
  | {
      readonly kind: 'unknown';
      readonly reason: UnknownReason;
      readonly lower: number | null;
      readonly upper: number | null;
    };

/** Brackets δ* over the float32 inputs of `box`. */
export async function flipMargin(
  mlp: Mlp,
  model: QMlp,
  box: InputBox,
  options: FlipMarginOptions = {},
): Promise<FlipMarginResult> {
  const p = prepareBox(mlp, model, box, options);
  if ('unknown' in p) return { kind: 'unknown', reason: p.unknown, lower: null, upper: null };
  const first = await searchDisagreement(p, options);
  if (first.kind === 'none') return { kind: 'consistent', tieTolerance: p.tolerance };
  if (first.kind === 'unknown') {
    return { kind: 'unknown', reason: first.reason, lower: null, upper: null };
  }
  let witness = first.counterexample;
  let lower = witness.fp32Margin;
  // No margin can exceed the largest upper bound of a logit difference.
  const outputs = mlp.layers[mlp.layers.length - 1]!.outFeatures;
  let upper = 0;
  for (let c = 0; c < outputs; c++) {
    for (let j = 0; j < outputs; j++) {
      if (c === j) continue;
      const diff = new Float64Array(outputs);
      diff[c] = 1;
      diff[j] = -1;
      upper = Math.max(upper, fp32LinearUpperBound(mlp, p.box, p.bounds, diff));
    }
  }
  upper = Math.max(upper, lower);
  const precision = options.precision ?? 1e-3 * upper;
  const maxSteps = options.maxSteps ?? 16;
  for (let step = 0; step < maxSteps && upper - lower > precision; step++) {
    const mid = 0.5 * (lower + upper);
    const found = await searchDisagreement(p, options, mid);
    if (found.kind === 'none') upper = mid;
    else if (found.kind === 'found') {
      witness = found.counterexample;
      lower = Math.max(lower, witness.fp32Margin);
    } else return { kind: 'unknown', reason: found.reason, lower, upper };
  }
  return { kind: 'bounded', lower, upper, witness, tieTolerance: p.tolerance };
}
