import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float32Text } from './float-text.js';

describe('float32Text', () => {
  it('reads back to the same float32 value in at most 9 significant digits', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const text = float32Text(v);
        expect(Object.is(Math.fround(Number(text)), Math.fround(v)) || v === 0).toBe(true);
        expect(text.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
      }),
      { numRuns: 5000 },
    );
  });

  it('prints the fewest digits, so neighbouring float32 values print apart', () => {
    expect(float32Text(1.5)).toBe('1.5');
    expect(float32Text(0.2095)).toBe('0.2095');
    expect(float32Text(-4)).toBe('-4');
    expect(float32Text(1.4e-45)).toBe('1e-45');
    const next = new Float32Array(new Int32Array([0x3f800001]).buffer)[0]!;
    expect(float32Text(next)).toBe('1.0000001');
    expect(float32Text(next)).not.toBe(float32Text(1));
  });
});
