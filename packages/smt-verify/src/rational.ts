// Exact rational arithmetic over BigInt: the values z3 reports and the exact (real) semantics of
// float32 weights and inputs. Every float64 — hence every float32 — is a dyadic rational.

import { float32FromOrdinal, float32Ordinal } from '@quantproof/interval';

/** An exact rational `numerator / denominator`, denominator > 0, in lowest terms. */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** Zero as a rational. */
export const ZERO: Rational = { numerator: 0n, denominator: 1n };

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** `n / d` in lowest terms (d ≠ 0). */
export function rational(numerator: bigint, denominator = 1n): Rational {
  if (denominator === 0n) throw new RangeError('rational: zero denominator');
  if (denominator < 0n) [numerator, denominator] = [-numerator, -denominator];
  if (denominator === 1n) return { numerator, denominator };
  const g = gcd(numerator, denominator);
  return g > 1n
    ? { numerator: numerator / g, denominator: denominator / g }
    : { numerator, denominator };
}

/** a + b. */
export function add(a: Rational, b: Rational): Rational {
  if (a.denominator === b.denominator) return rational(a.numerator + b.numerator, a.denominator);
  return rational(
    a.numerator * b.denominator + b.numerator * a.denominator,
    a.denominator * b.denominator,
  );
}

/** a − b. */
export function sub(a: Rational, b: Rational): Rational {
  return add(a, neg(b));
}

/** −a. */
export function neg(a: Rational): Rational {
  return { numerator: -a.numerator, denominator: a.denominator };
}

/** a · b. */
export function mul(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.numerator, a.denominator * b.denominator);
}

/** a / b (b ≠ 0). */
export function div(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.denominator, a.denominator * b.numerator);
}

/** Sign of a − b: −1, 0 or 1. */
export function compare(a: Rational, b: Rational): number {
  const d = a.numerator * b.denominator - b.numerator * a.denominator;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** |a|. */
export function abs(a: Rational): Rational {
  return a.numerator < 0n ? neg(a) : a;
}

/** floor(a) as a BigInt. */
export function floor(a: Rational): bigint {
  const q = a.numerator / a.denominator;
  return a.numerator < 0n && q * a.denominator !== a.numerator ? q - 1n : q;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite float64 (hence of any float32). */
export function fromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`fromNumber: ${x} is not finite`);
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let shift = -1074;
  if (exponent !== 0) {
    mantissa |= 1n << 52n;
    shift = exponent - 1075;
  }
  const signed = negative ? -mantissa : mantissa;
  return shift >= 0 ? rational(signed << BigInt(shift)) : rational(signed, 1n << BigInt(-shift));
}

/** A float64 within a few ulps of `a` (not correctly rounded; use `toFloat` for that). */
export function approximate(a: Rational): number {
  if (a.denominator === 1n) return Number(a.numerator);
  const n = a.numerator < 0n ? -a.numerator : a.numerator;
  const shift = Math.max(0, 80 - (n.toString(2).length - a.denominator.toString(2).length));
  const q = (n << BigInt(shift)) / a.denominator;
  const half = Math.floor(shift / 2);
  return (a.numerator < 0n ? -1 : 1) * Number(q) * 2 ** -half * 2 ** -(shift - half);
}

/** A double ≤ `a` (the nearest double, stepped down when it lies above): for lower bounds. */
export function approximateDown(a: Rational): number {
  const v = approximate(a);
  if (!Number.isFinite(v) || compare(fromNumber(v), a) <= 0) return v;
  return v > 0 ? v * (1 - 2 ** -53) : v === 0 ? -Number.MIN_VALUE : v * (1 + 2 ** -52);
}

/** Rounding direction of a conversion. */
export type RoundingMode = 'nearest' | 'down' | 'up';

/**
 * `a` rounded to float32 (`'nearest'`, ties to even; `'down'` the largest float32 ≤ a; `'up'` the
 * smallest float32 ≥ a). Values beyond the float32 range become ±Infinity.
 */
export function toFloat32(a: Rational, mode: RoundingMode): number {
  // Beyond the largest float32 the neighbours are FLT_MAX and ±Infinity (IEEE: round to nearest
  // overflows from FLT_MAX + half an ulp on, ties to even, and FLT_MAX is odd).
  if (compare(a, FLT_MAX_RATIONAL) > 0) {
    if (mode === 'down') return FLT_MAX;
    if (mode === 'up') return Infinity;
    return compare(a, FLT_OVERFLOW_RATIONAL) < 0 ? FLT_MAX : Infinity;
  }
  if (compare(a, neg(FLT_MAX_RATIONAL)) < 0) return -toFloat32(neg(a), flipped(mode));
  let guess = Math.fround(approximate(a));
  // Walk to the float32 neighbours that bracket `a` exactly (a is within ±FLT_MAX here).
  while (compare(fromNumber(guess), a) > 0) guess = nextFloat32(guess, false);
  while (guess < FLT_MAX && compare(fromNumber(nextFloat32(guess, true)), a) <= 0) {
    guess = nextFloat32(guess, true);
  }
  // Now guess ≤ a < next(guess).
  if (compare(fromNumber(guess), a) === 0 || mode === 'down') return guess;
  const above = nextFloat32(guess, true);
  if (mode === 'up') return above;
  const c = compare(sub(a, fromNumber(guess)), sub(fromNumber(above), a));
  if (c < 0) return guess;
  if (c > 0) return above;
  return float32Bits(guess) % 2 === 0 ? guess : above;
}

const FLT_MAX = (2 - 2 ** -23) * 2 ** 127;
const FLT_MAX_RATIONAL = fromNumber(FLT_MAX);
const FLT_OVERFLOW_RATIONAL = fromNumber(FLT_MAX + 2 ** 103);

function flipped(mode: RoundingMode): RoundingMode {
  return mode === 'up' ? 'down' : mode === 'down' ? 'up' : mode;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The raw bits of a float32 value. */
export function float32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

// Float32 ordinals are interval's (the owner of float32 rounding): re-exported for this package.
export { float32FromOrdinal, float32Ordinal };

/** The next float32 above (`up`) or below a float32 value. */
export function nextFloat32(x: number, up: boolean): number {
  return float32FromOrdinal(float32Ordinal(x) + (up ? 1 : -1));
}
