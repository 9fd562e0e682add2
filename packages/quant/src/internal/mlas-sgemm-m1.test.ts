import { describe, expect, it } from 'vitest';
import { sgemmM1, sgemmM1TransposeB } from './mlas-sgemm-m1.js';

const T = 2 ** 24;

describe('sgemmM1TransposeB', () => {
  // With A = ones the lane accumulators hold B's row, so each result exposes the reduction tree
  // of the row's block (rows 0-3: four-row block, 4-5: pair, 6: single row).
  function rowResults(row: readonly number[]): number[] {
    const n = 7;
    const b = new Float32Array(n * 8);
    for (let r = 0; r < n; r++) b.set(row, r * 8);
    const c = new Float32Array(n);
    sgemmM1TransposeB(new Float32Array(8).fill(1), 0, b, 8, n, c, 0, 0);
    return Array.from(c);
  }

  it('reduces four-row blocks as (((x0+x1)+x2)+x3) + (((x4+x5)+x6)+x7)', () => {
    expect(rowResults([T, 1, 1, -T, 0, 0, 0, 0]).slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(rowResults([T, 1, -T, 1, 0, 0, 0, 0]).slice(0, 4)).toEqual([1, 1, 1, 1]);
  });

  it('reduces a pair block as ((x0+x2)+(x4+x6)) + ((x1+x3)+(x5+x7))', () => {
    expect(rowResults([T, 1, 1, -T, 0, 0, 0, 0]).slice(4, 6)).toEqual([1, 1]);
    expect(rowResults([T, 1, -T, 1, 0, 0, 0, 0]).slice(4, 6)).toEqual([2, 2]);
  });

  it('reduces a single row as ((x0+x1)+(x2+x3)) + ((x4+x5)+(x6+x7))', () => {
    expect(rowResults([T, 1, 1, -T, 0, 0, 0, 0])[6]).toBe(1);
    expect(rowResults([T, 1, -T, 1, 0, 0, 0, 0])[6]).toBe(1);
  });

  it('accumulates lane l over k ≡ l (mod 8), masks the K tail, and adds C last when beta = 1', () => {
    const k = 11;
    const a = new Float32Array(k).fill(1);
    const b = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const c = Float32Array.from([0.5]);
    sgemmM1TransposeB(a, 0, b, k, 1, c, 0, 1);
    expect(c[0]).toBe(66.5);
  });
});

describe('sgemmM1', () => {
  it('sums K in groups of four, then a pair, then a single row, each group added to C', () => {
    // Left to right every +1 would be lost against 2^24; grouped, the pair survives.
    const a = new Float32Array(6).fill(1);
    const b = Float32Array.from([T, 1, 1, 1, 1, 1]);
    const c = new Float32Array(1);
    sgemmM1(a, 0, b, 6, 1, c, 0, 1);
    expect(c[0]).toBe(T + 2);
  });

  it('with beta = 1 starts from C; with beta = 0 a later Add of the same bias can differ', () => {
    const a = new Float32Array(6).fill(1);
    const b = Float32Array.from([T, 0, 0, 0, 1, 0]);
    const withBias = Float32Array.from([-T]);
    sgemmM1(a, 0, b, 6, 1, withBias, 0, 1);
    expect(withBias[0]).toBe(1);
    const zeroMode = Float32Array.from([12345]);
    sgemmM1(a, 0, b, 6, 1, zeroMode, 0, 0);
    expect(Math.fround(zeroMode[0]! + -T)).toBe(0);
  });
});
