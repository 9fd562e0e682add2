// N CartPole-v1 environments stepped in one loop over shared typed arrays: the fast path for
// training. Equal, env by env, to Gymnasium 1.4.0's
// `gymnasium.make_vec('CartPole-v1', num_envs=N, vectorization_mode='sync')` with its default
// next-step autoreset.

import { stepCartPoleState } from './cartpole-dynamics.js';
import type { CartPoleOptions, CartPoleResetBounds } from './cartpole-options.js';
import {
  RESET_HIGH,
  RESET_LOW,
  rejectAction,
  resolveCartPoleOptions,
  resolveResetBounds,
} from './cartpole-options.js';
import {
  ActionBatchSizeError,
  InvalidOptionError,
  InvalidSeedError,
  StepBeforeResetError,
  UnseededResetError,
} from './errors.js';
import type { VectorBatch, VectorEnv, VectorResetOptions } from './env.js';
import { NpRandom } from './np-random.js';
import { isValidSeed } from './seed-sequence.js';

/** Options of CartPoleVectorEnv. */
export interface CartPoleVectorOptions extends CartPoleOptions {
  /** Number of sub-environments, at least 1. */
  readonly numEnvs: number;
}

/** Options of CartPoleVectorEnv.reset. */
export interface CartPoleVectorResetOptions extends VectorResetOptions {
  /** Reset bounds for this reset (autoresets always use the defaults, as Gymnasium). */
  readonly options?: CartPoleResetBounds;
}

/**
 * The batch a vector step or reset returns: observations numEnvs x 4 (sub-environment i at
 * 4i..4i+3), rewards 1 (0 for a sub-environment that was autoreset), terminated and truncated as
 * 0/1. Its arrays are the environment's own buffers, reused by every call: read or copy them
 * before the next step() or reset().
 */
export type CartPoleVectorBatch = VectorBatch;

/**
 * numEnvs CartPole-v1 environments with next-step autoreset: a sub-environment that terminated or
 * was truncated at step t reports its final observation at t; at step t + 1 its action is ignored,
 * it is reset (continuing its own generator, default bounds) and reports the reset observation with
 * reward 0 and both flags 0. Sub-environment i is exactly a CartPoleEnv seeded with seed + i.
 */
export class CartPoleVectorEnv implements VectorEnv {
  /** Number of sub-environments. */
  readonly numEnvs: number;
  /** Observations are [x, x_dot, theta, theta_dot]. */
  readonly observationSize: number = 4;
  /** Actions: 0 pushes the cart left, 1 pushes it right. */
  readonly actionCount: number = 2;
  /** The TimeLimit. */
  readonly maxEpisodeSteps: number;
  private readonly semiImplicit: boolean;
  private readonly current: Float64Array;
  private readonly elapsed: Int32Array;
  private readonly needsReset: Uint8Array;
  private readonly rngs: (NpRandom | undefined)[];
  private readonly batch: CartPoleVectorBatch;
  private started = false;

  /** numEnvs CartPole environments; call reset({ seed }) before the first step. */
  constructor(options: CartPoleVectorOptions) {
    const { numEnvs } = options;
    if (!Number.isSafeInteger(numEnvs) || numEnvs < 1) {
      throw new InvalidOptionError('CartPoleVectorEnv', 'numEnvs', numEnvs, 'a positive integer');
    }
    const resolved = resolveCartPoleOptions(options, 'CartPoleVectorEnv');
    this.numEnvs = numEnvs;
    this.semiImplicit = resolved.semiImplicit;
    this.maxEpisodeSteps = resolved.maxEpisodeSteps;
    this.current = new Float64Array(4 * numEnvs);
    this.elapsed = new Int32Array(numEnvs);
    this.needsReset = new Uint8Array(numEnvs);
    this.rngs = new Array<NpRandom | undefined>(numEnvs).fill(undefined);
    this.batch = {
      observations: new Float32Array(4 * numEnvs),
      rewards: new Float64Array(numEnvs),
      terminated: new Uint8Array(numEnvs),
      truncated: new Uint8Array(numEnvs),
    };
  }

