// Graphs laid out node by node the way onnxruntime's Python quantiser (1.2x, `quantize_static` /
// `quantize_dynamic`) writes them for a torch-exported MLP (`/fc<i>/Gemm` with transB = 1), so
// that the reader is tested on files our writer would never produce: the quantiser's tensor and
// node names, IR 7 / opset 13 plus the com.microsoft domain, per-tensor scales as 0-D
// tensors, Relu removed (or kept, with `keepRelu`, as `QDQKeepRemovableActivations` does),
// nodes listed in the quantiser's order (weights' DequantizeLinear right before their Gemm). Python
// cannot be installed here, so these are written from the quantiser's source
// (`onnxruntime/python/tools/quantization/qdq_quantizer.py`, `operators/gemm.py`,
// `operators/matmul.py`), not copied from its output.
import { biasScales } from '@quantproof/quant';
import type { QMlpDynamic, QMlpStatic, TensorQuant } from '@quantproof/quant';
import { floatTensorProto, intTensorProto } from '../../src/tensor-data.js';
import type { NodeProtoObject, TensorProtoObject } from '../../src/proto/onnx-schema.js';
import { encode, floatValue, intAttr, node } from './onnx-objects.js';

interface Parts {
  nodes: NodeProtoObject[];
  inits: TensorProtoObject[];
}

function scalarQuant(parts: Parts, prefix: string, quant: TensorQuant): [string, string] {
  parts.inits.push(
    floatTensorProto(`${prefix}_scale`, [], Float32Array.of(quant.scale)),
    intTensorProto(`${prefix}_zero_point`, [], quant.elementType, [quant.zeroPoint]),
  );
  return [`${prefix}_scale`, `${prefix}_zero_point`];
}

function quantizerModel(
  parts: Parts,
  inFeatures: number,
  outFeatures: number,
  microsoft: boolean,
): Uint8Array {
  return encode({
    ir_version: 7,
    opset_import: [
      { domain: '', version: 13 },
      ...(microsoft ? [{ domain: 'com.microsoft', version: 1 }] : []),
    ],
    producer_name: 'pytorch',
    producer_version: '2.5.1',
    graph: {
      name: 'main_graph',
      node: parts.nodes,
      initializer: parts.inits,
      input: [floatValue('input', ['batch_size', inFeatures])],
      output: [floatValue('output', ['batch_size', outFeatures])],
    },
  });
}

/** Options of `quantizerQdqGraph`. */
export interface QdqStyle {
  /** Keep a Relu node between each hidden Gemm and its QuantizeLinear. */
  readonly keepRelu?: boolean;
  /**
   * Bias-free `MatMul` layers on B [in, out] (per channel: axis 1), as the quantiser writes a
   * MatMul without Add; the model's biases must be zero.
   */
  readonly matmul?: boolean;
}

