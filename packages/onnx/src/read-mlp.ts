import type { DenseLayer, Mlp } from '@quantproof/nn';
import { UnsupportedGraphError } from './errors.js';
import type { BatchDim } from './graph-io.js';
import { ChainReader } from './mlp-chain.js';
import { fixedBatchNote, openModelFile } from './model-file.js';
import type { ModelFile } from './model-file.js';

/** An FP32 MLP read from an .onnx file, with what the file says about itself. */
export interface ReadMlpResult {
  readonly mlp: Mlp;
  /** Name of the graph input, shape [batch, inFeatures]. */
  readonly inputName: string;
  /** Name of the graph output, shape [batch, outFeatures]. */
  readonly outputName: string;
  /** The input's batch dimension as declared (a fixed 1 means ORT runs it one row at a time). */
  readonly batch: BatchDim;
  /** What the reader noticed on the way (a repeated Relu, a fixed batch); empty when nothing. */
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
 * or MatMul [+ Add], Relu, no-op Identity/Flatten, and an optional final Softmax over the features,
 * read as the model's `head: 'softmax'` (its outputs are then probabilities).
 */
export function readMlpOnnx(bytes: Uint8Array): ReadMlpResult {
  return readMlpFile(openModelFile(bytes));
}

/** `readMlpOnnx` on an already decoded file. */
export function readMlpFile(file: ModelFile): ReadMlpResult {
  const { input, output, model } = file;
  const chain = new ChainReader(file.constants, file.opset);
  let current = input.name;
  file.computeNodes.forEach((node, index) => {
    current = chain.read(node, current, index === file.computeNodes.length - 1);
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
  const batchNote = fixedBatchNote(input);
  if (batchNote !== null) notes.push(batchNote);
  return {
    mlp: chain.head === 'softmax' ? { layers, head: 'softmax' } : { layers },
    inputName: input.name,
    outputName: output.name,
    batch: input.batch,
    notes,
    metadata: file.metadata,
    opset: file.opset,
    irVersion: model.ir_version ?? 0,
    producer: { name: model.producer_name ?? '', version: model.producer_version ?? '' },
  };
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
