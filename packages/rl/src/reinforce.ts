// REINFORCE with a learned baseline (the original study's algorithm), seeded end to end.

import { CartPoleEnv, type Env } from '@quantproof/env';
import {
  adamStep,
  backwardTrain,
  createAdam,
  createMlp,
  createMlpGradients,
  createSeededRng,
  createTrainingWorkspace,
  forwardTrain,
  meanSquaredError,
  type Mlp,
  sampleCategorical,
  softmax,
  zeroGradients,
} from '@quantproof/nn';
import { RlOptionsError, RlShapeError } from './errors.js';
import {
  type Clock,
  finishUpdate,
  type ProgressCallback,
  ReturnWindow,
  type StopReason,
  type TrainingProgress,
} from './progress.js';

/** Options of `trainReinforce`; every field has a documented default. */
export interface ReinforceOptions {
  /** Seed of everything random; default 0. */
  readonly seed?: number;
  /** The environment; default CartPole-v1. */
  readonly makeEnv?: () => Env;
  /** Discount; default 0.99. */
  readonly gamma?: number;
  /** Adam learning rate of both networks; default 1e-3. */
  readonly learningRate?: number;
  /** Episodes per update; default 4. */
  readonly episodesPerUpdate?: number;
  /** Episode budget; default 2 000. */
  readonly maxEpisodes?: number;
  /** Hidden widths of the policy and the baseline; default [64, 64] (ReLU). */
  readonly hidden?: readonly number[];
  /** Stop when the greedy evaluation mean reaches this; default 500; null never stops early. */
  readonly targetReturn?: number | null;
  /** Run the greedy evaluation every this many updates; default 10. */
  readonly evalEvery?: number;
  /** Episodes of each greedy evaluation (seeds evalSeed + i); default 20. */
  readonly evalEpisodes?: number;
  /** First seed of the evaluation episodes; default 10 000. */
  readonly evalSeed?: number;
  /** Called after every update. */
  readonly onProgress?: ProgressCallback;
  /** Clock for progress reports; default none. */
  readonly clock?: Clock;
}

/** What `trainReinforce` returns. */
export interface ReinforceResult {
  readonly policy: Mlp;
  readonly baseline: Mlp;
  readonly steps: number;
  readonly episodes: number;
  readonly updates: number;
  readonly stopReason: StopReason;
  readonly history: readonly TrainingProgress[];
}

function option(name: string, value: number, ok: boolean, expected: string): number {
  if (!ok || Number.isNaN(value)) throw new RlOptionsError('trainReinforce', name, value, expected);
  return value;
}

/**
 * Trains a policy with REINFORCE: per update, `episodesPerUpdate` sampled episodes, discounted
 * returns G_t, advantages G_t − V(s_t) from a baseline network fitted by mean squared error, and
 * the policy gradient −mean_t (G_t − V(s_t)) ∇ log π(a_t | s_t). Adam on both networks.
 */
