// The greedy policy of a model of either precision: the decision its ONNX file takes.

import type { PolicyFunction } from '@quantproof/env';
import type { Mlp } from '@quantproof/nn';
import { argmaxFirst, createInt8Executor, type QMlp } from '@quantproof/quant';
import { greedyPolicy } from '@quantproof/rl';

/** A model to act with: FP32 (forwardFp32) or int8 (the executor, bit-identical to onnxruntime). */
export type ActingModel =
  { readonly kind: 'fp32'; readonly mlp: Mlp } | { readonly kind: 'int8'; readonly model: QMlp };

/** The argmax policy of the model (first maximal index on ties). */
export function greedyAct(model: ActingModel): PolicyFunction {
  if (model.kind === 'fp32') {
    const policy = greedyPolicy(model.mlp);
    return (x) => policy.act(x);
  }
  const executor = createInt8Executor(model.model);
  return (x) => argmaxFirst(executor.forward(x));
}
