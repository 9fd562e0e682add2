import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elementTypeRange, requantize, type QuantElementType } from '../src/index.js';
import { requantizeMultiplier } from '../src/requantize.js';
import {
  div,
  mul,
  nearHalfInteger,
  rationalOf,
  roundHalfEvenRational,
} from './support/rational.js';

const f32 = Math.fround;
const scaleArb = fc.float({
  min: f32(2 ** -12),
  max: f32(2),
  noNaN: true,
  noDefaultInfinity: true,
});

describe('requantize against an exact rational reference', () => {
  it('agrees with RNE(acc · a_s · b_s / y_s) + zp, saturated, except within float32 error of a tie', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 22), max: 2 ** 22 }),
        scaleArb,
        scaleArb,
        scaleArb,
        fc.constantFrom<QuantElementType>('uint8', 'int8'),
        fc.integer({ min: 0, max: 255 }),
        (acc, a, b, y, type, zpSeed) => {
          const { qmin, qmax } = elementTypeRange(type);
          const zeroPoint = qmin + (zpSeed % (qmax - qmin + 1));
          const float = requantize(acc, requantizeMultiplier(a, b, y), zeroPoint, type);
          const exactValue = div(
            mul(mul(rationalOf(acc), rationalOf(a)), rationalOf(b)),
            rationalOf(y),
          );
          const r = roundHalfEvenRational(exactValue) + BigInt(zeroPoint);
          const exact = Number(
            r < BigInt(qmin) ? BigInt(qmin) : r > BigInt(qmax) ? BigInt(qmax) : r,
          );
          if (float !== exact) {
            // Four float32 roundings (a·b, /y, fl(acc), ·M), each ≤ 2^-24 relative: the exact value
            // must lie within 2^-21 of a half-integer for the two to disagree.
            expect(Math.abs(float - exact)).toBe(1);
            expect(nearHalfInteger(exactValue, 21)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('disagrees with exact rounding at a constructed near-tie (the float32 emulation is what onnxruntime does)', () => {
    // fl32(2^24 + 1) = 2^24: with M = 2^-25 the float path sees the tie 0.5 (→ 0), exact is 0.5 + 2^-25.
    const exactValue = mul(rationalOf(2 ** 24 + 1), rationalOf(2 ** -25));
    expect(roundHalfEvenRational(exactValue)).toBe(1n);
    expect(requantize(2 ** 24 + 1, 2 ** -25, 0, 'int8')).toBe(0);
  });
});
