// One episode of a policy in an environment, recorded.

import type { Env } from './env.js';
import { InvalidOptionError } from './errors.js';
import type { Policy } from './policy.js';
import { policyAct } from './policy.js';

/** Options of rollout. */
export interface RolloutOptions {
  /** Seed of the reset; omitted: the environment continues its generator. */
  readonly seed?: number;
  /** Stop after this many steps even if the episode goes on; default: no limit. */
  readonly maxSteps?: number;
}

/** A recorded episode. */
export interface Trajectory {
  /** Length of each observation. */
  readonly observationSize: number;
  /**
   * (length + 1) x observationSize observations, row-major: the reset observation, then the
   * observation after each step (the last one is the final observation).
   */
  readonly observations: Float32Array;
  /** The action taken at each step. */
  readonly actions: Int32Array;
  /** The reward of each step. */
  readonly rewards: Float64Array;
  /** Sum of the rewards, accumulated left to right in float64. */
  readonly return: number;
  /** Number of steps taken. */
  readonly length: number;
  /** Whether the last step terminated the episode. */
  readonly terminated: boolean;
  /** Whether the last step truncated the episode; both are false when maxSteps cut it short. */
  readonly truncated: boolean;
}

/** Resets the environment, then steps it with the policy until it terminates or is truncated. */
export function rollout(env: Env, policy: Policy, options: RolloutOptions = {}): Trajectory {
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  if (!(
    maxSteps === Number.POSITIVE_INFINITY ||
    (Number.isSafeInteger(maxSteps) && maxSteps >= 0)
  )) {
    throw new InvalidOptionError(
      'rollout',
      'maxSteps',
      maxSteps,
      'a non-negative integer or Infinity',
    );
  }
  const size = env.observationSize;
  const observations: Float32Array[] = [];
  const actions: number[] = [];
  const rewards: number[] = [];
  let observation = env.reset(options.seed === undefined ? {} : { seed: options.seed }).observation;
  observations.push(observation);
  let total = 0;
  let terminated = false;
  let truncated = false;
  while (actions.length < maxSteps && !terminated && !truncated) {
    const action = policyAct(policy, observation);
    const result = env.step(action);
    actions.push(action);
    rewards.push(result.reward);
    total += result.reward;
    observation = result.observation;
    observations.push(observation);
    terminated = result.terminated;
    truncated = result.truncated;
  }
  const packed = new Float32Array(observations.length * size);
  observations.forEach((o, i) => packed.set(o.subarray(0, size), i * size));
  return {
    observationSize: size,
    observations: packed,
    actions: Int32Array.from(actions),
    rewards: Float64Array.from(rewards),
    return: total,
    length: actions.length,
    terminated,
    truncated,
  };
}
