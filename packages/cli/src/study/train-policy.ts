// Training the FP32 CartPole-v1 policy and writing it as ONNX: `train`'s work and the study's first
// step.

import { performance } from 'node:perf_hooks';
import type { Mlp } from '@quantproof/nn';
import { writeMlpOnnx } from '@quantproof/onnx';
import { evaluate, type TrainingProgress, trainPpo, trainReinforce } from '@quantproof/rl';
import { writeFileAtomic } from '../files.js';
import { type ProgressTarget, startProgress } from '../progress.js';

/** What to train and where to write it. */
export interface TrainPolicyOptions {
  readonly algo: 'ppo' | 'reinforce';
  readonly seed: number;
  readonly timesteps: number;
  readonly out: string;
}

/** What `train` reports (the JSON document of `--json`). */
export interface TrainReport {
  readonly algorithm: 'ppo' | 'reinforce';
  readonly seed: number;
  readonly steps: number;
  readonly episodes: number;
  readonly stopReason: string;
  readonly seconds: number;
  readonly evaluation: { mean: number; std: number; min: number; max: number; episodes: number };
  readonly model: string;
  readonly history: readonly TrainingProgress[];
}

/** Trains, evaluates and writes the policy; the study's first step. */
export async function trainPolicy(
  options: TrainPolicyOptions,
  progressTarget: ProgressTarget,
): Promise<{ report: TrainReport; policy: Mlp; onnx: Uint8Array }> {
  const start = performance.now();
  const clock = (): number => performance.now();
  const total = options.algo === 'ppo' ? options.timesteps : 2000;
  const progress = startProgress(progressTarget, `train ${options.algo}`, total, [
    'return',
    'eval',
    'steps/s',
  ]);
  const onProgress = (p: TrainingProgress): undefined => {
    progress.update(options.algo === 'ppo' ? p.steps : p.episodes, {
      return: Number.isNaN(p.meanReturn) ? '-' : p.meanReturn.toFixed(1),
      eval: p.evalMeanReturn === null ? '-' : p.evalMeanReturn.toFixed(1),
      'steps/s': p.stepsPerSecond.toFixed(0),
    });
    return undefined;
  };
  const result =
    options.algo === 'ppo'
      ? trainPpo({ seed: options.seed, totalTimesteps: options.timesteps, clock, onProgress })
      : trainReinforce({ seed: options.seed, clock, onProgress });
  // Training may stop before its budget (a greedy evaluation reached 500): the bar ends full.
  const last = result.history.at(-1);
  const done = options.algo === 'ppo' ? result.steps : result.episodes;
  const evalText =
    last === undefined || last.evalMeanReturn === null ? '-' : last.evalMeanReturn.toFixed(1);
  progress.stop({
    return: last === undefined || Number.isNaN(last.meanReturn) ? '-' : last.meanReturn.toFixed(1),
    eval:
      done < total
        ? `${evalText} (done early at ${done} of ${total}: ${result.stopReason})`
        : evalText,
    'steps/s': last === undefined ? '-' : last.stepsPerSecond.toFixed(0),
  });
  const seconds = (performance.now() - start) / 1000;
  const evaluation = evaluate(result.policy);
  const config = 'options' in result ? result.options : { algorithm: 'reinforce' };
  const bytes = writeMlpOnnx(result.policy, {
    metadata: {
      'quantproof.kind': 'fp32-policy',
      'quantproof.algorithm': options.algo,
      'quantproof.seed': String(options.seed),
      'quantproof.training': JSON.stringify(config),
      'quantproof.evaluation': JSON.stringify({ mean: evaluation.mean, std: evaluation.std }),
    },
  });
  await writeFileAtomic(options.out, bytes);
  return {
    policy: result.policy,
    onnx: bytes,
    report: {
      algorithm: options.algo,
      seed: options.seed,
      steps: result.steps,
      episodes: result.episodes,
      stopReason: result.stopReason,
      seconds,
      evaluation: {
        mean: evaluation.mean,
        std: evaluation.std,
        min: evaluation.min,
        max: evaluation.max,
        episodes: evaluation.returns.length,
      },
      model: options.out,
      history: result.history,
    },
  };
}
