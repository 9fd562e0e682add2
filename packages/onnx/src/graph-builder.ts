import { AttributeType } from './proto/onnx-schema.js';
import type {
  AttributeProtoObject,
  NodeProtoObject,
  TensorProtoObject,
  ValueInfoProtoObject,
} from './proto/onnx-schema.js';
import { TensorDataType } from './proto/onnx-schema.js';
import { floatTensorProto, intTensorProto } from './tensor-data.js';
import type { IntTensorType } from './tensor-data.js';

/** The com.microsoft operator domain (QGemm, FusedGemm, DynamicQuantizeMatMul, ...). */
export const MICROSOFT_DOMAIN = 'com.microsoft';

/** Collects the nodes and initializers of a graph being written, in order. */
export class GraphBuilder {
  /** Nodes in topological order. */
  readonly nodes: NodeProtoObject[] = [];
  /** Initializers in the order they were added. */
  readonly initializers: TensorProtoObject[] = [];

  /** Adds a node; `domain` is omitted for the default domain. */
  node(
    opType: string,
    name: string,
    input: readonly string[],
    output: readonly string[],
    attribute: readonly AttributeProtoObject[] = [],
    domain = '',
  ): void {
    this.nodes.push({
      name,
      op_type: opType,
      ...(domain === '' ? {} : { domain }),
      input: [...input],
      output: [...output],
      ...(attribute.length === 0 ? {} : { attribute: [...attribute] }),
    });
  }

  /** Adds a float32 initializer: a scalar (dims []) when `vector` is false, else a 1-D tensor. */
  floatParam(name: string, values: Float32Array, vector: boolean): string {
    this.initializers.push(floatTensorProto(name, vector ? [values.length] : [], values));
    return name;
  }

  /** Adds an integer initializer: a scalar (dims []) when `vector` is false, else a 1-D tensor. */
  intParam(name: string, type: IntTensorType, values: ArrayLike<number>, vector: boolean): string {
    this.initializers.push(intTensorProto(name, vector ? [values.length] : [], type, values));
    return name;
  }

  /** Adds an integer initializer with the given dims. */
  intTensor(
    name: string,
    dims: readonly number[],
    type: IntTensorType,
    values: ArrayLike<number>,
  ): string {
    this.initializers.push(intTensorProto(name, dims, type, values));
    return name;
  }

  /** Adds a float32 initializer with the given dims. */
  floatTensor(name: string, dims: readonly number[], values: Float32Array): string {
    this.initializers.push(floatTensorProto(name, dims, values));
    return name;
  }
}

/** An INT attribute. */
export function intAttr(name: string, i: number): AttributeProtoObject {
  return { name, type: AttributeType.INT, i };
}

/** A FLOAT attribute. */
export function floatAttr(name: string, f: number): AttributeProtoObject {
  return { name, type: AttributeType.FLOAT, f };
}

/** A float32 [batch, features] graph input or output with a symbolic batch dimension. */
export function matrixValueInfo(
  name: string,
  batchDimName: string,
  features: number,
): ValueInfoProtoObject {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: TensorDataType.FLOAT,
        shape: { dim: [{ dim_param: batchDimName }, { dim_value: features }] },
      },
    },
  };
}

/** The [out][in] matrix `weight` transposed to [in][out] (the layout of MatMul's B). */
export function transposeToInOut(
  weight: ArrayLike<number>,
  outFeatures: number,
  inFeatures: number,
): Int32Array {
  const out = new Int32Array(weight.length);
  for (let j = 0; j < outFeatures; j++) {
    for (let i = 0; i < inFeatures; i++) out[i * outFeatures + j] = weight[j * inFeatures + i] ?? 0;
  }
  return out;
}
