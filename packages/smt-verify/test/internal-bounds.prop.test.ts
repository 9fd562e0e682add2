// fp32LinearUpperBound against the exact real logits (exactLogits, exact rationals): at the box's
// corners and at float32 points inside it, Σ c_j·y_j never exceeds the bound — zero tolerance.
import { test, fc } from '@fast-check/vitest';
import { createBox, ibpFp32 } from '@quantproof/interval';
import { expect } from 'vitest';
import { stackedMlp } from './support/tiny-nets.js';
import { exactLogits } from '../src/exact-fp32.js';
import { fp32LinearUpperBound } from '../src/internal-bounds.js';
import { add, compare, fromNumber, mul, type Rational } from '../src/rational.js';

const weights = fc.array(
  fc.integer({ min: -96, max: 96 }).map((k) => k / 64),
  { minLength: 8, maxLength: 40 },
);

const cases = fc
  .record({
    inputs: fc.integer({ min: 1, max: 3 }),
    hidden: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 2 }),
    w: weights,
    c: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 2, maxLength: 2 }),
    centre: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
    radius: fc.double({ min: 0, max: 2, noNaN: true }),
    at: fc.array(
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
      { minLength: 4, maxLength: 4 },
    ),
  })
  .map(({ inputs, hidden, w, c, centre, radius, at }) => ({
    mlp: stackedMlp(inputs, hidden, w),
    lower: centre.slice(0, inputs).map((v) => Math.fround(v - radius)),
    upper: centre.slice(0, inputs).map((v) => Math.fround(v + radius)),
    c,
    at,
  }));

test.prop([cases], { numRuns: 500 })(
  'bounds Σ c_j·y_j from above at every tested float32 input of the box',
  ({ mlp, lower, upper, c, at }) => {
    const box = createBox(lower, upper);
    const bound = fromNumber(fp32LinearUpperBound(mlp, box, ibpFp32(mlp, box), c));
    const d = lower.length;
    const points: number[][] = [];
    for (let corner = 0; corner < 2 ** d; corner++) {
      points.push(lower.map((lo, i) => ((corner >> i) & 1 ? upper[i]! : lo)));
    }
    for (const f of at) {
      points.push(
        lower.map((lo, i) =>
          Math.min(Math.max(Math.fround(lo + f[i]! * (upper[i]! - lo)), lo), upper[i]!),
        ),
      );
    }
    for (const x of points) {
      const y = exactLogits(mlp, x);
      const value = y.reduce<Rational>(
        (s, yj, j) => add(s, mul(fromNumber(c[j]!), yj)),
        fromNumber(0),
      );
      expect(compare(value, bound), `at ${x.join(', ')}`).toBeLessThanOrEqual(0);
    }
  },
);
