import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from './wire.js';

describe('queue wire format', () => {
  it('keeps ±Infinity, NaN, −0 and float32/float64 arrays', () => {
    const value = {
      flipUpper: -Infinity,
      errorUpper: Infinity,
      nan: Number.NaN,
      zero: -0,
      nested: [{ a: -0, b: 1.5 }],
      input: Float32Array.of(-0, Math.fround(0.1), 3.4028234663852886e38, -Infinity),
      logits: Float64Array.of(0.1, Number.NaN, -0),
      text: 'Infinity',
      nothing: null,
    };
    const back = decodeWire(encodeWire(value)) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.zero, -0)).toBe(true);
    expect(Object.is(back.nested[0]!.a, -0)).toBe(true);
    expect(back.input).toBeInstanceOf(Float32Array);
    expect(Object.is(back.input[0], -0)).toBe(true);
    expect(back.logits).toBeInstanceOf(Float64Array);
    expect(Object.is(back.logits[2], -0)).toBe(true);
    expect(back.text).toBe('Infinity');
  });
});
