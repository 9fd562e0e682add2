import { describe, expect, it } from 'vitest';
import { computeGae } from './gae.js';

// The definition: A_t = Σ_l (γλ)^l δ_{t+l}, summed until the episode ends, with
// δ_t = r_t + γ V(s_{t+1}) (0 after a done) − V(s_t).
function referenceGae(
  rewards: number[],
  values: number[],
  dones: number[],
  last: number,
  gamma: number,
  lambda: number,
): number[] {
  const n = rewards.length;
  const next = (t: number): number => (t + 1 < n ? values[t + 1]! : last);
  const delta = (t: number): number => rewards[t]! + (dones[t] ? 0 : gamma * next(t)) - values[t]!;
  return rewards.map((_, t) => {
    let sum = 0;
    let weight = 1;
    for (let u = t; u < n; u++) {
      sum += weight * delta(u);
      if (dones[u]) break;
      weight *= gamma * lambda;
    }
    return sum;
  });
}

describe('computeGae', () => {
  it('matches the definition on two interleaved envs with episode ends', () => {
    const steps = 5;
    const env0 = {
      r: [1, 1, 1, 1, 1],
      v: [0.5, 0.4, 0.3, 0.2, 0.1],
      d: [0, 1, 0, 0, 0],
      last: 0.7,
    };
    const env1 = { r: [1, 2, 0, 1, 3], v: [1, 0, -1, 2, 0.5], d: [0, 0, 0, 1, 1], last: -0.2 };
    const rewards = new Float64Array(steps * 2);
    const values = new Float64Array(steps * 2);
    const dones = new Uint8Array(steps * 2);
    for (let t = 0; t < steps; t++) {
      for (const [e, env] of [env0, env1].entries()) {
        rewards[t * 2 + e] = env.r[t]!;
        values[t * 2 + e] = env.v[t]!;
        dones[t * 2 + e] = env.d[t]!;
      }
    }
    const advantages = new Float64Array(steps * 2);
    const returns = new Float64Array(steps * 2);
    computeGae(
      {
        numSteps: steps,
        numEnvs: 2,
        rewards,
        values,
        dones,
        lastValues: Float64Array.of(env0.last, env1.last),
        gamma: 0.98,
        lambda: 0.8,
      },
      advantages,
      returns,
    );
    for (const [e, env] of [env0, env1].entries()) {
      const expected = referenceGae(env.r, env.v, env.d, env.last, 0.98, 0.8);
      for (let t = 0; t < steps; t++) {
        expect(advantages[t * 2 + e]).toBeCloseTo(expected[t]!, 12);
        expect(returns[t * 2 + e]).toBeCloseTo(expected[t]! + env.v[t]!, 12);
      }
    }
  });
});
