// Certified layer sensitivity on a planted network whose sensitive layer is known in advance:
// layers 0 and 2 hold weights in {−1, 0, 1} (exact at every bit width ≥ 2), layer 1 holds weights
// 0.4 (feeding output 0) and 0.6 (feeding output 1) that 2-bit per-tensor quantisation rounds to 0
// and 1: a shift towards output 1 that flips decisions at large FP32 margins.
import type { Mlp } from '@quantproof/nn';
import { calibrateRanges, quantizeStaticWithRanges } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { certifyLayerSensitivity, SmtVerifyOptionsError, verifyRegion } from '../src/index.js';

const f = (values: readonly number[]): Float32Array => Float32Array.from(values);
/** 2 → 4 → 4 → 2: the middle layer is the sensitive one. */
export const planted: Mlp = {
  layers: [
    {
      inFeatures: 2,
      outFeatures: 4,
      weight: f([1, 0, -1, 0, 0, 1, 0, -1]),
      bias: f([0, 0, 0, 0]),
      activation: 'relu',
    },
    {
      inFeatures: 4,
      outFeatures: 4,
      weight: f([1, 0.4, 0.4, 0.4, 0.6, 1, 0.6, 0.6, 0.4, 0.4, 1, 0.4, 0.6, 0.6, 0.6, 1]),
      bias: f([0, 0, 0, 0]),
      activation: 'relu',
    },
    {
      inFeatures: 4,
      outFeatures: 2,
      weight: f([1, 0, 1, 0, 0, 1, 0, 1]),
      bias: f([0, 0]),
      activation: 'identity',
    },
  ],
};

const box = { lower: [-1, -1], upper: [1, 1] };
const grid = f(
  Array.from({ length: 21 * 21 }, (_, k) => [
    -1 + Math.floor(k / 21) / 10,
    -1 + (k % 21) / 10,
  ]).flat(),
);
const ranges = calibrateRanges(planted, grid, { kind: 'minmax' });
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
