import { ExternalDataError, UnsupportedGraphError } from './errors.js';
import { DATA_LOCATION_EXTERNAL, TensorDataType } from './proto/onnx-schema.js';
import type { TensorProtoObject } from './proto/onnx-schema.js';

// ONNX stores raw_data little-endian. On a little-endian host (every platform onnxruntime-node
// ships for) bytes are copied as they are, which keeps every float32 bit pattern, NaN payloads
// included; elsewhere DataView converts.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A float32 tensor taken out of a TensorProto: its dims and its values in row-major order. */
export interface FloatTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Number of elements of a tensor with these dims, or null when the dims are not valid sizes. */
export function elementCount(dims: readonly number[]): number | null {
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) return null;
    count *= d;
    if (!Number.isSafeInteger(count)) return null;
  }
  return count;
}

const dataTypeHint =
  'quantproof reads float32 networks; re-export the model in float32 (PyTorch: call ' +
  'model.float() before torch.onnx.export).';

/** Reads a float32 TensorProto from raw_data (little-endian) or float_data. */
export function readFloatTensor(tensor: TensorProtoObject): FloatTensor {
  const name = tensor.name ?? '';
  if (tensor.data_location === DATA_LOCATION_EXTERNAL || (tensor.external_data ?? []).length > 0) {
    throw new ExternalDataError(name);
  }
  if (tensor.data_type !== TensorDataType.FLOAT) {
    throw new UnsupportedGraphError(
      `tensor '${name}' has element type ${String(tensor.data_type ?? 'unset')}, not FLOAT (1)`,
      dataTypeHint,
    );
  }
  const dims = [...(tensor.dims ?? [])];
  const count = elementCount(dims);
  if (count === null) {
    throw new UnsupportedGraphError(
      `tensor '${name}' has invalid dims [${dims.join(', ')}]`,
      'Re-export the model; its weights are malformed.',
    );
  }
  const raw = tensor.raw_data;
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== count * 4) {
      throw new UnsupportedGraphError(
        `tensor '${name}' declares dims [${dims.join(', ')}] (${count} float32 values) but its ` +
          `raw_data holds ${raw.length} bytes`,
        'Re-export the model; its weights are malformed.',
      );
    }
    return { name, dims, data: float32FromLittleEndian(raw, count) };
  }
  const values = tensor.float_data ?? [];
  if (values.length !== count) {
    throw new UnsupportedGraphError(
      `tensor '${name}' declares dims [${dims.join(', ')}] (${count} float32 values) but holds ` +
        `${values.length} in float_data and no raw_data`,
      'Re-export the model; its weights are malformed.',
    );
  }
  return { name, dims, data: Float32Array.from(values) };
}

/** A float32 TensorProto holding `data` as little-endian raw_data. */
export function floatTensorProto(
  name: string,
  dims: readonly number[],
  data: Float32Array,
): TensorProtoObject {
  return {
    name,
    dims: [...dims],
    data_type: TensorDataType.FLOAT,
    raw_data: littleEndianBytes(data),
  };
}

/** The integer element types of quantised tensors: ONNX UINT8, INT8 and INT32. */
export type IntTensorType = 'uint8' | 'int8' | 'int32';

/** An integer tensor taken out of a TensorProto; `data` holds one value per element, as stored. */
export interface IntTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: IntTensorType;
  /**
   * The values. Read from raw_data they lie in the type's range; read from int32_data (where ONNX
   * keeps 8-bit values without raw_data) they may not, and the caller checks.
   */
  readonly data: Int32Array;
}

const INT_TYPES: ReadonlyMap<number, { type: IntTensorType; bytes: number }> = new Map([
  [TensorDataType.UINT8, { type: 'uint8', bytes: 1 }],
  [TensorDataType.INT8, { type: 'int8', bytes: 1 }],
  [TensorDataType.INT32, { type: 'int32', bytes: 4 }],
]);

