import { forwardFp32 } from '@quantproof/nn';
import { createInt8Executor, hasInputCells, inputFeatureQuant } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  differenceBounds,
  ibpFp32,
  ibpInt8,
  linearBoundsFp32,
  linearBoundsInt8,
} from '../src/index.js';
import {
  add,
  compare,
  dyadic,
  exactAffine,
  exactForward,
  mul,
  within,
  type Dyadic,
} from './support/dyadic.js';
import {
  coveredPoints,
  quantCaseArb,
  quantize,
  randomBox,
  randomMlp,
  sizesArb,
} from './support/random-models.js';

const caseArb = fc.record({
  sizes: sizesArb,
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  quant: quantCaseArb,
  range: fc.constantFrom(0.5, 2, 6),
  radius: fc.constantFrom(0.0002, 0.002, 0.02, 0.3, 2),
});

/** lowerA·v + lowerBias ≤ value ≤ upperA·v + upperBias, exactly. */
function linearHolds(
  b: {
    lowerA: Float64Array;
    lowerBias: Float64Array;
    upperA: Float64Array;
    upperBias: Float64Array;
  },
  j: number,
  v: readonly Dyadic[],
  value: Dyadic,
): boolean {
  const n = v.length;
  const lo = exactAffine(b.lowerA, j * n, v, b.lowerBias[j]!);
  const hi = exactAffine(b.upperA, j * n, v, b.upperBias[j]!);
  return compare(lo, value) <= 0 && compare(value, hi) <= 0;
}

describe('linear bounds', () => {
  it('contain every output, hold as linear functions exactly, and are never looser than IBP', () => {
    fc.assert(
      fc.property(caseArb, ({ sizes, seed, quant, range, radius }) => {
        const mlp = randomMlp(sizes, seed);
        const model = quantize(mlp, quant, range, seed + 1);
        const box = randomBox(sizes[0]!, range, radius, seed + 2);
        const fp = linearBoundsFp32(mlp, box);
        const q = linearBoundsInt8(model, box);
        const diff = differenceBounds(mlp, model, box);
        const fpIbp = ibpFp32(mlp, box).logits;
        const qIbp = ibpInt8(model, box).logits;
        for (let j = 0; j < fp.logits.lower.length; j++) {
          expect(fp.logits.lower[j]!).toBeGreaterThanOrEqual(fpIbp.lower[j]!);
          expect(fp.logits.upper[j]!).toBeLessThanOrEqual(fpIbp.upper[j]!);
          expect(q.logits.lower[j]!).toBeGreaterThanOrEqual(qIbp.lower[j]!);
          expect(q.logits.upper[j]!).toBeLessThanOrEqual(qIbp.upper[j]!);
          expect(diff.difference.lower[j]!).toBeGreaterThanOrEqual(diff.subtracted.lower[j]!);
          expect(diff.difference.upper[j]!).toBeLessThanOrEqual(diff.subtracted.upper[j]!);
        }
        const executor = createInt8Executor(model);
        for (const x of coveredPoints(box, 6, seed + 3)) {
          const y = forwardFp32(mlp, x);
          const trace = executor.trace(x);
          const yq = trace.logits;
          const xv = Array.from(x, dyadic);
          const exact = exactForward(mlp, x).logits;
          const first = trace.layers[0]!;
          const qv =
            !hasInputCells(model) || first.kind === 'dynamic' || first.kind === 'kept-float'
              ? xv
              : Array.from(first.input, (qi, i) => {
                  // Each feature dequantised with its own scale (per-feature input scales).
                  const t = inputFeatureQuant(model, i);
                  return mul(dyadic(t.scale), dyadic(qi - t.zeroPoint));
                });
          for (let j = 0; j < y.length; j++) {
            expect(fp.logits.lower[j]! <= y[j]! && y[j]! <= fp.logits.upper[j]!).toBe(true);
            expect(within(exact[j]!, fp.logits.lower[j]!, fp.logits.upper[j]!)).toBe(true);
            expect(q.logits.lower[j]! <= yq[j]! && yq[j]! <= q.logits.upper[j]!).toBe(true);
            expect(linearHolds(fp, j, xv, dyadic(y[j]!))).toBe(true);
            expect(linearHolds(fp, j, xv, exact[j]!)).toBe(true);
            expect(linearHolds(q, j, qv, dyadic(yq[j]!))).toBe(true);
            // Difference: int8 − fp32, for both FP32 semantics.
            const d32 = add(dyadic(yq[j]!), dyadic(-y[j]!));
            const dReal = add(dyadic(yq[j]!), {
              mantissa: -exact[j]!.mantissa,
              exponent: exact[j]!.exponent,
            });
            expect(within(d32, diff.difference.lower[j]!, diff.difference.upper[j]!)).toBe(true);
            expect(within(dReal, diff.difference.lower[j]!, diff.difference.upper[j]!)).toBe(true);
            expect(linearHolds(diff, j, xv, d32)).toBe(true);
            expect(linearHolds(diff, j, xv, dReal)).toBe(true);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
