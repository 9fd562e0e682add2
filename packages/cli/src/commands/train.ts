// `quantproof train`: train the FP32 CartPole-v1 policy and write it as ONNX.

import { performance } from 'node:perf_hooks';
import { writeMlpOnnx } from '@quantproof/onnx';
import { evaluate, type TrainingProgress, trainPpo, trainReinforce } from '@quantproof/rl';
import type { Mlp } from '@quantproof/nn';
import { Command, Option } from 'commander';
import { checkOutputFile, writeFileAtomic } from '../files.js';
import { integerFlag } from '../options.js';
import { startProgress, type ProgressTarget } from '../progress.js';

/** Options of the train command after parsing. */
export interface TrainOptions {
  readonly algo: 'ppo' | 'reinforce';
  readonly seed: number;
  readonly timesteps: number;
  readonly out: string;
  readonly json?: boolean;
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

/** Trains, evaluates and writes the policy; the pipeline's first step. */
export async function runTrain(
  options: TrainOptions,
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
  progress.stop();
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

/** The `train` command. */
export function trainCommand(
  print: (text: string) => void,
  progressTarget: (json: boolean) => ProgressTarget,
): Command {
  return new Command('train')
    .description(
      'Train a CartPole-v1 policy (4-64-64-2 ReLU MLP), evaluate it greedily on 100 seeded episodes and write it as FP32 ONNX.',
    )
    .addOption(
      new Option('--algo <name>', 'training algorithm')
        .choices(['ppo', 'reinforce'])
        .default('ppo'),
    )
    .option('--seed <n>', 'seed of everything random', integerFlag('--seed', 0), 0)
    .option(
      '--timesteps <n>',
      'PPO step budget (training stops earlier once a greedy evaluation reaches 500)',
      integerFlag('--timesteps', 256),
      100_000,
    )
    .option('--out <file>', 'where to write the FP32 ONNX policy', 'policy.onnx')
    .option('--json', 'print one JSON document instead of a summary')
    .addHelpText(
      'after',
      '\nExamples:\n  $ quantproof train --seed 3 --out runs/policy.onnx\n  $ quantproof train --algo reinforce --json > train.json',
    )
    .action(async (opts: TrainOptions) => {
      await checkOutputFile(opts.out, '--out');
      const { report } = await runTrain(opts, progressTarget(opts.json === true));
      if (opts.json === true) {
        print(JSON.stringify(report, null, 2));
        return;
      }
      const e = report.evaluation;
      print(
        [
          `trained ${report.algorithm.toUpperCase()} (seed ${report.seed}) in ${report.seconds.toFixed(1)} s: ${report.steps} steps, ${report.episodes} episodes, ${report.stopReason}`,
          `greedy return over ${e.episodes} seeded episodes: ${e.mean.toFixed(2)} ± ${e.std.toFixed(2)} (min ${e.min}, max ${e.max})`,
          `wrote ${report.model}`,
        ].join('\n'),
      );
    });
}
