// Every error a caller of @quantproof/env can cause. Each message says what was wrong and what to do.

/** Base class of every error thrown by @quantproof/env. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/** A seed that is not a non-negative safe integer. */
export class InvalidSeedError extends EnvError {
  override name = 'InvalidSeedError';
  /** The rejected seed. */
  readonly seed: unknown;

  constructor(seed: unknown, where: string) {
    super(
      `${where}: seed ${describe(seed)} is not a non-negative safe integer; pass an integer in [0, ${Number.MAX_SAFE_INTEGER}] (Gymnasium accepts the same seeds).`,
    );
    this.seed = seed;
  }
}

/** reset() without a seed on an environment whose generator was never seeded. */
export class UnseededResetError extends EnvError {
  override name = 'UnseededResetError';

  constructor(where: string) {
    super(
      `${where}: the first reset() needs a seed. Gymnasium would seed from OS entropy here, which a pure, reproducible package does not do; call reset({ seed }) once, and later unseeded resets continue that generator.`,
    );
  }
}

/** step() before the first reset(). */
export class StepBeforeResetError extends EnvError {
  override name = 'StepBeforeResetError';

  constructor(where: string) {
    super(`${where}: step() was called before reset(); call reset({ seed }) first.`);
  }
}

/** step() after the episode terminated or was truncated, without a reset() in between. */
export class EpisodeOverError extends EnvError {
  override name = 'EpisodeOverError';

  constructor(where: string, how: 'terminated' | 'truncated') {
    super(
      `${where}: step() was called after the episode ${how}; call reset() to start a new episode (Gymnasium only warns here, its later steps are undefined behaviour).`,
    );
  }
}

/** An action that is not a valid action of the environment. */
export class InvalidActionError extends EnvError {
  override name = 'InvalidActionError';
  /** The rejected action. */
  readonly action: unknown;

  constructor(action: unknown, message: string) {
    super(message);
    this.action = action;
  }
}

/** An action that is not an integer (a fraction, NaN, an infinity or not a number at all). */
export class NonIntegerActionError extends InvalidActionError {
  override name = 'NonIntegerActionError';

  constructor(action: unknown, where: string, actionCount: number) {
    super(
      action,
      `${where}: action ${describe(action)} is not an integer; actions are the integers 0..${actionCount - 1}.`,
    );
  }
}

/** An integer action outside 0..actionCount-1. */
export class ActionOutOfRangeError extends InvalidActionError {
  override name = 'ActionOutOfRangeError';

  constructor(action: number, where: string, actionCount: number) {
    super(
      action,
      `${where}: action ${action} is out of range; actions are the integers 0..${actionCount - 1}.`,
    );
  }
}

/** A batch of actions whose length is not the number of sub-environments. */
export class ActionBatchSizeError extends EnvError {
  override name = 'ActionBatchSizeError';

  constructor(length: number, numEnvs: number) {
    super(
      `CartPoleVectorEnv.step: got ${length} actions for ${numEnvs} environments; pass exactly one action per sub-environment.`,
    );
  }
}

/** reset() options whose bounds are not finite numbers with low <= high. */
export class InvalidResetBoundsError extends EnvError {
  override name = 'InvalidResetBoundsError';

  constructor(low: unknown, high: unknown) {
    super(
      `CartPoleEnv.reset: reset bounds low=${describe(low)}, high=${describe(high)} are invalid; both must be finite numbers with low <= high (defaults -0.05 and 0.05).`,
    );
  }
}

/** A constructor or function option outside its documented domain. */
export class InvalidOptionError extends EnvError {
  override name = 'InvalidOptionError';
  /** The option's name. */
  readonly option: string;

  constructor(where: string, option: string, value: unknown, expected: string) {
    super(`${where}: option ${option} = ${describe(value)} is invalid; expected ${expected}.`);
    this.option = option;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Object.is(value, -0)) return '-0';
  return String(value);
}
