import { describe, expect, it } from 'vitest';
import { NnShapeError } from './errors.js';
import { meanSquaredError } from './mean-squared-error.js';

describe('meanSquaredError', () => {
  it('value and gradient 2 (y - t) / count', () => {
    const gradient = Float64Array.of(1, 1, 1);
    const loss = meanSquaredError(Float64Array.of(1, 2, 3), [1, 0, 5], 3, { gradient, scale: 0.5 });
    expect(loss).toBeCloseTo(8 / 3, 15);
    expect(gradient[0]).toBe(1);
    expect(gradient[1]).toBeCloseTo(1 + 2 / 3, 15);
    expect(gradient[2]).toBeCloseTo(1 - 2 / 3, 15);
  });

  it('handles an empty batch and rejects short inputs', () => {
    expect(meanSquaredError(new Float32Array(0), [], 0)).toBe(0);
    expect(() => meanSquaredError(new Float32Array(2), [1], 2)).toThrow(NnShapeError);
    expect(() => meanSquaredError(new Float32Array(2), [1, 2], -1)).toThrow(NnShapeError);
  });
});
