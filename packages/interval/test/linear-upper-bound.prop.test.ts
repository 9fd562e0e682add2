// fp32LinearUpperBound against the exact real logits (exactForward, dyadic rationals): at the box's
// corners, at float32 points covered by it and at its real corners, Σ c_j·y_j never exceeds the
// bound — zero tolerance. Moved from smt-verify with the bound (interval owns the FP32 bounds).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fp32LinearUpperBound, ibpFp32 } from '../src/index.js';
import { combination, compare, dyadic, exactForward } from './support/dyadic.js';
import { coveredPoints, linearSpecCaseArb, randomBox, randomMlp } from './support/random-models.js';

describe('fp32LinearUpperBound', () => {
  it('bounds Σ c_j·y_j from above at every tested input of the box, exactly', () => {
    fc.assert(
      fc.property(linearSpecCaseArb, ({ sizes, seed, range, radius, c }) => {
        const mlp = randomMlp(sizes, seed);
        const box = randomBox(sizes[0]!, range, radius, seed + 1);
        const coefficients = c.slice(0, sizes[sizes.length - 1]);
        const bound = dyadic(fp32LinearUpperBound(mlp, box, ibpFp32(mlp, box), coefficients));
        const points: ArrayLike<number>[] = [
          ...coveredPoints(box, 16, seed + 2),
          box.lower,
          box.upper,
        ];
        for (const x of points) {
          const value = combination(coefficients, exactForward(mlp, x).logits);
          expect(compare(value, bound), `at ${Array.from(x).join(', ')}`).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is tighter than combining the logits’ own intervals on a hidden-layer network', () => {
    const mlp = randomMlp([3, 8, 2], 7);
    const box = randomBox(3, 1, 0.5, 8);
    const bounds = ibpFp32(mlp, box);
    const margin = fp32LinearUpperBound(mlp, box, bounds, [1, -1]);
    const combined = bounds.logits.upper[0]! - bounds.logits.lower[1]!;
    expect(margin).toBeLessThan(combined);
  });
});
