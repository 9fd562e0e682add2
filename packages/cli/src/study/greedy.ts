// The greedy policy of a model of either precision: the decision its ONNX file takes.

import type { PolicyFunction } from '@quantproof/env';
import type { Mlp } from '@quantproof/nn';
import { argmaxFirst, type CpuSemantics, createInt8Executor, type QMlp } from '@quantproof/quant';
import { greedyPolicy } from '@quantproof/rl';

/** A model to act with: FP32 (forwardFp32) or int8 (the executor, bit-identical to onnxruntime). */
export type ActingModel =
  { readonly kind: 'fp32'; readonly mlp: Mlp } | { readonly kind: 'int8'; readonly model: QMlp };

/**
 * The argmax policy of the model (first maximal index on ties); an int8 model runs with the int8
 * arithmetic of `cpu` (default quant's pinned `vnni-exact`).
 */
export function greedyAct(model: ActingModel, cpu?: CpuSemantics): PolicyFunction {
  if (model.kind === 'fp32') {
    const policy = greedyPolicy(model.mlp);
    return (x) => policy.act(x);
  }
  const executor = createInt8Executor(model.model, cpu === undefined ? {} : { cpu });
  return (x) => argmaxFirst(executor.forward(x));
}
