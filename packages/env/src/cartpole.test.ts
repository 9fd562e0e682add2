import { describe, expect, test } from 'vitest';
import { CartPoleEnv } from './cartpole.js';
import {
  ActionOutOfRangeError,
  EnvError,
  EpisodeOverError,
  InvalidActionError,
  InvalidOptionError,
  InvalidResetBoundsError,
  InvalidSeedError,
  NonIntegerActionError,
  StepBeforeResetError,
  UnseededResetError,
} from './errors.js';

function seeded(): CartPoleEnv {
  const env = new CartPoleEnv();
  env.reset({ seed: 0 });
  return env;
}

describe('CartPoleEnv errors', () => {
  test('step before reset throws StepBeforeResetError', () => {
    const env = new CartPoleEnv();
    expect(() => env.step(0)).toThrow(StepBeforeResetError);
    expect(() => env.stepInto(0, new Float32Array(4))).toThrow(StepBeforeResetError);
  });

  test('step after termination throws EpisodeOverError until reset', () => {
    const env = seeded();
    let done = false;
    while (!done) done = env.step(1).terminated;
    expect(() => env.step(1)).toThrow(EpisodeOverError);
    expect(() => env.step(1)).toThrow(/terminated/);
    env.reset();
    expect(() => env.step(1)).not.toThrow();
  });

  test('step after truncation throws EpisodeOverError', () => {
    const env = new CartPoleEnv({ maxEpisodeSteps: 3 });
    env.reset({ seed: 1 });
    env.step(0);
    env.step(1);
    const last = env.step(0);
    expect(last.truncated).toBe(true);
    expect(last.terminated).toBe(false);
    expect(() => env.step(1)).toThrow(/truncated/);
  });

  test.each([2, -1, 3, 1e9])('integer action %s throws ActionOutOfRangeError', (action) => {
    expect(() => seeded().step(action)).toThrow(ActionOutOfRangeError);
  });

  test.each([0.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null, undefined, true])(
    'non-integer action %s throws NonIntegerActionError',
    (action) => {
      expect(() => seeded().step(action as number)).toThrow(NonIntegerActionError);
    },
  );

  test('a rejected action leaves the environment unchanged', () => {
    const env = seeded();
    const before = env.state;
    expect(() => env.step(2)).toThrow(InvalidActionError);
    expect(env.state).toEqual(before);
    expect(env.elapsedSteps).toBe(0);
  });

  test.each([-1, 1.5, Number.NaN, 2 ** 53, '7', 7n])('seed %s throws InvalidSeedError', (seed) => {
    expect(() => new CartPoleEnv().reset({ seed: seed as number })).toThrow(InvalidSeedError);
  });

  test('the first reset without a seed throws UnseededResetError', () => {
    expect(() => new CartPoleEnv().reset()).toThrow(UnseededResetError);
  });

  test.each([
    [0.1, -0.1],
    [Number.NaN, 0.05],
    [-0.05, Number.POSITIVE_INFINITY],
  ])('reset bounds low=%s, high=%s throw InvalidResetBoundsError', (low, high) => {
    expect(() => new CartPoleEnv().reset({ seed: 0, options: { low, high } })).toThrow(
      InvalidResetBoundsError,
    );
  });

  test('invalid constructor options throw InvalidOptionError', () => {
    expect(() => new CartPoleEnv({ maxEpisodeSteps: 0 })).toThrow(InvalidOptionError);
    expect(() => new CartPoleEnv({ maxEpisodeSteps: 2.5 })).toThrow(InvalidOptionError);
    expect(() => new CartPoleEnv({ integrator: 'rk4' as unknown as 'euler' })).toThrow(
      InvalidOptionError,
    );
    expect(() => seeded().stepInto(0, new Float32Array(3))).toThrow(InvalidOptionError);
  });

  test('every error is an EnvError with a message that says what to do', () => {
    const errors: unknown[] = [];
    for (const attempt of [
      () => new CartPoleEnv().step(0),
      () => new CartPoleEnv().reset(),
      () => seeded().step(7),
      () => seeded().step(0.5),
      () => new CartPoleEnv().reset({ seed: -3 }),
    ]) {
      try {
        attempt();
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(5);
    for (const error of errors) {
      expect(error).toBeInstanceOf(EnvError);
      expect((error as Error).message).toMatch(/CartPoleEnv\.(step|reset)/);
    }
  });
});

describe('CartPoleEnv behaviour', () => {
  test('Gymnasium’s documented reset(seed=123, options={low: 0, high: 1}) observation', () => {
    // gymnasium/envs/classic_control/cartpole.py docstring:
    // array([0.6823519 , 0.05382102, 0.22035988, 0.18437181], dtype=float32)
    const { observation } = new CartPoleEnv().reset({ seed: 123, options: { low: 0, high: 1 } });
    expect(Array.from(observation)).toEqual(
      [0.6823519, 0.05382102, 0.22035988, 0.18437181].map((v) => Math.fround(v)),
    );
  });

  test('reset without a seed continues the generator of the last seeded reset', () => {
    const env = new CartPoleEnv();
    env.reset({ seed: 5 });
    const second = env.reset().observation;
    const reference = new CartPoleEnv();
    reference.reset({ seed: 5 });
    expect(reference.reset().observation).toEqual(second);
    expect(new CartPoleEnv().reset({ seed: 5 }).observation).not.toEqual(second);
  });

  test('step returns a fresh observation and state returns a copy', () => {
    const env = seeded();
    const first = env.step(1).observation;
    const copy = Float32Array.from(first);
    env.step(1);
    expect(first).toEqual(copy);
    const state = env.state;
    state[0] = 99;
    expect(env.state[0]).not.toBe(99);
  });

  test('stepInto writes the same observation step returns', () => {
    const a = seeded();
    const b = seeded();
    const buffer = new Float32Array(4);
    for (let t = 0; t < 8; t++) {
      const over = a.stepInto(t % 2, buffer);
      const result = b.step(t % 2);
      expect(buffer).toEqual(result.observation);
      expect(over).toBe(result.terminated || result.truncated);
      expect(a.terminated).toBe(result.terminated);
      expect(a.truncated).toBe(result.truncated);
    }
  });

  test('the semi-implicit integrator gives a different trajectory from Euler', () => {
    const euler = new CartPoleEnv();
    const semi = new CartPoleEnv({ integrator: 'semi-implicit-euler' });
    euler.reset({ seed: 3 });
    semi.reset({ seed: 3 });
    expect(semi.step(1).observation).not.toEqual(euler.step(1).observation);
  });
});
