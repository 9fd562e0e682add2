// Fake quantisation is QuantizeLinear followed by DequantizeLinear (the executor's own functions),
// bit for bit, and its straight-through mask is exactly "not clamped".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dequantizeLinear,
  elementTypeRange,
  quantizeLinear,
  type QuantElementType,
} from '../src/index.js';
import { fakeQuantizeActivations } from '../src/fake-quant.js';

describe('fakeQuantizeActivations', () => {
  it('equals DequantizeLinear(QuantizeLinear(x)) and masks exactly the clamped values', () => {
    fc.assert(
      fc.property(
        fc.float({ min: Math.fround(1e-6), max: Math.fround(100), noNaN: true }),
        fc.constantFrom<QuantElementType>('int8', 'uint8'),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.float(), { minLength: 1, maxLength: 32 }),
        (scale, elementType, zp, values) => {
          const { qmin, qmax } = elementTypeRange(elementType);
          const zeroPoint = Math.min(qmax, qmin + zp);
          const x = Float32Array.from(values);
          const out = new Float32Array(x.length);
          const mask = new Uint8Array(x.length);
          fakeQuantizeActivations(x, x.length, { scale, zeroPoint, elementType }, out, mask);
          x.forEach((v, i) => {
            const q = quantizeLinear(v, scale, zeroPoint, elementType);
            expect(Object.is(out[i], dequantizeLinear(q, scale, zeroPoint))).toBe(true);
            const quotient = Math.fround(v / scale);
            const inside = quotient >= qmin - zeroPoint && quotient <= qmax - zeroPoint;
            expect(mask[i]).toBe(inside ? 1 : 0);
          });
        },
      ),
    );
  });
});
