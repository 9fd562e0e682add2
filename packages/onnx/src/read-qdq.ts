import { elementTypeRange } from '@quantproof/quant';
import type { TensorQuant, WeightQuant } from '@quantproof/quant';
import { UnsupportedGraphError } from './errors.js';
import type { GraphWalker } from './graph-walker.js';
import { firstOutput, isOp, unsupported } from './graph-walker.js';
import { floatAttribute, intAttribute } from './node-attributes.js';
import type { OutputHead } from '@quantproof/nn';
import type { NodeProtoObject, TensorProtoObject } from './proto/onnx-schema.js';
import type {
  FloatLayerDraft,
  MixedDraft,
  StaticDraft,
  StaticLayerDraft,
  StaticLinearNode,
} from './qmlp-draft.js';
import {
  quantizeOutputType,
  readCheckedIntTensor,
  readQuantParams,
  readWeightMatrix,
  sameTensorQuant,
  tensorQuantOf,
  weightQuantOf,
} from './quant-params.js';
import type { WeightMatrix } from './quant-params.js';
import { readSoftmaxHead } from './softmax-head.js';
import { TensorDataType } from './proto/onnx-schema.js';
import { gemmBias, gemmWeight } from './mlp-chain.js';
import { readFloatTensor } from './tensor-data.js';

/**
 * Reads the QuantizeLinear at `q` and the DequantizeLinear that must follow it with the same
 * parameters; returns the quantisation and the dequantised tensor.
 */
function readQdqPair(walker: GraphWalker, q: NodeProtoObject): { quant: TensorQuant; out: string } {
  const inputs = q.input ?? [];
  const quant = tensorQuantOf(
    q,
    readQuantParams(walker, q, inputs[1], inputs[2], quantizeOutputType(q)),
    'output',
  );
  walker.accept(q);
  const dq = walker.soleConsumer(firstOutput(q));
  if (dq === undefined || !isOp(dq, 'DequantizeLinear')) {
    throw unsupported(
      dq ?? q,
      'a QuantizeLinear of an activation must be followed by its DequantizeLinear',
    );
  }
  const dqInputs = dq.input ?? [];
  const back = tensorQuantOf(
    dq,
    readQuantParams(walker, dq, dqInputs[1], dqInputs[2], quant.elementType),
    'input',
  );
  if (!sameTensorQuant(quant, back)) {
    throw unsupported(dq, 'it dequantises with other parameters than its QuantizeLinear');
  }
  walker.accept(dq);
  return { quant, out: firstOutput(dq) };
}

/** The constant int8/uint8 weights behind the DequantizeLinear that produces `name`. */
function dequantizedWeight(
  walker: GraphWalker,
  user: NodeProtoObject,
  name: string | undefined,
  layout: 'out-in' | 'in-out',
): { matrix: WeightMatrix; dq: NodeProtoObject } {
  const dq = walker.producer(name ?? '');
  if (dq === undefined || !isOp(dq, 'DequantizeLinear')) {
    throw unsupported(user, `its weight '${name ?? ''}' is not the output of a DequantizeLinear`);
  }
  const inputs = dq.input ?? [];
  const matrix = readWeightMatrix(dq, walker.requireConstant(dq, inputs[0], 'weight'), layout);
  walker.accept(dq);
  return { matrix, dq };
}

function readWeightQuant(
  walker: GraphWalker,
  dq: NodeProtoObject,
  matrix: WeightMatrix,
  layout: 'out-in' | 'in-out',
): WeightQuant {
  const inputs = dq.input ?? [];
  const params = readQuantParams(walker, dq, inputs[1], inputs[2], matrix.type);
  const quant = weightQuantOf(dq, params, matrix.type, matrix.outFeatures);
  if (quant.granularity === 'per-channel') {
    const axis = intAttribute(dq, 'axis', 1);
    const expected = layout === 'out-in' ? 0 : 1;
    if (axis !== expected && axis !== expected - 2) {
      throw unsupported(dq, `per-channel axis = ${axis}; the output channels are axis ${expected}`);
    }
  }
  return quant;
}

