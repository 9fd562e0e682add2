import { describe, expect, it } from 'vitest';
import {
  qgemmMultiplier,
  requantize,
  requantizeMultiplier,
  scaleAccumulator,
} from './requantize.js';

describe('requantizeMultiplier', () => {
  it('is fl32(fl32(a_s · b_s) / y_s), which differs from other evaluation orders', () => {
    const a = 0.041013605892658234;
    const b = 0.04174674302339554;
    const y = 0.06843478232622147;
    expect(requantizeMultiplier(a, b, y)).toBe(0.025019215419888496);
    expect(Math.fround(a * Math.fround(b / y))).toBe(0.025019213557243347);
  });

  it('equals QGemm’s multiplier at alpha = 1; without y_scale QGemm keeps fl32(a_s · b_s)', () => {
    const [a, b, y] = [0.3, 0.7, 0.11].map(Math.fround) as [number, number, number];
    expect(qgemmMultiplier(1, a, b, y)).toBe(requantizeMultiplier(a, b, y));
    expect(qgemmMultiplier(1, a, b, null)).toBe(Math.fround(a * b));
  });
});

describe('requantize', () => {
  it('rounds half to even after the float32 product, then adds the zero point', () => {
    expect(requantize(5, 0.5, 0, 'int8')).toBe(2); // 2.5 → 2
    expect(requantize(7, 0.5, 0, 'int8')).toBe(4); // 3.5 → 4
    expect(requantize(-5, 0.5, 10, 'uint8')).toBe(8); // -2.5 → -2, + 10
  });

  it('saturates to the element type', () => {
    expect(requantize(1000, 1, 0, 'int8')).toBe(127);
    expect(requantize(-1000, 1, 0, 'int8')).toBe(-128);
    expect(requantize(-1000, 1, 5, 'uint8')).toBe(0);
  });

  it('converts the accumulator to float32 first, so |acc| > 2^24 rounds', () => {
    // 2^24 + 1 becomes 2^24 in float32; times 2^-25 that is the tie 0.5 (→ 0), whereas the exact
    // product 0.5 + 2^-25 would round to 1.
    expect(requantize(2 ** 24 + 1, 2 ** -25, 0, 'int8')).toBe(0);
  });
});

describe('scaleAccumulator', () => {
  it('multiplies and adds with two separate float32 roundings', () => {
    const acc = 3;
    const m = Math.fround(0.1);
    const b = Math.fround(1e-8);
    expect(scaleAccumulator(acc, m, b)).toBe(Math.fround(Math.fround(3 * m) + b));
  });
});
