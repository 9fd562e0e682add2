import type { Activation, DenseLayer, OutputHead } from '@quantproof/nn';
import { UnsupportedGraphError, UnsupportedNodeError } from './errors.js';
import { describeNode, floatAttribute, intAttribute, isDefaultDomain } from './node-attributes.js';
import type { NodeProtoObject, TensorProtoObject } from './proto/onnx-schema.js';
import { softmaxAxisProblem } from './softmax-head.js';
import { elementCount, readFloatTensor } from './tensor-data.js';
import type { FloatTensor } from './tensor-data.js';

interface PendingLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Float32Array;
  bias: Float32Array | null;
  activation: Activation;
}

/** Walks the nodes of a chain one at a time and assembles dense layers. */
export class ChainReader {
  /** What was changed on the way (a repeated Relu read as one). */
  readonly notes: string[] = [];
  /** The output head: `softmax` once a final Softmax over the features was read. */
  head: OutputHead = 'logits';
  private readonly layers: DenseLayer[] = [];
  private pending: PendingLayer | null = null;
  private readonly constants: ReadonlyMap<string, TensorProtoObject>;
  private readonly opset: number;

  /** `constants`: initializers and Constant outputs by name; `opset`: the default-domain opset. */
  constructor(constants: ReadonlyMap<string, TensorProtoObject>, opset: number) {
    this.constants = constants;
    this.opset = opset;
  }

  /** Reads `node`, which must consume `current`; returns the tensor it produces. */
  read(node: NodeProtoObject, current: string, isLast: boolean): string {
    const who = describeNode(node);
    if (!isDefaultDomain(node)) {
      throw new UnsupportedNodeError(
        who,
        `operators of domain '${node.domain ?? ''}' are not read`,
      );
    }
    const inputs = node.input ?? [];
    const consumes = node.op_type === 'Add' ? inputs.includes(current) : inputs[0] === current;
    if (!consumes) {
      throw new UnsupportedNodeError(
        who,
        `it does not take '${current}', the output of the previous node, as its data input`,
        'quantproof reads a single chain of nodes from the input to the output; remove side branches.',
      );
    }
    const produced = node.output?.[0];
    if (produced === undefined || produced === '') {
      throw new UnsupportedNodeError(who, 'it has no output', 'Re-export the model.');
    }
    switch (node.op_type) {
      case 'Gemm':
        this.gemm(node);
        break;
      case 'MatMul':
        this.matMul(node);
        break;
      case 'Add':
        this.add(node, current);
        break;
      case 'Relu':
        this.relu(node);
        break;
      case 'Identity':
        break;
      case 'Flatten':
        this.flatten(node);
        break;
      case 'Softmax':
        this.softmax(node, isLast);
        break;
      default:
        throw new UnsupportedNodeError(who, `operator ${who.opType} is not part of an FP32 MLP`);
    }
    return produced;
  }

  /** Closes the last layer and returns all layers. */
  finish(): DenseLayer[] {
    this.flush();
    if (this.layers.length === 0) {
      throw new UnsupportedGraphError(
        'the graph has no Gemm or MatMul node',
        'quantproof reads FP32 MLPs; export a network with at least one linear layer.',
      );
    }
    return this.layers;
  }

  private flush(): void {
    const layer = this.pending;
    if (layer === null) return;
    this.layers.push({
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      weight: layer.weight,
      bias: layer.bias ?? new Float32Array(layer.outFeatures),
      activation: layer.activation,
    });
    this.pending = null;
  }

  private constant(node: NodeProtoObject, name: string | undefined, role: string): FloatTensor {
    const tensor = name === undefined ? undefined : this.constants.get(name);
    if (tensor === undefined) {
      throw new UnsupportedNodeError(
        describeNode(node),
        `its ${role} '${name ?? ''}' is not an initializer or Constant`,
        'quantproof reads weights stored in the file; export with constant weights ' +
          '(PyTorch: do_constant_folding=True).',
      );
    }
    return readFloatTensor(tensor);
  }

  private gemm(node: NodeProtoObject): void {
    this.flush();
    const who = describeNode(node);
    const transA = intAttribute(node, 'transA', 0);
    const transB = intAttribute(node, 'transB', 0);
    const alpha = floatAttribute(node, 'alpha', 1);
    const beta = floatAttribute(node, 'beta', 1);
    if (transA !== 0) {
      throw new UnsupportedNodeError(who, `transA = ${transA}; only transA = 0 is read`);
    }
    if (transB !== 0 && transB !== 1) {
      throw new UnsupportedNodeError(who, `transB = ${transB} is not 0 or 1`);
    }
    const inputs = node.input ?? [];
    const hasBias = inputs[2] !== undefined && inputs[2] !== '';
    // ORT computes alpha·(A·B) + beta·C; folding factors other than 1 into the weights would
    // change the rounding, so the reader refuses them rather than read a different network.
    if (alpha !== 1 || (hasBias && beta !== 1)) {
      throw new UnsupportedNodeError(
        who,
        `alpha = ${alpha}, beta = ${beta}; only alpha = beta = 1 is read`,
        'Fold the factors into the weights and bias before export.',
      );
    }
    const b = this.constant(node, inputs[1], 'weight B');
    const [rows, cols] = b.dims;
    if (b.dims.length !== 2 || rows === undefined || cols === undefined) {
      throw new UnsupportedNodeError(who, `its weight B has shape [${b.dims.join(', ')}], not 2-D`);
    }
    const { weight, inFeatures, outFeatures } = gemmWeight(b, transB);
    const bias = hasBias ? this.biasVector(node, inputs[2], outFeatures) : null;
    this.pending = { inFeatures, outFeatures, weight, bias, activation: 'identity' };
  }

