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
