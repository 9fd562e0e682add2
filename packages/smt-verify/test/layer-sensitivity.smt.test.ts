// Certified layer sensitivity on the planted network (test/support/planted.ts) whose sensitive layer,
// layer 1, is known in advance.
import { calibrateRanges, keepLayersInFloat32, quantizeStaticWithRanges } from '@quantproof/quant';
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

  it('keeps layers in float32 literally: layer 1 alone in int8 costs the most; a float32 layer between int8 layers is refused', async () => {
    const result = await certifyLayerSensitivity(planted, box, {
      ranges,
      lowBits: 2,
      highBits: 3,
      verify,
    });
    expect(result.fp32.map((f) => f.layer)).toEqual([0, 1, 2]);
    const onlyInt8 = result.fp32.map((f) => {
      if ('refused' in f.onlyInt8) throw new Error(`layer ${f.layer}: ${f.onlyInt8.refused}`);
      return f.onlyInt8;
    });
    expect(onlyInt8[1]!.bits).toEqual([32, 3, 32]);
    expect(result.fp32Ranking[0]).toBe(1);
    // Proven: layer 1 alone at 3 bits flips at larger FP32 margins than layer 0 or 2 alone.
    const sensitive = onlyInt8[1]!.numbers.flipMargin!;
    for (const l of [0, 2]) {
      const other = onlyInt8[l]!.numbers;
      expect(sensitive.lower).toBeGreaterThan(other.flipMargin?.upper ?? 0);
    }
    // Layers 0 and 2 kept in float32 alone are deployable; layer 1 alone is not (onnxruntime
    // quantises a float32 Gemm between int8 layers).
    expect('refused' in result.fp32[0]!.onlyFp32).toBe(false);
    expect('refused' in result.fp32[2]!.onlyFp32).toBe(false);
    const middle = result.fp32[1]!.onlyFp32;
    expect('refused' in middle && middle.refused).toMatch(/onnxruntime/);
    // The numbers are verifyRegion's for the same mixed model.
    const base = quantizeStaticWithRanges(planted, ranges, { weightBits: 3 }).model;
    const direct = await verifyRegion(
      planted,
      keepLayersInFloat32(planted, base, [0, 2]),
      box,
      verify,
    );
    expect(onlyInt8[1]!.numbers.flipMargin).toEqual(direct.flipMargin);
    expect(onlyInt8[1]!.numbers.disagreement).toEqual({
      lower: direct.disagreement.lower,
      upper: direct.disagreement.upper,
    });
  }, 180_000);

  it('rejects bit widths outside 2..8', async () => {
    await expect(certifyLayerSensitivity(planted, box, { ranges, lowBits: 1 })).rejects.toThrow(
      SmtVerifyOptionsError,
    );
  });
});