  private matMul(node: NodeProtoObject): void {
    this.flush();
    const who = describeNode(node);
    const b = this.constant(node, node.input?.[1], 'weight B');
    const [rows, cols] = b.dims;
    if (b.dims.length !== 2 || rows === undefined || cols === undefined) {
      throw new UnsupportedNodeError(who, `its weight B has shape [${b.dims.join(', ')}], not 2-D`);
    }
    // MatMul computes A·B with B stored [in, out]; DenseLayer keeps [out, in].
    const weight = transpose(b.data, rows, cols);
    this.pending = {
      inFeatures: rows,
      outFeatures: cols,
      weight,
      bias: null,
      activation: 'identity',
    };
  }

  private add(node: NodeProtoObject, current: string): void {
    const who = describeNode(node);
    const layer = this.pending;
    if (layer === null || layer.bias !== null || layer.activation !== 'identity') {
      throw new UnsupportedNodeError(
        who,
        'an Add is read only as the bias of the MatMul (or bias-free Gemm) right before it',
      );
    }
    const inputs = node.input ?? [];
    if (inputs.length !== 2) {
      throw new UnsupportedNodeError(who, `it has ${inputs.length} inputs, not 2`);
    }
    const other = inputs[0] === current ? inputs[1] : inputs[0];
    layer.bias = this.biasVector(node, other, layer.outFeatures);
  }

  private biasVector(node: NodeProtoObject, name: string | undefined, size: number): Float32Array {
    const c = this.constant(node, name, 'bias');
    const bias = gemmBias(c, size);
    if (bias !== null) return bias;
    throw new UnsupportedNodeError(
      describeNode(node),
      `its bias '${c.name}' has shape [${c.dims.join(', ')}]; expected [${size}], [1, ${size}] or a scalar`,
    );
  }

  private relu(node: NodeProtoObject): void {
    const layer = this.pending;
    if (layer === null) {
      throw new UnsupportedNodeError(
        describeNode(node),
        'a Relu is read only after a Gemm or MatMul (+ Add)',
      );
    }
    if (layer.activation === 'relu') {
      this.notes.push(`node '${node.name ?? ''}' (Relu) repeats a Relu and was read as a no-op.`);
    }
    layer.activation = 'relu';
  }

  private flatten(node: NodeProtoObject): void {
    const axis = intAttribute(node, 'axis', 1);
    // On a [batch, features] tensor Flatten(axis = 1 or -1) returns the tensor unchanged.
    if (axis !== 1 && axis !== -1) {
      throw new UnsupportedNodeError(
        describeNode(node),
        `Flatten with axis = ${axis} mixes the batch and feature dimensions`,
      );
    }
  }

  private softmax(node: NodeProtoObject, isLast: boolean): void {
    const who = describeNode(node);
    if (!isLast) {
      throw new UnsupportedNodeError(who, 'a Softmax is read only as the last node of the graph');
    }
    const problem = softmaxAxisProblem(node, this.opset);
    if (problem !== null) throw new UnsupportedNodeError(who, problem);
    // Kept as the model's head: float32 Softmax can merge near-equal logits into equal
    // probabilities, so dropping it would change both the outputs and the decision.
    this.head = 'softmax';
  }
}

/**
 * A float Gemm's constant B as `DenseLayer` weights, row-major [out][in]: transB = 1 stores B as
 * [out, in] (PyTorch Linear), transB = 0 as [in, out]. B must be 2-D (the caller checks).
 */
export function gemmWeight(
  b: FloatTensor,
  transB: 0 | 1,
): { weight: Float32Array; inFeatures: number; outFeatures: number } {
  const rows = b.dims[0]!;
  const cols = b.dims[1]!;
  return transB === 1
    ? { weight: b.data, inFeatures: cols, outFeatures: rows }
    : { weight: transpose(b.data, rows, cols), inFeatures: rows, outFeatures: cols };
}

/**
 * A float Gemm's constant C as a bias of `size` outputs: [size] or [1, size], or a scalar
 * broadcast; null for any other shape.
 */
export function gemmBias(c: FloatTensor, size: number): Float32Array | null {
  const count = elementCount(c.dims) ?? -1;
  const rowShaped = c.dims.length <= 1 || (c.dims.length === 2 && c.dims[0] === 1);
  if (rowShaped && count === size) return c.data;
  if (count === 1 && c.dims.length <= 2) return new Float32Array(size).fill(c.data[0] ?? 0);
  return null;
}

function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] ?? 0;
  }
  return out;
}
