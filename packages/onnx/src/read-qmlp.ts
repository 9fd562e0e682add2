import { elementTypeRange, InvalidQMlpError, validateQMlp } from '@quantproof/quant';
import type {
  ExecutionPath,
  QMlp,
  QMlpFormat,
  QMlpStatic,
  QStaticLayer,
  WeightQuant,
} from '@quantproof/quant';
import { UnsupportedGraphError } from './errors.js';
import type { BatchDim } from './graph-io.js';
import { MICROSOFT_DOMAIN } from './graph-builder.js';
import { GraphWalker, INT8_GRAPH_HINT, isOp } from './graph-walker.js';
import { fixedBatchNote, openModelFile } from './model-file.js';
import type { ModelFile } from './model-file.js';
import type { StaticDraft } from './qmlp-draft.js';
import { parseQMlpMetadata, QMLP_METADATA_KEYS } from './qmlp-metadata.js';
import type { QMlpMetadata, QMlpScheme } from './qmlp-metadata.js';
import { readDynamicGraph } from './read-dynamic.js';
import { readQdqGraph } from './read-qdq.js';
import { readQOperatorGraph } from './read-qoperator.js';

/** A quantised MLP read from an .onnx file, with what the file says about itself. */
export interface ReadQMlpResult {
  readonly model: QMlp;
  /** Name of the graph input, float32 [batch, inFeatures]. */
  readonly inputName: string;
  /** Name of the graph output, float32 [batch, outFeatures]. */
  readonly outputName: string;
  /** The input's batch dimension as declared. */
  readonly batch: BatchDim;
  /** What the reader inferred or ignored on the way (an assumed execution path, a folded ReLU). */
  readonly notes: readonly string[];
  /** ModelProto.metadata_props as an object (quantproof's own `quantproof.*` keys included). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Version of the default ONNX operator set the file imports. */
  readonly opset: number;
  /** ModelProto.ir_version. */
  readonly irVersion: number;
  /** ModelProto.producer_name and producer_version ('' when absent). */
  readonly producer: { readonly name: string; readonly version: string };
}

/**
 * The int8 format of a decoded file, from the operators it uses (dynamic, then QOperator, then
 * QDQ), or null when it has none of them (an FP32 model).
 */
export function sniffInt8Format(file: ModelFile): QMlpFormat | null {
  const nodes = file.computeNodes;
  const any = (test: (node: (typeof nodes)[number]) => boolean): boolean => nodes.some(test);
  if (any((n) => isOp(n, 'DynamicQuantizeLinear') || isOp(n, 'MatMulInteger'))) return 'dynamic';
  if (any((n) => isOp(n, 'QGemm', MICROSOFT_DOMAIN) || isOp(n, 'QLinearMatMul'))) {
    return 'qoperator';
  }
  if (any((n) => isOp(n, 'QuantizeLinear') || isOp(n, 'DequantizeLinear'))) return 'qdq';
  return null;
}

/**
 * Reads an int8 MLP from .onnx bytes: QDQ (int8 or uint8 activations, around Gemm or MatMul + Add),
 * QOperator (QGemm, QLinearMatMul) or dynamic (DynamicQuantizeLinear → MatMulInteger → Cast → Mul →
 * Add → Relu), as onnxruntime's quantiser or `writeQMlpOnnx` writes them, with an optional final
 * float Softmax over the features read as the model's `head: 'softmax'`. Throws
 * `NotAnOnnxModelError`, `UnsupportedNodeError` (naming the node), `UnsupportedGraphError`,
 * `InvalidQuantParamsError` or `ExternalDataError`.
 */
export function readQMlpOnnx(bytes: Uint8Array): ReadQMlpResult {
  return readQMlpFile(openModelFile(bytes));
}

/** `readQMlpOnnx` on an already decoded file. */
export function readQMlpFile(file: ModelFile): ReadQMlpResult {
  const format = sniffInt8Format(file);
  if (format === null) {
    throw new UnsupportedGraphError(
      'the graph has no quantisation operators (QuantizeLinear, DequantizeLinear, QGemm, ' +
        'QLinearMatMul, DynamicQuantizeLinear, MatMulInteger): it is an FP32 model',
      'Read it with readMlpOnnx, or with readModelOnnx, which tells FP32 and int8 files apart.',
    );
  }
  const notes: string[] = [];
  let meta = parseQMlpMetadata(file.metadata);
  notes.push(...meta.problems.map((problem) => `${problem}.`));
  if (meta.format !== null && meta.format !== format) {
    notes.push(
      `${QMLP_METADATA_KEYS.format} says '${meta.format}' but the graph is ${format}; ignored ` +
        "quantproof's metadata.",
    );
    meta = { format: null, executionPath: null, scheme: null, problems: [] };
  }
  const walker = new GraphWalker(file);
  let model: QMlp;
  if (format === 'dynamic') {
    const read = readDynamicGraph(walker);
    walker.checkAllAccepted();
    const scheme = checkScheme(meta, read.layers, 'float', notes).scheme;
    const layers = read.layers.map((layer, l) => ({
      ...layer,
      weightQuant: { ...layer.weightQuant, bits: schemeBits(scheme, l) },
    }));
    model = {
      format,
      executionPath: { kind: 'fused-integer' },
      layers,
      ...(read.head === 'softmax' ? { head: read.head } : {}),
    };
  } else {
    const draft = format === 'qdq' ? readQdqGraph(walker) : readQOperatorGraph(walker);
    walker.checkAllAccepted();
    model = staticModel(format, draft, meta, notes);
  }
  try {
    validateQMlp(model);
  } catch (error) {
    if (!(error instanceof InvalidQMlpError)) throw error;
    throw new UnsupportedGraphError(
      `the quantised network the graph describes is not a valid QMlp (${error.message})`,
      INT8_GRAPH_HINT,
    );
  }
  const batchNote = fixedBatchNote(file.input);
  if (batchNote !== null) notes.push(batchNote);
  const proto = file.model;
  return {
    model,
    inputName: file.input.name,
    outputName: file.output.name,
    batch: file.input.batch,
    notes,
    metadata: file.metadata,
    opset: file.opset,
    irVersion: proto.ir_version ?? 0,
    producer: { name: proto.producer_name ?? '', version: proto.producer_version ?? '' },
  };
}

