// PPO's options, their defaults (rl-baselines3-zoo's tuned CartPole-v1 PPO) and their validation.

import type { Env } from '@quantproof/env';
import type { Activation } from '@quantproof/nn';
import { RlOptionsError } from './errors.js';
import type { Clock, ProgressCallback } from './progress.js';

/** Options of `trainPpo`; every field has a documented default. */
export interface PpoOptions {
  /** Seed of everything random (initial weights, sampling, shuffling, env resets); default 0. */
  readonly seed?: number;
  /** Builds env `index` of the vector; default a CartPole-v1 per index. */
  readonly makeEnv?: (index: number) => Env;
  /** Parallel environments; default 8. */
  readonly numEnvs?: number;
  /** Steps per environment per rollout; default 32 (rollout = numEnvs · nSteps = 256). */
  readonly nSteps?: number;
  /** Minibatch size; default 256. Must divide numEnvs · nSteps. */
  readonly batchSize?: number;
  /** Optimisation epochs per rollout; default 20. */
  readonly nEpochs?: number;
  /** Discount; default 0.98. */
  readonly gamma?: number;
  /** GAE λ; default 0.8. */
  readonly gaeLambda?: number;
  /** Initial Adam learning rate, decayed linearly to 0 over `totalTimesteps`; default 1e-3. */
  readonly learningRate?: number;
  /** Initial clip range ε, decayed linearly to 0 over `totalTimesteps`; default 0.2. */
  readonly clipRange?: number;
  /** Entropy bonus coefficient; default 0. */
  readonly entCoef?: number;
  /** Value loss coefficient; default 0.5. */
  readonly vfCoef?: number;
  /** Global gradient-norm clip over both networks; default 0.5. */
  readonly maxGradNorm?: number;
  /** Adam ε; default 1e-5 (SB3's PPO). */
  readonly adamEps?: number;
  /** Normalise advantages per minibatch; default true. */
  readonly normalizeAdvantage?: boolean;
  /** Step budget; default 100 000 (the zoo's n_timesteps). */
  readonly totalTimesteps?: number;
  /** Policy hidden widths; default [64, 64]. */
  readonly policyHidden?: readonly number[];
  /** Value-network hidden widths; default [64, 64]. */
  readonly valueHidden?: readonly number[];
  /** Hidden activation of both networks; default 'relu' (a verifiable policy is a ReLU MLP). */
  readonly hiddenActivation?: Activation;
  /** Stop early when the greedy evaluation mean reaches this; default 500 (CartPole-v1's max). */
  readonly targetReturn?: number | null;
  /** Run the greedy early-stop evaluation every this many updates; default 5. */
  readonly evalEvery?: number;
  /** Episodes of each early-stop evaluation (seeds `evalSeed + i`); default 20. */
  readonly evalEpisodes?: number;
  /** First seed of the early-stop evaluation episodes; default 10 000. */
  readonly evalSeed?: number;
  /** Called after every update. */
  readonly onProgress?: ProgressCallback;
  /** Clock for seconds and steps/s in progress reports; default none (reported as 0 / NaN). */
  readonly clock?: Clock;
}

/** `PpoOptions` with every default filled in. */
export type ResolvedPpoOptions = Required<
  Omit<PpoOptions, 'onProgress' | 'clock' | 'makeEnv' | 'targetReturn'>
> & {
  readonly targetReturn: number | null;
};

/** The defaults of `PpoOptions`. */
export const PPO_DEFAULTS: ResolvedPpoOptions = {
  seed: 0,
  numEnvs: 8,
  nSteps: 32,
  batchSize: 256,
  nEpochs: 20,
  gamma: 0.98,
  gaeLambda: 0.8,
  learningRate: 1e-3,
  clipRange: 0.2,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  adamEps: 1e-5,
  normalizeAdvantage: true,
  totalTimesteps: 100_000,
  policyHidden: [64, 64],
  valueHidden: [64, 64],
  hiddenActivation: 'relu',
  targetReturn: 500,
  evalEvery: 5,
  evalEpisodes: 20,
  evalSeed: 10_000,
};

function positiveInteger(name: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value > 0)) {
    throw new RlOptionsError('trainPpo', name, value, 'a positive integer');
  }
}

function inRange(name: string, value: number, ok: boolean, range: string): void {
  if (!ok || Number.isNaN(value)) throw new RlOptionsError('trainPpo', name, value, range);
}

/** Fills in defaults and checks every option; throws `RlOptionsError` naming the bad one. */
export function resolvePpoOptions(options: PpoOptions): ResolvedPpoOptions {
  const o: ResolvedPpoOptions = {
    ...PPO_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as ResolvedPpoOptions;
  if (!(Number.isSafeInteger(o.seed) && o.seed >= 0)) {
    throw new RlOptionsError('trainPpo', 'seed', o.seed, 'a non-negative safe integer');
  }
  for (const name of [
    'numEnvs',
    'nSteps',
    'batchSize',
    'nEpochs',
    'totalTimesteps',
    'evalEvery',
    'evalEpisodes',
  ] as const) {
    positiveInteger(name, o[name]);
  }
  if ((o.numEnvs * o.nSteps) % o.batchSize !== 0) {
    throw new RlOptionsError(
      'trainPpo',
      'batchSize',
      o.batchSize,
      `a divisor of numEnvs · nSteps = ${o.numEnvs * o.nSteps}`,
    );
  }
  inRange('gamma', o.gamma, o.gamma >= 0 && o.gamma <= 1, 'in [0, 1]');
  inRange('gaeLambda', o.gaeLambda, o.gaeLambda >= 0 && o.gaeLambda <= 1, 'in [0, 1]');
  inRange(
    'learningRate',
    o.learningRate,
    o.learningRate > 0 && Number.isFinite(o.learningRate),
    'finite and > 0',
  );
  inRange(
    'clipRange',
    o.clipRange,
    o.clipRange > 0 && Number.isFinite(o.clipRange),
    'finite and > 0',
  );
  inRange('entCoef', o.entCoef, Number.isFinite(o.entCoef), 'finite');
  inRange('vfCoef', o.vfCoef, o.vfCoef >= 0 && Number.isFinite(o.vfCoef), 'finite and ≥ 0');
  inRange('maxGradNorm', o.maxGradNorm, o.maxGradNorm > 0, '> 0 (Infinity disables clipping)');
  inRange('adamEps', o.adamEps, o.adamEps > 0 && Number.isFinite(o.adamEps), 'finite and > 0');
  if (o.targetReturn !== null)
    inRange('targetReturn', o.targetReturn, Number.isFinite(o.targetReturn), 'finite or null');
  if (!(Number.isSafeInteger(o.evalSeed) && o.evalSeed >= 0)) {
    throw new RlOptionsError('trainPpo', 'evalSeed', o.evalSeed, 'a non-negative safe integer');
  }
  for (const name of ['policyHidden', 'valueHidden'] as const) {
    for (const width of o[name]) {
      if (!(Number.isSafeInteger(width) && width > 0)) {
        throw new RlOptionsError(
          'trainPpo',
          name,
          `[${o[name].join(', ')}]`,
          'a list of positive integers',
        );
      }
    }
  }
  return o;
}
