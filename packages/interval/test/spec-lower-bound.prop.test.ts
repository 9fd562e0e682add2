// fp32SpecLowerBound against the logits it bounds: at the box's corners and at float32 points
// covered by it, Σ c_j·y_j is never below the bound — for the exact real logits (exactForward) and
// for the float32 logits forwardFp32 computes, zero tolerance.
import fc from 'fast-check';
import { forwardFp32 } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { fp32LinearUpperBound, fp32SpecLowerBound, ibpFp32 } from '../src/index.js';
import { combination, compare, dyadic, exactForward } from './support/dyadic.js';
import { coveredPoints, linearSpecCaseArb, randomBox, randomMlp } from './support/random-models.js';

describe('fp32SpecLowerBound', () => {
  it('bounds Σ c_j·y_j from below at every tested input, real and float32 logits, exactly', () => {
    fc.assert(
      fc.property(linearSpecCaseArb, ({ sizes, seed, range, radius, c }) => {
        const mlp = randomMlp(sizes, seed);
        const box = randomBox(sizes[0]!, range, radius, seed + 1);
        const spec = Float64Array.from(c.slice(0, sizes[sizes.length - 1]));
        const { lower, coefficients } = fp32SpecLowerBound(mlp, box)(spec);
        expect(coefficients).toHaveLength(sizes[0]!);
        const bound = dyadic(lower);
        const points: ArrayLike<number>[] = [
          ...coveredPoints(box, 16, seed + 2),
          box.lower,
          box.upper,
        ];
        for (const x of points) {
          const real = combination(spec, exactForward(mlp, x).logits);
          expect(
            compare(real, bound),
            `real, at ${Array.from(x).join(', ')}`,
          ).toBeGreaterThanOrEqual(0);
          const y = forwardFp32(mlp, Float32Array.from(x));
          if (!Array.from(y).every(Number.isFinite)) continue;
          const float = combination(
            spec,
            Array.from(y, (v) => dyadic(v)),
          );
          expect(
            compare(float, bound),
            `float32, at ${Array.from(x).join(', ')}`,
          ).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is tighter than the folded interval bound on a logit difference (two hidden layers)', () => {
    // A hidden layer shared by both logits: the difference cancels it, their intervals do not.
    const mlp = randomMlp([3, 16, 16, 2], 11);
    const box = randomBox(3, 1, 0.05, 12);
    const spec = Float64Array.from([1, -1]);
    const back = fp32SpecLowerBound(mlp, box)(spec).lower;
    const folded = -fp32LinearUpperBound(mlp, box, ibpFp32(mlp, box), [-1, 1]);
    expect(back).toBeGreaterThan(folded);
  });
});
