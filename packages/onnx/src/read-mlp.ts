import type { DenseLayer, Mlp } from '@quantproof/nn';
import { NotAnOnnxModelError, UnsupportedGraphError, UnsupportedNodeError } from './errors.js';
import { matrixValue } from './graph-io.js';
import type { BatchDim } from './graph-io.js';
import { ChainReader } from './mlp-chain.js';
import {
  attribute,
  describeNode,
  isDefaultDomain,
  isDefaultDomainName,
} from './node-attributes.js';
import { decodeModelProto } from './proto/onnx-schema.js';
import type { ModelProtoObject, NodeProtoObject, TensorProtoObject } from './proto/onnx-schema.js';

/** An FP32 MLP read from an .onnx file, with what the file says about itself. */
export interface ReadMlpResult {
  readonly mlp: Mlp;
  /** Name of the graph input, shape [batch, inFeatures]. */
  readonly inputName: string;
  /** Name of the graph output, shape [batch, outFeatures]. */
  readonly outputName: string;
  /** The input's batch dimension as declared (a fixed 1 means ORT runs it one row at a time). */
  readonly batch: BatchDim;
  /** What the reader changed on the way, e.g. a final Softmax dropped; empty when nothing. */
  readonly notes: readonly string[];
  /** ModelProto.metadata_props as an object (a repeated key keeps its last value). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Version of the default ONNX operator set the file imports. */
  readonly opset: number;
  /** ModelProto.ir_version. */
  readonly irVersion: number;
  /** ModelProto.producer_name and producer_version ('' when absent). */
  readonly producer: { readonly name: string; readonly version: string };
}

/**
 * Reads an FP32 MLP from .onnx bytes: a chain of Gemm (alpha = beta = 1, transA = 0, transB 0 or 1)
 * or MatMul [+ Add], Relu, no-op Identity/Flatten, and an optional final Softmax (dropped, noted).
 */
export function readMlpOnnx(bytes: Uint8Array): ReadMlpResult {
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
  const input = matrixValue(inputs[0] ?? {}, 'input');
  const output = matrixValue(outputs[0] ?? {}, 'output');

  const chain = new ChainReader(constants, opset);
  let current = input.name;
  computeNodes.forEach((node, index) => {
    current = chain.read(node, current, index === computeNodes.length - 1);
  });
  const layers = chain.finish();
  if (current !== output.name) {
    throw new UnsupportedGraphError(
      `the graph output '${output.name}' is not the end of the chain of nodes from '${input.name}' ` +
        `(the chain ends at '${current}')`,
      'quantproof reads a single chain of nodes from the input to the output; remove side branches.',
    );
  }
  checkSizes(layers, input.features, output.features, input.name, output.name);

  const notes = [...chain.notes];
  if (input.batch.kind === 'fixed') {
    notes.push(
      `the input '${input.name}' has a fixed batch dimension of ${input.batch.size}: ` +
        `onnxruntime accepts only batches of exactly ${input.batch.size} rows for this file.`,
    );
  }
  // fromEntries defines own properties, so a key such as '__proto__' stays a plain entry.
  const metadata: Record<string, string> = Object.fromEntries(
    (model.metadata_props ?? []).map((entry) => [entry.key ?? '', entry.value ?? '']),
  );
  return {
    mlp: { layers },
    inputName: input.name,
    outputName: output.name,
    batch: input.batch,
    notes,
    metadata,
    opset,
    irVersion: model.ir_version ?? 0,
    producer: { name: model.producer_name ?? '', version: model.producer_version ?? '' },
  };
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

function checkSizes(
  layers: readonly DenseLayer[],
  inputFeatures: number | null,
  outputFeatures: number | null,
  inputName: string,
  outputName: string,
): void {
  const hint = 'Re-export the model; its weight shapes do not match its declared input and output.';
  let features = inputFeatures ?? layers[0]?.inFeatures ?? 0;
  let source = `the input '${inputName}'`;
  layers.forEach((layer, index) => {
    if (layer.inFeatures < 1 || layer.outFeatures < 1) {
      throw new UnsupportedGraphError(
        `layer ${index} is ${layer.inFeatures} -> ${layer.outFeatures}: a layer has at least one input and one output`,
        hint,
      );
    }
    if (layer.inFeatures !== features) {
      throw new UnsupportedGraphError(
        `layer ${index} takes ${layer.inFeatures} features but ${source} has ${features}`,
        hint,
      );
    }
    features = layer.outFeatures;
    source = `layer ${index}`;
  });
  if (outputFeatures !== null && outputFeatures !== features) {
    throw new UnsupportedGraphError(
      `the output '${outputName}' declares ${outputFeatures} features but the last layer has ${features}`,
      hint,
    );
  }
}