/** `quantize_static(..., quant_format=QDQ)` of a Gemm MLP, for the QMlp `model` (format ignored). */
export function quantizerQdqGraph(model: QMlpStatic, style: QdqStyle = {}): Uint8Array {
  const parts: Parts = { nodes: [], inits: [] };
  const [s, z] = scalarQuant(parts, 'input', model.input);
  parts.nodes.push(
    node(
      'QuantizeLinear',
      'input_QuantizeLinear',
      ['input', s, z],
      ['input_QuantizeLinear_Output'],
    ),
    node(
      'DequantizeLinear',
      'input_DequantizeLinear',
      ['input_QuantizeLinear_Output', s, z],
      ['input_DequantizeLinear_Output'],
    ),
  );
  let current = 'input_DequantizeLinear_Output';
  const last = model.layers.length - 1;
  model.layers.forEach((layer, l) => {
    const fc = `fc${l + 1}`;
    const perChannel = layer.weightQuant.granularity === 'per-channel';
    const dims = perChannel ? [layer.outFeatures] : [];
    const matmul = style.matmul === true;
    const weight = new Int32Array(layer.weight.length);
    for (let j = 0; j < layer.outFeatures; j++) {
      for (let i = 0; i < layer.inFeatures; i++) {
        const at = matmul ? i * layer.outFeatures + j : j * layer.inFeatures + i;
        weight[at] = layer.weight[j * layer.inFeatures + i] ?? 0;
      }
    }
    parts.inits.push(
      intTensorProto(
        `${fc}.weight_quantized`,
        matmul ? [layer.inFeatures, layer.outFeatures] : [layer.outFeatures, layer.inFeatures],
        layer.weightQuant.elementType,
        weight,
      ),
      floatTensorProto(`${fc}.weight_scale`, dims, layer.weightQuant.scales),
      intTensorProto(
        `${fc}.weight_zero_point`,
        dims,
        layer.weightQuant.elementType,
        layer.weightQuant.zeroPoints,
      ),
    );
    const gemmOut = matmul ? `/${fc}/MatMul_output_0` : `/${fc}/Gemm_output_0`;
    const floatLogits = layer.output === null;
    parts.nodes.push(
      node(
        'DequantizeLinear',
        `${fc}.weight_DequantizeLinear`,
        [`${fc}.weight_quantized`, `${fc}.weight_scale`, `${fc}.weight_zero_point`],
        [`${fc}.weight_DequantizeLinear_Output`],
        perChannel ? [intAttr('axis', matmul ? 1 : 0)] : [],
      ),
    );
    if (matmul) {
      parts.nodes.push(
        node(
          'MatMul',
          `/${fc}/MatMul`,
          [current, `${fc}.weight_DequantizeLinear_Output`],
          [floatLogits ? 'output' : gemmOut],
        ),
      );
    } else {
      parts.inits.push(
        intTensorProto(`${fc}.bias_quantized`, [layer.outFeatures], 'int32', layer.bias),
        floatTensorProto(
          `${fc}.bias_quantized_scale`,
          dims,
          perChannel ? biasScales(model, l) : biasScales(model, l).subarray(0, 1),
        ),
        intTensorProto(
          `${fc}.bias_quantized_zero_point`,
          dims,
          'int32',
          new Int32Array(perChannel ? layer.outFeatures : 1),
        ),
      );
      parts.nodes.push(
        node(
          'DequantizeLinear',
          `${fc}.bias_DequantizeLinear`,
          [`${fc}.bias_quantized`, `${fc}.bias_quantized_scale`, `${fc}.bias_quantized_zero_point`],
          [`${fc}.bias_DequantizeLinear_Output`],
          perChannel ? [intAttr('axis', 0)] : [],
        ),
        node(
          'Gemm',
          `/${fc}/Gemm`,
          [current, `${fc}.weight_DequantizeLinear_Output`, `${fc}.bias_DequantizeLinear_Output`],
          [floatLogits ? 'output' : gemmOut],
          [intAttr('transB', 1)],
        ),
      );
    }
    if (layer.output === null) return;
    let quantized = gemmOut;
    if (style.keepRelu === true && layer.activation === 'relu') {
      quantized = `/${fc}/Relu_output_0`;
      parts.nodes.push(node('Relu', `/${fc}/Relu`, [gemmOut], [quantized]));
    }
    const [os, oz] = scalarQuant(parts, quantized, layer.output);
    current = l === last ? 'output' : `${quantized}_DequantizeLinear_Output`;
    parts.nodes.push(
      node(
        'QuantizeLinear',
        `${quantized}_QuantizeLinear`,
        [quantized, os, oz],
        [`${quantized}_QuantizeLinear_Output`],
      ),
      node(
        'DequantizeLinear',
        `${quantized}_DequantizeLinear`,
        [`${quantized}_QuantizeLinear_Output`, os, oz],
        [current],
      ),
    );
  });
  return quantizerModel(
    parts,
    model.layers[0]?.inFeatures ?? 0,
    model.layers[last]?.outFeatures ?? 0,
    false,
  );
}

/**
 * `quantize_static(..., quant_format=QOperator)`: QGemm per Gemm layer, or — with `matmul` — a
 * bias-free QLinearMatMul on B [in, out] (the model's biases must then be zero).
 */
export function quantizerQOperatorGraph(model: QMlpStatic, matmul = false): Uint8Array {
  const parts: Parts = { nodes: [], inits: [] };
  const [s, z] = scalarQuant(parts, 'input', model.input);
  parts.nodes.push(
    node('QuantizeLinear', 'input_QuantizeLinear', ['input', s, z], ['input_quantized']),
  );
  let current = 'input_quantized';
  let params = [s, z];
  const last = model.layers.length - 1;
  model.layers.forEach((layer, l) => {
    const fc = `fc${l + 1}`;
    const { inFeatures, outFeatures } = layer;
    const perChannel = layer.weightQuant.granularity === 'per-channel';
    const dims = perChannel ? [outFeatures] : [];
    const weight = new Int32Array(layer.weight.length);
    for (let j = 0; j < outFeatures; j++) {
      for (let i = 0; i < inFeatures; i++) {
        weight[matmul ? i * outFeatures + j : j * inFeatures + i] =
          layer.weight[j * inFeatures + i] ?? 0;
      }
    }
    parts.inits.push(
      intTensorProto(
        `${fc}.weight_quantized`,
        matmul ? [inFeatures, outFeatures] : [outFeatures, inFeatures],
        layer.weightQuant.elementType,
        weight,
      ),
      floatTensorProto(`${fc}.weight_scale`, dims, layer.weightQuant.scales),
      intTensorProto(
        `${fc}.weight_zero_point`,
        dims,
        layer.weightQuant.elementType,
        layer.weightQuant.zeroPoints,
      ),
      ...(matmul
        ? []
        : [intTensorProto(`${fc}.bias_quantized`, [outFeatures], 'int32', layer.bias)]),
    );
    const weights = [`${fc}.weight_quantized`, `${fc}.weight_scale`, `${fc}.weight_zero_point`];
    const out = layer.output === null ? 'output' : `/${fc}/Gemm_output_0_quantized`;
    const outParams =
      layer.output === null ? [] : scalarQuant(parts, `/${fc}/Gemm_output_0`, layer.output);
    if (matmul) {
      parts.nodes.push(
        node(
          'QLinearMatMul',
          `/${fc}/MatMul_quant`,
          [current, ...params, ...weights, ...outParams],
          [out],
        ),
      );
    } else {
      parts.nodes.push({
        ...node(
          'QGemm',
          `/${fc}/Gemm_quant`,
          [current, ...params, ...weights, `${fc}.bias_quantized`, ...outParams],
          [out],
          [intAttr('transB', 1)],
        ),
        domain: 'com.microsoft',
      });
    }
    current = out;
    params = outParams;
    if (l === last && layer.output !== null) {
      parts.nodes.push(
        node('DequantizeLinear', 'output_DequantizeLinear', [out, ...outParams], ['output']),
      );
    }
  });
  return quantizerModel(
    parts,
    model.layers[0]?.inFeatures ?? 0,
    model.layers[last]?.outFeatures ?? 0,
    true,
  );
}

