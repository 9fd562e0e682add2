import type { QMlpStatic } from '@quantproof/quant';
import { floatAttr, GraphBuilder, intAttr, MICROSOFT_DOMAIN } from './graph-builder.js';
import { addTensorQuant } from './write-qdq.js';
import type { GraphEnds } from './write-qdq.js';

/**
 * The QOperator layout of onnxruntime's `quantize_static` for Gemm layers: `QuantizeLinear` on the
 * input, one com.microsoft `QGemm(transB = 1, alpha = 1)` per layer on int8/uint8 weights [out, in]
 * with the int32 bias as C (ReLU folded into the output quantisation), and `DequantizeLinear` of
 * the last layer's output — or, for float logits, a last QGemm without `y_scale`, whose output is
 * float32. With per-feature input scales the input QuantizeLinear is per axis (axis 1) and the first
 * QGemm's `a_scale` is the scalar `input.scale`.
 */
export function qoperatorGraph(model: QMlpStatic, ends: GraphEnds): GraphBuilder {
  const graph = new GraphBuilder();
  const [inScale, inZero] = addTensorQuant(graph, 'input', model.input);
  let current = 'input_quantized';
  if (model.inputScales === undefined) {
    graph.node(
      'QuantizeLinear',
      'input_QuantizeLinear',
      [ends.inputName, inScale, inZero],
      [current],
    );
  } else {
    // Per feature: 1-D scale [n] and zero point [n] (one value repeated) along axis 1; the first
    // QGemm's a_scale stays the scalar `input.scale` (its weights are folded by s_i / s0).
    const n = model.inputScales.length;
    const featureScales = graph.floatParam('input_feature_scale', model.inputScales, true);
    const featureZeros = graph.intParam(
      'input_feature_zero_point',
      model.input.elementType,
      new Array<number>(n).fill(model.input.zeroPoint),
      true,
    );
    graph.node(
      'QuantizeLinear',
      'input_QuantizeLinear',
      [ends.inputName, featureScales, featureZeros],
      [current],
      [intAttr('axis', 1)],
    );
  }
  let currentParams = [inScale, inZero];
  const last = model.layers.length - 1;
  model.layers.forEach((layer, l) => {
    const prefix = `layers.${l}`;
    const { inFeatures, outFeatures, weightQuant } = layer;
    const perChannel = weightQuant.granularity === 'per-channel';
    const weightName = graph.intTensor(
      `${prefix}.weight_quantized`,
      [outFeatures, inFeatures],
      weightQuant.elementType,
      layer.weight,
    );
    const weightScale = graph.floatParam(`${prefix}.weight_scale`, weightQuant.scales, perChannel);
    const weightZero = graph.intParam(
      `${prefix}.weight_zero_point`,
      weightQuant.elementType,
      weightQuant.zeroPoints,
      perChannel,
    );
    const biasName = graph.intTensor(
      `${prefix}.bias_quantized`,
      [outFeatures],
      'int32',
      layer.bias,
    );
    const inputs = [current, ...currentParams, weightName, weightScale, weightZero, biasName];
    const attributes = [floatAttr('alpha', 1), intAttr('transB', 1)];
    if (layer.output === null) {
      graph.node(
        'QGemm',
        `/${prefix}/Gemm_quant`,
        inputs,
        [ends.outputName],
        attributes,
        MICROSOFT_DOMAIN,
      );
      return;
    }
    const outParams = addTensorQuant(graph, `${prefix}.output`, layer.output);
    const output = `/${prefix}/Gemm_output_0_quantized`;
    graph.node(
      'QGemm',
      `/${prefix}/Gemm_quant`,
      [...inputs, ...outParams],
      [output],
      attributes,
      MICROSOFT_DOMAIN,
    );
    current = output;
    currentParams = outParams;
    if (l === last) {
      graph.node(
        'DequantizeLinear',
        `/${prefix}/Gemm_output_0_DequantizeLinear`,
        [output, ...outParams],
        [ends.outputName],
      );
    }
  });
  return graph;
}
