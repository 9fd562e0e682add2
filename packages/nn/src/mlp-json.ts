import { decodeBase64, encodeBase64 } from './base64.js';
import { NnFormatError } from './errors.js';
import {
  ACTIVATIONS,
  type Activation,
  type DenseLayer,
  type Mlp,
  OUTPUT_HEADS,
  type OutputHead,
  validateMlp,
} from './mlp.js';

/** The `format` marker of a serialised network. */
export const MLP_JSON_FORMAT = 'quantproof-mlp';
/** The format version this package writes and reads. */
export const MLP_JSON_VERSION = 1;
/** How tensors are stored: base64 of the float32 values' little-endian bytes, in index order. */
export const MLP_JSON_TENSOR_ENCODING = 'float32-le-base64';

/** Any JSON value. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Free-form information stored next to the weights (training seed, environment, score…). */
export type MlpMetadata = { readonly [key: string]: JsonValue };

/** One layer as serialised. `weight` is row-major [outFeatures][inFeatures]. */
export interface MlpJsonLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: Activation;
  readonly weight: string;
  readonly bias: string;
}

/** A serialised network: pass to `JSON.stringify`, read back with `mlpFromJson(JSON.parse(…))`. */
export interface MlpJson {
  readonly format: typeof MLP_JSON_FORMAT;
  readonly version: typeof MLP_JSON_VERSION;
  readonly tensorEncoding: typeof MLP_JSON_TENSOR_ENCODING;
  readonly metadata: MlpMetadata;
  readonly layers: readonly MlpJsonLayer[];
  /** The output head, written only when the network has one (files without it mean `logits`). */
  readonly head?: OutputHead;
}

/** What `mlpFromJson` returns. */
export interface MlpFromJsonResult {
  readonly mlp: Mlp;
  readonly metadata: MlpMetadata;
}

function encodeTensor(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return encodeBase64(bytes);
}

function checkFinite(values: Float32Array, path: string, advice: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new NnFormatError(`${path}[${i}]`, `is ${values[i]}, not a finite number; ${advice}`);
    }
  }
}

/**
 * The JSON form of `mlp` (format version 1) with optional `metadata`: lossless, bit for bit
 * (float32 values as base64 of their little-endian bytes), with `head` when the network has one. Throws `NnShapeError` for a malformed
 * network and `NnFormatError` for a non-finite weight.
 */
