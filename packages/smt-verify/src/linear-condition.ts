// Conditions `Σ c_k · y_k ≤ d` (or `<`) on the outputs, exact and as float64, as the VNN-LIB
// verifier reads them (interval's condition search takes them as they are: coefficients, bound,
// strictness).
import { addUp, mulUp } from '@quantproof/interval';
import {
  add,
  approximate,
  compare,
  fromNumber,
  mul,
  rational,
  type Rational,
  ZERO,
} from './rational.js';

/** One linear condition on the logits: `Σ coefficients[k] · y_k ≤ bound` (`<` when strict). */
export interface LinearCondition {
  /** Dense float64 coefficients (exact: every VNN-LIB coefficient here is a small integer or decimal). */
  readonly coefficients: Float64Array;
  readonly exactCoefficients: readonly Rational[];
  readonly bound: number;
  readonly exactBound: Rational;
  readonly strict: boolean;
}

/** Whether exact values `y` satisfy the condition. */
export function holdsExactly(c: LinearCondition, y: readonly Rational[]): boolean {
  let total = ZERO;
  c.exactCoefficients.forEach((k, i) => {
    if (k.numerator !== 0n) total = add(total, mul(k, y[i]!));
  });
  const s = compare(total, c.exactBound);
  return c.strict ? s < 0 : s <= 0;
}

/** Whether float values `y` (taken exactly) satisfy the condition. */
export function holdsOnFloats(c: LinearCondition, y: ArrayLike<number>): boolean {
  return holdsExactly(
    c,
    Array.from({ length: y.length }, (_, i) => fromNumber(y[i]!)),
  );
}

/** How far float64 values are from violating (negative: satisfied with room). */
export function slack(c: LinearCondition, y: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < c.coefficients.length; i++) total += c.coefficients[i]! * y[i]!;
  return total - c.bound;
}

/**
 * The condition a float32 output meeting `c` forces on the exact real outputs: with
 * |y32_k − y_k| ≤ e_k, `Σ c_k y32_k ≤ d` implies `Σ c_k y_k ≤ d + Σ |c_k| e_k` (strictness kept).
 * Refuting the widened condition in real arithmetic refutes `c` for every float32 execution; with
 * `direction` −1 it is narrowed instead: exact outputs meeting that meet `c` in every execution.
 */
export function widen(
  c: LinearCondition,
  errors: Float64Array,
  direction: 1 | -1 = 1,
): LinearCondition {
  let room = 0;
  c.coefficients.forEach((k, j) => {
    if (k !== 0) room = addUp(room, mulUp(Math.abs(k), errors[j]!));
  });
  // The float64 coefficients are exact for VNN-LIB's decimals only approximately: pad by 2⁻⁴⁰.
  room = mulUp(room, 1 + 2 ** -40);
  if (room === 0) return c;
  const exactBound = add(c.exactBound, fromNumber(direction * room));
  return { ...c, exactBound, bound: approximate(exactBound) };
}

/** Integer weights proportional (by a positive factor) to the condition's coefficients, and the
 * bound scaled alike. */
export function integerCondition(c: LinearCondition): { weights: bigint[]; bound: Rational } {
  let scale = 1n;
  for (const k of c.exactCoefficients) {
    scale = (scale * k.denominator) / gcdBig(scale, k.denominator);
  }
  const factor = rational(scale);
  return {
    weights: c.exactCoefficients.map((k) => (k.numerator * scale) / k.denominator),
    bound: mul(c.exactBound, factor),
  };
}

function gcdBig(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}