/** `quantize_dynamic` of a MatMul + Add MLP; `withBias: false` leaves out the Adds (zero bias). */
export function quantizerDynamicGraph(model: QMlpDynamic, withBias = true): Uint8Array {
  const parts: Parts = { nodes: [], inits: [] };
  let current = 'input';
  const last = model.layers.length - 1;
  model.layers.forEach((layer, l) => {
    const fc = `fc${l + 1}`;
    const { inFeatures, outFeatures } = layer;
    const perChannel = layer.weightQuant.granularity === 'per-channel';
    const dims = perChannel ? [outFeatures] : [];
    const weight = new Int32Array(layer.weight.length);
    for (let j = 0; j < outFeatures; j++) {
      for (let i = 0; i < inFeatures; i++)
        weight[i * outFeatures + j] = layer.weight[j * inFeatures + i] ?? 0;
    }
    parts.inits.push(
      intTensorProto(
        `${fc}.weight_quantized`,
        [inFeatures, outFeatures],
        layer.weightQuant.elementType,
        weight,
      ),
      floatTensorProto(`${fc}.weight_scale`, dims, layer.weightQuant.scales),
      intTensorProto(
        `${fc}.weight_zero_point`,
        dims,
        layer.weightQuant.elementType,
        layer.weightQuant.zeroPoints,
      ),
      floatTensorProto(`${fc}.bias`, [outFeatures], layer.bias),
    );
    const mm = `/${fc}/MatMul`;
    const base = `${mm}_output_0`;
    const matmulOut = l === last && !withBias && layer.activation !== 'relu' ? 'output' : base;
    parts.nodes.push(
      node(
        'DynamicQuantizeLinear',
        `${current}_QuantizeLinear`,
        [current],
        [`${current}_quantized`, `${current}_scale`, `${current}_zero_point`],
      ),
      node(
        'MatMulInteger',
        `${mm}_quant`,
        [
          `${current}_quantized`,
          `${fc}.weight_quantized`,
          `${current}_zero_point`,
          `${fc}.weight_zero_point`,
        ],
        [`${base}_quantized`],
      ),
      node(
        'Cast',
        `${base}_quantized_cast`,
        [`${base}_quantized`],
        [`${base}_quantized_cast_output`],
        [intAttr('to', 1)],
      ),
      node(
        'Mul',
        `${mm}_quant_scales_mul`,
        [`${current}_scale`, `${fc}.weight_scale`],
        [`${mm}_quant_scales_mul:0`],
      ),
      node(
        'Mul',
        `${mm}_quant_output_scale_mul`,
        [`${base}_quantized_cast_output`, `${mm}_quant_scales_mul:0`],
        [matmulOut],
      ),
    );
    let out = matmulOut;
    if (withBias) {
      out = l === last && layer.activation !== 'relu' ? 'output' : `/${fc}/Add_output_0`;
      parts.nodes.push(node('Add', `/${fc}/Add`, [`${fc}.bias`, matmulOut], [out]));
    } else {
      parts.inits.pop();
    }
    if (layer.activation === 'relu') {
      const reluOut = l === last ? 'output' : `/${fc}/Relu_output_0`;
      parts.nodes.push(node('Relu', `/${fc}/Relu`, [out], [reluOut]));
      out = reluOut;
    }
    current = out;
  });
  return quantizerModel(
    parts,
    model.layers[0]?.inFeatures ?? 0,
    model.layers[last]?.outFeatures ?? 0,
    false,
  );
}
