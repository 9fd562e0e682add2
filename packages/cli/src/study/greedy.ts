// The greedy policy of a model of either precision: the decision its ONNX file takes.

import type { PolicyFunction } from '@quantproof/env';
import { forwardFp32, type Mlp } from '@quantproof/nn';
import {
  type CpuSemantics,
  createInt8Executor,
  decideLogits,
  type OutputDecision,
  type QMlp,
} from '@quantproof/quant';

/** A model to act with: FP32 (forwardFp32) or int8 (the executor, bit-identical to onnxruntime). */
export type ActingModel =
  { readonly kind: 'fp32'; readonly mlp: Mlp } | { readonly kind: 'int8'; readonly model: QMlp };

/**
 * The action of a decision for acting: the decision itself, or in a Softmax head's collapse band
 * (where the model's float32 probabilities may round equal) the first near-maximal index — what a
 * collapse picks; an evaluation statistic, never a proof.
 */
function actionOf(decision: OutputDecision): number {
  return decision.kind === 'action' ? decision.action : decision.candidates[0]!;
}

/**
 * The greedy policy of the model under quant's decision rule (`decideLogits` with the model's
 * head: first maximal index); an int8 model runs with the int8 arithmetic of `cpu` (default
 * quant's pinned `vnni-exact`).
 */
export function greedyAct(model: ActingModel, cpu?: CpuSemantics): PolicyFunction {
  if (model.kind === 'fp32') {
    const { mlp } = model;
    return (x) => actionOf(decideLogits(forwardFp32(mlp, x), mlp.head));
  }
  const executor = createInt8Executor(model.model, cpu === undefined ? {} : { cpu });
  const head = model.model.head;
  return (x) => actionOf(decideLogits(executor.forward(x), head));
}
