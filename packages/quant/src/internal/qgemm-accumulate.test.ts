import { describe, expect, it } from 'vitest';
import { accumulateAvx2Saturating, accumulateExact } from './qgemm-accumulate.js';

describe('accumulateExact', () => {
  it('is bias + Σ (a - zpA)(b - zpB)', () => {
    const a = Int32Array.from([130, 120, 128]);
    const centred = Int32Array.from([2, -3, 5]);
    expect(accumulateExact(a, 0, 128, centred, 0, 3, 7)).toBe(7 + 2 * 2 + -8 * -3 + 0 * 5);
  });
});

describe('accumulateAvx2Saturating', () => {
  it('equals the exact accumulator when no pair sum leaves int16', () => {
    const a = Int32Array.from([3, 200, 17, 90, 5]);
    const raw = Int32Array.from([-7, 12, 100, -128, 1]);
    const zpB = 2;
    const columnSum = raw.reduce((s, v) => s + v, 0);
    const centred = raw.map((v) => v - zpB);
    expect(accumulateAvx2Saturating(a, 0, 9, raw, 0, 5, zpB, columnSum, -40)).toBe(
      accumulateExact(a, 0, 9, centred, 0, 5, -40),
    );
  });

  it('saturates the raw pair sum 255·127 + 255·127 = 64770 to 32767 before the corrections', () => {
    const a = Int32Array.from([255, 255]);
    const raw = Int32Array.from([127, 127]);
    const exact = accumulateExact(a, 0, 128, raw, 0, 2, 0); // (127)(127)·2 = 32258
    expect(exact).toBe(32258);
    // raw 32767 - zpA · Σb = 32767 - 128 · 254 = 255.
    expect(accumulateAvx2Saturating(a, 0, 128, raw, 0, 2, 0, 254, 0)).toBe(255);
  });

  it('pairs adjacent k (0,1), (2,3), …: a saturating pair in the middle does not affect the others', () => {
    const a = Int32Array.from([1, 255, 255, 1]);
    const raw = Int32Array.from([1, -128, -128, 1]);
    // Pairs (0,1) = 1 - 32640 = -32639 and (2,3) = -32640 + 1 = -32639: no saturation.
    expect(accumulateAvx2Saturating(a, 0, 0, raw, 0, 4, 0, -254, 0)).toBe(-65278);
    const b = Int32Array.from([255, 255, 1, 1]);
    // Pair (0,1) = -65280 saturates to -32768; pair (2,3) = 2.
    expect(
      accumulateAvx2Saturating(
        b,
        0,
        0,
        raw.map((_, i) => [-128, -128, 1, 1][i]!),
        0,
        4,
        0,
        -254,
        0,
      ),
    ).toBe(-32766);
  });
});