export function mlpToJson(mlp: Mlp, metadata: MlpMetadata = {}): MlpJson {
  validateMlp(mlp);
  const advice = 'training diverged or the network was corrupted; it cannot be saved';
  const layers = mlp.layers.map((layer, l) => {
    checkFinite(layer.weight, `layers[${l}].weight`, advice);
    checkFinite(layer.bias, `layers[${l}].bias`, advice);
    return {
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      activation: layer.activation,
      weight: encodeTensor(layer.weight),
      bias: encodeTensor(layer.bias),
    };
  });
  return {
    format: MLP_JSON_FORMAT,
    version: MLP_JSON_VERSION,
    tensorEncoding: MLP_JSON_TENSOR_ENCODING,
    metadata,
    layers,
    ...(mlp.head === undefined ? {} : { head: mlp.head }),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readWidth(layer: Record<string, unknown>, key: string, path: string): number {
  const value = layer[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new NnFormatError(
      `${path}.${key}`,
      `must be a positive integer; got ${JSON.stringify(value)}. The file is damaged: re-export the network`,
    );
  }
  return value;
}

function decodeTensor(value: unknown, count: number, path: string): Float32Array {
  if (typeof value !== 'string') {
    throw new NnFormatError(
      path,
      `must be a base64 string of ${count} little-endian float32 values; got ${typeof value}`,
    );
  }
  const bytes = decodeBase64(value);
  if (bytes === undefined) {
    throw new NnFormatError(
      path,
      'is not valid padded base64; the file is damaged: re-export the network',
    );
  }
  if (bytes.length !== count * 4) {
    throw new NnFormatError(
      path,
      `holds ${bytes.length} bytes but the layer's shape needs ${count} float32 values (${count * 4} bytes); the shape fields and the tensor disagree`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const x = view.getFloat32(i * 4, true);
    if (!Number.isFinite(x)) {
      throw new NnFormatError(
        `${path}[${i}]`,
        `is ${x}; weights must be finite. The network was saved after training diverged: retrain it`,
      );
    }
    values[i] = x;
  }
  return values;
}

function readLayer(value: unknown, l: number, previousOut: number | undefined): DenseLayer {
  const path = `$.layers[${l}]`;
  if (!isRecord(value)) throw new NnFormatError(path, 'must be an object describing a dense layer');
  const inFeatures = readWidth(value, 'inFeatures', path);
  const outFeatures = readWidth(value, 'outFeatures', path);
  if (previousOut !== undefined && inFeatures !== previousOut) {
    throw new NnFormatError(
      `${path}.inFeatures`,
      `is ${inFeatures} but layer ${l - 1} produces ${previousOut} outputs; consecutive layers must chain`,
    );
  }
  const activation = value['activation'];
  if (typeof activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new NnFormatError(
      `${path}.activation`,
      `${JSON.stringify(activation)} is not a known activation (${ACTIVATIONS.join(', ')}); the file may come from a newer quantproof: upgrade`,
    );
  }
  return {
    inFeatures,
    outFeatures,
    activation: activation as Activation,
    weight: decodeTensor(value['weight'], outFeatures * inFeatures, `${path}.weight`),
    bias: decodeTensor(value['bias'], outFeatures, `${path}.bias`),
  };
}

/**
 * Reads a network written by `mlpToJson` (after `JSON.parse`). Throws `NnFormatError`, with the
 * offending path, for anything else: another format or version, a missing or mistyped field, a
 * tensor of the wrong size, a non-finite weight, an unknown activation, layers that do not chain.
 */
export function mlpFromJson(value: unknown): MlpFromJsonResult {
  if (!isRecord(value)) {
    throw new NnFormatError(
      '$',
      'must be a JSON object written by mlpToJson (a quantproof network file)',
    );
  }
  if (value['format'] !== MLP_JSON_FORMAT) {
    throw new NnFormatError(
      '$.format',
      `must be "${MLP_JSON_FORMAT}"; got ${JSON.stringify(value['format'])}. This is not a quantproof network file`,
    );
  }
  const version = value['version'];
  if (version !== MLP_JSON_VERSION) {
    throw new NnFormatError(
      '$.version',
      `is ${JSON.stringify(version)} but this quantproof reads version ${MLP_JSON_VERSION}; ${
        typeof version === 'number' && version > MLP_JSON_VERSION
          ? 'upgrade quantproof to read it'
          : 're-export the network with this quantproof'
      }`,
    );
  }
  if (value['tensorEncoding'] !== MLP_JSON_TENSOR_ENCODING) {
    throw new NnFormatError(
      '$.tensorEncoding',
      `must be "${MLP_JSON_TENSOR_ENCODING}"; got ${JSON.stringify(value['tensorEncoding'])}`,
    );
  }
  const metadata = value['metadata'] ?? {};
  if (!isRecord(metadata)) {
    throw new NnFormatError('$.metadata', 'must be an object when present');
  }
  const rawLayers = value['layers'];
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) {
    throw new NnFormatError('$.layers', 'must be a non-empty array of dense layers');
  }
  const layers: DenseLayer[] = [];
  let previousOut: number | undefined;
  rawLayers.forEach((raw: unknown, l) => {
    const layer = readLayer(raw, l, previousOut);
    previousOut = layer.outFeatures;
    layers.push(layer);
  });
  const head = value['head'];
  if (head !== undefined && !(OUTPUT_HEADS as readonly unknown[]).includes(head)) {
    throw new NnFormatError(
      '$.head',
      `${JSON.stringify(head)} is not a known output head (${OUTPUT_HEADS.join(', ')}); the file may come from a newer quantproof: upgrade`,
    );
  }
  const mlp: Mlp = head === undefined ? { layers } : { layers, head: head as OutputHead };
  return { mlp: validateMlp(mlp), metadata: metadata as MlpMetadata };
}
