import type { TensorQuant } from '@quantproof/quant';
import { MICROSOFT_DOMAIN } from './graph-builder.js';
import type { GraphWalker } from './graph-walker.js';
import { firstOutput, isOp, unsupported } from './graph-walker.js';
import { floatAttribute, intAttribute } from './node-attributes.js';
import type { NodeProtoObject } from './proto/onnx-schema.js';
import type { StaticDraft, StaticLayerDraft } from './qmlp-draft.js';
import {
  quantizeOutputType,
  readCheckedIntTensor,
  readQuantParams,
  readWeightMatrix,
  sameTensorQuant,
  tensorQuantOf,
  weightQuantOf,
} from './quant-params.js';
import type { QuantParams } from './quant-params.js';
import { chainEnds } from './read-qdq.js';
import { readSoftmaxHead } from './softmax-head.js';

function checkInputQuant(
  walker: GraphWalker,
  node: NodeProtoObject,
  scaleName: string | undefined,
  zeroPointName: string | undefined,
  expected: TensorQuant,
): void {
  const quant = tensorQuantOf(
    node,
    readQuantParams(walker, node, scaleName, zeroPointName, expected.elementType),
    'input A',
  );
  if (!sameTensorQuant(quant, expected)) {
    throw unsupported(
      node,
      `its input A is quantised with scale ${quant.scale}, zero point ${quant.zeroPoint} ` +
        `(${quant.elementType}) but was produced with scale ${expected.scale}, zero point ` +
        `${expected.zeroPoint} (${expected.elementType})`,
    );
  }
}

function readBias(
  walker: GraphWalker,
  node: NodeProtoObject,
  name: string | undefined,
  outFeatures: number,
): Int32Array {
  if (name === undefined || name === '') return new Int32Array(outFeatures);
  const bias = readCheckedIntTensor(walker.requireConstant(node, name, 'bias C'));
  const rowShaped = bias.dims.length === 1 || (bias.dims.length === 2 && bias.dims[0] === 1);
  if (bias.type !== 'int32' || !rowShaped || bias.data.length !== outFeatures) {
    throw unsupported(
      node,
      `its bias C '${bias.name}' is ${bias.type} [${bias.dims.join(', ')}]; expected int32 [${outFeatures}]`,
    );
  }
  return Int32Array.from(bias.data);
}

/** One QGemm (com.microsoft) or QLinearMatMul layer on quantised input `expected`. */
function readLayer(
  walker: GraphWalker,
  node: NodeProtoObject,
  expected: TensorQuant,
): { layer: StaticLayerDraft; output: string } {
  const inputs = node.input ?? [];
  const qgemm = isOp(node, 'QGemm', MICROSOFT_DOMAIN);
  checkInputQuant(walker, node, inputs[1], inputs[2], expected);
  let layout: 'out-in' | 'in-out' = 'in-out';
  if (qgemm) {
    const transA = intAttribute(node, 'transA', 0);
    const transB = intAttribute(node, 'transB', 0);
    const alpha = floatAttribute(node, 'alpha', 1);
    if (transA !== 0 || (transB !== 0 && transB !== 1) || alpha !== 1) {
      throw unsupported(
        node,
        `transA = ${transA}, transB = ${transB}, alpha = ${alpha}; only transA = 0, transB 0 or 1 ` +
          'and alpha = 1 are read',
      );
    }
    layout = transB === 1 ? 'out-in' : 'in-out';
  }
  const matrix = readWeightMatrix(
    node,
    walker.requireConstant(node, inputs[3], 'weight B'),
    layout,
  );
  const weightQuant = weightQuantOf(
    node,
    readQuantParams(walker, node, inputs[4], inputs[5], matrix.type),
    matrix.type,
    matrix.outFeatures,
  );
  const bias = qgemm
    ? readBias(walker, node, inputs[6], matrix.outFeatures)
    : new Int32Array(matrix.outFeatures);
  const [yScale, yZeroPoint] = qgemm ? [inputs[7], inputs[8]] : [inputs[6], inputs[7]];
  let output: TensorQuant | null = null;
  if (yScale !== undefined && yScale !== '') {
    output = tensorQuantOf(
      node,
      readQuantParams(walker, node, yScale, yZeroPoint, quantizeOutputType(node)),
      'output Y',
    );
  } else if (!qgemm) {
    throw unsupported(node, 'QLinearMatMul needs y_scale and y_zero_point');
  }
  walker.accept(node);
  return {
    layer: {
      inFeatures: matrix.inFeatures,
      outFeatures: matrix.outFeatures,
      weight: matrix.values,
      weightQuant,
      bias,
      output,
      reluNode: false,
      linearNode: qgemm ? 'qgemm' : 'qlinearmatmul',
    },
    output: firstOutput(node),
  };
}

interface PerFeatureInput {
  readonly scales: Float32Array;
  readonly zeroPoint: number;
  readonly elementType: 'int8' | 'uint8';
}

/**
 * The input QuantizeLinear's per-axis parameters (axis 1 of [batch, features], one zero point
 * shared by all features), or null when it is per tensor.
 */