/** The int32 bias behind the DequantizeLinear that produces `name`, checked against `biasScale`. */
function dequantizedBias(
  walker: GraphWalker,
  user: NodeProtoObject,
  name: string,
  outFeatures: number,
  biasScale: (j: number) => number,
): Int32Array {
  const dq = walker.producer(name);
  if (dq === undefined || !isOp(dq, 'DequantizeLinear')) {
    throw unsupported(
      user,
      `its bias '${name}' is not an int32 tensor behind a DequantizeLinear (a float bias cannot ` +
        'join the int32 accumulator)',
    );
  }
  const inputs = dq.input ?? [];
  const values = readCheckedIntTensor(walker.requireConstant(dq, inputs[0], 'bias'));
  if (values.type !== 'int32') {
    throw unsupported(dq, `its bias '${values.name}' is ${values.type}, not int32`);
  }
  const rowShaped = values.dims.length === 1 || (values.dims.length === 2 && values.dims[0] === 1);
  if (!rowShaped || values.data.length !== outFeatures) {
    throw unsupported(
      dq,
      `its bias has dims [${values.dims.join(', ')}]; expected [${outFeatures}]`,
    );
  }
  // The bias scale must be the float32 product s_in · s_w (checked below), which can underflow to
  // +0 for tiny weights: onnxruntime runs such a file, and so is it read.
  const params = readQuantParams(walker, dq, inputs[1], inputs[2], 'int32', true);
  if (params.scales.length !== 1 && params.scales.length !== outFeatures) {
    throw unsupported(dq, `its bias has ${params.scales.length} scales for ${outFeatures} outputs`);
  }
  for (let j = 0; j < outFeatures; j++) {
    const scale = params.scales[params.scales.length === 1 ? 0 : j] ?? 0;
    if (params.zeroPoints[params.scales.length === 1 ? 0 : j] !== 0) {
      throw unsupported(dq, 'its bias zero point is not 0');
    }
    if (!Object.is(scale, biasScale(j))) {
      throw unsupported(
        dq,
        `bias scale ${scale} (output ${j}) differs from s_in · s_w = ${biasScale(j)}; onnxruntime's ` +
          'QGemm adds the int32 bias in the accumulator, whose scale is that product',
      );
    }
  }
  walker.accept(dq);
  return Int32Array.from(values.data);
}

interface LinearRead {
  readonly matrix: WeightMatrix;
  readonly weightDq: NodeProtoObject;
  readonly layout: 'out-in' | 'in-out';
  readonly biasName: string | null;
  readonly biasUser: NodeProtoObject;
  readonly output: string;
  readonly linearNode: StaticLinearNode;
}

/** A Gemm's transB (0 or 1) after checking it reads `current` with transA = 0, alpha = beta = 1. */
function gemmTransB(node: NodeProtoObject, current: string): 0 | 1 {
  if ((node.input ?? [])[0] !== current) {
    throw unsupported(node, `its A operand is not '${current}'`);
  }
  const transA = intAttribute(node, 'transA', 0);
  const transB = intAttribute(node, 'transB', 0);
  const alpha = floatAttribute(node, 'alpha', 1);
  const beta = floatAttribute(node, 'beta', 1);
  if (transA !== 0 || (transB !== 0 && transB !== 1) || alpha !== 1 || beta !== 1) {
    throw unsupported(
      node,
      `transA = ${transA}, transB = ${transB}, alpha = ${alpha}, beta = ${beta}; only transA = 0, ` +
        'transB 0 or 1 and alpha = beta = 1 are read',
    );
  }
  return transB;
}

function readGemm(walker: GraphWalker, node: NodeProtoObject, current: string): LinearRead {
  const inputs = node.input ?? [];
  const transB = gemmTransB(node, current);
  const layout = transB === 1 ? 'out-in' : 'in-out';
  const { matrix, dq } = dequantizedWeight(walker, node, inputs[1], layout);
  walker.accept(node);
  const c = inputs[2];
  return {
    matrix,
    weightDq: dq,
    layout,
    biasName: c === undefined || c === '' ? null : c,
    biasUser: node,
    output: firstOutput(node),
    linearNode: transB === 1 ? 'gemm-transb' : 'gemm',
  };
}

function readMatMul(walker: GraphWalker, node: NodeProtoObject, current: string): LinearRead {
  const inputs = node.input ?? [];
  if (inputs[0] !== current) throw unsupported(node, `its A operand is not '${current}'`);
  const { matrix, dq } = dequantizedWeight(walker, node, inputs[1], 'in-out');
  walker.accept(node);
  const product = firstOutput(node);
  const add = walker.soleConsumer(product);
  if (add === undefined || !isOp(add, 'Add')) {
    return {
      matrix,
      weightDq: dq,
      layout: 'in-out',
      biasName: null,
      biasUser: node,
      output: product,
      linearNode: 'matmul-add',
    };
  }
  const addInputs = add.input ?? [];
  if (addInputs.length !== 2) throw unsupported(add, `it has ${addInputs.length} inputs, not 2`);
  const other = addInputs[0] === product ? addInputs[1] : addInputs[0];
  walker.accept(add);
  return {
    matrix,
    weightDq: dq,
    layout: 'in-out',
    biasName: other ?? '',
    biasUser: add,
    output: firstOutput(add),
    linearNode: 'matmul-add',
  };
}

