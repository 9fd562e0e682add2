import { describe, expect, it } from 'vitest';
import { createMlp, createSeededRng, forwardFp32 } from '@quantproof/nn';
import { DEFAULT_EVAL_SEED_BASE, evaluate, greedyPolicy, RlOptionsError } from '../src/index.js';

// Gymnasium golden episodes (packages/env/test/fixtures): under the 'drift_neg' controller,
// seed 0 terminates after 319 steps and seed 1 reaches the 500-step limit.
const driftNeg = (obs: Float32Array): number =>
  (obs[2] ?? 0) + 0.5 * (obs[3] ?? 0) + 0.02 > 0 ? 1 : 0;

describe('evaluate', () => {
  it('reproduces Gymnasium golden episode returns and summarises them as numpy does', () => {
    const result = evaluate(driftNeg, { seeds: [0, 1] });
    expect(Array.from(result.returns)).toEqual([319, 500]);
    expect(result.mean).toBe(409.5);
    expect(result.std).toBe(90.5);
    expect(result.min).toBe(319);
    expect(result.max).toBe(500);
  });

  it('defaults to 100 episodes on fixed seeds', () => {
    const result = evaluate(driftNeg);
    expect(result.seeds).toHaveLength(100);
    expect(result.seeds[0]).toBe(DEFAULT_EVAL_SEED_BASE);
    expect(evaluate(driftNeg).returns).toEqual(result.returns);
  });

  it('acts greedily on a network: argmax of the float32 logits, first index on ties', () => {
    const mlp = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(5) });
    const policy = greedyPolicy(mlp);
    const rng = createSeededRng(6);
    for (let i = 0; i < 200; i++) {
      const x = Float32Array.from({ length: 4 }, () => rng.nextFloat64() * 2 - 1);
      const logits = forwardFp32(mlp, x);
      expect(policy.act(x)).toBe(logits[1]! > logits[0]! ? 1 : 0);
    }
    const zero = createMlp({ sizes: [4, 2], rng: createSeededRng(1) });
    zero.layers[0]!.weight.fill(0);
    expect(greedyPolicy(zero).act(new Float32Array(4))).toBe(0);
  });

  it('rejects a bad episode count', () => {
    expect(() => evaluate(driftNeg, { episodes: 0 })).toThrow(RlOptionsError);
    expect(() => evaluate(driftNeg, { seeds: [] })).toThrow(/non-empty/);
  });
});
