import type { Activation, JsonValue, OutputHead } from '@quantproof/nn';
import { encodeBase64 } from '@quantproof/nn';
import type { QuantElementType, QuantizedArray } from './element-type.js';
import { InvalidQMlpError } from './errors.js';
import {
  validateQMlp,
  type ExecutionPath,
  type QMlp,
  type QStaticLayer,
  type WeightQuant,
} from './qmlp.js';
import type { TensorQuant } from './quantize-linear.js';

/** The `format` marker of a serialised quantised model. */
export const QMLP_JSON_FORMAT = 'quantproof-qmlp';
/** The format version this package writes and reads. */
export const QMLP_JSON_VERSION = 1;
/**
 * How tensors are stored: standard padded base64 of the values' little-endian bytes in index
 * order, with the element type fixed by the field (see the README).
 */
export const QMLP_JSON_TENSOR_ENCODING = 'le-base64';

/** Free-form information stored next to the model (scheme, calibration, seed…). */
export type QMlpMetadata = { readonly [key: string]: JsonValue };

/** A `TensorQuant` as serialised: the float32 scale as a JSON number (exact). */
export interface TensorQuantJson {
  readonly scale: number;
  readonly zeroPoint: number;
  readonly elementType: QuantElementType;
}

/** A `WeightQuant` as serialised: `scales` float32, `zeroPoints` int32 (base64). */
export interface WeightQuantJson {
  readonly elementType: QuantElementType;
  readonly granularity: 'per-tensor' | 'per-channel';
  readonly bits: number;
  readonly scales: string;
  readonly zeroPoints: string;
}

/** A static layer as serialised: `weight` in the weight element type, `bias` int32 (base64). */
export interface QStaticLayerJson {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: Activation;
  readonly weight: string;
  readonly weightQuant: WeightQuantJson;
  readonly bias: string;
  readonly output: TensorQuantJson | null;
}

/** A dynamic layer as serialised: `weight` in the weight element type, `bias` float32 (base64). */
export interface QDynamicLayerJson {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: Activation;
  readonly weight: string;
  readonly weightQuant: WeightQuantJson;
  readonly bias: string;
}

/** A layer kept in float32 as serialised: `weight` and `bias` float32 (base64). */
export interface QFloatLayerJson {
  readonly kind: 'float';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: Activation;
  readonly weight: string;
  readonly bias: string;
  readonly output: TensorQuantJson | null;
}

/** The model part of a serialised `QMlp`, the same fields as the `QMlp` with tensors encoded. */
export type QMlpModelJson =
  | {
      readonly format: 'qdq' | 'qoperator';
      readonly executionPath: ExecutionPath;
      readonly input: TensorQuantJson;
      /** Per-feature input scales, float32 base64; written only when the model has them. */
      readonly inputScales?: string;
      readonly logits: 'dequantize' | 'float';
      readonly layers: readonly QStaticLayerJson[];
      /** The output head, written only when the model has one (absent means `logits`). */
      readonly head?: OutputHead;
    }
  | {
      readonly format: 'mixed';
      readonly executionPath: { readonly kind: 'fused-integer' };
      readonly input: TensorQuantJson | null;
      readonly logits: 'dequantize' | 'float';
      readonly layers: readonly (
        QFloatLayerJson | (QStaticLayerJson & { readonly kind: 'int8' })
      )[];
      readonly head?: OutputHead;
    }
  | {
      readonly format: 'dynamic';
      readonly executionPath: { readonly kind: 'fused-integer' };
      readonly layers: readonly QDynamicLayerJson[];
      /** The output head, written only when the model has one (absent means `logits`). */
      readonly head?: OutputHead;
    };

/** A serialised quantised model: pass to `JSON.stringify`, read back with `qmlpFromJson`. */
export interface QMlpJson {
  readonly format: typeof QMLP_JSON_FORMAT;
  readonly version: typeof QMLP_JSON_VERSION;
  readonly tensorEncoding: typeof QMLP_JSON_TENSOR_ENCODING;
  readonly metadata: QMlpMetadata;
  readonly model: QMlpModelJson;
}

