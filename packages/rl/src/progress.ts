import type { Env } from '@quantproof/env';
import type { Mlp } from '@quantproof/nn';
import { evaluate } from './evaluate.js';

// What training reports while it runs, for progress bars and training curves.

/** One point of a training run, reported after every update. */
export interface TrainingProgress {
  /** Environment steps taken so far (all envs together). */
  readonly steps: number;
  /** Episodes finished so far. */
  readonly episodes: number;
  /** Updates (rollout + optimisation phases) done so far. */
  readonly updates: number;
  /** Mean return of the last (up to) 100 finished training episodes; NaN before the first. */
  readonly meanReturn: number;
  /** Greedy evaluation mean at this update, when one ran (see `evalEvery`); otherwise null. */
  readonly evalMeanReturn: number | null;
  /** Seconds since training started, from the injected clock (0 without one). */
  readonly seconds: number;
  /** Environment steps per second so far (NaN without a clock). */
  readonly stepsPerSecond: number;
}

/** Receives progress; return `'stop'` to end training after this update. */
export type ProgressCallback = (progress: TrainingProgress) => void | 'stop';

/** A monotone clock in milliseconds (e.g. `performance.now`), injected so rl stays pure. */
export type Clock = () => number;

/** Why training ended. */
export type StopReason = 'target-reached' | 'budget-exhausted' | 'callback';

/** Tracks finished-episode returns over a sliding window of 100. */
export class ReturnWindow {
  private readonly values: Float64Array = new Float64Array(100);
  private count = 0;
  private total = 0;

  /** Records one finished episode's return. */
  push(value: number): void {
    const slot = this.count % this.values.length;
    if (this.count >= this.values.length) this.total -= this.values[slot]!;
    this.values[slot] = value;
    this.total += value;
    this.count += 1;
  }

  /** Episodes recorded so far. */
  get episodes(): number {
    return this.count;
  }

  /** Mean of the window; NaN when empty. */
  get mean(): number {
    const n = Math.min(this.count, this.values.length);
    return n === 0 ? NaN : this.total / n;
  }
}

/** What ends every training update the same way in every algorithm. */
export interface UpdateContext {
  readonly policy: Mlp;
  readonly targetReturn: number | null;
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  readonly evalSeed: number;
  readonly makeEnv: (() => Env) | undefined;
  readonly clock: Clock | undefined;
  readonly start: number;
  readonly onProgress: ProgressCallback | undefined;
  readonly history: TrainingProgress[];
}

/**
 * Ends an update: runs the greedy early-stop evaluation when one is due, records and reports the
 * progress, and says whether training stops (and why) or goes on (null).
 */
export function finishUpdate(
  context: UpdateContext,
  steps: number,
  updates: number,
  window: ReturnWindow,
): StopReason | null {
  const { targetReturn, clock } = context;
  let evalMeanReturn: number | null = null;
  if (targetReturn !== null && updates % context.evalEvery === 0) {
    evalMeanReturn = evaluate(context.policy, {
      seeds: Array.from({ length: context.evalEpisodes }, (_, i) => context.evalSeed + i),
      ...(context.makeEnv === undefined ? {} : { makeEnv: context.makeEnv }),
    }).mean;
  }
  const seconds = clock === undefined ? 0 : (clock() - context.start) / 1000;
  const progress: TrainingProgress = {
    steps,
    episodes: window.episodes,
    updates,
    meanReturn: window.mean,
    evalMeanReturn,
    seconds,
    stepsPerSecond: clock === undefined ? NaN : steps / Math.max(seconds, 1e-9),
  };
  context.history.push(progress);
  const verdict = context.onProgress?.(progress);
  if (evalMeanReturn !== null && targetReturn !== null && evalMeanReturn >= targetReturn) {
    return 'target-reached';
  }
  return verdict === 'stop' ? 'callback' : null;
}
