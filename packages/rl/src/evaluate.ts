// Greedy evaluation of a policy over seeded episodes (mean ± std as SB3's evaluate_policy).

import { CartPoleEnv, type Env, type Policy, type PolicyObject, policyAct } from '@quantproof/env';
import {
  argmax,
  createForwardFp32Workspace,
  forwardFp32Into,
  type Mlp,
  mlpOutputSize,
} from '@quantproof/nn';
import { RlOptionsError } from './errors.js';

/** First seed of the default evaluation episodes (episode i is reset with seed base + i). */
export const DEFAULT_EVAL_SEED_BASE = 1_000_000;

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Number of episodes; default 100 (ignored when `seeds` is given). */
  readonly episodes?: number;
  /** Reset seed of each episode; default `DEFAULT_EVAL_SEED_BASE + i` for i < episodes. */
  readonly seeds?: readonly number[];
  /** The environment; default a fresh CartPole-v1. */
  readonly makeEnv?: () => Env;
}

/** Returns of a greedy evaluation. */
export interface EvaluationResult {
  /** Mean return. */
  readonly mean: number;
  /** Population standard deviation of the returns (numpy's default, as SB3). */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** The return of each episode, in seed order. */
  readonly returns: Float64Array;
  /** The reset seed of each episode. */
  readonly seeds: readonly number[];
}

/**
 * The greedy policy of a network: the argmax of `forwardFp32`'s float32 logits (the first maximal
 * index on ties, as ONNX ArgMax and numpy), i.e. what the FP32 ONNX model decides.
 */
export function greedyPolicy(mlp: Mlp): PolicyObject {
  const workspace = createForwardFp32Workspace(mlp);
  const logits = new Float32Array(mlpOutputSize(mlp));
  const k = logits.length;
  return {
    act: (observation) => {
      forwardFp32Into(mlp, observation, logits, workspace);
      return argmax(logits, 0, k);
    },
  };
}

function isMlp(policy: Policy | Mlp): policy is Mlp {
  return typeof policy === 'object' && 'layers' in policy;
}

/** Runs one episode per seed to its end (termination or time limit) and summarises the returns. */
export function evaluate(policy: Policy | Mlp, options: EvaluateOptions = {}): EvaluationResult {
  const episodes = options.episodes ?? 100;
  if (!(Number.isSafeInteger(episodes) && episodes > 0)) {
    throw new RlOptionsError('evaluate', 'episodes', episodes, 'a positive integer');
  }
  const seeds =
    options.seeds ?? Array.from({ length: episodes }, (_, i) => DEFAULT_EVAL_SEED_BASE + i);
  if (seeds.length === 0) throw new RlOptionsError('evaluate', 'seeds', '[]', 'a non-empty list');
  const act = isMlp(policy) ? greedyPolicy(policy) : policy;
  const env = options.makeEnv?.() ?? new CartPoleEnv();
  const returns = new Float64Array(seeds.length);
  for (let i = 0; i < seeds.length; i++) {
    let { observation } = env.reset({ seed: seeds[i]! });
    let total = 0;
    for (;;) {
      const step = env.step(policyAct(act, observation));
      total += step.reward;
      if (step.terminated || step.truncated) break;
      observation = step.observation;
    }
    returns[i] = total;
  }
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const r of returns) {
    sum += r;
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  const mean = sum / returns.length;
  let squares = 0;
  for (const r of returns) squares += (r - mean) * (r - mean);
  return { mean, std: Math.sqrt(squares / returns.length), min, max, returns, seeds: [...seeds] };
}
