// Proximal policy optimisation (clipped objective, GAE, minibatches, advantage normalisation) as
// Stable-Baselines3 runs it, with separate policy and value networks, seeded end to end.

import { CartPoleEnv, type Env } from '@quantproof/env';
import {
  adamStep,
  backwardTrain,
  clipGradientNorm,
  createAdam,
  createMlp,
  createMlpGradients,
  createSeededRng,
  createTrainingWorkspace,
  forwardTrain,
  meanEntropy,
  meanSquaredError,
  type Mlp,
  type Rng,
  ppoClippedSurrogate,
  sampleCategorical,
  zeroGradients,
} from '@quantproof/nn';
import { RlShapeError } from './errors.js';
import { computeGae } from './gae.js';
import { type PpoOptions, type ResolvedPpoOptions, resolvePpoOptions } from './ppo-options.js';
import { finishUpdate, ReturnWindow, type StopReason, type TrainingProgress } from './progress.js';

/** What `trainPpo` returns. */
export interface PpoResult {
  /** The trained policy (logits); act greedily with `greedyPolicy`. */
  readonly policy: Mlp;
  /** The trained value network. */
  readonly value: Mlp;
  /** Environment steps taken. */
  readonly steps: number;
  /** Training episodes finished. */
  readonly episodes: number;
  /** Updates done. */
  readonly updates: number;
  /** Why training ended. */
  readonly stopReason: StopReason;
  /** The progress report of every update (the training curve). */
  readonly history: readonly TrainingProgress[];
  /** The options used, defaults filled in. */
  readonly options: ResolvedPpoOptions;
}

function makeEnvs(options: PpoOptions, count: number): Env[] {
  const make = options.makeEnv ?? ((): Env => new CartPoleEnv());
  const envs = Array.from({ length: count }, (_, i) => make(i));
  const first = envs[0]!;
  for (const env of envs) {
    if (env.observationSize !== first.observationSize || env.actionCount !== first.actionCount) {
      throw new RlShapeError('every environment of the vector must have the same sizes');
    }
  }
  if (first.actionCount < 2) throw new RlShapeError('PPO needs at least two actions');
  return envs;
}

function shuffle(indices: Int32Array, rng: Rng): void {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextFloat64() * (i + 1));
    const t = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = t;
  }
}

/**
 * Trains a policy with PPO. Defaults are rl-baselines3-zoo's tuned CartPole-v1 PPO (8 envs,
 * n_steps 32, batch 256, 20 epochs, γ 0.98, λ 0.8, lr 1e-3 and clip 0.2 both decaying linearly),
 * with ReLU networks. Environments auto-reset in the same step (as SB3's VecEnv); a time-limit
 * truncation is bootstrapped with `γ·V(final observation)`. The same options give the same
 * weights, bit for bit: all randomness comes from one generator seeded with `seed`, and early
 * stopping depends only on the (deterministic) greedy evaluation, never on the clock.
 */
