import { biasScales, isFloatLayer } from '@quantproof/quant';
import type { QFloatLayer, QMlpMixed, QMlpStatic, TensorQuant } from '@quantproof/quant';
import { GraphBuilder, intAttr, transposeToInOut } from './graph-builder.js';

/** Graph input and output names of a graph being written. */
export interface GraphEnds {
  readonly inputName: string;
  readonly outputName: string;
}

/** The float node of each QDQ layer: what an unfused session runs (see `FloatGemmLayout`). */
export type QdqLinearNode = 'gemm-transb' | 'gemm' | 'matmul-add';

/** The float node a QDQ file uses for `model`: its unfused layout, else `Gemm(transB = 1)`. */
export function qdqLinearNode(model: QMlpStatic | QMlpMixed): QdqLinearNode {
  if (model.format === 'mixed') return 'gemm-transb';
  return model.executionPath.kind === 'unfused-float' ? model.executionPath.gemm : 'gemm-transb';
}

/** Adds QuantizeLinear's scale and zero point initializers for `quant`; returns their names. */
export function addTensorQuant(
  graph: GraphBuilder,
  prefix: string,
  quant: TensorQuant,
): [string, string] {
  return [
    graph.floatParam(`${prefix}_scale`, Float32Array.of(quant.scale), false),
    graph.intParam(`${prefix}_zero_point`, quant.elementType, [quant.zeroPoint], false),
  ];
}

/**
 * The QDQ layout of onnxruntime's `quantize_static`: `QuantizeLinear → DequantizeLinear` on the
 * input; per layer int8/uint8 weights and int32 bias (scale `fl32(s_in · s_w)`, zero point 0)
 * behind DequantizeLinear (axis 0 on [out, in], axis 1 on [in, out] per channel), the float node,
 * then `QuantizeLinear → DequantizeLinear` of the output. A ReLU is folded into the output
 * quantisation (zero point = qmin), as the quantiser removes it; float logits skip the last pair.
 */
