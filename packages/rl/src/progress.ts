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
