import { describe, expect, it } from 'vitest';
import {
  argmax,
  categoricalEntropy,
  categoricalLogProb,
  meanEntropy,
  sampleCategorical,
  softmaxCrossEntropy,
} from './categorical.js';
import { NnShapeError } from './errors.js';
import { createSeededRng } from './rng.js';

const quarterThreeQuarters = Float64Array.of(0, Math.log(3)); // p = [1/4, 3/4]

describe('categorical distribution helpers', () => {
  it('log-probabilities of chosen actions', () => {
    const out = categoricalLogProb(
      Float64Array.of(0, Math.log(3), 5, 5),
      Int32Array.of(1, 0),
      2,
      2,
      new Float64Array(2),
    );
    expect(out[0]).toBeCloseTo(Math.log(0.75), 15);
    expect(out[1]).toBeCloseTo(-Math.LN2, 15);
  });

  it('entropy of known distributions', () => {
    const out = categoricalEntropy(Float64Array.of(1, 1, 1, 0, 0, 0), 2, 3, new Float64Array(2));
    expect(out[0]).toBeCloseTo(Math.log(3), 15);
    const h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    expect(meanEntropy(quarterThreeQuarters, 1, 2)).toBeCloseTo(h, 15);
    // A near-deterministic row has entropy ≈ 0, never NaN.
    expect(meanEntropy(Float64Array.of(0, 2000), 1, 2)).toBe(0);
  });

  it('entropy gradient is -p (log p + H), zero at the uniform distribution', () => {
    const gradient = new Float64Array(4);
    const h = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    meanEntropy(Float64Array.of(0, Math.log(3), 7, 7), 2, 2, { gradient, scale: -1 });
    // mean over 2 rows, scale -1.
    expect(gradient[0]).toBeCloseTo((0.25 * (Math.log(0.25) + h)) / 2, 15);
    expect(gradient[1]).toBeCloseTo((0.75 * (Math.log(0.75) + h)) / 2, 15);
    expect(Math.abs(gradient[2]!)).toBeLessThan(1e-16);
    expect(Math.abs(gradient[3]!)).toBeLessThan(1e-16);
  });

  it('cross-entropy value and gradient (p - onehot) / n', () => {
    const gradient = new Float64Array(2);
    expect(softmaxCrossEntropy(Float64Array.of(0, 0), [1], 1, 2, { gradient })).toBeCloseTo(
      Math.LN2,
      15,
    );
    expect(Array.from(gradient)).toEqual([0.5, -0.5]);
    expect(softmaxCrossEntropy(new Float64Array(0), [], 0, 2)).toBe(0);
  });

  it('rejects classes outside [0, k)', () => {
    expect(() => categoricalLogProb(new Float64Array(2), [2], 1, 2, new Float64Array(1))).toThrow(
      NnShapeError,
    );
    expect(() => softmaxCrossEntropy(new Float64Array(2), [0.5], 1, 2)).toThrow(/not an integer/);
    expect(() => softmaxCrossEntropy(new Float64Array(2), [], 1, 2)).toThrow(NnShapeError);
    expect(() => categoricalEntropy(new Float64Array(2), 1, 2, new Float64Array(0))).toThrow(
      NnShapeError,
    );
  });
});

describe('sampleCategorical and argmax', () => {
  it('samples by inverting the cumulative distribution', () => {
    const logits = Float64Array.of(9, 0, Math.log(3)); // row at offset 1: p = [1/4, 3/4]
    const at = (u: number): number => sampleCategorical(logits, 1, 2, { nextFloat64: () => u });
    expect(at(0)).toBe(0);
    expect(at(0.2499)).toBe(0);
    expect(at(0.2501)).toBe(1);
    expect(at(0.9999999)).toBe(1);
  });

  it('matches the probabilities over many seeded draws', () => {
    const rng = createSeededRng(4);
    const logits = Float32Array.of(0, Math.log(3));
    let ones = 0;
    const draws = 20_000;
    for (let t = 0; t < draws; t++) ones += sampleCategorical(logits, 0, 2, rng);
    // Binomial(20000, 0.75): standard deviation ≈ 61.
    expect(Math.abs(ones - 0.75 * draws)).toBeLessThan(5 * Math.sqrt(draws * 0.75 * 0.25));
  });

  it('argmax takes the first maximum', () => {
    expect(argmax(Float64Array.of(1, 3, 3, 2), 0, 4)).toBe(1);
    expect(argmax(Float64Array.of(5, 1, 2), 1, 2)).toBe(1);
    expect(() => argmax(new Float64Array(2), 1, 2)).toThrow(NnShapeError);
  });
});