function encode(values: Float32Array | Int32Array | QuantizedArray): string {
  const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(i * 4, values[i]!, true);
    else if (values instanceof Int32Array) view.setInt32(i * 4, values[i]!, true);
    else if (values instanceof Int8Array) view.setInt8(i, values[i]!);
    else view.setUint8(i, values[i]!);
  }
  return encodeBase64(bytes);
}

function tensorQuantJson(q: TensorQuant): TensorQuantJson {
  return { scale: q.scale, zeroPoint: q.zeroPoint, elementType: q.elementType };
}

function weightQuantJson(q: WeightQuant): WeightQuantJson {
  return {
    elementType: q.elementType,
    granularity: q.granularity,
    bits: q.bits,
    scales: encode(q.scales),
    zeroPoints: encode(q.zeroPoints),
  };
}

function staticLayerJson(layer: QStaticLayer): QStaticLayerJson {
  return {
    inFeatures: layer.inFeatures,
    outFeatures: layer.outFeatures,
    activation: layer.activation,
    weight: encode(layer.weight),
    weightQuant: weightQuantJson(layer.weightQuant),
    bias: encode(layer.bias),
    output: layer.output === null ? null : tensorQuantJson(layer.output),
  };
}

/**
 * The JSON form of `model` (format version 1) with optional `metadata`, bit for bit: tensors as
 * base64 of their little-endian bytes, scalar scales and zero points as JSON numbers (exact for
 * float32 values), with `head` when the model has one. Throws `InvalidQMlpError` for a model
 * `validateQMlp` rejects or a dynamic model with a non-finite bias.
 */
export function qmlpToJson(model: QMlp, metadata: QMlpMetadata = {}): QMlpJson {
  validateQMlp(model);
  if (model.format === 'mixed') {
    const layers = model.layers.map(
      (layer): QFloatLayerJson | (QStaticLayerJson & { readonly kind: 'int8' }) =>
        layer.kind === 'float'
          ? {
              kind: 'float',
              inFeatures: layer.inFeatures,
              outFeatures: layer.outFeatures,
              activation: layer.activation,
              weight: encode(layer.weight),
              bias: encode(layer.bias),
              output: layer.output === null ? null : tensorQuantJson(layer.output),
            }
          : { kind: 'int8', ...staticLayerJson(layer) },
    );
    return envelope(
      {
        format: 'mixed',
        executionPath: { kind: 'fused-integer' },
        input: model.input === null ? null : tensorQuantJson(model.input),
        logits: model.logits,
        layers,
        ...headJson(model),
      },
      metadata,
    );
  }
  if (model.format === 'dynamic') {
    model.layers.forEach((layer, l) => {
      layer.bias.forEach((b, j) => {
        if (!Number.isFinite(b)) {
          throw new InvalidQMlpError(
            `$.layers[${l}].bias[${j}]`,
            `is ${b}; a model with a non-finite bias cannot be saved — requantise it from a finite network`,
          );
        }
      });
    });
    const layers = model.layers.map((layer): QDynamicLayerJson => ({
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      activation: layer.activation,
      weight: encode(layer.weight),
      weightQuant: weightQuantJson(layer.weightQuant),
      bias: encode(layer.bias),
    }));
    return envelope(
      { format: 'dynamic', executionPath: { kind: 'fused-integer' }, layers, ...headJson(model) },
      metadata,
    );
  }
  const layers = model.layers.map(staticLayerJson);
  const path = model.executionPath;
  return envelope(
    {
      format: model.format,
      executionPath:
        path.kind === 'fused-integer' ? { kind: path.kind } : { kind: path.kind, gemm: path.gemm },
      input: tensorQuantJson(model.input),
      ...(model.inputScales === undefined ? {} : { inputScales: encode(model.inputScales) }),
      logits: model.logits,
      layers,
      ...headJson(model),
    },
    metadata,
  );
}

function headJson(model: QMlp): { head?: OutputHead } {
  return model.head === undefined ? {} : { head: model.head };
}

function envelope(model: QMlpModelJson, metadata: QMlpMetadata): QMlpJson {
  return {
    format: QMLP_JSON_FORMAT,
    version: QMLP_JSON_VERSION,
    tensorEncoding: QMLP_JSON_TENSOR_ENCODING,
    metadata,
    model,
  };
}
