import { describe, expect, it } from 'vitest';
import { NnOptionsError } from './errors.js';
import { createSeededRng, standardNormal } from './rng.js';

// Expected values come from test/fixtures/xoshiro-reference.c (the published C reference code).
describe('createSeededRng', () => {
  it('reproduces xoshiro128** seeded by SplitMix64', () => {
    const cases: [number | bigint, number[]][] = [
      [0, [3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774]],
      [42, [1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]],
      [0xffffffffffffffffn, [477689756, 2493998634, 555695776, 607808419, 61340979, 301466976]],
    ];
    for (const [seed, expected] of cases) {
      const rng = createSeededRng(seed);
      expect(expected.map(() => rng.nextUint32())).toEqual(expected);
    }
  });

  it('builds nextFloat64 from 27 + 26 bits of two outputs', () => {
    const rng = createSeededRng(0);
    expect(rng.nextFloat64()).toBe(0.87025477440427201);
    expect(rng.nextFloat64()).toBe(0.66979715053109778);
    const other = createSeededRng(42);
    expect(other.nextFloat64()).toBe(0.41370166815658871);
    expect(other.nextFloat64()).toBe(0.0039839933778147429);
  });

  it('treats a number and the equal bigint seed alike', () => {
    const a = createSeededRng(123456789);
    const b = createSeededRng(123456789n);
    for (let i = 0; i < 10; i++) expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('stays in [0, 1)', () => {
    const rng = createSeededRng(7);
    for (let i = 0; i < 10_000; i++) {
      const u = rng.nextFloat64();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('rejects seeds outside [0, 2^64)', () => {
    expect(() => createSeededRng(-1)).toThrow(NnOptionsError);
    expect(() => createSeededRng(1.5)).toThrow(NnOptionsError);
    expect(() => createSeededRng(Number.NaN)).toThrow(NnOptionsError);
    expect(() => createSeededRng(1n << 64n)).toThrow(NnOptionsError);
    expect(() => createSeededRng(-1n)).toThrow(NnOptionsError);
  });
});

describe('standardNormal', () => {
  it('is Box–Muller on two uniforms', () => {
    const uniforms = [0.25, 0.125];
    let k = 0;
    const fixed = { nextFloat64: (): number => uniforms[k++] ?? 0 };
    expect(standardNormal(fixed)).toBe(
      Math.sqrt(-2 * Math.log(1 - 0.25)) * Math.cos(2 * Math.PI * 0.125),
    );
    expect(k).toBe(2);
  });

  it('has mean 0 and variance 1 (40 000 samples, 5 standard errors)', () => {
    const rng = createSeededRng(2024);
    const count = 40_000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < count; i++) {
      const z = standardNormal(rng);
      sum += z;
      sumSquares += z * z;
    }
    const mean = sum / count;
    const variance = sumSquares / count - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(count));
    // The variance of a sample variance of N(0, 1) is about 2/N.
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / count));
  });
});
