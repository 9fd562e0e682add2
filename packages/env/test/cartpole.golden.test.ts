// CartPoleEnv, CartPoleVectorEnv and rollout against Gymnasium 1.4.0's own trajectories
// (fixtures/cartpole-v1-golden.json): every float64 state and float32 observation bit for bit.

import { describe, expect, test } from 'vitest';
import { CARTPOLE_CONSTANTS } from '../src/cartpole-dynamics.js';
import { CartPoleEnv } from '../src/cartpole.js';
import { CartPoleVectorEnv } from '../src/cartpole-vector.js';
import { CARTPOLE_OBSERVATION_SPACE } from '../src/operating-box.js';
import { rollout } from '../src/rollout.js';
import { f32Bits, f64Hex } from './support/float-bits.js';
import type { GoldenEpisode, GoldenPolicyName } from './support/golden.js';
import { GOLDEN, GOLDEN_EPISODES, GOLDEN_RESETS, goldenAction } from './support/golden.js';

const hex = (values: ArrayLike<number>): string[] => Array.from(values, f64Hex);
const bits = (values: ArrayLike<number>): string[] => Array.from(values, f32Bits);
const cases = GOLDEN_EPISODES.map((e) => [e.seed, e.policy, e] as const);

function cause(state: Float64Array): 'x' | 'theta' | 'none' {
  const x = state[0] as number;
  const theta = state[2] as number;
  const thr = CARTPOLE_CONSTANTS.thetaThresholdRadians;
  if (x < -2.4 || x > 2.4) return 'x';
  if (theta < -thr || theta > thr) return 'theta';
  return 'none';
}

describe('constants', () => {
  test('match Gymnasium’s float64 values', () => {
    const c = GOLDEN.constants;
    expect(f64Hex(CARTPOLE_CONSTANTS.totalMass)).toBe(c.total_mass_hex);
    expect(f64Hex(CARTPOLE_CONSTANTS.poleMassLength)).toBe(c.polemass_length_hex);
    expect(f64Hex(CARTPOLE_CONSTANTS.thetaThresholdRadians)).toBe(c.theta_threshold_radians_hex);
    expect(CARTPOLE_CONSTANTS.gravity).toBe(c.gravity);
    expect(CARTPOLE_CONSTANTS.massCart).toBe(c.masscart);
    expect(CARTPOLE_CONSTANTS.massPole).toBe(c.masspole);
    expect(CARTPOLE_CONSTANTS.length).toBe(c.length_half_pole);
    expect(CARTPOLE_CONSTANTS.forceMag).toBe(c.force_mag);
    expect(CARTPOLE_CONSTANTS.tau).toBe(c.tau);
    expect(CARTPOLE_CONSTANTS.xThreshold).toBe(c.x_threshold);
    expect(CARTPOLE_CONSTANTS.maxEpisodeSteps).toBe(c.max_episode_steps);
  });

  test('the declared observation space is Gymnasium’s float32 high, low = -high', () => {
    const high = GOLDEN.constants.observation_space_high_f32.map(Number);
    expect(CARTPOLE_OBSERVATION_SPACE.upper).toEqual(high);
    expect(CARTPOLE_OBSERVATION_SPACE.lower).toEqual(high.map((h) => -h));
    expect(CARTPOLE_OBSERVATION_SPACE.upper.map((h) => Math.fround(h))).toEqual(high);
  });
});

describe('reset({ seed })', () => {
  test.each(Object.entries(GOLDEN_RESETS))(
    'seed %s gives Gymnasium’s state and observation',
    (seed, golden) => {
      const env = new CartPoleEnv();
      const { observation, info } = env.reset({ seed: Number(seed) });
      expect(hex(env.state)).toEqual(golden.state_f64_hex);
      expect(bits(observation)).toEqual(golden.obs_f32_bits);
      expect(info).toEqual({});
    },
  );
});

