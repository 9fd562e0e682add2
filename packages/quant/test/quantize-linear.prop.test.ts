import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dequantizeLinear,
  elementTypeRange,
  quantizeLinear,
  type QuantElementType,
} from '../src/index.js';

const f32 = Math.fround;
const scaleArb = fc.float({
  min: f32(2 ** -12),
  max: f32(4),
  noNaN: true,
  noDefaultInfinity: true,
});
const typeArb = fc.constantFrom<QuantElementType>('uint8', 'int8');
const paramsArb = typeArb.chain((type) => {
  const { qmin, qmax } = elementTypeRange(type);
  return fc.record({
    type: fc.constant(type),
    scale: scaleArb,
    zeroPoint: fc.integer({ min: qmin, max: qmax }),
  });
});
const xArb = fc.float({ min: f32(-1e4), max: f32(1e4), noNaN: true, noDefaultInfinity: true });

describe('quantizeLinear properties', () => {
  it('in range, dequantise(quantise(x)) is within scale/2 of x plus the float32 rounding of both steps', () => {
    fc.assert(
      fc.property(paramsArb, xArb, ({ type, scale, zeroPoint }, x) => {
        const { qmin, qmax } = elementTypeRange(type);
        const v = f32(x / scale);
        fc.pre(v >= qmin - zeroPoint && v <= qmax - zeroPoint);
        const q = quantizeLinear(x, scale, zeroPoint, type);
        const back = dequantizeLinear(q, scale, zeroPoint);
        // |fl(x/s) - x/s| ≤ 2^-24 |x/s| and |fl(r·s) - r·s| ≤ 2^-24 |r·s|: a proven bound, no slack.
        const bound =
          scale / 2 + 2 ** -24 * Math.abs(x) + 2 ** -24 * Math.abs(back) * (1 + 2 ** -23);
        expect(Math.abs(back - x)).toBeLessThanOrEqual(bound);
      }),
    );
  });

  it('saturates beyond the representable range', () => {
    fc.assert(
      fc.property(
        paramsArb,
        fc.float({ min: f32(1), max: f32(1e30), noNaN: true }),
        ({ type, scale, zeroPoint }, m) => {
          const { qmin, qmax } = elementTypeRange(type);
          const above = f32((qmax - zeroPoint + 1) * scale * (1 + m));
          const below = f32((qmin - zeroPoint - 1) * scale * (1 + m));
          expect(quantizeLinear(above, scale, zeroPoint, type)).toBe(qmax);
          expect(quantizeLinear(below, scale, zeroPoint, type)).toBe(qmin);
        },
      ),
    );
  });

  it('is monotone in x', () => {
    fc.assert(
      fc.property(paramsArb, xArb, xArb, ({ type, scale, zeroPoint }, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(quantizeLinear(lo, scale, zeroPoint, type)).toBeLessThanOrEqual(
          quantizeLinear(hi, scale, zeroPoint, type),
        );
      }),
    );
  });

  it('sends exact ties to the even integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 99 }), fc.integer({ min: -8, max: 2 }), (k, e) => {
        const scale = 2 ** e;
        const x = (k + 0.5) * scale; // exact in float32: an integer plus a half, times a power of two
        expect(f32(x / scale)).toBe(k + 0.5);
        const q = quantizeLinear(x, scale, 0, 'int8');
        expect(q === k || q === k + 1).toBe(true);
        expect(q & 1).toBe(0);
      }),
    );
  });
});
