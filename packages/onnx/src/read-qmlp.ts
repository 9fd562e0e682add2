import { elementTypeRange, InvalidQMlpError, validateQMlp } from '@quantproof/quant';
import type {
  ExecutionPath,
  QFloatLayer,
  QMixedInt8Layer,
  QMlp,
  QMlpFormat,
  QMlpMixed,
  QMlpStatic,
  QStaticLayer,
  WeightQuant,
} from '@quantproof/quant';
import { UnsupportedGraphError } from './errors.js';
import type { BatchDim } from './graph-io.js';
import type { GraphOptimizationLevel } from './ort-session.js';
import { MICROSOFT_DOMAIN } from './graph-builder.js';
import { GraphWalker, INT8_GRAPH_HINT, isOp } from './graph-walker.js';
import { fixedBatchNote, openModelFile } from './model-file.js';
import type { ModelFile } from './model-file.js';
import type { MixedDraft, StaticDraft, StaticLayerDraft } from './qmlp-draft.js';
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
  /**
   * The session optimisation level whose arithmetic `model` reproduces: the file's
   * `quantproof.ort-optimization-level` entry, else onnxruntime's default `'all'`. The execution
   * path follows from the graph at this level; run the file at it to get the modelled arithmetic.
   */
  readonly ortLevel: GraphOptimizationLevel;
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
  const ortLevel = sessionLevelOf(file.metadata, notes);
  const walker = new GraphWalker(file);
  let model: QMlp;
  if (format === 'dynamic') {
    const read = readDynamicGraph(walker);
    walker.checkAllAccepted();
    dynamicPathNote(meta, ortLevel, notes);
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
    model =
      'kind' in draft
        ? mixedModel(draft, meta, ortLevel, notes)
        : staticModel(format, draft, meta, ortLevel, notes);
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
    ortLevel,
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
type SchemeLayer = { readonly weightQuant: WeightQuant } | { readonly kind: 'float' };

function schemeMatches(
  scheme: QMlpScheme,
  layers: readonly SchemeLayer[],
  logits: 'dequantize' | 'float',
): boolean {
  return (
    scheme.layers.length === layers.length &&
    scheme.logits === logits &&
    scheme.layers.every((layer, l) => {
      const read = layers[l];
      if (read === undefined) return false;
      if ('kind' in read) return layer.weightType === 'float32';
      return (
        layer.weightType === read.weightQuant.elementType &&
        layer.weightGranularity === read.weightQuant.granularity
      );
    })
  );
}

function checkScheme(
  meta: QMlpMetadata,
  layers: readonly SchemeLayer[],
  logits: 'dequantize' | 'float',
  notes: string[],
): QMlpMetadata {
  if (meta.scheme === null || schemeMatches(meta.scheme, layers, logits)) return meta;
  notes.push(`${QMLP_METADATA_KEYS.scheme} does not describe this graph's layers; ignored it.`);
  return { ...meta, scheme: null };
}

const LEVELS: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

/** The level the file states it runs at (`quantproof.ort-optimization-level`), else ORT's `'all'`. */
function sessionLevelOf(
  metadata: Readonly<Record<string, string>>,
  notes: string[],
): GraphOptimizationLevel {
  const key = QMLP_METADATA_KEYS.ortLevel;
  if (!Object.hasOwn(metadata, key)) return 'all';
  const value = metadata[key] as GraphOptimizationLevel;
  if (LEVELS.includes(value)) return value;
  notes.push(`ignored ${key} = '${value}' (not an optimisation level); assumed 'all'.`);
  return 'all';
}

function describePath(path: ExecutionPath): string {
  return path.kind === 'fused-integer' ? "'fused-integer'" : `'unfused-float' (${path.gemm})`;
}

function samePath(a: ExecutionPath, b: ExecutionPath): boolean {
  return a.kind === 'fused-integer' || b.kind === 'fused-integer'
    ? a.kind === b.kind
    : a.gemm === b.gemm;
}

/** A dynamic graph runs integer kernels at every level; metadata saying otherwise is noted. */
function dynamicPathNote(meta: QMlpMetadata, level: GraphOptimizationLevel, notes: string[]): void {
  const declared = meta.executionPath;
  if (declared !== null && declared.kind !== 'fused-integer') {
    notes.push(
      `${QMLP_METADATA_KEYS.executionPath} says ${describePath(declared)}, but onnxruntime runs ` +
        `this dynamic graph's MatMulInteger kernels at level '${level}' as 'fused-integer'; read ` +
        'as what it runs (the graph decides, not the metadata).',
    );
  }
}

/**
 * What onnxruntime 1.30.0 runs for a static graph at `level` (measured by `ortExecutionPath`'s
 * tests): QOperator nodes are integer kernels at every level; QDQ graphs are fused into QGemm /
 * QLinearMatMul / MatMulIntegerToFloat from `extended` on; at `basic` a MatMul + Add becomes a
 * Gemm (transB = 0); at `disabled` each float node runs as written.
 */
function graphExecutionPath(
  format: 'qdq' | 'qoperator',
  draft: StaticDraft,
  level: GraphOptimizationLevel,
): ExecutionPath {
  if (format === 'qoperator' || level === 'extended' || level === 'all') {
    return { kind: 'fused-integer' };
  }
  const kernels = new Set(
    draft.layers.map((layer) =>
      level === 'basic' && layer.linearNode === 'matmul-add' ? 'gemm' : layer.linearNode,
    ),
  );
  const [gemm] = kernels;
  if (kernels.size !== 1 || (gemm !== 'gemm-transb' && gemm !== 'gemm' && gemm !== 'matmul-add')) {
    throw new UnsupportedGraphError(
      `at optimisation level '${level}' the layers run different float kernels ` +
        `(${[...kernels].join(', ')})`,
      'quantproof models one float kernel for every layer; write every layer with the same node ' +
        "(Gemm or MatMul + Add) or run the file at level 'all'.",
    );
  }
  return { kind: 'unfused-float', gemm };
}

/**
 * The execution path of a static graph: what onnxruntime runs for it at the session level (the
 * graph decides). quantproof's `execution-path` metadata is only compared with it: when it says
 * otherwise, the model is read as what runs, with a note.
 */
function executionPathOf(
  format: 'qdq' | 'qoperator',
  draft: StaticDraft,
  meta: QMlpMetadata,
  level: GraphOptimizationLevel,
  notes: string[],
): ExecutionPath {
  const runs = graphExecutionPath(format, draft, level);
  const declared = meta.executionPath;
  if (declared !== null && !samePath(declared, runs)) {
    notes.push(
      `${QMLP_METADATA_KEYS.executionPath} says ${describePath(declared)}, but at optimisation ` +
        `level '${level}' onnxruntime runs this graph as ${describePath(runs)}; read as what it ` +
        'runs (the graph decides, not the metadata).',
    );
  } else if (declared === null && format === 'qdq' && level === 'all') {
    notes.push(
      "no quantproof.execution-path entry: assumed 'fused-integer', what onnxruntime 1.30.0 " +
        "runs for this QDQ graph at its default optimisation level 'all' (QGemm); at 'disabled' " +
        "or 'basic' the graph runs as float math ('unfused-float').",
    );
  }
  return runs;
}

/**
 * An int8 layer's activation: its Relu node, else the scheme's, else `relu` where the output zero
 * point is the type's minimum (the quantiser removes a Relu that the requantisation clamp already
 * does; recorded in `inferred`), else `identity`.
 */
function int8Activation(
  layer: StaticLayerDraft,
  l: number,
  isLast: boolean,
  meta: QMlpMetadata,
  inferred: number[],
): 'relu' | 'identity' {
  const declared = meta.scheme?.layers[l]?.activation;
  if (layer.reluNode) return 'relu';
  if (declared !== undefined) return declared;
  if (!isLast && layer.output !== null) {
    if (layer.output.zeroPoint === elementTypeRange(layer.output.elementType).qmin) {
      inferred.push(l);
      return 'relu';
    }
  }
  return 'identity';
}

/** The int8 layer a draft reads as: its activation (`int8Activation`) and the scheme's bit width. */
function int8LayerOf(
  layer: StaticLayerDraft,
  l: number,
  isLast: boolean,
  meta: QMlpMetadata,
  inferred: number[],
): QStaticLayer {
  return {
    inFeatures: layer.inFeatures,
    outFeatures: layer.outFeatures,
    weight: layer.weight,
    weightQuant: { ...layer.weightQuant, bits: schemeBits(meta.scheme, l) },
    bias: layer.bias,
    activation: int8Activation(layer, l, isLast, meta, inferred),
    output: layer.output,
  };
}

function inferredReluNote(inferred: readonly number[], notes: string[]): void {
  if (inferred.length === 0) return;
  notes.push(
    `layer(s) ${inferred.join(', ')} have no Relu node but an output zero point equal to the ` +
      "type's minimum, which clamps negatives to 0 exactly like the Relu onnxruntime's quantiser " +
      "removes; read as 'relu'.",
  );
}

function staticModel(
  format: 'qdq' | 'qoperator',
  draft: StaticDraft,
  metaIn: QMlpMetadata,
  level: GraphOptimizationLevel,
  notes: string[],
): QMlpStatic {
  const meta = checkScheme(metaIn, draft.layers, draft.logits, notes);
  const executionPath = executionPathOf(format, draft, meta, level, notes);
  const last = draft.layers.length - 1;
  const inferredRelu: number[] = [];
  const layers = draft.layers.map((layer, l): QStaticLayer =>
    int8LayerOf(layer, l, l === last, meta, inferredRelu),
  );
  inferredReluNote(inferredRelu, notes);
  return {
    format,
    executionPath,
    input: draft.input,
    ...(draft.inputScales === undefined ? {} : { inputScales: draft.inputScales }),
    layers,
    logits: draft.logits,
    ...(draft.head === 'softmax' ? { head: draft.head } : {}),
  };
}

/**
 * A QDQ graph with layers kept in float32, as onnxruntime runs it at level `extended` or `all`:
 * int8 layers fused to QGemm, float32 layers as Gemm on their prepacked weights. Below `extended`
 * the int8 layers would run unfused, which quantproof models for all-int8 graphs only.
 */
function mixedModel(
  draft: MixedDraft,
  metaIn: QMlpMetadata,
  level: GraphOptimizationLevel,
  notes: string[],
): QMlpMixed {
  if (level !== 'extended' && level !== 'all') {
    throw new UnsupportedGraphError(
      `the graph keeps layers in float32 and states optimisation level '${level}', where its int8 layers run unfused`,
      "quantproof models such graphs at level 'all' or 'extended' (the default): drop the " +
        `${QMLP_METADATA_KEYS.ortLevel} entry or set it to 'all'.`,
    );
  }
  const meta = checkScheme(metaIn, draft.layers, draft.logits, notes);
  const last = draft.layers.length - 1;
  const inferredRelu: number[] = [];
  const layers = draft.layers.map((layer, l): QFloatLayer | QMixedInt8Layer => {
    if ('kind' in layer) {
      return {
        kind: 'float',
        inFeatures: layer.inFeatures,
        outFeatures: layer.outFeatures,
        weight: layer.weight,
        bias: layer.bias,
        activation: layer.reluNode ? 'relu' : 'identity',
        output: layer.output,
      };
    }
    return { kind: 'int8', ...int8LayerOf(layer, l, l === last, meta, inferredRelu) };
  });
  inferredReluNote(inferredRelu, notes);
  const kept = draft.layers.flatMap((l, i) => ('kind' in l ? [i] : []));
  notes.push(
    `layer(s) ${kept.join(', ')} are kept in float32 (Gemm on float32 weights); read as a mixed ` +
      'model, which the executor runs as onnxruntime does and the region verifier proves or refutes like any int8 model.',
  );
  return {
    format: 'mixed',
    executionPath: { kind: 'fused-integer' },
    input: draft.input,
    layers,
    logits: draft.logits,
    ...(draft.head === 'softmax' ? { head: draft.head } : {}),
  };
}
