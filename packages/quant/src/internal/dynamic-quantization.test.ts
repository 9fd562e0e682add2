import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dynamicQuantizationParams, dynamicQuantizeLinear } from './dynamic-quantization.js';
import { NonFiniteInputError } from '../errors.js';

describe('dynamicQuantizationParams', () => {
  it('includes zero in the range and computes scale and zero point in float32', () => {
    const data = Float32Array.from([-1, 0.5, 3]);
    const scale = Math.fround(Math.fround(3 - -1) / 255);
    expect(Math.fround(0 - Math.fround(-1 / scale))).toBe(63.749996185302734);
    expect(dynamicQuantizationParams(data)).toEqual({ scale, zeroPoint: 64, elementType: 'uint8' });
  });

  it('uses zero point 0 for non-negative data and 255 for non-positive data', () => {
    expect(dynamicQuantizationParams(Float32Array.from([0, 2, 5])).zeroPoint).toBe(0);
    expect(dynamicQuantizationParams(Float32Array.from([-3, -1])).zeroPoint).toBe(255);
  });

  it('falls back to scale 1 and zero point 0 when the range is empty', () => {
    expect(dynamicQuantizationParams(new Float32Array(4))).toEqual({
      scale: 1,
      zeroPoint: 0,
      elementType: 'uint8',
    });
    expect(dynamicQuantizationParams(new Float32Array(0))).toEqual({
      scale: 1,
      zeroPoint: 0,
      elementType: 'uint8',
    });
  });

  it('lets a subnormal range underflow the scale to 0, with zero point 255 (NaN through std::min/max)', () => {
    expect(dynamicQuantizationParams(Float32Array.from([1.401298464324817e-45]))).toEqual({
      scale: 0,
      zeroPoint: 255,
      elementType: 'uint8',
    });
  });

  it('reads the requested slice only', () => {
    const data = Float32Array.from([100, -1, 1, -100]);
    expect(dynamicQuantizationParams(data, 1, 2)).toEqual(
      dynamicQuantizationParams(Float32Array.from([-1, 1])),
    );
  });

  it('refuses NaN and ±Infinity', () => {
    expect(() => dynamicQuantizationParams(Float32Array.from([1, NaN]))).toThrow(
      NonFiniteInputError,
    );
    expect(() => dynamicQuantizationParams(Float32Array.from([Infinity]))).toThrow(
      NonFiniteInputError,
    );
  });
});

describe('dynamicQuantizeLinear', () => {
  it('quantizes with the parameters it computed; the extremes land on 0 and 255', () => {
    const { values, params } = dynamicQuantizeLinear(Float32Array.from([-1, 0, 3]));
    expect(values[0]).toBe(0);
    expect(values[1]).toBe(params.zeroPoint);
    expect(values[2]).toBe(255);
  });
});

/** |a − b| ≤ c exactly, for finite float64 a, b, c (dyadic rationals compared as big integers). */
function withinExactly(a: number, b: number, c: number): boolean {
  const dyadic = (x: number): { m: bigint; e: number } => {
    let e = 0;
    let v = x;
    while (!Number.isInteger(v)) {
      v *= 2;
      e--;
    }
    return { m: BigInt(v), e };
  };
  const [da, db, dc] = [dyadic(a), dyadic(b), dyadic(c)];
  const low = Math.min(da.e, db.e, dc.e);
  const at = (d: { m: bigint; e: number }): bigint => d.m * 2n ** BigInt(d.e - low);
  const diff = at(da) - at(db);
  return (diff < 0n ? -diff : diff) <= at(dc);
}

describe('DynamicQuantizeLinear error (the bound interval/dynamic-bounds.ts relies on)', () => {
  const element = fc.oneof(
    fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.integer({ min: -2000, max: 2000 }).map((i) => Math.fround(i / 8)),
  );
  it('dequantises every element within s(½ + 2^-12): a clamped value is an integer bound, not rounded again', () => {
    let nonNegativeCases = 0;
    fc.assert(
      fc.property(
        fc.array(element, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (values, abs) => {
          const data = Float32Array.from(values, (v) => (abs ? Math.abs(v) : v));
          const { values: q, params } = dynamicQuantizeLinear(data);
          const s = params.scale;
          if (!(s >= 2 ** -100)) return; // the tiny-scale case has its own absolute bound
          const nonNegative = data.every((v) => v >= 0);
          if (nonNegative) nonNegativeCases++;
          const factor = 0.5 + 2 ** -12;
          for (let i = 0; i < data.length; i++) {
            // s·(q − zp) is exact in float64 (a float32 times an integer below 2^9).
            const dequantised = s * (q[i]! - params.zeroPoint);
            expect(withinExactly(dequantised, data[i]!, s * factor)).toBe(true);
          }
        },
      ),
      { numRuns: 20000 },
    );
    // Both regimes: zero point 0 (no input negative) and a rounded zero point.
    expect(nonNegativeCases).toBeGreaterThan(4000);
  });
});
