import { describe, expect, it } from 'vitest';
import { evaluate, RlOptionsError, trainReinforce } from '../src/index.js';

describe('trainReinforce', () => {
  it('solves CartPole-v1 with the defaults (greedy mean ≥ 475 over 100 seeded episodes)', () => {
    const result = trainReinforce({ seed: 0 });
    expect(result.stopReason).toBe('target-reached');
    expect(evaluate(result.policy).mean).toBeGreaterThanOrEqual(475);
  }, 300_000);

  it('is seeded end to end', () => {
    const a = trainReinforce({ seed: 4, maxEpisodes: 40, targetReturn: null });
    const b = trainReinforce({ seed: 4, maxEpisodes: 40, targetReturn: null });
    expect(a.history).toEqual(b.history);
    expect(Array.from(a.policy.layers[0]!.weight)).toEqual(Array.from(b.policy.layers[0]!.weight));
  });

  it('rejects bad options', () => {
    expect(() => trainReinforce({ episodesPerUpdate: 0 })).toThrow(RlOptionsError);
    expect(() => trainReinforce({ gamma: -1 })).toThrow(/gamma/);
  });
});
