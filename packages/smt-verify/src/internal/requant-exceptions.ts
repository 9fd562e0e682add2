// Requantisation `RNE(fl32(fl32(acc) · M))` as exact integer arithmetic: the exact rational rounding
// floor(acc · M + 1/2) (M is a float32, hence m / 2^e exactly) plus the few accumulators where
// float32 arithmetic or ties-to-even give another integer. Those exceptions are found by checking
// every accumulator within the float error of a half-integer — a complete search, because elsewhere
// both roundings agree.
import { elementTypeRange, type QuantElementType, roundHalfEven } from '@quantproof/quant';
import { fromNumber, type Rational } from '../rational.js';

/** One accumulator whose float32 requantisation differs from exact half-up rounding. */
export interface RequantException {
  readonly accumulator: number;
  /** float32 result − exact half-up result, before the clamp (±1 in practice). */
  readonly delta: number;
}

/** Exact integer form of one neuron's requantisation over an accumulator range. */
export interface RequantForm {
  /** M = numerator / denominator exactly (denominator a power of two). */
  readonly multiplier: Rational;
  /** Clamp bounds of the centred output: [qmin − zp, qmax − zp]. */
  readonly lower: number;
  readonly upper: number;
  readonly exceptions: readonly RequantException[];
}

/** The unclamped float32 requantisation of MLAS: RNE(fl32(fl32(acc) · M)). */
export function requantizeUnclamped(acc: number, multiplier: number): number {
  return roundHalfEven(Math.fround(Math.fround(acc) * multiplier));
}

/** floor(acc · M + 1/2) exactly, for M = n/d. */
export function halfUpRound(acc: number, m: Rational): number {
  const num = 2n * BigInt(acc) * m.numerator + m.denominator;
  const den = 2n * m.denominator;
  const q = num / den;
  return Number(num < 0n && q * den !== num ? q - 1n : q);
}

/**
 * The requantisation of accumulators in [accLow, accHigh] as exact half-up rounding plus
 * exceptions (only those that change the clamped result).
 */
export function requantForm(
  multiplier: number,
  zeroPoint: number,
  elementType: QuantElementType,
  accLow: number,
  accHigh: number,
): RequantForm {
  const m = fromNumber(multiplier);
  const { qmin, qmax } = elementTypeRange(elementType);
  const lower = qmin - zeroPoint;
  const upper = qmax - zeroPoint;
  const clamp = (v: number): number => (v < lower ? lower : v > upper ? upper : v);
  const exceptions = new Map<number, number>();
  const check = (acc: number): void => {
    if (acc < accLow || acc > accHigh || exceptions.has(acc)) return;
    const exact = halfUpRound(acc, m);
    const float = requantizeUnclamped(acc, multiplier);
    if (clamp(exact) !== clamp(float)) exceptions.set(acc, float - exact);
  };
  // Only half-integers h in [lower − 1, upper + 1] can change a clamped result. Near h, the float
  // path errs by at most |acc·M|·(2⁻²⁴ + 2⁻²⁴ + 2⁻⁴⁸) ≤ (|h| + 2)·2⁻²²; scan that window (plus 2).
  for (let k = lower - 1; k <= upper; k++) {
    const h = k + 0.5;
    const tolerance = (Math.abs(h) + 2) * 2 ** -22;
    const from = Math.max(accLow, Math.floor((h - tolerance) / multiplier) - 2);
    const to = Math.min(accHigh, Math.ceil((h + tolerance) / multiplier) + 2);
    for (let acc = from; acc <= to; acc++) check(acc);
  }
  return {
    multiplier: m,
    lower,
    upper,
    exceptions: [...exceptions].map(([accumulator, delta]) => ({ accumulator, delta })),
  };
}
