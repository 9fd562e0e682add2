// Query (3): the certified error bound ε* = max over the box of |FP32 logit − int8 logit| (exact
// real FP32 semantics against the dequantised int8 logits), bracketed by bisection.
import type { Mlp } from '@quantproof/nn';
import { dequantizeLinear, forwardInt8, type QMlp } from '@quantproof/quant';
import type { InputBox } from './box.js';
import {
  encodeBoth,
  pointInCell,
  prepareBox,
  type QueryOptions,
  runQuery,
  type UnknownReason,
} from './disagreement-query.js';
import { exactLogits } from './exact-fp32.js';
import { abs, approximateDown, fromNumber, sub } from './rational.js';
import { intLiteral, realLiteral, realOf } from './smtlib.js';

/** Options of `errorBound`. */
export interface ErrorBoundOptions extends QueryOptions {
  /** Stop when upper − lower ≤ this. Default 1e-3 of the initial upper bound. */
  readonly precision?: number;
  /** Most bisection steps. Default 16. */
  readonly maxSteps?: number;
}

/**
 * `bounded`: lower ≤ ε* ≤ upper, with `witness` a float32 input whose error (exact FP32 logits
 * against forwardInt8's logits) is `lower`. `unknown` for models whose int8 logits are not
 * dequantised (reason `float-logits`) or when a query could not decide.
 */
export type ErrorBoundResult =
  | {
      readonly kind: 'bounded';
      readonly lower: number;
      readonly upper: number;
      readonly witness: Float32Array;
    }
  | {
      readonly kind: 'unknown';
      readonly reason: UnknownReason;
      readonly lower: number | null;
      readonly upper: number | null;
    };

function errorAt(mlp: Mlp, model: QMlp, x: Float32Array): number {
  const exact = exactLogits(mlp, x);
  const int8 = forwardInt8(model, x);
  let worst = 0;
  exact.forEach((y, j) => {
    worst = Math.max(worst, approximateDown(abs(sub(y, fromNumber(int8[j]!)))));
  });
  return worst;
}

/** Brackets ε* = max |FP32 logit − int8 logit| over the float32 inputs of `box`. */
export async function errorBound(
  mlp: Mlp,
  model: QMlp,
  box: InputBox,
  options: ErrorBoundOptions = {},
): Promise<ErrorBoundResult> {
  const p = prepareBox(mlp, model, box, options);
  if ('unknown' in p) return { kind: 'unknown', reason: p.unknown, lower: null, upper: null };
  const last = p.model.layers[p.model.layers.length - 1]!;
  const out = last.output;
  const lastRanges = p.ranges.layers[p.ranges.layers.length - 1]!;
  if (out === null || lastRanges.kind !== 'integer' || lastRanges.output === null) {
    return { kind: 'unknown', reason: 'float-logits', lower: null, upper: null };
  }
  // The exact range of the centred logits q − zp (the encoding's Int terms).
  const outRange = {
    lower: lastRanges.output.lower.map((q) => q - out.zeroPoint),
    upper: lastRanges.output.upper.map((q) => q - out.zeroPoint),
  };
  let witness: Float32Array = Float32Array.from(p.box.lower);
  let lower = errorAt(mlp, model, witness);
  // Initial upper bound from the bounds: |y − L| ≤ max(|y_hi − L_lo|, |L_hi − y_lo|).
  let upper = 0;
  for (let j = 0; j < last.outFeatures; j++) {
    const lLo = dequantizeLinear(outRange.lower[j]!, out.scale, 0);
    const lHi = dequantizeLinear(outRange.upper[j]!, out.scale, 0);
    const pre = p.bounds.preActivations[p.bounds.preActivations.length - 1]!;
    upper = Math.max(upper, pre.upper[j]! - lLo, lHi - pre.lower[j]!);
  }
  upper = Math.max(upper * (1 + 2 ** -40), lower);
  const precision = options.precision ?? 1e-3 * upper;
  const maxSteps = options.maxSteps ?? 16;
  for (let step = 0; step < maxSteps && upper - lower > precision; step++) {
    const t = 0.5 * (lower + upper);
    const { script, inputs, fp32, int8 } = encodeBoth(p);
    const cases: string[] = [];
    int8.centredLogits!.forEach((c, j) => {
      // The dequantised logit fl(c · s) exactly: c · s plus the table of float32 corrections.
      const terms: string[] = [`(* ${realOf(out.scale)} (to_real ${c}))`];
      for (let v = outRange.lower[j]!; v <= outRange.upper[j]!; v++) {
        const exact = fromNumber(v * out.scale); // exact in float64: 8-bit × 24-bit
        const delta = sub(fromNumber(dequantizeLinear(v, out.scale, 0)), exact);
        if (delta.numerator !== 0n)
          terms.push(`(ite (= ${c} ${intLiteral(v)}) ${realLiteral(delta)} 0.0)`);
      }
      const logit = `(+ ${terms.join(' ')})`;
      const y = fp32.logits[j]!;
      cases.push(`(> (- ${y} ${logit}) ${realOf(t)})`, `(> (- ${logit} ${y}) ${realOf(t)})`);
    });
    script.assert(`(or ${cases.join(' ')})`);
    const result = await runQuery(script, options, 'QF_LIRA');
    if (result.kind === 'unsat') upper = t;
    else if (result.kind === 'sat') {
      const x = pointInCell(p, result, inputs, int8);
      const e = errorAt(mlp, model, x);
      if (e > lower) {
        lower = e;
        witness = x;
      }
      // The float32 neighbour may sit a sliver below t; the bracket stays sound either way.
      if (e < t) return { kind: 'bounded', lower, upper, witness };
    } else {
      return {
        kind: 'unknown',
        reason: result.reason === 'timeout' ? 'timeout' : 'solver',
        lower,
        upper,
      };
    }
  }
  return { kind: 'bounded', lower, upper, witness };
}
