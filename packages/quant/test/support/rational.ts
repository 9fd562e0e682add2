// Exact rational arithmetic on float64 values with BigInt, the oracle for the float32 emulation.

/** A rational number `num / den` with `den > 0`. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** The exact value of a finite float64 number as a rational with a power-of-two denominator. */
export function rationalOf(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`${x} is not finite`);
  if (x === 0) return { num: 0n, den: 1n };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n === 1n ? -1n : 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const power = (exponent === 0 ? 1 : exponent) - 1075;
  return power >= 0
    ? { num: sign * mantissa * (1n << BigInt(power)), den: 1n }
    : { num: sign * mantissa, den: 1n << BigInt(-power) };
}

/** `a · b`. */
export function mul(a: Rational, b: Rational): Rational {
  return { num: a.num * b.num, den: a.den * b.den };
}

/** `a / b` for `b ≠ 0`. */
export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new RangeError('division by zero');
  const sign = b.num < 0n ? -1n : 1n;
  return { num: a.num * b.den * sign, den: a.den * b.num * sign };
}

function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}

/** Exact round-half-to-even of a rational. */
export function roundHalfEvenRational(r: Rational): bigint {
  const floor = floorDiv(r.num, r.den);
  const twiceRemainder = 2n * (r.num - floor * r.den);
  if (twiceRemainder < r.den) return floor;
  if (twiceRemainder > r.den) return floor + 1n;
  return floor % 2n === 0n ? floor : floor + 1n;
}

/**
 * Whether `r` lies within `|r| · 2^-bits` of a half-integer `n + 1/2` (where float32 rounding of
 * the inputs could move it across the tie).
 */
export function nearHalfInteger(r: Rational, bits: number): boolean {
  const floor = floorDiv(r.num, r.den);
  // |2r - (2·floor + 1)| · 2^bits ≤ 2 |r|, all scaled by den.
  const offset = 2n * r.num - (2n * floor + 1n) * r.den;
  const abs = (v: bigint): bigint => (v < 0n ? -v : v);
  return abs(offset) * (1n << BigInt(bits)) <= 2n * abs(r.num);
}