/** The ONNX data type code of an integer element type. */
export function intDataType(type: IntTensorType): number {
  return type === 'uint8'
    ? TensorDataType.UINT8
    : type === 'int8'
      ? TensorDataType.INT8
      : TensorDataType.INT32;
}

/** The integer element type of an ONNX data type code, or null when it is not UINT8/INT8/INT32. */
export function intTensorType(dataType: number | undefined): IntTensorType | null {
  return dataType === undefined ? null : (INT_TYPES.get(dataType)?.type ?? null);
}

/**
 * Reads a UINT8, INT8 or INT32 TensorProto from raw_data (little-endian) or int32_data. Throws
 * `UnsupportedGraphError` for another element type or data that does not match the dims.
 */
export function readIntTensor(tensor: TensorProtoObject): IntTensor {
  const name = tensor.name ?? '';
  if (tensor.data_location === DATA_LOCATION_EXTERNAL || (tensor.external_data ?? []).length > 0) {
    throw new ExternalDataError(name);
  }
  const kind = tensor.data_type === undefined ? undefined : INT_TYPES.get(tensor.data_type);
  if (kind === undefined) {
    throw new UnsupportedGraphError(
      `tensor '${name}' has element type ${String(tensor.data_type ?? 'unset')}, not UINT8 (2), ` +
        'INT8 (3) or INT32 (6)',
      'quantproof reads int8/uint8 weights and zero points and int32 biases; re-quantise the model ' +
        "with onnxruntime's quantize_static or quantize_dynamic.",
    );
  }
  const dims = [...(tensor.dims ?? [])];
  const count = elementCount(dims);
  if (count === null) {
    throw new UnsupportedGraphError(
      `tensor '${name}' has invalid dims [${dims.join(', ')}]`,
      'Re-export the model; its tensors are malformed.',
    );
  }
  const raw = tensor.raw_data;
  let data: Int32Array;
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== count * kind.bytes) {
      throw new UnsupportedGraphError(
        `tensor '${name}' declares dims [${dims.join(', ')}] (${count} ${kind.type} values) but ` +
          `its raw_data holds ${raw.length} bytes`,
        'Re-export the model; its tensors are malformed.',
      );
    }
    data = intsFromLittleEndian(raw, kind.type, count);
  } else {
    const values = tensor.int32_data ?? [];
    if (values.length !== count) {
      throw new UnsupportedGraphError(
        `tensor '${name}' declares dims [${dims.join(', ')}] (${count} values) but holds ` +
          `${values.length} in int32_data and no raw_data`,
        'Re-export the model; its tensors are malformed.',
      );
    }
    data = Int32Array.from(values);
  }
  return { name, dims, type: kind.type, data };
}

/** A UINT8, INT8 or INT32 TensorProto holding `data` as little-endian raw_data. */
export function intTensorProto(
  name: string,
  dims: readonly number[],
  type: IntTensorType,
  data: ArrayLike<number>,
): TensorProtoObject {
  const typed =
    type === 'uint8'
      ? Uint8Array.from(data)
      : type === 'int8'
        ? Int8Array.from(data)
        : Int32Array.from(data);
  let bytes: Uint8Array;
  if (HOST_IS_LITTLE_ENDIAN || type !== 'int32') {
    bytes = new Uint8Array(
      typed.buffer.slice(typed.byteOffset, typed.byteOffset + typed.byteLength),
    );
  } else {
    bytes = new Uint8Array(typed.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < typed.length; i++) view.setInt32(i * 4, typed[i] ?? 0, true);
  }
  return { name, dims: [...dims], data_type: intDataType(type), raw_data: bytes };
}

function intsFromLittleEndian(raw: Uint8Array, type: IntTensorType, count: number): Int32Array {
  if (type === 'uint8') return Int32Array.from(raw);
  if (type === 'int8') return Int32Array.from(new Int8Array(raw.buffer, raw.byteOffset, count));
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}

function float32FromLittleEndian(raw: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  if (HOST_IS_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(raw);
    return out;
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function littleEndianBytes(data: Float32Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) {
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] ?? 0, true);
  return bytes;
}
