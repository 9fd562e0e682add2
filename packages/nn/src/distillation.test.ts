import { describe, expect, it } from 'vitest';
import { distillationKl } from './distillation.js';
import { NnOptionsError } from './errors.js';

describe('distillationKl', () => {
  it('is zero, with zero gradient, when student equals teacher', () => {
    const logits = Float64Array.of(0.3, -1.2, 2.5, 0, 0, 0);
    const gradient = new Float64Array(6);
    expect(distillationKl(logits, Float32Array.from(logits), 2, 3, {}, { gradient })).toBeCloseTo(
      0,
      7,
    );
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-7);
  });

  it('matches a hand-computed example at temperature 2', () => {
    // Teacher [0, 0] → p = [1/2, 1/2]; student [0, 2 ln 3] / 2 → q = [1/4, 3/4].
    // KL(p ‖ q) = ½ ln 2 + ½ ln(2/3) = ½ ln(4/3); loss = T² · KL = 2 ln(4/3).
    // Gradient T (q - p) / n = 2 · [-1/4, 1/4].
    const gradient = new Float64Array(2);
    const loss = distillationKl(
      Float64Array.of(0, 2 * Math.log(3)),
      Float64Array.of(0, 0),
      1,
      2,
      { temperature: 2 },
      { gradient },
    );
    expect(loss).toBeCloseTo(2 * Math.log(4 / 3), 14);
    expect(gradient[0]).toBeCloseTo(-0.5, 14);
    expect(gradient[1]).toBeCloseTo(0.5, 14);
  });

  it('rejects a bad temperature', () => {
    const z = new Float64Array(2);
    expect(() => distillationKl(z, z, 1, 2, { temperature: 0 })).toThrow(NnOptionsError);
  });
});
