import type { Activation, OutputHead } from '@quantproof/nn';
import { decodeBase64, OUTPUT_HEADS } from '@quantproof/nn';
import { allocateQuantized, type QuantElementType, type QuantizedArray } from './element-type.js';
import { InvalidQMlpError, QMlpFormatError } from './errors.js';
import {
  validateQMlp,
  type ExecutionPath,
  type FloatGemmLayout,
  type QDynamicLayer,
  type QFloatLayer,
  type QMixedInt8Layer,
  type QMlp,
  type QStaticLayer,
  type WeightQuant,
} from './qmlp.js';
import {
  QMLP_JSON_FORMAT,
  QMLP_JSON_TENSOR_ENCODING,
  QMLP_JSON_VERSION,
  type QMlpMetadata,
} from './qmlp-json.js';
import type { TensorQuant } from './quantize-linear.js';

/** What `qmlpFromJson` returns. */
export interface QMlpFromJsonResult {
  readonly model: QMlp;
  readonly metadata: QMlpMetadata;
}

type Kind = 'float32' | 'int32' | QuantElementType;
const BYTES: Record<Kind, number> = { float32: 4, int32: 4, int8: 1, uint8: 1 };

const DAMAGED = 'the file is damaged: re-export the model';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: string, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new QMlpFormatError(path, `must be an object (${what}); ${DAMAGED}`);
  return value;
}

