import { UnsupportedNodeError } from './errors.js';
import type { ModelFile } from './model-file.js';
import { describeNode, isDefaultDomainName } from './node-attributes.js';
import type { NodeProtoObject, TensorProtoObject } from './proto/onnx-schema.js';

/** The hint of every error about a node of an int8 graph. */
export const INT8_GRAPH_HINT: string =
  'quantproof reads int8 MLPs as onnxruntime writes them: QDQ (QuantizeLinear/DequantizeLinear ' +
  'around Gemm or MatMul + Add), QOperator (QGemm, QLinearMatMul) or dynamic ' +
  '(DynamicQuantizeLinear → MatMulInteger → Cast → Mul → Add → Relu); re-quantise the FP32 model ' +
  'with quantize_static or quantize_dynamic.';

/**
 * Walks an int8 graph from its input along the data path: which node consumes a tensor, which
 * produces it, which tensors are constants. Remembers every node it accepted, so that a node off
 * the path (a side branch, an unknown operator) is reported by name at the end.
 */
export class GraphWalker {
  /** The file being read. */
  readonly file: ModelFile;
  private readonly consumersOf = new Map<string, NodeProtoObject[]>();
  private readonly producerOf = new Map<string, NodeProtoObject>();
  private readonly accepted = new Set<NodeProtoObject>();

  /** Indexes the compute nodes of `file`. */
  constructor(file: ModelFile) {
    this.file = file;
    for (const node of file.computeNodes) {
      for (const input of node.input ?? []) {
        if (input === '') continue;
        const list = this.consumersOf.get(input) ?? [];
        if (!list.includes(node)) list.push(node);
        this.consumersOf.set(input, list);
      }
      for (const output of node.output ?? []) if (output !== '') this.producerOf.set(output, node);
    }
  }

  /** The node that produces `tensor`, if any. */
  producer(tensor: string): NodeProtoObject | undefined {
    return this.producerOf.get(tensor);
  }

  /** The nodes that take `tensor` as an input. */
  consumers(tensor: string): readonly NodeProtoObject[] {
    return this.consumersOf.get(tensor) ?? [];
  }

  /**
   * The only node that consumes `tensor`, or undefined when none does; a tensor read by several
   * nodes is a branch, which an MLP does not have.
   */
  soleConsumer(tensor: string): NodeProtoObject | undefined {
    const consumers = this.consumers(tensor);
    if (consumers.length > 1) {
      const second = consumers[1] ?? {};
      throw new UnsupportedNodeError(
        describeNode(second),
        `tensor '${tensor}' is also read by node '${consumers[0]?.name ?? ''}' ` +
          `(${consumers[0]?.op_type ?? ''}): the graph branches`,
        INT8_GRAPH_HINT,
      );
    }
    return consumers[0];
  }

  /** The constant (initializer or Constant output) called `name`, or undefined. */
  constant(name: string | undefined): TensorProtoObject | undefined {
    return name === undefined || name === '' ? undefined : this.file.constants.get(name);
  }

  /** The constant called `name`, or an `UnsupportedNodeError` naming `node` and the operand's role. */
  requireConstant(
    node: NodeProtoObject,
    name: string | undefined,
    role: string,
  ): TensorProtoObject {
    const tensor = this.constant(name);
    if (tensor === undefined) {
      throw new UnsupportedNodeError(
        describeNode(node),
        `its ${role} '${name ?? ''}' is not an initializer or Constant`,
        INT8_GRAPH_HINT,
      );
    }
    return tensor;
  }

  /** Marks `node` as part of the model. */
  accept(node: NodeProtoObject): void {
    this.accepted.add(node);
  }

  /** Throws `UnsupportedNodeError` for the first compute node that was not accepted. */
  checkAllAccepted(): void {
    for (const node of this.file.computeNodes) {
      if (!this.accepted.has(node)) {
        throw new UnsupportedNodeError(
          describeNode(node),
          'it is not part of the chain of layers from the input to the output',
          INT8_GRAPH_HINT,
        );
      }
    }
  }
}

/** Whether `node` is `opType` of the default domain (or of `domain` when given). */
export function isOp(node: NodeProtoObject | undefined, opType: string, domain?: string): boolean {
  if (node === undefined || node.op_type !== opType) return false;
  return domain === undefined ? isDefaultDomainName(node.domain) : node.domain === domain;
}

/** An `UnsupportedNodeError` for an int8 graph. */
export function unsupported(node: NodeProtoObject, reason: string): UnsupportedNodeError {
  return new UnsupportedNodeError(describeNode(node), reason, INT8_GRAPH_HINT);
}

/** The node's first output, or an error naming it when it has none. */
export function firstOutput(node: NodeProtoObject): string {
  const output = node.output?.[0];
  if (output === undefined || output === '') throw unsupported(node, 'it has no output');
  return output;
}