function readPerFeatureInput(node: NodeProtoObject, params: QuantParams): PerFeatureInput | null {
  if (params.scales.length === 1 && params.dims.length <= 1) return null;
  // ONNX QuantizeLinear's axis defaults to 1; -1 is the same axis of a [batch, features] input.
  const axis = intAttribute(node, 'axis', 1);
  if (axis !== 1 && axis !== -1) {
    throw unsupported(node, `it quantises along axis ${axis}; per-feature input scales use axis 1`);
  }
  if (intAttribute(node, 'block_size', 0) !== 0) {
    throw unsupported(node, 'blocked quantisation (block_size) is not read');
  }
  const zeroPoint = params.zeroPoints[0] ?? 0;
  if (!params.zeroPoints.every((z) => z === zeroPoint)) {
    throw unsupported(
      node,
      `its zero points [${Array.from(params.zeroPoints).join(', ')}] differ; per-feature input ` +
        'scales share one zero point (the first QGemm has a single a_zero_point)',
    );
  }
  if (params.type === 'int32') {
    throw unsupported(node, 'its output is int32; activations are int8 or uint8');
  }
  return { scales: Float32Array.from(params.scales), zeroPoint, elementType: params.type };
}

function inputOf(
  input: TensorQuant,
  perFeature: PerFeatureInput | null,
): { input: TensorQuant; inputScales?: Float32Array } {
  return perFeature === null ? { input } : { input, inputScales: perFeature.scales };
}

/**
 * Reads a QOperator graph: input `QuantizeLinear`, then per layer a com.microsoft `QGemm` (int32
 * bias as C; without `y_scale` it outputs float logits) or a `QLinearMatMul` (no bias), and a final
 * `DequantizeLinear` of quantised logits, then an optional final Softmax over the features. The
 * input QuantizeLinear may be per axis (axis 1, one shared zero point): per-feature input scales,
 * with the first layer's `a_scale` as `input.scale`.
 */
export function readQOperatorGraph(walker: GraphWalker): StaticDraft {
  const { input, output } = walker.file;
  const first = walker.soleConsumer(input.name);
  if (first === undefined) throw chainEnds(input.name);
  if (!isOp(first, 'QuantizeLinear')) {
    throw unsupported(first, `the input '${input.name}' must go into a QuantizeLinear first`);
  }
  const firstInputs = first.input ?? [];
  const firstParams = readQuantParams(
    walker,
    first,
    firstInputs[1],
    firstInputs[2],
    quantizeOutputType(first),
  );
  const perFeature = readPerFeatureInput(first, firstParams);
  walker.accept(first);
  let current = firstOutput(first);
  let currentQuant: TensorQuant | null =
    perFeature === null ? tensorQuantOf(first, firstParams, 'output') : null;
  let inputQuant: TensorQuant | null = currentQuant;
  const layers: StaticLayerDraft[] = [];
  for (;;) {
    const node = walker.soleConsumer(current);
    if (node === undefined) throw chainEnds(current);
    if (!isOp(node, 'QGemm', MICROSOFT_DOMAIN) && !isOp(node, 'QLinearMatMul')) {
      throw unsupported(
        node,
        'expected a com.microsoft QGemm or a QLinearMatMul on the quantised activations',
      );
    }
    if ((node.input ?? [])[0] !== current) {
      throw unsupported(node, `its input A is not '${current}'`);
    }
    if (currentQuant === null && perFeature !== null) {
      // The first layer's a_scale is s0; a_zero_point must be the shared input zero point.
      const inputs = node.input ?? [];
      const a = tensorQuantOf(
        node,
        readQuantParams(walker, node, inputs[1], inputs[2], perFeature.elementType),
        'input A',
      );
      if (a.zeroPoint !== perFeature.zeroPoint || a.elementType !== perFeature.elementType) {
        throw unsupported(
          node,
          `its input A has zero point ${a.zeroPoint} (${a.elementType}) but the input ` +
            `QuantizeLinear used ${perFeature.zeroPoint} (${perFeature.elementType})`,
        );
      }
      currentQuant = a;
      inputQuant = a;
    }
    const { layer, output: out } = readLayer(walker, node, currentQuant!);
    if (perFeature !== null && layers.length === 0) {
      if (perFeature.scales.length !== layer.inFeatures) {
        throw unsupported(
          first,
          `it has ${perFeature.scales.length} per-feature scales but the first layer takes ` +
            `${layer.inFeatures} inputs`,
        );
      }
    }
    layers.push(layer);
    if (layer.output === null) {
      const head = readSoftmaxHead(walker, out);
      if (head === 'logits' && (out !== output.name || walker.consumers(out).length > 0)) {
        throw unsupported(
          node,
          'a QGemm with float output must produce the graph output (or feed a final Softmax)',
        );
      }
      return { ...inputOf(inputQuant!, perFeature), layers, logits: 'float', head };
    }
    const next = walker.soleConsumer(out);
    if (next === undefined) throw chainEnds(out);
    if (isOp(next, 'DequantizeLinear')) {
      const nextInputs = next.input ?? [];
      const back = tensorQuantOf(
        next,
        readQuantParams(walker, next, nextInputs[1], nextInputs[2], layer.output.elementType),
        'input',
      );
      if (!sameTensorQuant(back, layer.output)) {
        throw unsupported(
          next,
          'it dequantises with other parameters than the layer quantised with',
        );
      }
      walker.accept(next);
      const logits = firstOutput(next);
      const head = readSoftmaxHead(walker, logits);
      if (head === 'logits' && (logits !== output.name || walker.consumers(logits).length > 0)) {
        throw unsupported(
          next,
          'a DequantizeLinear is read only as the last node, producing the logits (or feeding ' +
            'a final Softmax)',
        );
      }
      return { ...inputOf(inputQuant!, perFeature), layers, logits: 'dequantize', head };
    }
    current = out;
    currentQuant = layer.output;
  }
}
