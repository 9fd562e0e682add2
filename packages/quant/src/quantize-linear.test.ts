import { describe, expect, it } from 'vitest';
import {
  dequantizeLinear,
  dequantizeLinearArray,
  quantizeLinear,
  quantizeLinearArray,
} from './quantize-linear.js';

describe('quantizeLinear', () => {
  it('rounds the float32 quotient, not the exact one', () => {
    // fl32(x / s) is exactly 59.5 (→ 60, even) while x / s = 59.4999984…; exact rounding gives 59.
    const x = 0.3969234526157379;
    const s = 0.006670982576906681;
    expect(Math.fround(x / s)).toBe(59.5);
    expect(quantizeLinear(x, s, 0, 'int8')).toBe(60);
    // fl32(x / s) = 84.5 (→ 84) while x / s = 84.5000022…; exact rounding gives 85.
    expect(quantizeLinear(1.2947663068771362, 0.015322677791118622, 0, 'int8')).toBe(84);
  });

  it('adds the zero point after rounding and saturates', () => {
    expect(quantizeLinear(0.25, 0.5, 10, 'uint8')).toBe(10); // 0.5 → 0 (even) + 10
    expect(quantizeLinear(0.75, 0.5, 10, 'uint8')).toBe(12); // 1.5 → 2 + 10
    expect(quantizeLinear(1e6, 0.5, 10, 'uint8')).toBe(255);
    expect(quantizeLinear(-1e6, 0.5, 10, 'uint8')).toBe(0);
    expect(quantizeLinear(1e6, 0.5, -3, 'int8')).toBe(127);
    expect(quantizeLinear(-1e6, 0.5, -3, 'int8')).toBe(-128);
  });

  it('maps NaN to qmin (MAXPS returns its second operand) and ±Infinity to the bounds', () => {
    expect(quantizeLinear(NaN, 0.1, 128, 'uint8')).toBe(0);
    expect(quantizeLinear(NaN, 0.1, 0, 'int8')).toBe(-128);
    expect(quantizeLinear(Infinity, 0.1, 3, 'int8')).toBe(127);
    expect(quantizeLinear(-Infinity, 0.1, 3, 'uint8')).toBe(0);
  });

  it('rounds x to float32 first, as a float32 tensor would hold it', () => {
    expect(quantizeLinear(0.1, 0.1, 0, 'int8')).toBe(
      quantizeLinear(Math.fround(0.1), 0.1, 0, 'int8'),
    );
  });

  it('quantizes whole tensors into the typed array of the element type', () => {
    const q = quantizeLinearArray(Float32Array.from([-1, 0, 1]), {
      scale: 0.5,
      zeroPoint: 128,
      elementType: 'uint8',
    });
    expect(q).toBeInstanceOf(Uint8Array);
    expect(Array.from(q)).toEqual([126, 128, 130]);
  });
});

describe('dequantizeLinear', () => {
  it('is fl32((q - zp) · scale)', () => {
    expect(dequantizeLinear(130, Math.fround(0.1), 128)).toBe(Math.fround(2 * Math.fround(0.1)));
    expect(
      Array.from(
        dequantizeLinearArray(Int8Array.from([-128, 0, 127]), {
          scale: 0.5,
          zeroPoint: -1,
          elementType: 'int8',
        }),
      ),
    ).toEqual([-63.5, 0.5, 64]);
  });
});
