import { describe, expect, it } from 'vitest';
import { QuantOptionsError } from '../errors.js';
import { computeScaleZeroPoint, quantizationRange } from './scale-zero-point.js';

const spec = (over: Partial<{ symmetric: boolean; reduceRange: boolean; bits: number }> = {}) => ({
  symmetric: false,
  reduceRange: false,
  bits: 8,
  ...over,
});

describe('quantizationRange', () => {
  it('follows get_qmin_qmax_for_qType: reduced, then symmetric, then full', () => {
    expect(quantizationRange('int8', spec())).toEqual({ qmin: -128, qmax: 127 });
    expect(quantizationRange('uint8', spec())).toEqual({ qmin: 0, qmax: 255 });
    expect(quantizationRange('int8', spec({ symmetric: true }))).toEqual({ qmin: -127, qmax: 127 });
    expect(quantizationRange('uint8', spec({ symmetric: true }))).toEqual({ qmin: 0, qmax: 254 });
    expect(quantizationRange('int8', spec({ reduceRange: true, symmetric: true }))).toEqual({
      qmin: -64,
      qmax: 64,
    });
    expect(quantizationRange('uint8', spec({ reduceRange: true }))).toEqual({ qmin: 0, qmax: 127 });
  });

  it('gives ±(2^(b-1) - 1) for mixed-precision widths and refuses the rest', () => {
    expect(quantizationRange('int8', spec({ symmetric: true, bits: 4 }))).toEqual({
      qmin: -7,
      qmax: 7,
    });
    expect(quantizationRange('int8', spec({ symmetric: true, bits: 2 }))).toEqual({
      qmin: -1,
      qmax: 1,
    });
    expect(() => quantizationRange('int8', spec({ symmetric: true, bits: 1 }))).toThrow(
      QuantOptionsError,
    );
    expect(() => quantizationRange('int8', spec({ symmetric: true, bits: 9 }))).toThrow(
      QuantOptionsError,
    );
    expect(() => quantizationRange('uint8', spec({ symmetric: true, bits: 4 }))).toThrow(
      QuantOptionsError,
    );
    expect(() => quantizationRange('int8', spec({ bits: 4 }))).toThrow(QuantOptionsError);
  });
});

describe('computeScaleZeroPoint', () => {
  it('symmetric int8 weights: scale = fl32(max|w| / 127) computed in float64, zero point 0', () => {
    const r = computeScaleZeroPoint(-0.3, 0.7, { qmin: -127, qmax: 127 }, true);
    expect(r.zeroPoint).toBe(0);
    expect(r.scale).toBe(Math.fround((2 * Math.fround(0.7)) / 254));
  });

  it('asymmetric: zp = RNE(qmin - rmin / scale) with the float64 scale', () => {
    // [-1, 1] on uint8: scale 2/255, zp = RNE(127.5) = 128 (ties to even).
    expect(computeScaleZeroPoint(-1, 1, { qmin: 0, qmax: 255 }, false)).toEqual({
      scale: Math.fround(2 / 255),
      zeroPoint: 128,
    });
    // A ReLU output: rmin = 0 gives zp = qmin exactly.
    expect(computeScaleZeroPoint(0, 6, { qmin: -128, qmax: 127 }, false).zeroPoint).toBe(-128);
  });

  it('widens the range to include zero', () => {
    expect(computeScaleZeroPoint(2, 4, { qmin: 0, qmax: 255 }, false)).toEqual(
      computeScaleZeroPoint(0, 4, { qmin: 0, qmax: 255 }, false),
    );
  });

  it('symmetric uint8 puts the zero point in the middle of [0, 254]', () => {
    expect(computeScaleZeroPoint(-1, 3, { qmin: 0, qmax: 254 }, true).zeroPoint).toBe(127);
  });

  it('returns scale 1 and zero point 0 for an empty range', () => {
    expect(computeScaleZeroPoint(0, 0, { qmin: -128, qmax: 127 }, false)).toEqual({
      scale: 1,
      zeroPoint: 0,
    });
  });

  it('refuses ranges and data it cannot represent', () => {
    expect(() => computeScaleZeroPoint(NaN, 1, { qmin: 0, qmax: 255 }, false)).toThrow(
      QuantOptionsError,
    );
    expect(() => computeScaleZeroPoint(0, 1, { qmin: 1, qmax: 255 }, false)).toThrow(
      QuantOptionsError,
    );
  });
});
