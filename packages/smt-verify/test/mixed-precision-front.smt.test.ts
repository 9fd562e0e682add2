// Certified mixed precision on the planted network: the layers whose weights are exact at every bit
// width go down to 2 bits, the sensitive layer keeps the bits its certified δ* needs; the front
// holds only non-dominated models.
import { calibrateRanges, quantizeStaticWithRanges } from '@quantproof/quant';
import { planted, plantedBox, plantedGrid } from '@quantproof/test-support/planted';
import { describe, expect, it } from 'vitest';
import {
  certifyBitWidths,
  certifiedNumbers,
  certifyMixedPrecision,
  flipMarginUpper,
  verifyRegion,
} from '../src/index.js';

const ranges = calibrateRanges(planted, plantedGrid, { kind: 'minmax' });
const verify = { workers: 0, maxBoxes: 200, seconds: 120 } as const;

describe('certifyMixedPrecision', () => {
  it('lowers the exact layers to 2 bits and keeps the sensitive one above it', async () => {
    const result = await certifyMixedPrecision(planted, plantedBox, {
      targetDelta: 0.1,
      ranges,
      verify,
    });
    const chosen = result.chosen!;
    expect(chosen.bits[0]).toBe(2);
    expect(chosen.bits[2]).toBe(2);
    expect(chosen.bits[1]).toBeGreaterThan(2);
    expect(flipMarginUpper(chosen.numbers)).toBeLessThanOrEqual(0.1);
    // Its layer 1 one bit lower is certified to miss the target (δ* lower end above it).
    const lower = chosen.bits.map((b, l) => (l === 1 ? b - 1 : b));
    const model = quantizeStaticWithRanges(planted, ranges, { weightBits: lower }).model;
    const missed = await verifyRegion(planted, model, plantedBox, verify);
    expect(flipMarginUpper(certifiedNumbers(missed))).toBeGreaterThan(0.1);
    expect(result.front).toContain(chosen);
    for (const p of result.front) {
      for (const q of result.points) {
        const dominated =
          q.sizeBits <= p.sizeBits &&
          flipMarginUpper(q.numbers) <= flipMarginUpper(p.numbers) &&
          q.numbers.disagreement.upper <= p.numbers.disagreement.upper &&
          (q.sizeBits < p.sizeBits ||
            flipMarginUpper(q.numbers) < flipMarginUpper(p.numbers) ||
            q.numbers.disagreement.upper < p.numbers.disagreement.upper);
        expect(dominated).toBe(false);
      }
    }
  }, 300_000);

  it('certifies given bit widths and chooses the smallest that meets the target', async () => {
    const result = await certifyBitWidths(
      planted,
      plantedBox,
      [
        [8, 8, 8],
        [2, 2, 2],
        [2, 8, 2],
      ],
      { targetDelta: 0.1, ranges, verify },
    );
    expect(result.points.map((p) => p.meetsTarget)).toEqual([true, false, true]);
    expect(result.chosen!.bits).toEqual([2, 8, 2]);
    // [8, 8, 8] is larger than [2, 8, 2] and not certified better in δ* and share at once.
    expect(result.front.map((p) => p.bits)).toContainEqual([2, 2, 2]);
    expect(result.front.map((p) => p.bits)).toContainEqual([2, 8, 2]);
  }, 120_000);
});
