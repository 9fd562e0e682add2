import { describe, expect, test } from 'vitest';
import { CartPoleEnv } from './cartpole.js';
import { CartPoleVectorEnv } from './cartpole-vector.js';
import {
  ActionBatchSizeError,
  ActionOutOfRangeError,
  InvalidOptionError,
  InvalidSeedError,
  NonIntegerActionError,
  StepBeforeResetError,
  UnseededResetError,
} from './errors.js';

describe('CartPoleVectorEnv errors', () => {
  test.each([0, -1, 1.5, Number.NaN])('numEnvs %s throws InvalidOptionError', (numEnvs) => {
    expect(() => new CartPoleVectorEnv({ numEnvs })).toThrow(InvalidOptionError);
  });

  test('step before reset, unseeded first reset', () => {
    const env = new CartPoleVectorEnv({ numEnvs: 2 });
    expect(() => env.step([0, 1])).toThrow(StepBeforeResetError);
    expect(() => env.reset()).toThrow(UnseededResetError);
  });

  test('a batch of the wrong size throws ActionBatchSizeError', () => {
    const env = new CartPoleVectorEnv({ numEnvs: 3 });
    env.reset({ seed: 0 });
    expect(() => env.step([0, 1])).toThrow(ActionBatchSizeError);
  });

  test('a bad action anywhere in the batch throws before any sub-environment moves', () => {
    const env = new CartPoleVectorEnv({ numEnvs: 3 });
    env.reset({ seed: 0 });
    const before = env.states;
    expect(() => env.step([0, 1, 2])).toThrow(ActionOutOfRangeError);
    expect(() => env.step([0, 0.5, 1])).toThrow(NonIntegerActionError);
    expect(() => env.step([0, 1, 2])).toThrow(/step\[2\]/);
    expect(env.states).toEqual(before);
  });

  test('invalid seeds throw InvalidSeedError or InvalidOptionError', () => {
    const env = new CartPoleVectorEnv({ numEnvs: 2 });
    expect(() => env.reset({ seed: -1 })).toThrow(InvalidSeedError);
    expect(() => env.reset({ seed: Number.MAX_SAFE_INTEGER })).toThrow(InvalidSeedError);
    expect(() => env.reset({ seed: [1, 2.5] })).toThrow(InvalidSeedError);
    expect(() => env.reset({ seed: [1] })).toThrow(InvalidOptionError);
  });
});

describe('CartPoleVectorEnv next-step autoreset', () => {
  test('the step after an episode ends resets that sub-environment with reward 0', () => {
    const env = new CartPoleVectorEnv({ numEnvs: 2, maxEpisodeSteps: 2 });
    const reference = new CartPoleEnv({ maxEpisodeSteps: 2 });
    env.reset({ seed: 10 });
    reference.reset({ seed: 10 });
    env.step([1, 0]);
    reference.step(1);
    const final = env.step([1, 0]);
    const last = reference.step(1);
    expect(final.truncated[0]).toBe(1);
    expect(final.rewards[0]).toBe(1);
    expect(final.observations.subarray(0, 4)).toEqual(last.observation);
    // Next step: the action is ignored, the sub-environment resets from its own generator.
    const after = env.step([0, 0]);
    expect(after.rewards[0]).toBe(0);
    expect(after.terminated[0]).toBe(0);
    expect(after.truncated[0]).toBe(0);
    expect(after.observations.subarray(0, 4)).toEqual(reference.reset().observation);
  });

  test('a seed s seeds sub-environment i with s + i; an array seeds each', () => {
    const byNumber = new CartPoleVectorEnv({ numEnvs: 3 }).reset({ seed: 7 }).observations.slice();
    const byArray = new CartPoleVectorEnv({ numEnvs: 3 }).reset({ seed: [7, 8, 9] }).observations;
    expect(byArray).toEqual(byNumber);
    const second = new CartPoleEnv().reset({ seed: 8 }).observation;
    expect(byNumber.subarray(4, 8)).toEqual(second);
  });

  test('the batch buffers are reused across calls', () => {
    const env = new CartPoleVectorEnv({ numEnvs: 2 });
    const first = env.reset({ seed: 0 });
    const second = env.step([0, 1]);
    expect(second).toBe(first);
    expect(second.observations).toBe(first.observations);
  });
});
