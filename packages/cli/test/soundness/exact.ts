// Exact comparisons for the soundness oracle: smt-verify's `exactLogits` gives the FP32 network's
// real logits as rationals; the oracle compares them with float32/float64 claims without rounding.
// Also float32 neighbours (the oracle walks float32 values, never reals).
import type { Rational } from '@quantproof/smt-verify';

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite float64 (hence of any float32). */
export function rationalOf(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`rationalOf: ${x} is not finite`);
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let shift = -1074;
  if (exponent !== 0) {
    mantissa |= 1n << 52n;
    shift = exponent - 1075;
  }
  const signed = bits >> 63n === 1n ? -mantissa : mantissa;
  return shift >= 0
    ? { numerator: signed << BigInt(shift), denominator: 1n }
    : { numerator: signed, denominator: 1n << BigInt(-shift) };
}

/** a − b (not reduced; denominators stay positive). */
export function subtract(a: Rational, b: Rational): Rational {
  return {
    numerator: a.numerator * b.denominator - b.numerator * a.denominator,
    denominator: a.denominator * b.denominator,
  };
}

/** |a|. */
export function magnitude(a: Rational): Rational {
  return a.numerator < 0n ? { numerator: -a.numerator, denominator: a.denominator } : a;
}

/** Sign of a − b. */
export function compareRational(a: Rational, b: Rational): number {
  const d = a.numerator * b.denominator - b.numerator * a.denominator;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/**
 * Sign of `a − x` for a float64 `x` that may be ±Infinity (a rational is below +Infinity and above
 * −Infinity). NaN has no order: it throws.
 */
export function compareWithNumber(a: Rational, x: number): number {
  if (Number.isNaN(x)) throw new RangeError('compareWithNumber: NaN');
  if (x === Infinity) return -1;
  if (x === -Infinity) return 1;
  return compareRational(a, rationalOf(x));
}

/** A float64 close to `a`, for messages only (never for a decision). */
export function approximately(a: Rational): number {
  const n = a.numerator;
  const d = a.denominator;
  const shift = BigInt(Math.max(0, d.toString(2).length - n.toString(2).length + 64));
  return Number((n << shift) / d) / 2 ** Number(shift);
}

/** |y − q| for an exact y and a float32 q (null when q is NaN or infinite: no finite distance). */
export function distance(y: Rational, q: number): Rational | null {
  return Number.isFinite(q) ? magnitude(subtract(y, rationalOf(q))) : null;
}

const f32 = new DataView(new ArrayBuffer(4));

/** The float32 ordinal of a float32 value: consecutive float32 values have consecutive ordinals. */
export function float32Ordinal(x: number): number {
  f32.setFloat32(0, x);
  const bits = f32.getInt32(0);
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** The float32 value of an ordinal (inverse of `float32Ordinal`; −0 maps to +0). */
export function float32FromOrdinal(n: number): number {
  f32.setInt32(0, n < 0 ? -n | 0x80000000 : n);
  return f32.getFloat32(0);
}

/** The float32 `steps` places after `x` (before it for negative steps), clamped to ±max float32. */
export function float32Step(x: number, steps: number): number {
  const max = float32Ordinal(MAX_FLOAT32);
  return float32FromOrdinal(Math.max(-max, Math.min(max, float32Ordinal(x) + steps)));
}

/** The largest finite float32. */
export const MAX_FLOAT32 = 3.4028234663852886e38;
