// Conditions `Σ c_k · y_k ≤ d` (or `<`) on the logits, exact and as float64, shared by the VNN-LIB
// verifier and the attack that looks for inputs meeting them.
import { add, compare, fromNumber, mul, type Rational, ZERO } from './rational.js';

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
