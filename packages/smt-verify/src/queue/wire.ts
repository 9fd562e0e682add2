// The queue's payloads as text: JSON that keeps what JSON drops — ±Infinity and NaN (leaf bounds),
// −0, and Float32Array/Float64Array (counterexample inputs and logits) — so a box evaluated on
// another machine comes back bit for bit as a worker thread would return it.

const NUMBER = '$n';
const F32 = '$f32';
const F64 = '$f64';

function replacer(this: unknown, key: string, value: unknown): unknown {
  // JSON.stringify has already turned typed arrays into objects: read the holder's original.
  const original = key === '' ? value : (this as Record<string, unknown>)[key];
  if (original instanceof Float32Array) return { [F32]: Array.from(original, encodeNumber) };
  if (original instanceof Float64Array) return { [F64]: Array.from(original, encodeNumber) };
  if (typeof value === 'number') return encodeNumber(value);
  return value;
}

function encodeNumber(v: number): unknown {
  if (Number.isFinite(v) && !Object.is(v, -0)) return v;
  return { [NUMBER]: Object.is(v, -0) ? '-0' : String(v) };
}

function decodeNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  const text = (v as Record<string, string>)[NUMBER];
  return text === '-0' ? -0 : Number(text);
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== 1) return value;
  if (keys[0] === NUMBER) return decodeNumber(o);
  if (keys[0] === F32) return Float32Array.from(o[F32] as unknown[], decodeNumber);
  if (keys[0] === F64) return Float64Array.from(o[F64] as unknown[], decodeNumber);
  return value;
}

/** `value` as text that `decodeWire` turns back into an equal value (typed arrays kept). */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** The value `encodeWire` wrote. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, reviver);
}
