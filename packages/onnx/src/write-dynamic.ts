import type { QMlpDynamic } from '@quantproof/quant';
import { GraphBuilder, intAttr, transposeToInOut } from './graph-builder.js';
import { TensorDataType } from './proto/onnx-schema.js';
import type { GraphEnds } from './write-qdq.js';

/**
 * The layout of onnxruntime's `quantize_dynamic` for MatMul + Add layers, per layer:
 * `DynamicQuantizeLinear` (uint8) → `MatMulInteger` on int8/uint8 weights [in, out] (per-channel
 * zero points per column) → `Cast(to = FLOAT)` → `Mul` by `Mul(a_scale, b_scale)` → `Add` of the
 * float32 bias → `Relu` where the layer has one.
 */
export function dynamicGraph(model: QMlpDynamic, ends: GraphEnds): GraphBuilder {
  const graph = new GraphBuilder();
  let current = ends.inputName;
  const last = model.layers.length - 1;
  model.layers.forEach((layer, l) => {
    const prefix = `layers.${l}`;
    const op = `/${prefix}/MatMul`;
    const { inFeatures, outFeatures, weightQuant } = layer;
    const perChannel = weightQuant.granularity === 'per-channel';
    const weightName = graph.intTensor(
      `${prefix}.weight_quantized`,
      [inFeatures, outFeatures],
      weightQuant.elementType,
      transposeToInOut(layer.weight, outFeatures, inFeatures),
    );
    const weightScale = graph.floatParam(`${prefix}.weight_scale`, weightQuant.scales, perChannel);
    const weightZero = graph.intParam(
      `${prefix}.weight_zero_point`,
      weightQuant.elementType,
      weightQuant.zeroPoints,
      perChannel,
    );
    const biasName = graph.floatTensor(`${prefix}.bias`, [outFeatures], layer.bias);
    const [quantized, scale, zero] = [
      `${op}_input_quantized`,
      `${op}_input_scale`,
      `${op}_input_zero_point`,
    ];
    graph.node(
      'DynamicQuantizeLinear',
      `${op}_input_DynamicQuantizeLinear`,
      [current],
      [quantized, scale, zero],
    );
    graph.node(
      'MatMulInteger',
      `${op}_quant`,
      [quantized, weightName, zero, weightZero],
      [`${op}_output_0_quantized`],
    );
    graph.node('Mul', `${op}_quant_scales_mul`, [scale, weightScale], [`${op}_scales_mul_output`]);
    graph.node(
      'Cast',
      `${op}_quant_output_cast`,
      [`${op}_output_0_quantized`],
      [`${op}_output_0_cast`],
      [intAttr('to', TensorDataType.FLOAT)],
    );
    graph.node(
      'Mul',
      `${op}_quant_output_scale_mul`,
      [`${op}_output_0_cast`, `${op}_scales_mul_output`],
      [`${op}_output_0`],
    );
    const relu = layer.activation === 'relu';
    const addOut = l === last && !relu ? ends.outputName : `/${prefix}/Add_output_0`;
    graph.node('Add', `/${prefix}/Add`, [`${op}_output_0`, biasName], [addOut]);
    current = addOut;
    if (relu) {
      current = l === last ? ends.outputName : `/${prefix}/Relu_output_0`;
      graph.node('Relu', `/${prefix}/Relu`, [addOut], [current]);
    }
  });
  return graph;
}
