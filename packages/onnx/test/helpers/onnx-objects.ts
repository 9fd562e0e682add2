// Builders for raw ONNX protobuf objects, to write graphs the way other exporters do (and graphs
// our writer never would) without going through writeMlpOnnx.
import { AttributeType, TensorDataType, encodeModelProto } from '../../src/proto/onnx-schema.js';
import type {
  AttributeProtoObject,
  DimensionObject,
  GraphProtoObject,
  ModelProtoObject,
  NodeProtoObject,
  TensorProtoObject,
  ValueInfoProtoObject,
} from '../../src/proto/onnx-schema.js';
import { floatTensorProto } from '../../src/tensor-data.js';

/** A float32 initializer stored as little-endian raw_data. */
export function rawTensor(
  name: string,
  dims: readonly number[],
  data: Float32Array,
): TensorProtoObject {
  return floatTensorProto(name, dims, data);
}

/** A float32 initializer stored in the repeated float_data field. */
export function floatDataTensor(
  name: string,
  dims: readonly number[],
  data: Float32Array,
): TensorProtoObject {
  return { name, dims: [...dims], data_type: TensorDataType.FLOAT, float_data: [...data] };
}

/** A FLOAT attribute. */
export function floatAttr(name: string, f: number): AttributeProtoObject {
  return { name, type: AttributeType.FLOAT, f };
}

/** An INT attribute. */
export function intAttr(name: string, i: number): AttributeProtoObject {
  return { name, type: AttributeType.INT, i };
}

/** A TENSOR attribute. */
export function tensorAttr(name: string, t: TensorProtoObject): AttributeProtoObject {
  return { name, type: AttributeType.TENSOR, t };
}

/** A node of the default domain. */
export function node(
  opType: string,
  name: string,
  input: readonly string[],
  output: readonly string[],
  attribute: readonly AttributeProtoObject[] = [],
): NodeProtoObject {
  return {
    name,
    op_type: opType,
    input: [...input],
    output: [...output],
    attribute: [...attribute],
  };
}

/** A float32 tensor value with the given dims (numbers are sizes, strings symbolic names). */
export function floatValue(name: string, dims: readonly (number | string)[]): ValueInfoProtoObject {
  const dim: DimensionObject[] = dims.map((d) =>
    typeof d === 'number' ? { dim_value: d } : { dim_param: d },
  );
  return { name, type: { tensor_type: { elem_type: TensorDataType.FLOAT, shape: { dim } } } };
}

/** Model-level fields of `model`. */
export interface ModelHeader {
  readonly irVersion: number;
  readonly opset: number;
  readonly producerName: string;
  readonly producerVersion: string;
}

const defaultHeader: ModelHeader = {
  irVersion: 8,
  opset: 17,
  producerName: 'test',
  producerVersion: '0',
};

/** A ModelProto around `graph`. */
export function model(
  graph: GraphProtoObject,
  header: Partial<ModelHeader> = {},
): ModelProtoObject {
  const h = { ...defaultHeader, ...header };
  return {
    ir_version: h.irVersion,
    opset_import: [{ domain: '', version: h.opset }],
    producer_name: h.producerName,
    producer_version: h.producerVersion,
    graph,
  };
}

/** Encodes a ModelProto object to .onnx bytes. */
export function encode(modelProto: ModelProtoObject): Uint8Array {
  return encodeModelProto(modelProto);
}
