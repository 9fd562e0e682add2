import { createSeededRng } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { softmaxBoundsFp32, softmaxFp32 } from './softmax-bounds.js';

const point = (z: readonly number[]) => ({
  lower: Float64Array.from(z),
  upper: Float64Array.from(z),
});

describe('softmaxBoundsFp32', () => {
  it('contains the float32 and the exact Softmax at points, and lies in [0, 1]', () => {
    const rng = createSeededRng(7);
    for (let t = 0; t < 5000; t++) {
      const k = 2 + (t % 7);
      const scale = 10 ** (6 * rng.nextFloat64() - 3);
      const z = Array.from({ length: k }, () => Math.fround(scale * (2 * rng.nextFloat64() - 1)));
      const p = softmaxBoundsFp32(point(z))!;
      const fp32 = softmaxFp32(z);
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let i = 0; i < k; i++) {
        expect(p.lower[i]!).toBeGreaterThanOrEqual(0);
        expect(p.upper[i]!).toBeLessThanOrEqual(1);
        expect(p.lower[i]!).toBeLessThanOrEqual(fp32[i]!);
        expect(fp32[i]!).toBeLessThanOrEqual(p.upper[i]!);
        expect(p.lower[i]!).toBeLessThanOrEqual(e[i]! / sum);
        expect(e[i]! / sum).toBeLessThanOrEqual(p.upper[i]!);
      }
    }
  });

  it('covers every point of a logit box, monotone in each logit', () => {
    const box = { lower: Float64Array.of(-1, 0.5, 2), upper: Float64Array.of(0, 1, 2.25) };
    const p = softmaxBoundsFp32(box)!;
    const rng = createSeededRng(3);
    for (let t = 0; t < 2000; t++) {
      const z = Array.from(box.lower, (lo, i) =>
        Math.fround(lo + (box.upper[i]! - lo) * rng.nextFloat64()),
      );
      const q = softmaxFp32(z);
      q.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(p.lower[i]!);
        expect(v).toBeLessThanOrEqual(p.upper[i]!);
      });
    }
    // Class 2's logit is largest everywhere: its probability's lower bound is the corner
    // (-1 → 0, 0.5 → 1, 2.25 → 2): 1 / (1 + e^{0 − 2} + e^{1 − 2}) ≈ 0.665, less the allowance.
    expect(p.lower[2]!).toBeGreaterThan(0.665 * (1 - 2 ** -12));
    expect(p.lower[2]!).toBeLessThan(1 / (1 + Math.exp(-2) + Math.exp(-1)));
  });

  it('gives no bounds where a logit bound is infinite (float32 overflow, NaN outputs)', () => {
    expect(
      softmaxBoundsFp32({ lower: Float64Array.of(0, -Infinity), upper: Float64Array.of(1, 0) }),
    ).toBeNull();
    expect(
      softmaxBoundsFp32({ lower: Float64Array.of(0, 0), upper: Float64Array.of(Infinity, 0) }),
    ).toBeNull();
  });

  it('bounds far-apart logits by 0 and 1 without NaN', () => {
    const p = softmaxBoundsFp32(point([1e30, -1e30, 0]))!;
    expect(Array.from(p.lower)).toEqual([expect.closeTo(1, 3), 0, 0]);
    expect(p.upper[1]!).toBeLessThan(2 ** -120);
    expect(p.upper[0]!).toBe(1);
  });
});
