import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fma, toOdd } from './fma.js';

// Oracle: a*b + c evaluated exactly on BigInt (every double is m * 2^e), then rounded to the
// nearest double, ties to even.
const view = new DataView(new ArrayBuffer(8));

function decompose(x: number): [bigint, number] {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075;
  return [bits >> 63n === 1n ? -mantissa : mantissa, exponent];
}

function roundToDouble(mantissa: bigint, exponent: number): number {
  if (mantissa === 0n) return 0;
  const negative = mantissa < 0n;
  let m = negative ? -mantissa : mantissa;
  let e = exponent;
  const excess = m.toString(2).length - 53;
  if (excess > 0) {
    const shift = BigInt(excess);
    const remainder = m & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    m >>= shift;
    e += excess;
    if (remainder > half || (remainder === half && (m & 1n) === 1n)) m += 1n;
  }
  const value = Number(m) * 2 ** e;
  return negative ? -value : value;
}

function exactFma(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (sum === 0n) return (a * b + c) as number;
  return roundToDouble(sum, e);
}

// Moderate magnitudes keep every intermediate normal, as in the sin/cos kernels.
const moderate = fc
  .tuple(
    fc.double({ min: 1, max: 2, noNaN: true }),
    fc.integer({ min: -80, max: 80 }),
    fc.boolean(),
  )
  .map(([m, e, negative]) => (negative ? -1 : 1) * m * 2 ** e);

describe('fma', () => {
  test('equals the exactly rounded a*b + c', () => {
    fc.assert(
      fc.property(moderate, moderate, moderate, (a, b, c) => {
        expect(fma(a, b, c)).toBe(exactFma(a, b, c));
      }),
    );
  });

  test('is exact on near-ties, where rounding the product first goes wrong', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 26 }),
        fc.integer({ min: -30, max: 30 }),
        fc.constantFrom(-1, 1),
        (k, e, sign) => {
          // a*b = 1 + 2^-52 + k*2^-80: a midpoint-adjacent value whose product rounds away.
          const a = 1 + 2 ** -26;
          const b = (1 + 2 ** -26) * (1 + k * 2 ** -60);
          const c = sign * 2 ** e * 2 ** -53;
          expect(fma(a, b, c)).toBe(exactFma(a, b, c));
          expect(fma(a, b, -1)).toBe(exactFma(a, b, -1));
        },
      ),
    );
  });

  test('rounds the low part to odd where a double rounding would land on a tie', () => {
    // a*b = 2^-53 + 2^-113 and c = 1: a*b + c lies just above the midpoint 1 + 2^-53.
    const a = 1 + 2 ** -20;
    const up = (1 - 2 ** -20 + 2 ** -40) * 2 ** -53;
    expect(fma(a, up, 1)).toBe(1 + 2 ** -52);
    expect(fma(-a, up, -1)).toBe(-(1 + 2 ** -52));
    // a*b = 2^-53 - 2^-113 and c = 1 + 2^-52: just below the midpoint 1 + 2^-52 + 2^-53.
    const b = 1 - 2 ** -20;
    const down = (1 + 2 ** -20 + 2 ** -40) * 2 ** -53;
    expect(fma(b, down, 1 + 2 ** -52)).toBe(1 + 2 ** -52);
    expect(exactFma(a, up, 1)).toBe(1 + 2 ** -52);
    expect(exactFma(b, down, 1 + 2 ** -52)).toBe(1 + 2 ** -52);
  });

  test('differs from the separately rounded a*b + c where it must', () => {
    const a = 1 + 2 ** -30;
    const b = 1 - 2 ** -30;
    // a*b = 1 - 2^-60 exactly; fused, a*b - 1 = -2^-60, unfused it is 0.
    expect(fma(a, b, -1)).toBe(-(2 ** -60));
    expect(a * b - 1).toBe(0);
  });
});

describe('toOdd', () => {
  const bitsOf = (x: number): bigint => {
    view.setFloat64(0, x);
    return view.getBigUint64(0);
  };

  test('returns v when odd, else the neighbour toward d, which is odd', () => {
    fc.assert(
      fc.property(moderate, fc.double({ min: -0.5, max: 0.5, noNaN: true }), (v, fraction) => {
        const ulp = 2 ** (Math.floor(Math.log2(Math.abs(v))) - 52);
        const d = fraction * ulp === 0 ? ulp / 4 : fraction * ulp;
        const result = toOdd(v, d);
        expect(bitsOf(result) & 1n).toBe(1n);
        if ((bitsOf(v) & 1n) === 1n) expect(result).toBe(v);
        else expect(Math.sign(result - v)).toBe(Math.sign(d));
        expect([-1n, 0n, 1n]).toContain(bitsOf(result) - bitsOf(v));
      }),
    );
  });

  test('borrows across the low word below a power of two', () => {
    const v = 2 ** -53;
    expect(toOdd(v, -(2 ** -120))).toBe(2 ** -53 - 2 ** -106);
    expect(toOdd(-v, 2 ** -120)).toBe(-(2 ** -53 - 2 ** -106));
    expect(toOdd(v, 2 ** -120)).toBe(2 ** -53 + 2 ** -105);
  });
});