  /** Resets every sub-environment; rewards and flags of the returned batch are 0. */
  reset(options: CartPoleVectorResetOptions = {}): CartPoleVectorBatch {
    const seeds = this.resolveSeeds(options.seed);
    const [low, high] = resolveResetBounds(options.options);
    if (seeds === undefined && this.rngs.some((rng) => rng === undefined)) {
      throw new UnseededResetError('CartPoleVectorEnv.reset');
    }
    for (let i = 0; i < this.numEnvs; i++) {
      const seed = seeds?.[i];
      if (seed !== undefined) this.rngs[i] = NpRandom.fromSeed(seed);
      this.resetOne(i, low, high);
    }
    this.batch.rewards.fill(0);
    this.batch.terminated.fill(0);
    this.batch.truncated.fill(0);
    this.needsReset.fill(0);
    this.started = true;
    return this.batch;
  }

  /** Steps every sub-environment with its action (0 or 1); returns the reused batch buffers. */
  step(actions: ArrayLike<number>): CartPoleVectorBatch {
    if (!this.started) throw new StepBeforeResetError('CartPoleVectorEnv.step');
    const n = this.numEnvs;
    if (actions.length !== n) throw new ActionBatchSizeError(actions.length, n);
    for (let i = 0; i < n; i++) {
      const action = actions[i];
      if (action !== 0 && action !== 1) rejectAction(action, `CartPoleVectorEnv.step[${i}]`);
    }
    const state = this.current;
    const { observations, rewards, terminated, truncated } = this.batch;
    const needsReset = this.needsReset;
    const elapsed = this.elapsed;
    const maxSteps = this.maxEpisodeSteps;
    const semiImplicit = this.semiImplicit;
    for (let i = 0; i < n; i++) {
      const o = 4 * i;
      if (needsReset[i] === 1) {
        this.resetOne(i, RESET_LOW, RESET_HIGH);
        rewards[i] = 0;
        terminated[i] = 0;
        truncated[i] = 0;
        needsReset[i] = 0;
        continue;
      }
      const done = stepCartPoleState(state, o, actions[i] as number, semiImplicit);
      const steps = (elapsed[i] as number) + 1;
      elapsed[i] = steps;
      const timeUp = steps >= maxSteps;
      observations[o] = state[o] as number;
      observations[o + 1] = state[o + 1] as number;
      observations[o + 2] = state[o + 2] as number;
      observations[o + 3] = state[o + 3] as number;
      rewards[i] = 1;
      terminated[i] = done ? 1 : 0;
      truncated[i] = timeUp ? 1 : 0;
      needsReset[i] = done || timeUp ? 1 : 0;
    }
    return this.batch;
  }

  /** A copy of the float64 states, numEnvs x 4 row-major. */
  get states(): Float64Array {
    return new Float64Array(this.current);
  }

  private resetOne(i: number, low: number, high: number): void {
    const rng = this.rngs[i] as NpRandom;
    const o = 4 * i;
    for (let j = 0; j < 4; j++) {
      const value = rng.uniform(low, high);
      this.current[o + j] = value;
      this.batch.observations[o + j] = value;
    }
    this.elapsed[i] = 0;
  }

  private resolveSeeds(
    seed: number | readonly number[] | undefined,
  ): readonly number[] | undefined {
    if (seed === undefined) return undefined;
    const where = 'CartPoleVectorEnv.reset';
    if (typeof seed === 'number') {
      if (!isValidSeed(seed) || !isValidSeed(seed + this.numEnvs - 1)) {
        throw new InvalidSeedError(seed, where);
      }
      return Array.from({ length: this.numEnvs }, (_, i) => seed + i);
    }
    if (!Array.isArray(seed)) throw new InvalidSeedError(seed, where);
    if (seed.length !== this.numEnvs) {
      throw new InvalidOptionError(where, 'seed.length', seed.length, `${this.numEnvs} (numEnvs)`);
    }
    for (const s of seed) if (!isValidSeed(s)) throw new InvalidSeedError(s, where);
    return seed;
  }
}