/** The error for a chain of layers that stops before the graph output. */
export function chainEnds(tensor: string): UnsupportedGraphError {
  return new UnsupportedGraphError(
    `the chain of layers stops at '${tensor}', which no node reads and which is not the graph output`,
    'quantproof reads a single chain of layers from the input to the output; remove side branches.',
  );
}

/** A Gemm on a constant float32 weight (a layer kept in float32), or null if its weight is not one. */
function readFloatGemm(
  walker: GraphWalker,
  node: NodeProtoObject,
  current: string,
): { weight: Float32Array; bias: Float32Array; inFeatures: number; outFeatures: number } | null {
  const inputs = node.input ?? [];
  const weightTensor = walker.constant(inputs[1]);
  if (weightTensor === undefined || weightTensor.data_type !== TensorDataType.FLOAT) return null;
  if (!isOp(node, 'Gemm')) {
    throw unsupported(
      node,
      'a layer kept in float32 is read as a Gemm (transB 0 or 1); write it as Gemm, as onnxruntime fuses MatMul + Add into',
    );
  }
  const transB = gemmTransB(node, current);
  const w = readFloatTensor(weightTensor);
  if (w.dims.length !== 2) throw unsupported(node, `its weight has dims [${w.dims.join(', ')}]`);
  // The FP32 reader's Gemm layout and bias rules: the same Gemm, read the same way.
  const { weight, inFeatures, outFeatures } = gemmWeight(w, transB);
  let bias: Float32Array = new Float32Array(outFeatures);
  const c = inputs[2];
  if (c !== undefined && c !== '') {
    const b = readFloatTensor(walker.requireConstant(node, c, 'bias'));
    const read = gemmBias(b, outFeatures);
    if (read === null) {
      throw unsupported(
        node,
        `its bias has dims [${b.dims.join(', ')}]; expected [${outFeatures}], [1, ${outFeatures}] or a scalar`,
      );
    }
    bias = read;
  }
  walker.accept(node);
  return {
    weight: Float32Array.from(weight),
    bias: Float32Array.from(bias),
    inFeatures,
    outFeatures,
  };
}

/**
 * Reads a QDQ graph: input `QuantizeLinear → DequantizeLinear`, then per layer a Gemm (or MatMul
 * [+ Add]) on dequantised int8/uint8 weights and an int32 bias, an optional Relu, and
 * `QuantizeLinear → DequantizeLinear` of the output (absent after the last layer for float logits),
 * and an optional final Softmax over the features on the (float or dequantised) logits. Layers kept
 * in float32 (a Gemm on constant float32 weights, as onnxruntime's quantiser leaves the nodes it
 * excludes) make a `MixedDraft`; the input then goes into such a layer or into the QuantizeLinear.
 */
