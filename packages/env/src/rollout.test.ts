import { describe, expect, test } from 'vitest';
import { CartPoleEnv } from './cartpole.js';
import { InvalidOptionError } from './errors.js';
import { rollout } from './rollout.js';

describe('rollout', () => {
  test('records observations, actions and rewards of one episode', () => {
    const trajectory = rollout(new CartPoleEnv(), () => 1, { seed: 4 });
    expect(trajectory.terminated).toBe(true);
    expect(trajectory.truncated).toBe(false);
    expect(trajectory.observations).toHaveLength((trajectory.length + 1) * 4);
    expect(trajectory.actions).toEqual(new Int32Array(trajectory.length).fill(1));
    expect(trajectory.return).toBe(trajectory.length);
    const env = new CartPoleEnv();
    const reset = env.reset({ seed: 4 }).observation;
    expect(trajectory.observations.subarray(0, 4)).toEqual(reset);
  });

  test('accepts a policy object and stops at maxSteps', () => {
    const policy = { act: (o: Float32Array): number => ((o[2] as number) > 0 ? 1 : 0) };
    const trajectory = rollout(new CartPoleEnv(), policy, { seed: 0, maxSteps: 10 });
    expect(trajectory.length).toBe(10);
    expect(trajectory.terminated || trajectory.truncated).toBe(false);
  });

  test('without a seed the environment continues its generator', () => {
    const env = new CartPoleEnv();
    rollout(env, () => 0, { seed: 2 });
    const second = rollout(env, () => 0);
    const reference = new CartPoleEnv();
    reference.reset({ seed: 2 });
    while (!reference.step(0).terminated);
    expect(second.observations.subarray(0, 4)).toEqual(reference.reset().observation);
  });

  test.each([-1, 1.5, Number.NaN])('maxSteps %s throws InvalidOptionError', (maxSteps) => {
    expect(() => rollout(new CartPoleEnv(), () => 0, { seed: 0, maxSteps })).toThrow(
      InvalidOptionError,
    );
  });
});
