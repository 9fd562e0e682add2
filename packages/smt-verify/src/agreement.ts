// Query (1): does the int8 policy take the FP32 policy's action everywhere in a box?
import type { Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import type { InputBox } from './box.js';
import { decideByCells } from './cell-oracle.js';
import {
  prepareBox,
  type QueryOptions,
  searchDisagreement,
  type UnknownReason,
} from './disagreement-query.js';
import type { Counterexample } from './replay.js';

/** Options of `checkAgreement`. */
export interface AgreementOptions extends QueryOptions {
  /**
   * Boxes that meet at most this many quantisation cells are decided cell by cell (one int8
   * evaluation per cell, FP32 by bounds and z3 on the FP32 network alone). 0 disables. Default 16.
   */
  readonly cellFastPath?: number;
}

/**
 * The verdict on one box: `consistent` (at every float32 input of the box, no FP32 logit beats the
 * int8 action's logit by more than the tie tolerance — the int8 action is FP32's decision or ties
 * with it within float32 error), `inconsistent` with a replayed counterexample, or `unknown` with a
 * reason. `tieTolerance` is the tolerance that was applied: the largest one of the box, or of the
 * cells it was decided on.
 */
export type AgreementResult =
  | { readonly kind: 'consistent'; readonly tieTolerance: number }
  | {
      readonly kind: 'inconsistent';
      readonly counterexample: Counterexample;
      readonly tieTolerance: number;
    }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason };

/** Proves or refutes that `model` takes `mlp`'s action over the float32 inputs of `box`. */
export async function checkAgreement(
  mlp: Mlp,
  model: QMlp,
  box: InputBox,
  options: AgreementOptions = {},
): Promise<AgreementResult> {
  const p = prepareBox(mlp, model, box, options);
  if ('unknown' in p) return { kind: 'unknown', reason: p.unknown };
  const limit = options.cellFastPath ?? 16;
  const cellCount = p.cells.reduce((n, c) => n * (c.qHigh - c.qLow + 1), 1);
  const found =
    limit > 0 && cellCount <= limit
      ? await decideByCells(p, options)
      : await searchDisagreement(p, options);
  if (found.kind === 'none') return { kind: 'consistent', tieTolerance: p.tolerance };
  if (found.kind === 'found') {
    return {
      kind: 'inconsistent',
      counterexample: found.counterexample,
      tieTolerance: p.tolerance,
    };
  }
  return { kind: 'unknown', reason: found.reason };
}
