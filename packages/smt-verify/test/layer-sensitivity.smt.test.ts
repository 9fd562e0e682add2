// Certified layer sensitivity on the planted network (test/support/planted.ts) whose sensitive layer,
// layer 1, is known in advance.
import { calibrateRanges, quantizeStaticWithRanges } from '@quantproof/quant';
import { planted, plantedBox, plantedGrid } from '@quantproof/test-support/planted';
import { describe, expect, it } from 'vitest';
import { certifyLayerSensitivity, SmtVerifyOptionsError, verifyRegion } from '../src/index.js';

const box = plantedBox;
const ranges = calibrateRanges(planted, plantedGrid, { kind: 'minmax' });
const verify = { workers: 0, maxBoxes: 300, seconds: 120 } as const;

describe('certifyLayerSensitivity', () => {
  it('ranks the planted sensitive layer first, with brackets that prove it', async () => {
    const result = await certifyLayerSensitivity(planted, box, {
      ranges,
      lowBits: 2,
      verify,
    });
    expect(result.ranking[0]).toBe(1);
    expect(result.topCertain).toBe(true);
    const [l0, l1, l2] = result.layers.map((l) => l.lowered.numbers.flipMargin!);
    // 2 bits in layer 1 alone shift output 1 by 0.4 per unit input: δ* ≥ 0.39, certified.
    expect(l1!.lower).toBeGreaterThan(0.39);
    expect(l1!.lower).toBeGreaterThan(Math.max(l0!.upper, l2!.upper));
    // Keeping layer 1 at 8 bits (the others at 2) buys back what 2 bits everywhere costs.
    const kept = result.layers[1]!.keptHigh;
    expect(kept.bits).toEqual([2, 8, 2]);
    expect(kept.numbers.flipMargin!.upper).toBeLessThan(result.low.numbers.flipMargin!.lower);
  }, 120_000);

  it('reports the numbers verifyRegion certifies for the same model', async () => {
    const result = await certifyLayerSensitivity(planted, box, { ranges, lowBits: 2, verify });
    const model = quantizeStaticWithRanges(planted, ranges, { weightBits: [8, 2, 8] }).model;
    const direct = await verifyRegion(planted, model, box, verify);
    expect(result.layers[1]!.lowered.numbers.flipMargin).toEqual(direct.flipMargin);
    expect(result.layers[1]!.lowered.numbers.errorBound).toEqual(direct.errorBound);
  }, 120_000);

  it('rejects bit widths outside 2..8', async () => {
    await expect(certifyLayerSensitivity(planted, box, { ranges, lowBits: 1 })).rejects.toThrow(
      SmtVerifyOptionsError,
    );
  });
});
