import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { boxFromOperatingBox, createBox, float32Down, float32Up } from '@quantproof/interval';
import { createMlp, createSeededRng } from '@quantproof/nn';
import { calibrateRanges } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { boxSamples } from './box-samples.js';
import { calibrationStates, regionBoundRanges } from './calibration.js';
import { visitedStates } from './visited-states.js';

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

describe('calibrationStates', () => {
  const policy = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(5) });
  const region = createBox([-1, -0.5, -0.1, -2], [1, 0.5, 0.1, 2.4]);
  const rows = (states: Float32Array, d: number): Float32Array[] =>
    Array.from({ length: states.length / d }, (_, k) => states.subarray(k * d, (k + 1) * d));

  it('is the visited states alone when calibrating on them', () => {
    const visited = visitedStates(policy, 2);
    expect(calibrationStates(policy, 2, 'visited', 0, { region })).toEqual(visited);
  });

  it('adds uniform samples of the region and its corners, inside it, as float32 values', () => {
    const visited = visitedStates(policy, 2);
    const states = calibrationStates(policy, 2, 'region', 3, { region, samples: 500 });
    expect(states.length).toBe(visited.length + (500 + 2) * 4);
    expect(states.subarray(0, visited.length)).toEqual(visited);
    const added = rows(states.subarray(visited.length), 4);
    for (const x of added) {
      x.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(region.lower[i]!);
        expect(v).toBeLessThanOrEqual(region.upper[i]!);
      });
    }
    // The corners: the region's bounds rounded inward to float32 (2.4 is not a float32 value).
    expect(Array.from(added.at(-2)!)).toEqual([-1, -0.5, float32Up(-0.1), -2]);
    expect(Array.from(added.at(-1)!)).toEqual([1, 0.5, float32Down(0.1), float32Down(2.4)]);
    expect(float32Down(2.4)).toBeLessThan(2.4);
    // The samples fill the region: each input's spread reaches most of its side.
    for (let i = 0; i < 4; i++) {
      const values = added.slice(0, -2).map((x) => x[i]!);
      const width = region.upper[i]! - region.lower[i]!;
      expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.95 * width);
    }
  });

  it('defaults to the operating box, and samples only the region for a network that is no CartPole policy', () => {
    const operating = boxFromOperatingBox(CARTPOLE_OPERATING_BOX);
    const visited = visitedStates(policy, 1);
    const states = calibrationStates(policy, 1, 'region', 0, { samples: 100 });
    for (const x of rows(states.subarray(visited.length), 4)) {
      x.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(operating.lower[i]!);
        expect(v).toBeLessThanOrEqual(operating.upper[i]!);
      });
    }
    const other = createMlp({ sizes: [2, 4, 3], rng: createSeededRng(6) });
    const square = createBox([-1, -1], [1, 1]);
    // No episodes: the region's samples whatever the states asked for.
    for (const on of ['visited', 'region'] as const) {
      expect(calibrationStates(other, 5, on, 0, { region: square, samples: 50 }).length).toBe(
        (50 + 2) * 2,
      );
    }
  });
});
