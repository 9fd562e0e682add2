import type { Activation } from '@quantproof/nn';
import { isFloatLayer } from '@quantproof/quant';
import type { ExecutionPath, QMlp, QMlpFormat, QuantElementType } from '@quantproof/quant';
import type { GraphOptimizationLevel } from './ort-session.js';

// What quantproof writes into metadata_props of an int8 file, and reads back. The graph alone
// determines the arithmetic; these entries carry what the graph cannot say (the ReLU a quantiser
// folds into the requantisation clamp, the weight bit width inside an int8 container) and what the
// writer expects onnxruntime to do with the file.

/** metadata_props keys of int8 files written by quantproof (all under the `quantproof.` prefix). */
export const QMLP_METADATA_KEYS: {
  readonly format: 'quantproof.format';
  readonly executionPath: 'quantproof.execution-path';
  readonly ortLevel: 'quantproof.ort-optimization-level';
  readonly scheme: 'quantproof.scheme';
} = {
  format: 'quantproof.format',
  executionPath: 'quantproof.execution-path',
  ortLevel: 'quantproof.ort-optimization-level',
  scheme: 'quantproof.scheme',
} as const;

/** The prefix reserved for quantproof's own metadata keys. */
export const RESERVED_METADATA_PREFIX = 'quantproof.';

/** One layer of the `quantproof.scheme` entry. */
export interface QMlpLayerScheme {
  readonly activation: Activation;
  /** `float32` for a layer kept in float32 (a mixed model). */
  readonly weightType: QuantElementType | 'float32';
  readonly weightGranularity: 'per-tensor' | 'per-channel';
  /** 2..8: the weights lie in ±(2^(bits-1) - 1) around the zero point below 8; 32 for float32. */
  readonly weightBits: number;
}

/** The `quantproof.scheme` entry: the quantisation scheme, as read off the model. */
export interface QMlpScheme {
  /** Element type of the activations; `dynamic-uint8` for DynamicQuantizeLinear. */
  readonly activationType: QuantElementType | 'dynamic-uint8';
  /** `dequantize` (quantised logits, then DequantizeLinear) or `float`. */
  readonly logits: 'dequantize' | 'float';
  readonly layers: readonly QMlpLayerScheme[];
}

/** The optimisation level at which onnxruntime 1.30.0 takes `path` for files this package writes. */
export function expectedOrtLevel(path: ExecutionPath): GraphOptimizationLevel {
  return path.kind === 'fused-integer' ? 'all' : 'disabled';
}

/** The scheme of `model`, as `quantproof.scheme` records it. */
export function qmlpScheme(model: QMlp): QMlpScheme {
  const layers = model.layers.map((layer): QMlpLayerScheme =>
    isFloatLayer(layer)
      ? {
          activation: layer.activation,
          weightType: 'float32',
          weightGranularity: 'per-tensor',
          weightBits: 32,
        }
      : {
          activation: layer.activation,
          weightType: layer.weightQuant.elementType,
          weightGranularity: layer.weightQuant.granularity,
          weightBits: layer.weightQuant.bits,
        },
  );
  if (model.format === 'dynamic') {
    return { activationType: 'dynamic-uint8', logits: 'float', layers };
  }
  if (model.format === 'mixed') {
    // The element type of the first quantised activation (the input, or a float layer's output).
    const first =
      model.input ?? model.layers.find((l) => isFloatLayer(l) && l.output !== null)?.output;
    return { activationType: first?.elementType ?? 'uint8', logits: model.logits, layers };
  }
  return { activationType: model.input.elementType, logits: model.logits, layers };
}

/** The metadata_props entries quantproof writes for `model`, in order. */
export function qmlpMetadataEntries(model: QMlp): [string, string][] {
  return [
    // The file's layout: a model with layers kept in float32 is a QDQ graph.
    [QMLP_METADATA_KEYS.format, model.format === 'mixed' ? 'qdq' : model.format],
    [QMLP_METADATA_KEYS.executionPath, JSON.stringify(model.executionPath)],
    [QMLP_METADATA_KEYS.ortLevel, expectedOrtLevel(model.executionPath)],
    [QMLP_METADATA_KEYS.scheme, JSON.stringify(qmlpScheme(model))],
  ];
}

