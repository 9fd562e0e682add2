import { NotAnOnnxModelError, UnsupportedGraphError, UnsupportedNodeError } from './errors.js';
import { matrixValue } from './graph-io.js';
import type { MatrixValue } from './graph-io.js';
import {
  attribute,
  describeNode,
  isDefaultDomain,
  isDefaultDomainName,
} from './node-attributes.js';
import { decodeModelProto } from './proto/onnx-schema.js';
import type { ModelProtoObject, NodeProtoObject, TensorProtoObject } from './proto/onnx-schema.js';

/** A decoded .onnx file with one float32 [batch, features] input and output, ready to walk. */
export interface ModelFile {
  readonly model: ModelProtoObject;
  /** Version of the default ONNX operator set the file imports. */
  readonly opset: number;
  /** Initializers and Constant outputs, by tensor name. */
  readonly constants: ReadonlyMap<string, TensorProtoObject>;
  /** Every node except Constant nodes of the default domain, in file order. */
  readonly computeNodes: readonly NodeProtoObject[];
  readonly input: MatrixValue;
  readonly output: MatrixValue;
  /** ModelProto.metadata_props as an object (a repeated key keeps its last value). */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Decodes .onnx bytes and binds the graph's only input and output. Throws `NotAnOnnxModelError`,
 * `UnsupportedGraphError` (not exactly one input and one output, or not float32 matrices) or
 * `UnsupportedNodeError` (a Constant without a tensor value).
 */
export function openModelFile(bytes: Uint8Array): ModelFile {
  const model = decodeModel(bytes);
  const graph = model.graph ?? {};
  const opset = defaultOpset(model);

  const constants = new Map<string, TensorProtoObject>();
  for (const tensor of graph.initializer ?? []) constants.set(tensor.name ?? '', tensor);
  const computeNodes: NodeProtoObject[] = [];
  for (const node of graph.node ?? []) {
    if (node.op_type === 'Constant' && isDefaultDomain(node)) {
      constants.set(node.output?.[0] ?? '', constantTensor(node));
    } else {
      computeNodes.push(node);
    }
  }

  // Old exporters list initializers among the graph inputs; those are weights, not inputs.
  const inputs = (graph.input ?? []).filter((value) => !constants.has(value.name ?? ''));
  const outputs = graph.output ?? [];
  if (inputs.length !== 1 || outputs.length !== 1) {
    const listed = (values: readonly { readonly name?: string }[]): string =>
      values.map((v) => `'${v.name ?? ''}'`).join(', ') || 'none';
    throw new UnsupportedGraphError(
      `the graph has ${inputs.length} input(s) (${listed(inputs)}) and ${outputs.length} ` +
        `output(s) (${listed(outputs)}); an MLP has exactly one of each`,
      'Export the policy network alone, with the observation as its only input and the logits as ' +
        'its only output.',
    );
  }
  // fromEntries defines own properties, so a key such as '__proto__' stays a plain entry.
  const metadata: Record<string, string> = Object.fromEntries(
    (model.metadata_props ?? []).map((entry) => [entry.key ?? '', entry.value ?? '']),
  );
  return {
    model,
    opset,
    constants,
    computeNodes,
    input: matrixValue(inputs[0] ?? {}, 'input'),
    output: matrixValue(outputs[0] ?? {}, 'output'),
    metadata,
  };
}

/** A note for a file whose batch dimension is fixed, or null. */
export function fixedBatchNote(input: MatrixValue): string | null {
  if (input.batch.kind !== 'fixed') return null;
  return (
    `the input '${input.name}' has a fixed batch dimension of ${input.batch.size}: ` +
    `onnxruntime accepts only batches of exactly ${input.batch.size} rows for this file.`
  );
}

function decodeModel(bytes: Uint8Array): ModelProtoObject {
  let model: ModelProtoObject;
  try {
    model = decodeModelProto(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NotAnOnnxModelError(`the bytes do not decode as onnx.ModelProto (${reason})`, {
      cause: error,
    });
  }
  if (model.graph === undefined) throw new NotAnOnnxModelError('the model has no graph');
  if (model.ir_version === undefined || model.ir_version <= 0) {
    throw new NotAnOnnxModelError('the model has no ir_version');
  }
  return model;
}

function defaultOpset(model: ModelProtoObject): number {
  const entry = (model.opset_import ?? []).find((o) => isDefaultDomainName(o.domain));
  if (entry?.version === undefined || entry.version <= 0) {
    throw new NotAnOnnxModelError('the model imports no version of the default ONNX operator set');
  }
  return entry.version;
}

function constantTensor(node: NodeProtoObject): TensorProtoObject {
  const value = attribute(node, 'value')?.t;
  if (value === undefined) {
    throw new UnsupportedNodeError(
      describeNode(node),
      'only Constant nodes with a tensor `value` attribute are read',
      'Store the weights as initializers or as Constant(value=tensor).',
    );
  }
  return { ...value, name: node.output?.[0] ?? '' };
}
