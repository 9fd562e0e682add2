// JSON encoding of QMlp models and float32 arrays for golden fixtures: typed arrays become hex
// strings of their little-endian bytes, so every bit (NaN payloads, -0, subnormals) survives.
import type { QMlp } from '../../src/index.js';

type ArrayKind = 'float32' | 'int32' | 'int8' | 'uint8';
interface EncodedArray {
  readonly dtype: ArrayKind;
  readonly hex: string;
}

type TypedArray = Float32Array | Int32Array | Int8Array | Uint8Array;

function kindOf(a: TypedArray): ArrayKind {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int8Array) return 'int8';
  return 'uint8';
}

/** Encodes a typed array as `{ dtype, hex }` (little-endian bytes; the platform is little-endian). */
export function encodeArray(a: TypedArray): EncodedArray {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return {
    dtype: kindOf(a),
    hex: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''),
  };
}

/** Decodes `encodeArray`'s output. */
export function decodeArray(e: EncodedArray): TypedArray {
  const bytes = new Uint8Array(e.hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(e.hex.slice(2 * i, 2 * i + 2), 16);
  const buffer = bytes.buffer;
  switch (e.dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'uint8':
      return new Uint8Array(buffer);
  }
}

function isTyped(v: unknown): v is TypedArray {
  return (
    v instanceof Float32Array ||
    v instanceof Int32Array ||
    v instanceof Int8Array ||
    v instanceof Uint8Array
  );
}

function isEncoded(v: unknown): v is EncodedArray {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'hex' in v;
}

/** A QMlp as plain JSON (typed arrays encoded). */
export function encodeQMlp(model: QMlp): unknown {
  return JSON.parse(
    JSON.stringify(model, (_key, value: unknown) => (isTyped(value) ? encodeArray(value) : value)),
  );
}

/** Reverses `encodeQMlp`. */
export function decodeQMlp(json: unknown): QMlp {
  const walk = (v: unknown): unknown => {
    if (isEncoded(v)) return decodeArray(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(json) as QMlp;
}