function schemeBits(scheme: QMlpScheme | null, layer: number): number {
  return scheme?.layers[layer]?.weightBits ?? 8;
}

/** Whether the scheme recorded in the metadata describes the layers read from the graph. */
function schemeMatches(
  scheme: QMlpScheme,
  layers: readonly { readonly weightQuant: WeightQuant }[],
  logits: 'dequantize' | 'float',
): boolean {
  return (
    scheme.layers.length === layers.length &&
    scheme.logits === logits &&
    scheme.layers.every(
      (layer, l) =>
        layer.weightType === layers[l]?.weightQuant.elementType &&
        layer.weightGranularity === layers[l]?.weightQuant.granularity,
    )
  );
}

function checkScheme(
  meta: QMlpMetadata,
  layers: readonly { readonly weightQuant: WeightQuant }[],
  logits: 'dequantize' | 'float',
  notes: string[],
): QMlpMetadata {
  if (meta.scheme === null || schemeMatches(meta.scheme, layers, logits)) return meta;
  notes.push(`${QMLP_METADATA_KEYS.scheme} does not describe this graph's layers; ignored it.`);
  return { ...meta, scheme: null };
}

function executionPathOf(
  format: 'qdq' | 'qoperator',
  draft: StaticDraft,
  meta: QMlpMetadata,
  notes: string[],
): ExecutionPath {
  const declared = meta.executionPath;
  if (declared === null || declared.kind === 'fused-integer') {
    if (declared === null && format === 'qdq') {
      notes.push(
        "no quantproof.execution-path entry: assumed 'fused-integer', what onnxruntime 1.30.0 " +
          "runs for this QDQ graph at its default optimisation level 'all' (QGemm); at 'disabled' " +
          "or 'basic' the graph runs as float math ('unfused-float').",
      );
    }
    return { kind: 'fused-integer' };
  }
  const nodes = new Set(draft.layers.map((layer) => layer.linearNode));
  const fits =
    format === 'qdq' &&
    nodes.size === 1 &&
    (nodes.has(declared.gemm) || (declared.gemm === 'gemm' && nodes.has('matmul-add')));
  if (!fits) {
    throw new UnsupportedGraphError(
      `${QMLP_METADATA_KEYS.executionPath} declares the unfused '${declared.gemm}' path, but the ` +
        `graph's layers are ${[...nodes].join(', ')}`,
      'The metadata does not belong to this graph; write the model again with writeQMlpOnnx.',
    );
  }
  return declared;
}

function staticModel(
  format: 'qdq' | 'qoperator',
  draft: StaticDraft,
  metaIn: QMlpMetadata,
  notes: string[],
): QMlpStatic {
  const meta = checkScheme(metaIn, draft.layers, draft.logits, notes);
  const executionPath = executionPathOf(format, draft, meta, notes);
  const last = draft.layers.length - 1;
  const inferredRelu: number[] = [];
  const layers = draft.layers.map((layer, l): QStaticLayer => {
    const declared = meta.scheme?.layers[l]?.activation;
    let activation = layer.reluNode ? 'relu' : (declared ?? 'identity');
    if (declared === undefined && !layer.reluNode && l < last && layer.output !== null) {
      // The quantiser removes a Relu whose output quantisation already clamps negatives to 0.
      if (layer.output.zeroPoint === elementTypeRange(layer.output.elementType).qmin) {
        activation = 'relu';
        inferredRelu.push(l);
      }
    }
    return {
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      weight: layer.weight,
      weightQuant: { ...layer.weightQuant, bits: schemeBits(meta.scheme, l) },
      bias: layer.bias,
      activation,
      output: layer.output,
    };
  });
  if (inferredRelu.length > 0) {
    notes.push(
      `layer(s) ${inferredRelu.join(', ')} have no Relu node but an output zero point equal to the ` +
        "type's minimum, which clamps negatives to 0 exactly like the Relu onnxruntime's quantiser " +
        "removes; read as 'relu'.",
    );
  }
  return {
    format,
    executionPath,
    input: draft.input,
    layers,
    logits: draft.logits,
    ...(draft.head === 'softmax' ? { head: draft.head } : {}),
  };
}
