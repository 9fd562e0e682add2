import { UnsupportedGraphError } from './errors.js';
import { TensorDataType } from './proto/onnx-schema.js';
import type { DimensionObject, ValueInfoProtoObject } from './proto/onnx-schema.js';

/** The batch dimension of a graph input as the file declares it. */
export type BatchDim =
  | { readonly kind: 'symbolic'; readonly name: string }
  | { readonly kind: 'fixed'; readonly size: number }
  | { readonly kind: 'unspecified' };

/** A graph input or output declared as a float32 matrix [batch, features]. */
export interface MatrixValue {
  readonly name: string;
  readonly batch: BatchDim;
  /** The feature dimension when the file fixes it, else null (then the weights decide). */
  readonly features: number | null;
}

const shapeHint =
  'quantproof reads networks whose input and output are float32 matrices [batch, features]; ' +
  're-export the model with a 2-D input (PyTorch: a dummy input of shape (1, features)).';

/** Reads a graph input or output as a float32 matrix, or throws `UnsupportedGraphError`. */
export function matrixValue(value: ValueInfoProtoObject, role: 'input' | 'output'): MatrixValue {
  const name = value.name ?? '';
  const tensorType = value.type?.tensor_type;
  if (value.type !== undefined && tensorType === undefined) {
    throw new UnsupportedGraphError(`graph ${role} '${name}' is not a tensor`, shapeHint);
  }
  const elemType = tensorType?.elem_type;
  if (elemType !== undefined && elemType !== TensorDataType.FLOAT) {
    throw new UnsupportedGraphError(
      `graph ${role} '${name}' has element type ${elemType}, not FLOAT (1)`,
      shapeHint,
    );
  }
  const dims = tensorType?.shape?.dim;
  if (dims === undefined) return { name, batch: { kind: 'unspecified' }, features: null };
  const [batchDim, featureDim] = dims;
  if (dims.length !== 2 || batchDim === undefined || featureDim === undefined) {
    throw new UnsupportedGraphError(
      `graph ${role} '${name}' has shape [${dims.map(formatDim).join(', ')}], not [batch, features]`,
      shapeHint,
    );
  }
  return { name, batch: batchOf(batchDim), features: featureDim.dim_value ?? null };
}

function batchOf(dim: DimensionObject): BatchDim {
  if (dim.dim_value !== undefined) return { kind: 'fixed', size: dim.dim_value };
  if (dim.dim_param !== undefined && dim.dim_param !== '') {
    return { kind: 'symbolic', name: dim.dim_param };
  }
  return { kind: 'unspecified' };
}

/** A dimension as text: its size, its symbolic name, or '?'. */
export function formatDim(dim: DimensionObject): string {
  return dim.dim_value !== undefined ? String(dim.dim_value) : (dim.dim_param ?? '?');
}
