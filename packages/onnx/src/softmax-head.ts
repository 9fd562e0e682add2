// A final Softmax over the outputs: read into the model's `head`, never dropped. In float32 a
// Softmax is not strictly increasing (near-equal logits give equal probabilities, and the first
// index then wins), so the decision of a model with this head is quant's `decideLogits(…,
// 'softmax')`, and its outputs are probabilities — what a VNN-LIB property's Y_j are.
import type { OutputHead } from '@quantproof/nn';
import type { GraphWalker } from './graph-walker.js';
import { firstOutput, isOp, unsupported } from './graph-walker.js';
import { intAttribute } from './node-attributes.js';
import type { NodeProtoObject } from './proto/onnx-schema.js';

/**
 * Why `node` (a Softmax on the [batch, features] logits) is not a Softmax over the features, or
 * null when it is. Opset < 13 coerces to 2-D at `axis` (default 1); opset ≥ 13 uses `axis`
 * (default -1). On a [batch, features] tensor both defaults, and axis 1 or -1, mean "over the
 * features".
 */
export function softmaxAxisProblem(node: NodeProtoObject, opset: number): string | null {
  const axis = intAttribute(node, 'axis', opset >= 13 ? -1 : 1);
  return axis === 1 || axis === -1 ? null : `Softmax with axis = ${axis} normalises over the batch`;
}

/**
 * Reads a final Softmax of an int8 graph: when the only node reading the float logits `tensor` is
 * a Softmax over the features whose output is the graph output (read by no other node), accepts
 * it and returns `softmax`; returns `logits` when `tensor` is not read by a Softmax. Throws
 * `UnsupportedNodeError` for a Softmax over the batch or one that is not the last node.
 */
export function readSoftmaxHead(walker: GraphWalker, tensor: string): OutputHead {
  const node = walker.soleConsumer(tensor);
  if (node === undefined || !isOp(node, 'Softmax')) return 'logits';
  const problem = softmaxAxisProblem(node, walker.file.opset);
  if (problem !== null) throw unsupported(node, problem);
  const output = firstOutput(node);
  if (output !== walker.file.output.name || walker.consumers(output).length > 0) {
    throw unsupported(
      node,
      `a Softmax is read only as the last node, producing the graph output '${walker.file.output.name}'`,
    );
  }
  walker.accept(node);
  return 'softmax';
}
