import { describe, expect, it } from 'vitest';
import { argmaxFirst } from './argmax.js';

describe('argmaxFirst', () => {
  it('takes the first maximal index, like ONNX ArgMax and numpy', () => {
    expect(argmaxFirst([0.5, 0.5])).toBe(0);
    expect(argmaxFirst(Float32Array.from([1, 3, 3, 2]))).toBe(1);
    expect(argmaxFirst([-2, -1])).toBe(1);
  });

  it('treats NaN as maximal, as numpy does, and refuses empty input', () => {
    expect(argmaxFirst([1, NaN, 5])).toBe(1);
    expect(() => argmaxFirst([])).toThrow(RangeError);
  });
});
