import { quantizeLinear } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { cellInterval, inputCells } from './input-cells.js';
import { float32FromOrdinal, float32Ordinal } from './rational.js';

describe('inputCells', () => {
  it('finds every cell face exactly (oracle: quantizeLinear at each face, its neighbours and a sweep)', () => {
    for (const t of [
      { scale: Math.fround(0.0078125), zeroPoint: 128, elementType: 'uint8' as const },
      { scale: Math.fround(0.0123), zeroPoint: -3, elementType: 'int8' as const },
    ]) {
      const lower = Math.fround(-0.05);
      const upper = Math.fround(0.04);
      const cells = inputCells(lower, upper, t);
      const q = (x: number): number => quantizeLinear(x, t.scale, t.zeroPoint, t.elementType);
      const step = Math.ceil((float32Ordinal(upper) - float32Ordinal(lower)) / 20000);
      for (let o = float32Ordinal(lower); o <= float32Ordinal(upper); o += step) {
        const x = float32FromOrdinal(o);
        const { lo, hi } = cellInterval(cells, q(x));
        expect(lo <= x && x <= hi).toBe(true);
      }
      for (let v = cells.qLow; v <= cells.qHigh; v++) {
        const { lo, hi } = cellInterval(cells, v);
        expect(q(lo)).toBe(v);
        expect(q(hi)).toBe(v);
        if (lo !== lower) expect(q(float32FromOrdinal(float32Ordinal(lo) - 1))).toBe(v - 1);
        if (hi !== upper) expect(q(float32FromOrdinal(float32Ordinal(hi) + 1))).toBe(v + 1);
      }
    }
  });
});