export function readQdqGraph(walker: GraphWalker): StaticDraft | MixedDraft {
  const { input, output } = walker.file;
  const first = walker.soleConsumer(input.name);
  if (first === undefined) throw chainEnds(input.name);
  let inputQuant: TensorQuant | null = null;
  let current = input.name;
  if (isOp(first, 'QuantizeLinear')) {
    const firstInputs = first.input ?? [];
    const firstScales = readQuantParams(
      walker,
      first,
      firstInputs[1],
      firstInputs[2],
      quantizeOutputType(first),
    ).scales;
    if (firstScales.length > 1) {
      // Measured with onnxruntime-node 1.30.0 at level all: the first Gemm stays a float Gemm
      // behind the per-axis DequantizeLinear while later layers fuse into QGemm — a mixed path.
      throw unsupported(
        first,
        `it quantises the input per feature (${firstScales.length} scales) in a QDQ graph, which ` +
          'onnxruntime does not fuse into an integer first layer (it runs that layer as a float ' +
          'Gemm, the others as QGemm) and quantproof does not model; write the model in the ' +
          'QOperator layout (quantproof quantize --format qoperator --input-scale per-feature)',
      );
    }
    const pair = readQdqPair(walker, first);
    inputQuant = pair.quant;
    current = pair.out;
  } else if (!isOp(first, 'Gemm') || readFloatGemmWeight(walker, first) === null) {
    throw unsupported(
      first,
      `the input '${input.name}' must go into a QuantizeLinear first (or into a Gemm kept in float32)`,
    );
  }
  let currentQuant = inputQuant;
  const layers: (StaticLayerDraft | FloatLayerDraft)[] = [];
  const result = (logits: 'dequantize' | 'float', head: OutputHead): StaticDraft | MixedDraft => {
    if (layers.every((l) => !('kind' in l)) && inputQuant !== null) {
      return { input: inputQuant, layers: layers as StaticLayerDraft[], logits, head };
    }
    return { kind: 'mixed', input: inputQuant, layers, logits, head };
  };
  for (;;) {
    const node = walker.soleConsumer(current);
    if (node === undefined) throw chainEnds(current);
    const kept =
      isOp(node, 'Gemm') || isOp(node, 'MatMul') ? readFloatGemm(walker, node, current) : null;
    if (kept !== null) {
      let tail = firstOutput(node);
      let next = walker.soleConsumer(tail);
      let relu = false;
      if (next !== undefined && isOp(next, 'Relu')) {
        walker.accept(next);
        relu = true;
        tail = firstOutput(next);
        next = walker.soleConsumer(tail);
      }
      const base = { kind: 'float' as const, ...kept, reluNode: relu };
      const head = readSoftmaxHead(walker, tail);
      if (head === 'softmax' || (next === undefined && tail === output.name)) {
        layers.push({ ...base, output: null });
        return result('float', head);
      }
      if (next === undefined) throw chainEnds(tail);
      if (isOp(next, 'QuantizeLinear')) {
        const pair = readQdqPair(walker, next);
        layers.push({ ...base, output: pair.quant });
        current = pair.out;
        currentQuant = pair.quant;
      } else {
        layers.push({ ...base, output: null });
        current = tail;
        currentQuant = null;
      }
      continue;
    }
    if (currentQuant === null) {
      throw unsupported(
        node,
        'expected a Gemm kept in float32 (constant float32 weights) or a QuantizeLinear on the float32 activations',
      );
    }
    const linear = isOp(node, 'Gemm')
      ? readGemm(walker, node, current)
      : isOp(node, 'MatMul')
        ? readMatMul(walker, node, current)
        : null;
    if (linear === null) {
      throw unsupported(node, 'expected a Gemm or MatMul on the dequantised activations');
    }
    const weightQuant = readWeightQuant(walker, linear.weightDq, linear.matrix, linear.layout);
    const inScale = currentQuant.scale;
    const biasScale = (j: number): number =>
      Math.fround(
        inScale * (weightQuant.scales[weightQuant.granularity === 'per-tensor' ? 0 : j] ?? 0),
      );
    const bias =
      linear.biasName === null
        ? new Int32Array(linear.matrix.outFeatures)
        : dequantizedBias(
            walker,
            linear.biasUser,
            linear.biasName,
            linear.matrix.outFeatures,
            biasScale,
          );
    let tail = linear.output;
    let next = walker.soleConsumer(tail);
    let relu: NodeProtoObject | null = null;
    if (next !== undefined && isOp(next, 'Relu')) {
      walker.accept(next);
      relu = next;
      tail = firstOutput(next);
      next = walker.soleConsumer(tail);
    }
    const base = {
      inFeatures: linear.matrix.inFeatures,
      outFeatures: linear.matrix.outFeatures,
      weight: linear.matrix.values,
      weightQuant,
      bias,
      reluNode: relu !== null,
      linearNode: linear.linearNode,
    };
    const floatHead = relu === null ? readSoftmaxHead(walker, tail) : 'logits';
    if (floatHead === 'softmax' || (next === undefined && tail === output.name)) {
      if (relu !== null) {
        throw unsupported(relu, 'a Relu on float logits has no requantisation to fold into');
      }
      layers.push({ ...base, output: null });
      return result('float', floatHead);
    }
    if (next === undefined) throw chainEnds(tail);
    if (!isOp(next, 'QuantizeLinear')) {
      throw unsupported(next, `expected a QuantizeLinear of '${tail}'`);
    }
    const pair = readQdqPair(walker, next);
    if (relu !== null && pair.quant.zeroPoint !== elementTypeRange(pair.quant.elementType).qmin) {
      throw unsupported(
        relu,
        `the Relu's output zero point is ${pair.quant.zeroPoint}, not the ${pair.quant.elementType} ` +
          'minimum, so it does not fold into the requantisation clamp (onnxruntime keeps it as a ' +
          'separate float step that quantproof does not model)',
      );
    }
    layers.push({ ...base, output: pair.quant });
    if (pair.out === output.name && walker.consumers(pair.out).length === 0) {
      return result('dequantize', 'logits');
    }
    if (readSoftmaxHead(walker, pair.out) === 'softmax') {
      return result('dequantize', 'softmax');
    }
    current = pair.out;
    currentQuant = pair.quant;
  }
}

/** The constant float32 weight of a Gemm, or null (peeks; accepts nothing). */
function readFloatGemmWeight(walker: GraphWalker, node: NodeProtoObject): TensorProtoObject | null {
  const tensor = walker.constant((node.input ?? [])[1]);
  return tensor !== undefined && tensor.data_type === TensorDataType.FLOAT ? tensor : null;
}