export function qdqGraph(model: QMlpStatic | QMlpMixed, ends: GraphEnds): GraphBuilder {
  const graph = new GraphBuilder();
  const linear = qdqLinearNode(model);
  let current = ends.inputName;
  if (model.input !== null) {
    const [inScale, inZero] = addTensorQuant(graph, 'input', model.input);
    graph.node(
      'QuantizeLinear',
      'input_QuantizeLinear',
      [ends.inputName, inScale, inZero],
      ['input_quantized'],
    );
    current = 'input_dequantized';
    graph.node(
      'DequantizeLinear',
      'input_DequantizeLinear',
      ['input_quantized', inScale, inZero],
      [current],
    );
  }
  const last = model.layers.length - 1;
  model.layers.forEach((layer, l) => {
    const prefix = `layers.${l}`;
    if (isFloatLayer(layer)) {
      current = keptFloatLayer(graph, layer, prefix, current, l === last ? ends.outputName : null);
      return;
    }
    const { inFeatures, outFeatures, weightQuant } = layer;
    const perChannel = weightQuant.granularity === 'per-channel';
    const outInLayout = linear === 'gemm-transb';
    const weightName = graph.intTensor(
      `${prefix}.weight_quantized`,
      outInLayout ? [outFeatures, inFeatures] : [inFeatures, outFeatures],
      weightQuant.elementType,
      outInLayout ? layer.weight : transposeToInOut(layer.weight, outFeatures, inFeatures),
    );
    const weightScale = graph.floatParam(`${prefix}.weight_scale`, weightQuant.scales, perChannel);
    const weightZero = graph.intParam(
      `${prefix}.weight_zero_point`,
      weightQuant.elementType,
      weightQuant.zeroPoints,
      perChannel,
    );
    const axis = perChannel ? [intAttr('axis', outInLayout ? 0 : 1)] : [];
    graph.node(
      'DequantizeLinear',
      `${prefix}.weight_DequantizeLinear`,
      [weightName, weightScale, weightZero],
      [`${prefix}.weight_dequantized`],
      axis,
    );
    const scales = biasScales(model, l);
    const biasName = graph.intTensor(
      `${prefix}.bias_quantized`,
      [outFeatures],
      'int32',
      layer.bias,
    );
    const biasScale = graph.floatParam(
      `${prefix}.bias_scale`,
      perChannel ? scales : scales.subarray(0, 1),
      perChannel,
    );
    const biasZero = graph.intParam(
      `${prefix}.bias_zero_point`,
      'int32',
      new Int32Array(perChannel ? outFeatures : 1),
      perChannel,
    );
    graph.node(
      'DequantizeLinear',
      `${prefix}.bias_DequantizeLinear`,
      [biasName, biasScale, biasZero],
      [`${prefix}.bias_dequantized`],
      perChannel ? [intAttr('axis', 0)] : [],
    );

    const floatLogits = l === last && layer.output === null;
    let linearOut: string;
    if (linear === 'matmul-add') {
      const product = `/${prefix}/MatMul_output_0`;
      graph.node(
        'MatMul',
        `/${prefix}/MatMul`,
        [current, `${prefix}.weight_dequantized`],
        [product],
      );
      linearOut = floatLogits ? ends.outputName : `/${prefix}/Add_output_0`;
      graph.node('Add', `/${prefix}/Add`, [product, `${prefix}.bias_dequantized`], [linearOut]);
    } else {
      linearOut = floatLogits ? ends.outputName : `/${prefix}/Gemm_output_0`;
      graph.node(
        'Gemm',
        `/${prefix}/Gemm`,
        [current, `${prefix}.weight_dequantized`, `${prefix}.bias_dequantized`],
        [linearOut],
        [intAttr('transB', linear === 'gemm-transb' ? 1 : 0)],
      );
    }
    if (layer.output === null) return;
    const [outScale, outZero] = addTensorQuant(graph, `${prefix}.output`, layer.output);
    graph.node(
      'QuantizeLinear',
      `${linearOut}_QuantizeLinear`,
      [linearOut, outScale, outZero],
      [`${linearOut}_quantized`],
    );
    current = l === last ? ends.outputName : `${linearOut}_dequantized`;
    graph.node(
      'DequantizeLinear',
      `${linearOut}_DequantizeLinear`,
      [`${linearOut}_quantized`, outScale, outZero],
      [current],
    );
  });
  return graph;
}

/**
 * A layer kept in float32: `Gemm(transB = 1)` on float32 weights and bias, `Relu`, and
 * QuantizeLinear → DequantizeLinear when an int8 layer follows (what the quantiser leaves of a node
 * it was told to exclude). Returns the tensor the next layer reads; the last layer writes `output`.
 */
function keptFloatLayer(
  graph: GraphBuilder,
  layer: QFloatLayer,
  prefix: string,
  input: string,
  output: string | null,
): string {
  const relu = layer.activation === 'relu';
  const weight = graph.floatTensor(
    `${prefix}.weight`,
    [layer.outFeatures, layer.inFeatures],
    layer.weight,
  );
  const bias = graph.floatTensor(`${prefix}.bias`, [layer.outFeatures], layer.bias);
  const gemmOut = output !== null && !relu ? output : `/${prefix}/Gemm_output_0`;
  graph.node('Gemm', `/${prefix}/Gemm`, [input, weight, bias], [gemmOut], [intAttr('transB', 1)]);
  let current = gemmOut;
  if (relu) {
    current = output ?? `/${prefix}/Relu_output_0`;
    graph.node('Relu', `/${prefix}/Relu`, [gemmOut], [current]);
  }
  if (layer.output === null) return current;
  const [scale, zero] = addTensorQuant(graph, `${prefix}.output`, layer.output);
  graph.node(
    'QuantizeLinear',
    `${current}_QuantizeLinear`,
    [current, scale, zero],
    [`${current}_quantized`],
  );
  graph.node(
    'DequantizeLinear',
    `${current}_DequantizeLinear`,
    [`${current}_quantized`, scale, zero],
    [`${current}_dequantized`],
  );
  return `${current}_dequantized`;
}
