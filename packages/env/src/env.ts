// The environment interface shared by every package that runs episodes (rl, cli): Gymnasium's
// reset/step API for a discrete-action environment with a float32 vector observation.

/** Extra information a reset or step returns; CartPole's is always empty, as in Gymnasium. */
export type Info = Readonly<Record<string, unknown>>;

/** Options of Env.reset. */
export interface ResetOptions {
  /** Re-seeds the environment's generator (Gymnasium's `reset(seed=...)`); omitted: continue it. */
  readonly seed?: number;
}

/** What Env.reset returns. */
export interface ResetResult {
  /** The first observation of the episode (a fresh array). */
  readonly observation: Float32Array;
  /** Extra information. */
  readonly info: Info;
}

/** What Env.step returns. */
export interface StepResult {
  /** The observation after the step (a fresh array). */
  readonly observation: Float32Array;
  /** The step's reward. */
  readonly reward: number;
  /** Whether the episode ended in a terminal state of the MDP. */
  readonly terminated: boolean;
  /** Whether the episode was cut short (time limit); may coincide with terminated. */
  readonly truncated: boolean;
  /** Extra information. */
  readonly info: Info;
}

/** A Gymnasium-style environment with actions 0..actionCount-1 and float32 observations. */
export interface Env {
  /** Length of every observation. */
  readonly observationSize: number;
  /** Number of discrete actions; actions are the integers 0..actionCount-1. */
  readonly actionCount: number;
  /** Starts a new episode. */
  reset(options?: ResetOptions): ResetResult;
  /** Advances the episode by one action. */
  step(action: number): StepResult;
}

/**
 * One batch of a vector environment: its arrays belong to the environment and are overwritten by
 * the next step() or reset(); copy what must outlive the call.
 */
export interface VectorBatch {
  /** numEnvs x observationSize float32 observations, row-major. */
  readonly observations: Float32Array;
  /** The reward of each sub-environment. */
  readonly rewards: Float64Array;
  /** 1 where the sub-environment terminated at this step, else 0. */
  readonly terminated: Uint8Array;
  /** 1 where the sub-environment was truncated at this step, else 0. */
  readonly truncated: Uint8Array;
}

/** Options of VectorEnv.reset. */
export interface VectorResetOptions {
  /** A seed s seeds sub-environment i with s + i; an array gives each its seed; omitted: continue. */
  readonly seed?: number | readonly number[];
}

/** numEnvs copies of an environment stepped together, with autoreset (see the implementation). */
export interface VectorEnv {
  /** Number of sub-environments. */
  readonly numEnvs: number;
  /** Length of every observation. */
  readonly observationSize: number;
  /** Number of discrete actions. */
  readonly actionCount: number;
  /** Resets every sub-environment. */
  reset(options?: VectorResetOptions): VectorBatch;
  /** Steps every sub-environment with its action. */
  step(actions: ArrayLike<number>): VectorBatch;
}
