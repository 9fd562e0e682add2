// `quantproof train`: train the FP32 CartPole-v1 policy and write it as ONNX.

import { Command, Option } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { checkOutputFile } from '../files.js';
import { integerFlag } from '../options.js';
import type { ProgressTarget } from '../progress.js';
import { STUDY_DEFAULTS } from '../study/defaults.js';
import { trainPolicy } from '../study/train-policy.js';

/** Options of the train command after parsing. */
export interface TrainOptions {
  readonly algo: 'ppo' | 'reinforce';
  readonly seed: number;
  readonly timesteps: number;
  readonly out: string;
  readonly json?: boolean;
}

/** The `train` command. */
export function trainCommand(
  print: (text: string) => void,
  progressTarget: (json: boolean) => ProgressTarget,
): Command {
  return new Command('train')
    .description(COMMAND_DESCRIPTIONS.train)
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
      STUDY_DEFAULTS.trainingTimesteps,
    )
    .option('--out <file>', 'where to write the FP32 ONNX policy', 'policy.onnx')
    .option('--json', 'print one JSON document instead of a summary')
    .addHelpText(
      'after',
      '\nExamples:\n  $ quantproof train --seed 3 --out runs/policy.onnx\n  $ quantproof train --algo reinforce --json > train.json',
    )
    .action(async (opts: TrainOptions) => {
      await checkOutputFile(opts.out, '--out');
      const { report } = await trainPolicy(opts, progressTarget(opts.json === true));
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
