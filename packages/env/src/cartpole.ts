// CartPole-v1 as gymnasium.make('CartPole-v1') builds it: the environment, its TimeLimit of 500
// steps and its order enforcement, seeded like Gymnasium.

import { stepCartPoleState } from './cartpole-dynamics.js';
import type { CartPoleOptions, CartPoleResetOptions } from './cartpole-options.js';
import { rejectAction, resolveCartPoleOptions, resolveResetBounds } from './cartpole-options.js';
import type { Env, Info, ResetResult, StepResult } from './env.js';
import {
  EpisodeOverError,
  InvalidOptionError,
  InvalidSeedError,
  StepBeforeResetError,
  UnseededResetError,
} from './errors.js';
import { NpRandom } from './np-random.js';
import { isValidSeed } from './seed-sequence.js';

const EMPTY_INFO: Info = Object.freeze({});

/**
 * CartPole-v1, bit for bit Gymnasium 1.4.0's `gymnasium.make('CartPole-v1')`: float64 state,
 * float32 observations, reward 1 per step, termination on the new state, truncation at 500 steps.
 */
export class CartPoleEnv implements Env {
  /** Observations are [x, x_dot, theta, theta_dot]. */
  readonly observationSize: number = 4;
  /** Actions: 0 pushes the cart left, 1 pushes it right. */
  readonly actionCount: number = 2;
  /** The TimeLimit. */
  readonly maxEpisodeSteps: number;
  private readonly semiImplicit: boolean;
  private readonly current = new Float64Array(4);
  private rng: NpRandom | undefined;
  private started = false;
  private lastTerminated = false;
  private lastTruncated = false;
  private steps = 0;

  /** A CartPole environment; call reset({ seed }) before the first step. */
  constructor(options: CartPoleOptions = {}) {
    const resolved = resolveCartPoleOptions(options, 'CartPoleEnv');
    this.semiImplicit = resolved.semiImplicit;
    this.maxEpisodeSteps = resolved.maxEpisodeSteps;
  }

  /**
   * Starts an episode: with a seed, re-creates the generator as Gymnasium does; without one,
   * continues it (the first reset must have a seed). The state is drawn from uniform(low, high).
   */
  reset(options: CartPoleResetOptions = {}): ResetResult {
    const { seed } = options;
    if (seed !== undefined && !isValidSeed(seed))
      throw new InvalidSeedError(seed, 'CartPoleEnv.reset');
    const [low, high] = resolveResetBounds(options.options);
    if (seed !== undefined) this.rng = NpRandom.fromSeed(seed);
    const rng = this.rng;
    if (rng === undefined) throw new UnseededResetError('CartPoleEnv.reset');
    for (let i = 0; i < 4; i++) this.current[i] = rng.uniform(low, high);
    this.started = true;
    this.lastTerminated = false;
    this.lastTruncated = false;
    this.steps = 0;
    return { observation: new Float32Array(this.current), info: EMPTY_INFO };
  }

  /** Applies the action; returns a fresh observation array and the step's outcome. */
  step(action: number): StepResult {
    this.advance(action);
    return {
      observation: new Float32Array(this.current),
      reward: 1.0,
      terminated: this.lastTerminated,
      truncated: this.lastTruncated,
      info: EMPTY_INFO,
    };
  }

  /**
   * The allocation-free step for hot loops: writes the float32 observation into `observation`
   * (length >= 4) and returns whether the episode is over; the reward is 1, and the `terminated`
   * and `truncated` getters say how it ended.
   */
  stepInto(action: number, observation: Float32Array): boolean {
    if (observation.length < 4) {
      throw new InvalidOptionError(
        'CartPoleEnv.stepInto',
        'observation.length',
        observation.length,
        'at least 4',
      );
    }
    const over = this.advance(action);
    const state = this.current;
    observation[0] = state[0] as number;
    observation[1] = state[1] as number;
    observation[2] = state[2] as number;
    observation[3] = state[3] as number;
    return over;
  }

  /** Whether the last step terminated the episode. */
  get terminated(): boolean {
    return this.lastTerminated;
  }

  /** Whether the last step truncated the episode (TimeLimit). */
  get truncated(): boolean {
    return this.lastTruncated;
  }

  /** Steps taken since the last reset. */
  get elapsedSteps(): number {
    return this.steps;
  }

  /** A copy of the float64 state [x, x_dot, theta, theta_dot]. */
  get state(): Float64Array {
    return new Float64Array(this.current);
  }

  private advance(action: number): boolean {
    if (action !== 0 && action !== 1) rejectAction(action, 'CartPoleEnv.step');
    if (!this.started) throw new StepBeforeResetError('CartPoleEnv.step');
    if (this.lastTerminated) throw new EpisodeOverError('CartPoleEnv.step', 'terminated');
    if (this.lastTruncated) throw new EpisodeOverError('CartPoleEnv.step', 'truncated');
    const terminated = stepCartPoleState(this.current, 0, action, this.semiImplicit);
    this.steps += 1;
    this.lastTerminated = terminated;
    this.lastTruncated = this.steps >= this.maxEpisodeSteps;
    return terminated || this.lastTruncated;
  }
}
