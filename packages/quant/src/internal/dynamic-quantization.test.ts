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