export function trainPpo(options: PpoOptions = {}): PpoResult {
  const o = resolvePpoOptions(options);
  const rng = createSeededRng(o.seed);
  const envs = makeEnvs(options, o.numEnvs);
  const obsSize = envs[0]!.observationSize;
  const actions = envs[0]!.actionCount;
  const policy = createMlp({
    sizes: [obsSize, ...o.policyHidden, actions],
    hiddenActivation: o.hiddenActivation,
    init: { kind: 'orthogonal', hiddenGain: Math.SQRT2, outputGain: 0.01 },
    rng,
  });
  const value = createMlp({
    sizes: [obsSize, ...o.valueHidden, 1],
    hiddenActivation: o.hiddenActivation,
    init: { kind: 'orthogonal', hiddenGain: Math.SQRT2, outputGain: 1 },
    rng,
  });
  const policyAdam = createAdam(policy, { learningRate: o.learningRate, eps: o.adamEps });
  const valueAdam = createAdam(value, { learningRate: o.learningRate, eps: o.adamEps });
  const policyGrads = createMlpGradients(policy);
  const valueGrads = createMlpGradients(value);

  const { numEnvs, nSteps, batchSize } = o;
  const size = numEnvs * nSteps;
  const bufObs = new Float32Array(size * obsSize);
  const bufActions = new Int32Array(size);
  const bufLogProbs = new Float64Array(size);
  const bufValues = new Float64Array(size);
  const bufRewards = new Float64Array(size);
  const bufDones = new Uint8Array(size);
  const advantages = new Float64Array(size);
  const returns = new Float64Array(size);
  const lastValues = new Float64Array(numEnvs);
  const indices = Int32Array.from({ length: size }, (_, i) => i);

  const mbObs = new Float32Array(batchSize * obsSize);
  const mbActions = new Int32Array(batchSize);
  const mbOldLogProbs = new Float64Array(batchSize);
  const mbAdvantages = new Float64Array(batchSize);
  const mbReturns = new Float64Array(batchSize);
  const dLogits = new Float64Array(batchSize * actions);
  const dValues = new Float64Array(batchSize);

  const policyAct = createTrainingWorkspace(policy, numEnvs);
  const valueAct = createTrainingWorkspace(value, numEnvs);
  const valueOne = createTrainingWorkspace(value, 1);
  const policyTrain = createTrainingWorkspace(policy, batchSize);
  const valueTrain = createTrainingWorkspace(value, batchSize);

  const current = new Float32Array(numEnvs * obsSize);
  const episodeReturns = new Float64Array(numEnvs);
  for (let e = 0; e < numEnvs; e++) {
    const envSeed = Math.floor(rng.nextFloat64() * 2 ** 31);
    current.set(envs[e]!.reset({ seed: envSeed }).observation, e * obsSize);
  }

  const window = new ReturnWindow();
  const history: TrainingProgress[] = [];
  const start = options.clock?.() ?? 0;
  let steps = 0;
  let updates = 0;
  let stopReason: StopReason = 'budget-exhausted';

  while (steps < o.totalTimesteps) {
    const remaining = 1 - steps / o.totalTimesteps;
    const learningRate = o.learningRate * remaining;
    const clipRange = o.clipRange * remaining;

    // Collect numEnvs · nSteps transitions.
    for (let t = 0; t < nSteps; t++) {
      const logits = forwardTrain(policyAct, current, numEnvs);
      const values = forwardTrain(valueAct, current, numEnvs);
      for (let e = 0; e < numEnvs; e++) {
        const k = t * numEnvs + e;
        const offset = e * actions;
        const action = sampleCategorical(logits, offset, actions, rng);
        let max = -Infinity;
        for (let i = 0; i < actions; i++) max = Math.max(max, logits[offset + i]!);
        let sum = 0;
        for (let i = 0; i < actions; i++) sum += Math.exp(logits[offset + i]! - max);
        bufLogProbs[k] = logits[offset + action]! - max - Math.log(sum);
        bufObs.set(current.subarray(e * obsSize, (e + 1) * obsSize), k * obsSize);
        bufActions[k] = action;
        bufValues[k] = values[e]!;
        const env = envs[e]!;
        const step = env.step(action);
        let reward = step.reward;
        episodeReturns[e] = episodeReturns[e]! + step.reward;
        if (step.truncated && !step.terminated) {
          reward += o.gamma * forwardTrain(valueOne, step.observation, 1)[0]!;
        }
        bufRewards[k] = reward;
        const done = step.terminated || step.truncated;
        bufDones[k] = done ? 1 : 0;
        if (done) {
          window.push(episodeReturns[e]!);
          episodeReturns[e] = 0;
          current.set(env.reset().observation, e * obsSize);
        } else {
          current.set(step.observation, e * obsSize);
        }
      }
    }
    steps += size;
    lastValues.set(forwardTrain(valueAct, current, numEnvs));
    computeGae(
      {
        numSteps: nSteps,
        numEnvs,
        rewards: bufRewards,
        values: bufValues,
        dones: bufDones,
        lastValues,
        gamma: o.gamma,
        lambda: o.gaeLambda,
      },
      advantages,
      returns,
    );

    // Optimise.
    for (let epoch = 0; epoch < o.nEpochs; epoch++) {
      shuffle(indices, rng);
      for (let startRow = 0; startRow < size; startRow += batchSize) {
        let mean = 0;
        for (let b = 0; b < batchSize; b++) {
          const k = indices[startRow + b]!;
          mbObs.set(bufObs.subarray(k * obsSize, (k + 1) * obsSize), b * obsSize);
          mbActions[b] = bufActions[k]!;
          mbOldLogProbs[b] = bufLogProbs[k]!;
          mbAdvantages[b] = advantages[k]!;
          mbReturns[b] = returns[k]!;
          mean += advantages[k]!;
        }
        if (o.normalizeAdvantage && batchSize > 1) {
          mean /= batchSize;
          let variance = 0;
          for (let b = 0; b < batchSize; b++) variance += (mbAdvantages[b]! - mean) ** 2;
          const std = Math.sqrt(variance / (batchSize - 1));
          for (let b = 0; b < batchSize; b++) {
            mbAdvantages[b] = (mbAdvantages[b]! - mean) / (std + 1e-8);
          }
        }
        zeroGradients(policyGrads);
        zeroGradients(valueGrads);
        const logits = forwardTrain(policyTrain, mbObs, batchSize);
        dLogits.fill(0);
        ppoClippedSurrogate(
          {
            logits,
            actions: mbActions,
            oldLogProbs: mbOldLogProbs,
            advantages: mbAdvantages,
            clipRange,
            n: batchSize,
            k: actions,
          },
          { gradient: dLogits },
        );
        if (o.entCoef !== 0) {
          meanEntropy(logits, batchSize, actions, { gradient: dLogits, scale: -o.entCoef });
        }
        backwardTrain(policyTrain, dLogits, { gradients: policyGrads });
        const predicted = forwardTrain(valueTrain, mbObs, batchSize);
        dValues.fill(0);
        meanSquaredError(predicted, mbReturns, batchSize, { gradient: dValues, scale: o.vfCoef });
        backwardTrain(valueTrain, dValues, { gradients: valueGrads });
        if (Number.isFinite(o.maxGradNorm))
          clipGradientNorm([policyGrads, valueGrads], o.maxGradNorm);
        adamStep(policy, policyAdam, policyGrads, { learningRate });
        adamStep(value, valueAdam, valueGrads, { learningRate });
      }
    }
    updates += 1;

    const stop = finishUpdate(
      {
        policy,
        targetReturn: o.targetReturn,
        evalEvery: o.evalEvery,
        evalEpisodes: o.evalEpisodes,
        evalSeed: o.evalSeed,
        makeEnv: options.makeEnv === undefined ? undefined : () => options.makeEnv!(0),
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
  return {
    policy,
    value,
    steps,
    episodes: window.episodes,
    updates,
    stopReason,
    history,
    options: o,
  };
}