function field<T>(
  owner: Record<string, unknown>,
  key: string,
  path: string,
  accept: (v: unknown) => v is T,
  expected: string,
): T {
  const value = owner[key];
  if (!accept(value)) {
    throw new QMlpFormatError(
      `${path}.${key}`,
      `must be ${expected}; got ${JSON.stringify(value) ?? 'nothing'}. ${DAMAGED}`,
    );
  }
  return value;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isWidth = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const isElementType = (v: unknown): v is QuantElementType => v === 'int8' || v === 'uint8';

function decode(
  owner: Record<string, unknown>,
  key: string,
  path: string,
  kind: Kind,
  count: number,
): Float32Array | Int32Array | QuantizedArray {
  const text = field(owner, key, path, isString, `a base64 string of ${count} ${kind} values`);
  const bytes = decodeBase64(text);
  if (bytes === undefined) {
    throw new QMlpFormatError(`${path}.${key}`, `is not valid padded base64; ${DAMAGED}`);
  }
  if (bytes.length !== count * BYTES[kind]) {
    throw new QMlpFormatError(
      `${path}.${key}`,
      `holds ${bytes.length} bytes but the layer's shape needs ${count} ${kind} values ` +
        `(${count * BYTES[kind]} bytes); the shape fields and the tensor disagree`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (kind) {
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
    default: {
      const out = allocateQuantized(kind, count);
      out.set(kind === 'int8' ? new Int8Array(bytes.buffer, bytes.byteOffset, count) : bytes);
      return out;
    }
  }
}

function readTensorQuant(value: unknown, path: string): TensorQuant {
  const q = record(value, path, 'scale, zeroPoint, elementType');
  return {
    scale: field(q, 'scale', path, isNumber, 'a finite number'),
    zeroPoint: field(q, 'zeroPoint', path, isNumber, 'a finite number'),
    elementType: field(q, 'elementType', path, isElementType, '"int8" or "uint8"'),
  };
}

function readWeights(
  layer: Record<string, unknown>,
  path: string,
  inFeatures: number,
  outFeatures: number,
): { weight: QuantizedArray; weightQuant: WeightQuant } {
  const qPath = `${path}.weightQuant`;
  const q = record(layer['weightQuant'], qPath, 'the weight quantisation');
  const elementType = field(q, 'elementType', qPath, isElementType, '"int8" or "uint8"');
  const granularity = field(
    q,
    'granularity',
    qPath,
    (v): v is 'per-tensor' | 'per-channel' => v === 'per-tensor' || v === 'per-channel',
    '"per-tensor" or "per-channel"',
  );
  const count = granularity === 'per-tensor' ? 1 : outFeatures;
  const weightQuant: WeightQuant = {
    elementType,
    granularity,
    bits: field(q, 'bits', qPath, isNumber, 'an integer in 2..8'),
    scales: decode(q, 'scales', qPath, 'float32', count) as Float32Array,
    zeroPoints: decode(q, 'zeroPoints', qPath, 'int32', count) as Int32Array,
  };
  const weight = decode(
    layer,
    'weight',
    path,
    elementType,
    inFeatures * outFeatures,
  ) as QuantizedArray;
  return { weight, weightQuant };
}

function readExecutionPath(model: Record<string, unknown>): ExecutionPath {
  const path = '$.model.executionPath';
  const value = record(model['executionPath'], path, 'the onnxruntime execution path');
  const kind = field(value, 'kind', path, isString, '"fused-integer" or "unfused-float"');
  if (kind === 'unfused-float') {
    const gemm = field(
      value,
      'gemm',
      path,
      (v): v is FloatGemmLayout => v === 'gemm-transb' || v === 'gemm' || v === 'matmul-add',
      '"gemm-transb", "gemm" or "matmul-add"',
    );
    return { kind, gemm };
  }
  // Any other kind is reported by validateQMlp.
  return { kind } as ExecutionPath;
}

/**
 * Reads `qmlpToJson`'s output back (after `JSON.parse`), bit for bit. Throws `QMlpFormatError`
 * (with the `path` of the field) for another format or version, a missing or mistyped field, a
 * tensor whose size does not match the shape, a non-finite dynamic bias, or a model that breaks a
 * `validateQMlp` invariant (scales, zero points, bit widths, ReLU folding, chaining).
 */
export function qmlpFromJson(value: unknown): QMlpFromJsonResult {
  const root = record(value, '$', 'a quantproof quantised model');
  if (root['format'] !== QMLP_JSON_FORMAT) {
    throw new QMlpFormatError(
      '$.format',
      `must be "${QMLP_JSON_FORMAT}"; got ${JSON.stringify(root['format']) ?? 'nothing'}. This is not a quantproof quantised-model file`,
    );
  }
  const version = root['version'];
  if (version !== QMLP_JSON_VERSION) {
    throw new QMlpFormatError(
      '$.version',
      `is ${JSON.stringify(version) ?? 'missing'} but this quantproof reads version ${QMLP_JSON_VERSION}; ${
        typeof version === 'number' && version > QMLP_JSON_VERSION
          ? 'upgrade quantproof to read it'
          : 're-export the model with this quantproof'
      }`,
    );
  }
  if (root['tensorEncoding'] !== QMLP_JSON_TENSOR_ENCODING) {
    throw new QMlpFormatError(
      '$.tensorEncoding',
      `must be "${QMLP_JSON_TENSOR_ENCODING}"; got ${JSON.stringify(root['tensorEncoding']) ?? 'nothing'}`,
    );
  }
  const metadata = root['metadata'] ?? {};
  if (!isRecord(metadata))
    throw new QMlpFormatError('$.metadata', 'must be an object when present');
  const m = record(root['model'], '$.model', 'the quantised model');
  const format = field(
    m,
    'format',
    '$.model',
    (v): v is QMlp['format'] =>
      v === 'qdq' || v === 'qoperator' || v === 'dynamic' || v === 'mixed',
    '"qdq", "qoperator", "dynamic" or "mixed"',
  );
  const rawLayers = m['layers'];
  if (!Array.isArray(rawLayers) || rawLayers.length === 0) {
    throw new QMlpFormatError('$.model.layers', `must be a non-empty array of layers; ${DAMAGED}`);
  }
  const executionPath = readExecutionPath(m);
  const common = (raw: unknown, l: number) => {
    const path = `$.model.layers[${l}]`;
    const layer = record(raw, path, 'a quantised dense layer');
    const inFeatures = field(layer, 'inFeatures', path, isWidth, 'a positive integer');
    const outFeatures = field(layer, 'outFeatures', path, isWidth, 'a positive integer');
    const activation = field(
      layer,
      'activation',
      path,
      (v): v is Activation => v === 'relu' || v === 'identity',
      '"relu" or "identity"',
    );
    return { path, layer, inFeatures, outFeatures, activation };
  };
  const rawHead = m['head'];
  if (rawHead !== undefined && !(OUTPUT_HEADS as readonly unknown[]).includes(rawHead)) {
    throw new QMlpFormatError(
      '$.model.head',
      `must be ${OUTPUT_HEADS.map((h) => `"${h}"`).join(' or ')} when present; got ${JSON.stringify(rawHead)}. ${DAMAGED}`,
    );
  }
  const head = rawHead === undefined ? {} : { head: rawHead as OutputHead };
  let model: QMlp;
  const logitsOf = (): 'dequantize' | 'float' =>
    field(
      m,
      'logits',
      '$.model',
      (v): v is 'dequantize' | 'float' => v === 'dequantize' || v === 'float',
      '"dequantize" or "float"',
    );
  if (format === 'mixed') {
    const layers = rawLayers.map((raw: unknown, l): QFloatLayer | QMixedInt8Layer => {
      const { path, layer, inFeatures, outFeatures, activation } = common(raw, l);
      const kind = field(
        layer,
        'kind',
        path,
        (v): v is 'float' | 'int8' => v === 'float' || v === 'int8',
        '"float" or "int8"',
      );
      const output =
        layer['output'] === null ? null : readTensorQuant(layer['output'], `${path}.output`);
      if (kind === 'float') {
        return {
          kind,
          inFeatures,
          outFeatures,
          activation,
          weight: decode(
            layer,
            'weight',
            path,
            'float32',
            inFeatures * outFeatures,
          ) as Float32Array,
          bias: decode(layer, 'bias', path, 'float32', outFeatures) as Float32Array,
          output,
        };
      }
      return {
        kind,
        inFeatures,
        outFeatures,
        activation,
        ...readWeights(layer, path, inFeatures, outFeatures),
        bias: decode(layer, 'bias', path, 'int32', outFeatures) as Int32Array,
        output,
      };
    });
    model = {
      format,
      executionPath: { kind: 'fused-integer' },
      input: m['input'] === null ? null : readTensorQuant(m['input'], '$.model.input'),
      logits: logitsOf(),
      layers,
      ...head,
    };
  } else if (format === 'dynamic') {
    const layers = rawLayers.map((raw: unknown, l): QDynamicLayer => {
      const { path, layer, inFeatures, outFeatures, activation } = common(raw, l);
      const bias = decode(layer, 'bias', path, 'float32', outFeatures) as Float32Array;
      bias.forEach((b, j) => {
        if (!Number.isFinite(b)) {
          throw new QMlpFormatError(
            `${path}.bias[${j}]`,
            `is ${b}; biases must be finite. ${DAMAGED}`,
          );
        }
      });
      return {
        inFeatures,
        outFeatures,
        activation,
        ...readWeights(layer, path, inFeatures, outFeatures),
        bias,
      };
    });
    model = {
      format,
      executionPath: executionPath as { kind: 'fused-integer' },
      layers,
      ...head,
    };
  } else {
    const layers = rawLayers.map((raw: unknown, l): QStaticLayer => {
      const { path, layer, inFeatures, outFeatures, activation } = common(raw, l);
      return {
        inFeatures,
        outFeatures,
        activation,
        ...readWeights(layer, path, inFeatures, outFeatures),
        bias: decode(layer, 'bias', path, 'int32', outFeatures) as Int32Array,
        output:
          layer['output'] === null ? null : readTensorQuant(layer['output'], `${path}.output`),
      };
    });
    model = {
      format,
      executionPath,
      input: readTensorQuant(m['input'], '$.model.input'),
      ...(m['inputScales'] === undefined
        ? {}
        : {
            inputScales: decode(
              m,
              'inputScales',
              '$.model',
              'float32',
              layers[0]?.inFeatures ?? 0,
            ) as Float32Array,
          }),
      logits: logitsOf(),
      layers,
      ...head,
    };
  }
  try {
    validateQMlp(model);
  } catch (error) {
    if (!(error instanceof InvalidQMlpError)) throw error;
    const prefix = `${error.path}: `;
    const detail = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    throw new QMlpFormatError(`$.model${error.path.slice(1)}`, detail);
  }
  return { model, metadata: metadata as QMlpMetadata };
}
