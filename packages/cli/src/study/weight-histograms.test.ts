import { createMlp, createSeededRng } from '@quantproof/nn';
import { quantizeStatic } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { boxSamples } from './box-samples.js';
import { weightHistograms } from './weight-histograms.js';

describe('weightHistograms', () => {
  it('compares a first layer folded by per-feature input scales with the FP32 weights it stands for', () => {
    const mlp = createMlp({ sizes: [4, 64, 64, 2], rng: createSeededRng(3) });
    const scheme = {
      format: 'qoperator',
      activationType: 'uint8',
      perChannel: true,
      logits: 'float',
    } as const;
    const states = boxSamples(2000, 4);
    const perTensor = quantizeStatic(mlp, states, scheme).model;
    const perFeature = quantizeStatic(mlp, states, { ...scheme, inputScale: 'per-feature' }).model;
    expect(perFeature.inputScales![2]! * 10).toBeLessThan(perFeature.inputScales![1]!);
    const [a, b] = weightHistograms(mlp, [
      { name: 'per-tensor', model: perTensor },
      { name: 'per-feature', model: perFeature },
    ]);
    // Unfolded, each int8 weight lies within half a (folded) step of its FP32 weight: the counts
    // differ only where a weight crosses a bin edge, as with one input scale.
    const moved = (h: { fp32: readonly number[]; int8: readonly number[] }): number =>
      h.fp32.reduce((s, c, k) => s + Math.abs(c - h.int8[k]!), 0);
    const first = b!.layers[0]!;
    expect(first.int8.reduce((s, c) => s + c, 0)).toBe(256);
    expect(moved(first)).toBeLessThanOrEqual(2 * moved(a!.layers[0]!) + 16);
    expect(b!.layers[1]).toEqual(a!.layers[1]);
  });
});
