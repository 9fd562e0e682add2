import type { OutputHead } from '@quantproof/nn';
import type { QDynamicLayer } from '@quantproof/quant';
import type { GraphWalker } from './graph-walker.js';
import { firstOutput, isOp, unsupported } from './graph-walker.js';
import { intAttribute } from './node-attributes.js';
import { TensorDataType } from './proto/onnx-schema.js';
import type { NodeProtoObject } from './proto/onnx-schema.js';
import { readQuantParams, readWeightMatrix, weightQuantOf } from './quant-params.js';
import { chainEnds } from './read-qdq.js';
import { readSoftmaxHead } from './softmax-head.js';
import { readFloatTensor } from './tensor-data.js';

/** The other operand of a two-input node, given one of them. */
function otherOperand(node: NodeProtoObject, known: string): string {
  const inputs = node.input ?? [];
  if (inputs.length !== 2) throw unsupported(node, `it has ${inputs.length} inputs, not 2`);
  return (inputs[0] === known ? inputs[1] : inputs[0]) ?? '';
}

/** The float32 bias of an `Add` on `product`: a constant [out], [1, out] or scalar. */
function readBias(
  walker: GraphWalker,
  add: NodeProtoObject,
  product: string,
  outFeatures: number,
): Float32Array {
  const tensor = readFloatTensor(walker.requireConstant(add, otherOperand(add, product), 'bias'));
  const rowShaped = tensor.dims.length <= 1 || (tensor.dims.length === 2 && tensor.dims[0] === 1);
  if (rowShaped && tensor.data.length === outFeatures) return tensor.data;
  if (tensor.data.length === 1 && tensor.dims.length <= 2) {
    return new Float32Array(outFeatures).fill(tensor.data[0] ?? 0);
  }
  throw unsupported(
    add,
    `its bias has dims [${tensor.dims.join(', ')}]; expected [${outFeatures}]`,
  );
}

/**
 * One layer: `DynamicQuantizeLinear` on `current`, `MatMulInteger` with its zero point, `Cast` to
 * float, `Mul` by `Mul(a_scale, b_scale)`, then an optional `Add` (bias) and `Relu`.
 */
function readLayer(
  walker: GraphWalker,
  dql: NodeProtoObject,
): { layer: QDynamicLayer; output: string } {
  const [quantized, aScale, aZeroPoint] = dql.output ?? [];
  if (quantized === undefined || aScale === undefined || aZeroPoint === undefined) {
    throw unsupported(dql, 'a DynamicQuantizeLinear has three outputs (y, y_scale, y_zero_point)');
  }
  walker.accept(dql);
  const mmi = walker.soleConsumer(quantized);
  if (mmi === undefined || !isOp(mmi, 'MatMulInteger')) {
    throw unsupported(mmi ?? dql, 'the quantised activations must go into a MatMulInteger');
  }
  const mmiInputs = mmi.input ?? [];
  if (mmiInputs[0] !== quantized || mmiInputs[2] !== aZeroPoint) {
    throw unsupported(
      mmi,
      `its A and a_zero_point must be '${quantized}' and '${aZeroPoint}' from the DynamicQuantizeLinear`,
    );
  }
  const matrix = readWeightMatrix(
    mmi,
    walker.requireConstant(mmi, mmiInputs[1], 'weight B'),
    'in-out',
  );
  walker.accept(mmi);

  const scaleMul = walker.soleConsumer(aScale);
  if (scaleMul === undefined || !isOp(scaleMul, 'Mul')) {
    throw unsupported(
      scaleMul ?? dql,
      `its y_scale '${aScale}' must go into Mul(a_scale, b_scale)`,
    );
  }
  const weightScaleName = otherOperand(scaleMul, aScale);
  // MatMulInteger's b_zero_point and the Mul's b_scale together are the weight quantisation.
  const params = readQuantParams(walker, scaleMul, weightScaleName, mmiInputs[3], matrix.type);
  const weightQuant = weightQuantOf(mmi, params, matrix.type, matrix.outFeatures);
  walker.accept(scaleMul);

  const cast = walker.soleConsumer(firstOutput(mmi));
  if (
    cast === undefined ||
    !isOp(cast, 'Cast') ||
    intAttribute(cast, 'to', 0) !== TensorDataType.FLOAT
  ) {
    throw unsupported(cast ?? mmi, 'the int32 product must go into Cast(to = FLOAT)');
  }
  walker.accept(cast);
  const mul = walker.soleConsumer(firstOutput(cast));
  if (
    mul === undefined ||
    !isOp(mul, 'Mul') ||
    otherOperand(mul, firstOutput(cast)) !== firstOutput(scaleMul)
  ) {
    throw unsupported(mul ?? cast, 'the cast product must be multiplied by Mul(a_scale, b_scale)');
  }
  walker.accept(mul);

  let output = firstOutput(mul);
  let next = walker.soleConsumer(output);
  let bias: Float32Array = new Float32Array(matrix.outFeatures);
  if (next !== undefined && isOp(next, 'Add')) {
    bias = readBias(walker, next, output, matrix.outFeatures);
    walker.accept(next);
    output = firstOutput(next);
    next = walker.soleConsumer(output);
  }
  let relu = false;
  if (next !== undefined && isOp(next, 'Relu')) {
    walker.accept(next);
    relu = true;
    output = firstOutput(next);
  }
  return {
    layer: {
      inFeatures: matrix.inFeatures,
      outFeatures: matrix.outFeatures,
      weight: matrix.values,
      weightQuant,
      bias,
      activation: relu ? 'relu' : 'identity',
    },
    output,
  };
}

/**
 * Reads a dynamic graph as `quantize_dynamic` writes it, layer by layer:
 * `DynamicQuantizeLinear → MatMulInteger → Cast → Mul(· , Mul(a_scale, b_scale)) [→ Add] [→ Relu]`,
 * and an optional final Softmax over the features on the float logits.
 */
export function readDynamicGraph(walker: GraphWalker): {
  layers: QDynamicLayer[];
  head: OutputHead;
} {
  const { input, output } = walker.file;
  let current = input.name;
  const layers: QDynamicLayer[] = [];
  for (;;) {
    const node = walker.soleConsumer(current);
    if (node === undefined) {
      if (current === output.name && layers.length > 0) return { layers, head: 'logits' };
      throw chainEnds(current);
    }
    if (layers.length > 0 && readSoftmaxHead(walker, current) === 'softmax') {
      return { layers, head: 'softmax' };
    }
    if (!isOp(node, 'DynamicQuantizeLinear')) {
      throw unsupported(node, 'expected a DynamicQuantizeLinear on the float activations');
    }
    const read = readLayer(walker, node);
    layers.push(read.layer);
    current = read.output;
  }
}
