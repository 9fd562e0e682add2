import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDown,
  addUp,
  divDown,
  divUp,
  dotAbsUp,
  dotIntervalDown,
  dotIntervalDownFast,
  float32Down,
  float32Up,
  mulDown,
  mulUp,
  nextDown,
  nextUp,
  subDown,
  subUp,
} from '../src/outward.js';
import { add, compare, dyadic, mul, type Dyadic } from './support/dyadic.js';

const view = new DataView(new ArrayBuffer(8));
function bits(x: number): bigint {
  view.setFloat64(0, x);
  return view.getBigInt64(0);
}

/** The IEEE successor by the ordered-integer trick (an independent oracle for nextUp). */
function successor(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const b = bits(x);
  view.setBigInt64(0, x > 0 ? b + 1n : b - 1n);
  return view.getFloat64(0);
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const nonZero = finite.filter((x) => x !== 0);

/** Exact check of lower ≤ a / b ≤ upper, by multiplying out (the sign of b flips both sides). */
function quotientWithin(a: number, b: number, lower: number, upper: number): boolean {
  const da = dyadic(a);
  const db = dyadic(b);
  const s = Math.sign(b);
  const okLo = lower === -Infinity || compare(mul(dyadic(lower), db), da) * s <= 0;
  const okHi = upper === Infinity || compare(da, mul(dyadic(upper), db)) * s <= 0;
  return okLo && okHi;
}

function within(v: Dyadic, lower: number, upper: number): boolean {
  return (
    (lower === -Infinity || compare(dyadic(lower), v) <= 0) &&
    (upper === Infinity || compare(v, dyadic(upper)) <= 0)
  );
}

describe('outward rounding', () => {
  it('nextUp and nextDown are the IEEE neighbours', () => {
    fc.assert(
      fc.property(finite, (x) => {
        expect(nextUp(x)).toBe(successor(x));
        expect(nextDown(x)).toBe(-successor(-x));
        expect(nextUp(x) > x && nextDown(x) < x).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(nextUp(Number.MAX_VALUE)).toBe(Infinity);
    expect(nextDown(-Number.MAX_VALUE)).toBe(-Infinity);
    expect(nextUp(-Infinity)).toBe(-Number.MAX_VALUE);
    expect(nextDown(0)).toBe(-Number.MIN_VALUE);
    expect(Number.isNaN(nextUp(NaN))).toBe(true);
  });

  it('directed +, −, ×, ÷ bracket the exact result', () => {
    fc.assert(
      fc.property(finite, finite, nonZero, (a, b, c) => {
        const exactSum = add(dyadic(a), dyadic(b));
        const exactDiff = add(dyadic(a), dyadic(-b));
        const exactProduct = mul(dyadic(a), dyadic(b));
        expect(within(exactSum, addDown(a, b), addUp(a, b))).toBe(true);
        expect(within(exactDiff, subDown(a, b), subUp(a, b))).toBe(true);
        expect(within(exactProduct, mulDown(a, b), mulUp(a, b))).toBe(true);
        expect(quotientWithin(a, c, divDown(a, c), divUp(a, c))).toBe(true);
        // Exact results are not widened.
        if (Number.isFinite(a + b) && compare(exactSum, dyadic(a + b)) === 0) {
          expect(addDown(a, b)).toBe(a + b);
          expect(addUp(a, b)).toBe(a + b);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('rounds to float32 toward -∞ and +∞', () => {
    fc.assert(
      fc.property(finite, (x) => {
        const lo = float32Down(x);
        const hi = float32Up(x);
        expect(Math.fround(lo)).toBe(lo);
        expect(Math.fround(hi)).toBe(hi);
        expect(lo <= x && x <= hi).toBe(true);
        // No float32 lies strictly between them and x.
        if (lo !== x) expect(hi === Math.fround(x) || lo === Math.fround(x)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('interval dot products and |a|·m sums bound the exact value', () => {
    const vector = (n: number) =>
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: n, maxLength: n });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(vector(n), vector(n), vector(n))),
        ([a, p, q]) => {
          const lower = p.map((v, i) => Math.min(v, q[i]!));
          const upper = p.map((v, i) => Math.max(v, q[i]!));
          let exactMin: Dyadic = dyadic(0);
          let exactAbs: Dyadic = dyadic(0);
          for (let i = 0; i < a.length; i++) {
            const w = a[i]!;
            exactMin = add(exactMin, mul(dyadic(w), dyadic(w >= 0 ? lower[i]! : upper[i]!)));
            exactAbs = add(exactAbs, mul(dyadic(Math.abs(w)), dyadic(Math.abs(upper[i]!))));
          }
          const m = upper.map(Math.abs);
          expect(
            compare(dyadic(dotIntervalDown(a, 0, lower, upper, 0, a.length)), exactMin),
          ).toBeLessThanOrEqual(0);
          expect(
            compare(dyadic(dotIntervalDownFast(a, 0, lower, upper, 0, a.length)), exactMin),
          ).toBeLessThanOrEqual(0);
          expect(compare(exactAbs, dyadic(dotAbsUp(a, 0, m, 0, a.length)))).toBeLessThanOrEqual(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
