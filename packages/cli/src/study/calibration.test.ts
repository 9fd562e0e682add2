import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { boxFromOperatingBox } from '@quantproof/interval';
import { createMlp, createSeededRng } from '@quantproof/nn';
import { calibrateRanges } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { boxSamples } from './box-samples.js';
import { regionBoundRanges } from './calibration.js';

describe('regionBoundRanges', () => {
  it('holds every range that samples of the region reach, tensor by tensor', () => {
    for (const seed of [1, 2, 3]) {
      const mlp = createMlp({ sizes: [4, 16, 16, 2], rng: createSeededRng(seed) });
      const bounds = regionBoundRanges(mlp, boxFromOperatingBox(CARTPOLE_OPERATING_BOX));
      const sampled = calibrateRanges(mlp, boxSamples(5000, seed), { kind: 'minmax' });
      for (const [b, s] of [
        [bounds.input, sampled.input],
        ...bounds.layers.map((r, l) => [r, sampled.layers[l]!] as const),
      ] as const) {
        expect(b.min).toBeLessThanOrEqual(s.min);
        expect(b.max).toBeGreaterThanOrEqual(s.max);
      }
      expect(bounds.input).toEqual({ min: -4, max: 4 });
    }
  });
});
