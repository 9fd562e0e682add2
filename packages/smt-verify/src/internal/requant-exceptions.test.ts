import { requantize } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { halfUpRound, requantForm } from './requant-exceptions.js';
import { fromNumber } from '../rational.js';

// Oracle: quant's requantize (the semantics owner), over every accumulator of the range.
function brute(
  m: number,
  zp: number,
  type: 'int8' | 'uint8',
  lo: number,
  hi: number,
): Map<number, number> {
  const form = requantForm(m, zp, type, lo, hi);
  const exceptions = new Map(form.exceptions.map((e) => [e.accumulator, e.delta]));
  const mr = fromNumber(m);
  const wrong: number[] = [];
  for (let acc = lo; acc <= hi; acc++) {
    const exact = halfUpRound(acc, mr) + (exceptions.get(acc) ?? 0);
    const clamped = Math.min(Math.max(exact, form.lower), form.upper) + zp;
    if (clamped !== requantize(acc, m, zp, type)) wrong.push(acc);
  }
  expect(wrong, `M ${m}`).toEqual([]);
  return exceptions;
}

describe('requantForm', () => {
  it('equals requantize on every accumulator, ties and float32 rounding included', () => {
    // M = 1/2 exactly: every odd accumulator is a tie, half-up and half-even differ on half of them.
    expect(brute(0.5, 0, 'int8', -300, 300).size).toBeGreaterThan(50);
    // Multipliers with float32 products near half-integers.
    for (const m of [
      Math.fround(0.0123),
      Math.fround(1 / 3),
      Math.fround(0.000731),
      Math.fround(2.7),
    ]) {
      brute(m, -128, 'int8', -40000, 40000);
      brute(m, 0, 'uint8', -40000, 40000);
    }
  });

  it('catches fl32(acc) ≠ acc above 2^24', () => {
    const m = Math.fround(3e-6);
    brute(m, -128, 'int8', 2 ** 24 - 2000, 2 ** 24 + 200000);
  });
});
