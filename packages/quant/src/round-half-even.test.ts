import { describe, expect, it } from 'vitest';
import {
  roundHalfEven,
  saturateInt32,
  saturateInt8,
  saturateTo,
  saturateUint8,
} from './round-half-even.js';

describe('roundHalfEven', () => {
  it('sends ties to the even neighbour, both signs', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, -3.5].map(roundHalfEven)).toEqual([
      0, 2, 2, 4, 0, -2, -2, -4,
    ]);
  });

  it('rounds non-ties to the nearest integer', () => {
    expect([0.49999997, 0.50000006, -1.2, -1.7, 126.4999, 2 ** 52 + 1].map(roundHalfEven)).toEqual([
      0,
      1,
      -1,
      -2,
      126,
      2 ** 52 + 1,
    ]);
  });

  it('returns non-finite values unchanged', () => {
    expect(roundHalfEven(Infinity)).toBe(Infinity);
    expect(roundHalfEven(-Infinity)).toBe(-Infinity);
    expect(roundHalfEven(NaN)).toBeNaN();
  });

  it('differs from Math.round exactly on the ties it must not round up', () => {
    expect(roundHalfEven(2.5)).not.toBe(Math.round(2.5));
    expect(roundHalfEven(-1.5)).not.toBe(Math.round(-1.5));
  });
});

describe('saturating casts', () => {
  it('clamp to the target range', () => {
    expect([-129, -128, 0, 127, 128, Infinity].map(saturateInt8)).toEqual([
      -128, -128, 0, 127, 127, 127,
    ]);
    expect([-1, 0, 255, 256, -Infinity].map(saturateUint8)).toEqual([0, 0, 255, 255, 0]);
    expect([2 ** 31, -(2 ** 31) - 1, 5].map(saturateInt32)).toEqual([2 ** 31 - 1, -(2 ** 31), 5]);
    expect(saturateTo(300, 'uint8')).toBe(255);
    expect(saturateTo(-300, 'int8')).toBe(-128);
  });

  it('refuse NaN', () => {
    expect(() => saturateInt8(NaN)).toThrow(RangeError);
  });
});
