import { describe, expect, it } from 'vitest';
import { float32Box } from './box.js';
import { add, fromNumber, neg, toFloat32 } from './rational.js';

const FLT_MAX = 3.4028234663852886e38;

describe('toFloat32 at the ends of the float32 range', () => {
  it('rounds ±FLT_MAX to itself and beyond it to FLT_MAX or ±Infinity by mode', () => {
    for (const mode of ['nearest', 'down', 'up'] as const) {
      expect(toFloat32(fromNumber(FLT_MAX), mode)).toBe(FLT_MAX);
      expect(toFloat32(fromNumber(-FLT_MAX), mode)).toBe(-FLT_MAX);
    }
    const above = add(fromNumber(FLT_MAX), fromNumber(1));
    expect(toFloat32(above, 'down')).toBe(FLT_MAX);
    expect(toFloat32(above, 'up')).toBe(Infinity);
    expect(toFloat32(above, 'nearest')).toBe(FLT_MAX);
    expect(toFloat32(fromNumber(FLT_MAX + 2 ** 103), 'nearest')).toBe(Infinity); // tie → even
    expect(toFloat32(fromNumber(1e39), 'nearest')).toBe(Infinity);
    expect(toFloat32(neg(above), 'up')).toBe(-FLT_MAX);
    expect(toFloat32(neg(above), 'down')).toBe(-Infinity);
    expect(toFloat32(fromNumber(-1e39), 'nearest')).toBe(-Infinity);
    expect(toFloat32(fromNumber(0.1), 'nearest')).toBe(Math.fround(0.1));
  });

  it('a box with float32 bounds ±FLT_MAX keeps them', () => {
    const box = float32Box({ lower: [-FLT_MAX], upper: [FLT_MAX] }, 1);
    expect(Array.from(box.lower)).toEqual([-FLT_MAX]);
    expect(Array.from(box.upper)).toEqual([FLT_MAX]);
  });
});
