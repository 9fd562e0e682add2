/** The integer element type of a quantised tensor: ONNX `UINT8` or `INT8`. */
export type QuantElementType = 'uint8' | 'int8';

/** Every quantised element type, in a fixed order (for validation and iteration). */
export const QUANT_ELEMENT_TYPES: readonly QuantElementType[] = ['uint8', 'int8'];

/** Quantised values of one tensor, in the typed array that names their element type. */
export type QuantizedArray = Uint8Array | Int8Array;

/** An inclusive integer range `[qmin, qmax]`. */
export interface IntRange {
  readonly qmin: number;
  readonly qmax: number;
}

const UINT8_RANGE: IntRange = { qmin: 0, qmax: 255 };
const INT8_RANGE: IntRange = { qmin: -128, qmax: 127 };

/** The full range of an element type (what QuantizeLinear saturates to): uint8 [0, 255], int8 [-128, 127]. */
export function elementTypeRange(type: QuantElementType): IntRange {
  return type === 'uint8' ? UINT8_RANGE : INT8_RANGE;
}

/** A zero-filled array of `length` quantised values of `type` (Uint8Array or Int8Array). */
export function allocateQuantized(type: QuantElementType, length: number): QuantizedArray {
  return type === 'uint8' ? new Uint8Array(length) : new Int8Array(length);
}

/** The element type a quantised array holds, read from its class. */
export function quantizedArrayType(values: QuantizedArray): QuantElementType {
  return values instanceof Uint8Array ? 'uint8' : 'int8';
}
