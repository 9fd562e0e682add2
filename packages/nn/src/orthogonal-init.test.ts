import { describe, expect, it } from 'vitest';
import { NnOptionsError, NnShapeError } from './errors.js';
import { orthogonalInit } from './orthogonal-init.js';
import { createSeededRng, standardNormal } from './rng.js';

/** Gram matrix of the rows (rows ≤ cols) or the columns (rows > cols) of w. */
function gram(w: Float32Array, rows: number, cols: number): number[][] {
  const byRows = rows <= cols;
  const count = byRows ? rows : cols;
  const length = byRows ? cols : rows;
  const at = (vector: number, t: number): number =>
    byRows ? w[vector * cols + t]! : w[t * cols + vector]!;
  const result: number[][] = [];
  for (let a = 0; a < count; a++) {
    const row: number[] = [];
    for (let b = 0; b < count; b++) {
      let dot = 0;
      for (let t = 0; t < length; t++) dot += at(a, t) * at(b, t);
      row.push(dot);
    }
    result.push(row);
  }
  return result;
}

describe('orthogonalInit', () => {
  it.each([
    [64, 4, Math.SQRT2],
    [64, 64, Math.SQRT2],
    [2, 64, 0.01],
    [1, 64, 1],
    [5, 3, 2],
    [3, 5, 1],
  ])('a %i×%i matrix with gain %f is gain times (semi-)orthogonal', (rows, cols, gain) => {
    const w = new Float32Array(rows * cols);
    orthogonalInit(w, rows, cols, gain, createSeededRng(rows * 1000 + cols));
    const g = gram(w, rows, cols);
    // Entries are rounded to float32 (relative 6e-8) after an orthogonalisation in float64.
    const tolerance = 1e-6 * gain * gain;
    g.forEach((row, a) =>
      row.forEach((value, b) => {
        expect(Math.abs(value - (a === b ? gain * gain : 0))).toBeLessThan(tolerance);
      }),
    );
  });

  it('is the Q of the QR factorisation of its Gaussian draw with R’s diagonal positive', () => {
    // For rows ≥ cols, W = gain·Q with G = QR: then R = WᵀG/gain must be upper triangular with a
    // positive diagonal, which determines Q uniquely (torch.nn.init.orthogonal_'s sign rule).
    for (const [rows, cols] of [
      [6, 4],
      [3, 5],
    ] as const) {
      const gain = 1.5;
      const w = new Float32Array(rows * cols);
      orthogonalInit(w, rows, cols, gain, createSeededRng(11));
      const rng = createSeededRng(11);
      const g = Array.from({ length: rows * cols }, () => standardNormal(rng));
      // Work with the tall orientation: columns of A (m×k) are orthonormal directions.
      const tall = rows >= cols;
      const m = tall ? rows : cols;
      const k = tall ? cols : rows;
      const a = (r: number, c: number): number => (tall ? g[r * cols + c]! : g[c * cols + r]!);
      const q = (r: number, c: number): number =>
        (tall ? w[r * cols + c]! : w[c * cols + r]!) / gain;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          let r = 0;
          for (let t = 0; t < m; t++) r += q(t, i) * a(t, j);
          if (i > j) expect(Math.abs(r)).toBeLessThan(1e-5);
          if (i === j) expect(r).toBeGreaterThan(0);
        }
      }
    }
  });

  it('checks its arguments', () => {
    const rng = createSeededRng(0);
    expect(() => orthogonalInit(new Float32Array(5), 2, 3, 1, rng)).toThrow(NnShapeError);
    expect(() => orthogonalInit(new Float32Array(6), 2, 3, Number.NaN, rng)).toThrow(
      NnOptionsError,
    );
  });
});
