import protobuf from 'protobufjs';
import type { IConversionOptions } from 'protobufjs';
import { ONNX_PROTO } from './onnx-proto.js';

// Plain-object views of the onnx.proto messages this package reads and writes. Field names keep
// the schema's snake_case; int64 fields are numbers (dims and versions are far below 2^53); bytes
// are Uint8Array. Only the fields we use are listed; protobufjs keeps the others on decode.

/** onnx.TensorProto.DataType values used here. */
export const TensorDataType: {
  readonly FLOAT: 1;
  readonly UINT8: 2;
  readonly INT8: 3;
  readonly INT32: 6;
  readonly DOUBLE: 11;
} = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  DOUBLE: 11,
} as const;

/** onnx.AttributeProto.AttributeType values used here. */
export const AttributeType: {
  readonly FLOAT: 1;
  readonly INT: 2;
  readonly STRING: 3;
  readonly TENSOR: 4;
  readonly FLOATS: 6;
  readonly INTS: 7;
} = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** onnx.TensorProto.DataLocation.EXTERNAL: the tensor's bytes live in another file. */
export const DATA_LOCATION_EXTERNAL = 1;

/** onnx.StringStringEntryProto. */
export interface StringStringEntry {
  readonly key?: string;
  readonly value?: string;
}

/** onnx.TensorProto (the fields this package uses). */
export interface TensorProtoObject {
  readonly name?: string;
  readonly dims?: readonly number[];
  readonly data_type?: number;
  readonly float_data?: readonly number[];
  /** Values of INT32 tensors, and of INT8/UINT8 tensors (one element each) without raw_data. */
  readonly int32_data?: readonly number[];
  readonly raw_data?: Uint8Array;
  readonly external_data?: readonly StringStringEntry[];
  readonly data_location?: number;
}

/** onnx.AttributeProto (the fields this package uses). */
export interface AttributeProtoObject {
  readonly name?: string;
  readonly type?: number;
  readonly f?: number;
  readonly i?: number;
  readonly s?: Uint8Array;
  readonly t?: TensorProtoObject;
  readonly floats?: readonly number[];
  readonly ints?: readonly number[];
}

/** onnx.NodeProto. */
export interface NodeProtoObject {
  readonly name?: string;
  readonly op_type?: string;
  readonly domain?: string;
  readonly input?: readonly string[];
  readonly output?: readonly string[];
  readonly attribute?: readonly AttributeProtoObject[];
  readonly doc_string?: string;
}

/** onnx.TensorShapeProto.Dimension: a fixed size or a symbolic name. */
export interface DimensionObject {
  readonly dim_value?: number;
  readonly dim_param?: string;
}

/** onnx.TypeProto restricted to tensor types. */
export interface TypeProtoObject {
  readonly tensor_type?: {
    readonly elem_type?: number;
    readonly shape?: { readonly dim?: readonly DimensionObject[] };
  };
}

/** onnx.ValueInfoProto. */
export interface ValueInfoProtoObject {
  readonly name?: string;
  readonly type?: TypeProtoObject;
}

/** onnx.GraphProto. */
export interface GraphProtoObject {
  readonly name?: string;
  readonly node?: readonly NodeProtoObject[];
  readonly initializer?: readonly TensorProtoObject[];
  readonly input?: readonly ValueInfoProtoObject[];
  readonly output?: readonly ValueInfoProtoObject[];
  readonly value_info?: readonly ValueInfoProtoObject[];
  readonly doc_string?: string;
}

/** onnx.OperatorSetIdProto. */
export interface OperatorSetIdObject {
  readonly domain?: string;
  readonly version?: number;
}

/** onnx.ModelProto. */
export interface ModelProtoObject {
  readonly ir_version?: number;
  readonly opset_import?: readonly OperatorSetIdObject[];
  readonly producer_name?: string;
  readonly producer_version?: string;
  readonly domain?: string;
  readonly model_version?: number;
  readonly doc_string?: string;
  readonly graph?: GraphProtoObject;
  readonly metadata_props?: readonly StringStringEntry[];
}

// Parsed once, when the module loads. keepCase keeps the schema's field names.
const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;
const modelType = root.lookupType('onnx.ModelProto');

const toObjectOptions: IConversionOptions = {
  longs: Number,
  enums: Number,
  defaults: false,
  arrays: true,
};

/**
 * Decodes ModelProto bytes into a plain object. Throws protobufjs's own error on malformed bytes;
 * callers turn it into a typed error.
 */
export function decodeModelProto(bytes: Uint8Array): ModelProtoObject {
  const message = modelType.decode(bytes);
  // The schema fixes the object's shape; the interfaces above describe a subset of it.
  return modelType.toObject(message, toObjectOptions) as ModelProtoObject;
}

/** Encodes a plain ModelProto object into .onnx bytes (deterministic: fields in schema order). */
export function encodeModelProto(model: ModelProtoObject): Uint8Array {
  const message = modelType.fromObject(model);
  const bytes = modelType.encode(message).finish();
  // protobufjs returns a Buffer under Node, possibly a view into a shared pool: copy it out.
  return new Uint8Array(bytes);
}
