import { describe, expect, it } from 'vitest';
import { NnShapeError } from './errors.js';
import { logSoftmax, logSoftmaxBackward, logSumExp, softmax } from './log-softmax.js';

describe('log-softmax utilities', () => {
  it('computes known values', () => {
    expect(Array.from(logSoftmax(Float64Array.of(0, 0), 1, 2, new Float64Array(2)))).toEqual([
      -Math.LN2,
      -Math.LN2,
    ]);
    const p = softmax(Float64Array.of(0, Math.log(3)), 1, 2, new Float64Array(2));
    expect(p[0]).toBeCloseTo(0.25, 15);
    expect(p[1]).toBeCloseTo(0.75, 15);
    expect(logSumExp(Float32Array.of(1, 2, 3), 0, 3)).toBeCloseTo(
      Math.log(Math.E + Math.E ** 2 + Math.E ** 3),
      14,
    );
  });

  it('is stable for large logits and handles rows independently', () => {
    const out = logSoftmax(Float64Array.of(1000, 0, -1000, 1000), 2, 2, new Float64Array(4));
    expect(Array.from(out)).toEqual([0, -1000, -2000, 0]);
    const p = softmax(Float32Array.of(1e30, 1e30), 1, 2, new Float64Array(2));
    expect(Array.from(p)).toEqual([0.5, 0.5]);
  });

  it('backward of log p[a] is onehot(a) - p, added with scale', () => {
    const logits = Float64Array.of(0, Math.log(3));
    const gradient = Float64Array.of(1, 1);
    logSoftmaxBackward(logits, Float64Array.of(0, 1), 1, 2, { gradient, scale: 2 });
    expect(gradient[0]).toBeCloseTo(1 + 2 * (0 - 0.25), 15);
    expect(gradient[1]).toBeCloseTo(1 + 2 * (1 - 0.75), 15);
  });

  it('rejects wrong shapes', () => {
    expect(() => logSoftmax(new Float64Array(3), 2, 2, new Float64Array(4))).toThrow(NnShapeError);
    expect(() => softmax(new Float64Array(4), 2, 2, new Float64Array(3))).toThrow(NnShapeError);
    expect(() => logSoftmax(new Float64Array(4), 2, 0, new Float64Array(4))).toThrow(NnShapeError);
    expect(() =>
      logSoftmaxBackward(new Float64Array(4), new Float64Array(4), 2, 2, {
        gradient: new Float64Array(3),
      }),
    ).toThrow(NnShapeError);
  });
});