/** What a reader takes from quantproof's metadata; each field is null when absent or malformed. */
export interface QMlpMetadata {
  readonly format: QMlpFormat | null;
  readonly executionPath: ExecutionPath | null;
  readonly scheme: QMlpScheme | null;
  /** Entries that were present but could not be parsed, as notes for the reader's result. */
  readonly problems: readonly string[];
}

const FLOAT_GEMMS: readonly string[] = ['gemm-transb', 'gemm', 'matmul-add'];

/** Parses quantproof's metadata entries out of a file's metadata_props. */
export function parseQMlpMetadata(metadata: Readonly<Record<string, string>>): QMlpMetadata {
  const problems: string[] = [];
  const has = (key: string): boolean => Object.hasOwn(metadata, key);
  let format: QMlpFormat | null = null;
  if (has(QMLP_METADATA_KEYS.format)) {
    const value = metadata[QMLP_METADATA_KEYS.format];
    if (value === 'qdq' || value === 'qoperator' || value === 'dynamic') format = value;
    else problems.push(`ignored ${QMLP_METADATA_KEYS.format} = '${value}' (not a known format)`);
  }
  let executionPath: ExecutionPath | null = null;
  if (has(QMLP_METADATA_KEYS.executionPath)) {
    const raw = metadata[QMLP_METADATA_KEYS.executionPath] ?? '';
    executionPath = parseExecutionPath(raw);
    if (executionPath === null) {
      problems.push(
        `ignored ${QMLP_METADATA_KEYS.executionPath} = '${raw}' (not an ExecutionPath)`,
      );
    }
  }
  let scheme: QMlpScheme | null = null;
  if (has(QMLP_METADATA_KEYS.scheme)) {
    const raw = metadata[QMLP_METADATA_KEYS.scheme] ?? '';
    scheme = parseScheme(raw);
    if (scheme === null) {
      problems.push(`ignored ${QMLP_METADATA_KEYS.scheme} (not a quantproof scheme)`);
    }
  }
  return { format, executionPath, scheme, problems };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseExecutionPath(raw: string): ExecutionPath | null {
  const value = parseJson(raw);
  if (!isRecord(value)) return null;
  if (value['kind'] === 'fused-integer') return { kind: 'fused-integer' };
  const gemm = value['gemm'];
  if (value['kind'] === 'unfused-float' && typeof gemm === 'string' && FLOAT_GEMMS.includes(gemm)) {
    return { kind: 'unfused-float', gemm: gemm as 'gemm-transb' | 'gemm' | 'matmul-add' };
  }
  return null;
}

function parseLayerScheme(value: unknown): QMlpLayerScheme | null {
  if (!isRecord(value)) return null;
  const { activation, weightType, weightGranularity, weightBits } = value;
  if (activation !== 'relu' && activation !== 'identity') return null;
  if (weightType !== 'int8' && weightType !== 'uint8') return null;
  if (weightGranularity !== 'per-tensor' && weightGranularity !== 'per-channel') return null;
  if (typeof weightBits !== 'number' || !Number.isInteger(weightBits)) return null;
  return { activation, weightType, weightGranularity, weightBits };
}

function parseScheme(raw: string): QMlpScheme | null {
  const value = parseJson(raw);
  if (!isRecord(value) || !Array.isArray(value['layers'])) return null;
  const { activationType, logits } = value;
  if (
    activationType !== 'int8' &&
    activationType !== 'uint8' &&
    activationType !== 'dynamic-uint8'
  ) {
    return null;
  }
  if (logits !== 'dequantize' && logits !== 'float') return null;
  const layers: QMlpLayerScheme[] = [];
  for (const entry of value['layers'] as unknown[]) {
    const layer = parseLayerScheme(entry);
    if (layer === null) return null;
    layers.push(layer);
  }
  return { activationType, logits, layers };
}
