import { describe, expect, it } from 'vitest';
import { boxContains, boxFromCentre, createBox, float32Range, fp32InputRange } from './index.js';
import { boxCentre, float32Interior, splitBox, volumeFraction } from './box.js';

describe('boxes', () => {
  it('boxFromCentre rounds outward so the exact interval is inside', () => {
    const box = boxFromCentre([0.1], 0.2);
    // 0.1 − 0.2 and 0.1 + 0.2 are inexact in binary64: the bounds bracket them.
    expect(box.lower[0]!).toBeLessThanOrEqual(0.1 - 0.2);
    expect(box.upper[0]!).toBeGreaterThanOrEqual(0.1 + 0.2);
    expect(box.upper[0]! - box.lower[0]!).toBeLessThan(0.4 + 1e-15);
  });

  it('splits into two halves that share the cut and keep the volume', () => {
    const box = createBox([-1, 0], [1, 4]);
    const [a, b] = splitBox(box, 1);
    expect(Array.from(a.upper)).toEqual([1, 2]);
    expect(Array.from(b.lower)).toEqual([-1, 2]);
    expect(volumeFraction(a, box) + volumeFraction(b, box)).toBe(1);
    expect(Array.from(boxCentre(box))).toEqual([0, 2]);
    expect(boxContains(box, [1, 4])).toBe(true);
    expect(boxContains(box, [1, 4.000001])).toBe(false);
  });

  it('describes the float32 inputs of a box', () => {
    const box = createBox([0.1], [0.1]);
    // No float32 equals 0.1: the box has no float32 interior, but fl(0.1) is covered.
    expect(float32Interior(box)).toBeNull();
    expect(float32Range(box).lower[0]).toBe(Math.fround(0.1));
    const hull = fp32InputRange(box);
    expect(hull.lower[0]!).toBe(Math.min(0.1, Math.fround(0.1)));
    expect(hull.upper[0]!).toBe(Math.max(0.1, Math.fround(0.1)));
    const wide = float32Interior(createBox([0.1], [0.2]))!;
    expect(wide.lower[0]!).toBeGreaterThanOrEqual(0.1);
    expect(wide.upper[0]!).toBeLessThanOrEqual(0.2);
  });
});