describe('CartPoleEnv replays every golden episode', () => {
  test.each(cases)('seed %i, policy %s', (seed, policy, episode) => {
    const env = new CartPoleEnv();
    let { observation } = env.reset({ seed });
    expect(hex(env.state)).toEqual(episode.reset.state_f64_hex);
    expect(bits(observation)).toEqual(episode.reset.obs_f32_bits);
    let total = 0;
    for (const golden of episode.steps) {
      const action = goldenAction(policy, seed, golden.t, observation);
      expect(action, `action at t=${golden.t}`).toBe(golden.action);
      const result = env.step(action);
      observation = result.observation;
      total += result.reward;
      expect(hex(env.state), `state at t=${golden.t}`).toEqual(golden.state_f64_hex);
      expect(bits(observation), `observation at t=${golden.t}`).toEqual(golden.obs_f32_bits);
      expect(result.reward).toBe(golden.reward);
      expect(result.terminated, `terminated at t=${golden.t}`).toBe(golden.terminated);
      expect(result.truncated, `truncated at t=${golden.t}`).toBe(golden.truncated);
    }
    expect(env.elapsedSteps).toBe(episode.length);
    expect(total).toBe(episode.return);
    expect(env.terminated).toBe(episode.final_terminated);
    expect(env.truncated).toBe(episode.final_truncated);
    expect(cause(env.state)).toBe(episode.termination_cause);
  });

  test('every golden step was one where numpy and libm agreed, as the harness recorded', () => {
    expect(GOLDEN_EPISODES.every((e) => e.libm_harness_bitexact)).toBe(true);
  });
});

describe('rollout replays every golden episode', () => {
  test.each(cases)('seed %i, policy %s', (seed, policy, episode) => {
    let t = 0;
    const trajectory = rollout(new CartPoleEnv(), (o) => goldenAction(policy, seed, t++, o), {
      seed,
    });
    expect(trajectory.length).toBe(episode.length);
    expect(trajectory.return).toBe(episode.return);
    expect(trajectory.terminated).toBe(episode.final_terminated);
    expect(trajectory.truncated).toBe(episode.final_truncated);
    expect(Array.from(trajectory.actions)).toEqual(episode.steps.map((s) => s.action));
    expect(Array.from(trajectory.rewards)).toEqual(episode.steps.map((s) => s.reward));
    const expected = [episode.reset.obs_f32_bits, ...episode.steps.map((s) => s.obs_f32_bits)];
    expect(bits(trajectory.observations)).toEqual(expected.flat());
  });
});

describe('CartPoleVectorEnv replays the golden episodes of seeds 0 and 1 side by side', () => {
  const policies: GoldenPolicyName[] = ['periodic', 'feedback', 'drift_pos', 'drift_neg'];
  test.each(policies)('policy %s', (policy) => {
    const episodes = [0, 1].map(
      (seed) =>
        GOLDEN_EPISODES.find((e) => e.seed === seed && e.policy === policy) as GoldenEpisode,
    );
    const env = new CartPoleVectorEnv({ numEnvs: 2 });
    let batch = env.reset({ seed: 0 });
    const longest = Math.max(...episodes.map((e) => e.length));
    for (let t = 0; t < longest; t++) {
      const actions = episodes.map((e, i) =>
        goldenAction(policy, e.seed, t, batch.observations.subarray(4 * i, 4 * i + 4)),
      );
      batch = env.step(actions);
      const states = env.states;
      episodes.forEach((episode, i) => {
        const golden = episode.steps[t];
        if (golden === undefined) return; // this sub-environment's episode is over
        expect(hex(states.subarray(4 * i, 4 * i + 4)), `env ${i}, t=${t}`).toEqual(
          golden.state_f64_hex,
        );
        expect(bits(batch.observations.subarray(4 * i, 4 * i + 4))).toEqual(golden.obs_f32_bits);
        expect(batch.rewards[i]).toBe(golden.reward);
        expect(batch.terminated[i] === 1).toBe(golden.terminated);
        expect(batch.truncated[i] === 1).toBe(golden.truncated);
      });
    }
  });
});
