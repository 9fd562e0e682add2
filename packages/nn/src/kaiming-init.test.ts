import { describe, expect, it } from 'vitest';
import { NnOptionsError } from './errors.js';
import { kaimingNormalInit, kaimingUniformInit, RELU_GAIN } from './kaiming-init.js';
import { createSeededRng } from './rng.js';

function moments(values: Float32Array): { mean: number; variance: number; max: number } {
  let sum = 0;
  let sumSquares = 0;
  let max = 0;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
    max = Math.max(max, Math.abs(v));
  }
  const mean = sum / values.length;
  return { mean, variance: sumSquares / values.length - mean * mean, max };
}

// 256×256 entries; fan_in 64 (the hidden layer of the default policy): variance 2/64.
const count = 256 * 256;
const fanIn = 64;
const variance = (RELU_GAIN * RELU_GAIN) / fanIn;

describe('Kaiming initialisation', () => {
  it('uniform: within ±√(3·2/fanIn), variance 2/fanIn (5 standard errors)', () => {
    const w = new Float32Array(count);
    kaimingUniformInit(w, fanIn, createSeededRng(8));
    const m = moments(w);
    const bound = Math.sqrt(3 * variance);
    expect(m.max).toBeLessThanOrEqual(bound);
    expect(m.max).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(variance / count));
    // Var of the sample variance of U(-b, b) is (4/45) b⁴ / N = 0.8 σ⁴ / N.
    expect(Math.abs(m.variance - variance)).toBeLessThan(5 * Math.sqrt(0.8 / count) * variance);
  });

  it('normal: mean 0, variance gain²/fanIn (5 standard errors)', () => {
    const w = new Float32Array(count);
    kaimingNormalInit(w, fanIn, createSeededRng(9), 1);
    const m = moments(w);
    const expected = 1 / fanIn;
    expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(expected / count));
    expect(Math.abs(m.variance - expected)).toBeLessThan(5 * Math.sqrt(2 / count) * expected);
  });

  it('is deterministic and checks its arguments', () => {
    const a = new Float32Array(16);
    const b = new Float32Array(16);
    kaimingUniformInit(a, 4, createSeededRng(1));
    kaimingUniformInit(b, 4, createSeededRng(1));
    expect(a).toEqual(b);
    expect(() => kaimingUniformInit(a, 0, createSeededRng(1))).toThrow(NnOptionsError);
    expect(() => kaimingNormalInit(a, 3, createSeededRng(1))).toThrow(NnOptionsError);
    expect(() => kaimingNormalInit(a, 4, createSeededRng(1), -1)).toThrow(NnOptionsError);
  });
});