export function trainReinforce(options: ReinforceOptions = {}): ReinforceResult {
  const seed = options.seed ?? 0;
  if (!(Number.isSafeInteger(seed) && seed >= 0)) {
    throw new RlOptionsError('trainReinforce', 'seed', seed, 'a non-negative safe integer');
  }
  const gamma = options.gamma ?? 0.99;
  option('gamma', gamma, gamma >= 0 && gamma <= 1, 'in [0, 1]');
  const learningRate = options.learningRate ?? 1e-3;
  option(
    'learningRate',
    learningRate,
    learningRate > 0 && Number.isFinite(learningRate),
    'finite and > 0',
  );
  const perUpdate = options.episodesPerUpdate ?? 4;
  option(
    'episodesPerUpdate',
    perUpdate,
    Number.isSafeInteger(perUpdate) && perUpdate > 0,
    'a positive integer',
  );
  const maxEpisodes = options.maxEpisodes ?? 2000;
  option(
    'maxEpisodes',
    maxEpisodes,
    Number.isSafeInteger(maxEpisodes) && maxEpisodes > 0,
    'a positive integer',
  );
  const evalEvery = options.evalEvery ?? 10;
  option(
    'evalEvery',
    evalEvery,
    Number.isSafeInteger(evalEvery) && evalEvery > 0,
    'a positive integer',
  );
  const evalEpisodes = options.evalEpisodes ?? 20;
  option(
    'evalEpisodes',
    evalEpisodes,
    Number.isSafeInteger(evalEpisodes) && evalEpisodes > 0,
    'a positive integer',
  );
  const evalSeed = options.evalSeed ?? 10_000;
  const targetReturn = options.targetReturn === undefined ? 500 : options.targetReturn;
  const hidden = options.hidden ?? [64, 64];

  const rng = createSeededRng(seed);
  const env = options.makeEnv?.() ?? new CartPoleEnv();
  const obsSize = env.observationSize;
  const actions = env.actionCount;
  if (actions < 2) throw new RlShapeError('REINFORCE needs at least two actions');
  const policy = createMlp({
    sizes: [obsSize, ...hidden, actions],
    init: { kind: 'orthogonal', outputGain: 0.01 },
    rng,
  });
  const baseline = createMlp({ sizes: [obsSize, ...hidden, 1], init: { kind: 'orthogonal' }, rng });
  const policyAdam = createAdam(policy, { learningRate });
  const baselineAdam = createAdam(baseline, { learningRate });
  const policyGrads = createMlpGradients(policy);
  const baselineGrads = createMlpGradients(baseline);

  // Sized for the worst case: every episode of an update runs to a long time limit.
  let capacity = 512 * perUpdate;
  let obs = new Float32Array(capacity * obsSize);
  let acts = new Int32Array(capacity);
  let rewards = new Float64Array(capacity);
  const actWorkspace = createTrainingWorkspace(policy, 1);
  const window = new ReturnWindow();
  const history: TrainingProgress[] = [];
  const start = options.clock?.() ?? 0;
  let steps = 0;
  let updates = 0;
  let stopReason: StopReason = 'budget-exhausted';
  let envSeed: number | undefined = Math.floor(rng.nextFloat64() * 2 ** 31);

  while (window.episodes < maxEpisodes) {
    let n = 0;
    const episodeEnds: number[] = [];
    for (let ep = 0; ep < perUpdate; ep++) {
      let { observation } = env.reset(envSeed === undefined ? {} : { seed: envSeed });
      envSeed = undefined;
      let total = 0;
      for (;;) {
        if (n === capacity) {
          capacity *= 2;
          const grow = <T extends Float32Array | Int32Array | Float64Array>(
            a: T,
            make: (size: number) => T,
            width: number,
          ): T => {
            const next = make(capacity * width);
            next.set(a);
            return next;
          };
          obs = grow(obs, (s) => new Float32Array(s), obsSize);
          acts = grow(acts, (s) => new Int32Array(s), 1);
          rewards = grow(rewards, (s) => new Float64Array(s), 1);
        }
        const logits = forwardTrain(actWorkspace, observation, 1);
        const action = sampleCategorical(logits, 0, actions, rng);
        obs.set(observation, n * obsSize);
        acts[n] = action;
        const step = env.step(action);
        rewards[n] = step.reward;
        total += step.reward;
        n += 1;
        if (step.terminated || step.truncated) break;
        observation = step.observation;
      }
      episodeEnds.push(n);
      window.push(total);
    }
    steps += n;

    // Discounted returns, episode by episode (a truncated episode is not bootstrapped, as in the
    // textbook algorithm).
    const returns = new Float64Array(n);
    let from = 0;
    for (const end of episodeEnds) {
      let g = 0;
      for (let t = end - 1; t >= from; t--) {
        g = rewards[t]! + gamma * g;
        returns[t] = g;
      }
      from = end;
    }

    const policyTrain = createTrainingWorkspace(policy, n);
    const baselineTrain = createTrainingWorkspace(baseline, n);
    const values = forwardTrain(baselineTrain, obs, n);
    const advantages = new Float64Array(n);
    for (let t = 0; t < n; t++) advantages[t] = returns[t]! - values[t]!;
    zeroGradients(baselineGrads);
    const dValues = new Float64Array(n);
    meanSquaredError(values, returns, n, { gradient: dValues });
    backwardTrain(baselineTrain, dValues, { gradients: baselineGrads });
    adamStep(baseline, baselineAdam, baselineGrads);

    const logits = forwardTrain(policyTrain, obs, n);
    const probabilities = softmax(logits, n, actions, new Float64Array(n * actions));
    const dLogits = new Float64Array(n * actions);
    for (let t = 0; t < n; t++) {
      const scale = -advantages[t]! / n;
      for (let i = 0; i < actions; i++) {
        const k = t * actions + i;
        dLogits[k] = scale * ((i === acts[t] ? 1 : 0) - probabilities[k]!);
      }
    }
    zeroGradients(policyGrads);
    backwardTrain(policyTrain, dLogits, { gradients: policyGrads });
    adamStep(policy, policyAdam, policyGrads);
    updates += 1;

    const stop = finishUpdate(
      {
        policy,
        targetReturn,
        evalEvery,
        evalEpisodes,
        evalSeed,
        makeEnv: options.makeEnv,
        clock: options.clock,
        start,
        onProgress: options.onProgress,
        history,
      },
      steps,
      updates,
      window,
    );
    if (stop !== null) {
      stopReason = stop;
      break;
    }
  }
  return { policy, baseline, steps, episodes: window.episodes, updates, stopReason, history };
}
