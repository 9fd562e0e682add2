// `quantproof sensitivity`: which layer needs the higher precision, by certified δ* and ε* over a
// region instead of sampled agreement.

import { mlpInputSize } from '@quantproof/nn';
import type { InputScaleGranularity } from '@quantproof/quant';
import {
  certifyLayerSensitivity,
  type LayerSensitivityResult,
  SmtVerifyOptionsError,
} from '@quantproof/smt-verify';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS, SENSITIVITY_LAYOUT_NOTE } from './catalog.js';
import { UsageError } from '../errors.js';
import { formatTable } from '../format-table.js';
import { integerFlag } from '../options.js';
import { regionOf } from '../region.js';
import { certifyRegionOptions, certifyStates, numberBracketText } from '../study/certify.js';
import {
  type CpuSemanticsFlag,
  describeCpuSemantics,
  resolveCpuSemantics,
} from '../study/cpu-semantics.js';
import type { CalibrateOn } from '../study/defaults.js';
import { loadFp32 } from '../study/load-model.js';
import { bracketText } from '../study/verification-text.js';
import { addCertifyFlags, addLayoutFlags, checkInputScaleFlag, layoutRanges } from './repair.js';

/** Options of the sensitivity command after parsing. */
export interface SensitivityCommandOptions {
  readonly fp32: string;
  readonly box?: string;
  readonly boxFile?: string;
  readonly region?: 'operating';
  readonly lowBits: number;
  readonly highBits: number;
  readonly format: 'qdq' | 'qoperator';
  readonly activations: 'int8' | 'uint8';
  readonly perChannel: boolean;
  readonly inputScale: InputScaleGranularity;
  readonly timeout: number;
  readonly maxBoxes?: number;
  readonly workers?: number;
  readonly seed: number;
  readonly calibrateOn: CalibrateOn;
  readonly calibrationEpisodes: number;
  readonly cpuSemantics: CpuSemanticsFlag;
  readonly json?: boolean;
}

/** The sensitivity table and its reading, as lines. */
export function sensitivityText(result: LayerSensitivityResult): string[] {
  const { lowBits: lo, highBits: hi } = result;
  const cells = (n: LayerSensitivityResult['high']['numbers']): string[] => [
    numberBracketText(n.flipMargin, 'none'),
    numberBracketText(n.errorBound),
    bracketText(n.disagreement, 2),
  ];
  const rows = [
    ['all layers', `${hi} bits`, ...cells(result.high.numbers)],
    ['all layers', `${lo} bits`, ...cells(result.low.numbers)],
    ...result.layers.flatMap((l) => [
      [`layer ${l.layer}`, `only it at ${lo}`, ...cells(l.lowered.numbers)],
      [`layer ${l.layer}`, `only it at ${hi}`, ...cells(l.keptHigh.numbers)],
    ]),
  ];
  const top = result.ranking[0]!;
  return [
    formatTable({
      header: ['layer', 'weights', 'δ* (certified)', 'ε* (certified)', 'disagreeing share'],
      rows,
    }),
    `ranking, most sensitive first (by certified δ* with only that layer at ${lo} bits): ${result.ranking.map((l) => `layer ${l}`).join(', ')}${result.rankingCertain ? ' — proven (the δ* brackets do not overlap)' : ''}`,
    result.topCertain
      ? `layer ${top} is proven the most sensitive: keep it at ${hi} bits`
      : `which layer is the most sensitive is not proven: the δ* brackets overlap (raise --timeout or --max-boxes to narrow them)`,
    SENSITIVITY_LAYOUT_NOTE,
  ];
}

/** The `sensitivity` command. */
export function sensitivityCommand(print: (text: string) => void): Command {
  const command = new Command('sensitivity')
    .description(COMMAND_DESCRIPTIONS.sensitivity)
    .requiredOption('--fp32 <file>', 'the FP32 ONNX model (ours or exported from PyTorch)')
    .option('--low-bits <n>', 'the low weight bit width', integerFlag('--low-bits', 2, 7), 4)
    .option('--high-bits <n>', 'the high weight bit width', integerFlag('--high-bits', 3, 8), 8);
  return addCertifyFlags(
    addLayoutFlags(command),
    'time budget of each model’s verification, in seconds',
    10,
  )
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  $ quantproof sensitivity --fp32 policy.onnx --low-bits 4 --timeout 20\n  $ quantproof sensitivity --fp32 net.onnx --box "-1,1;-1,1" --low-bits 2 --max-boxes 300 --json',
    )
    .action(async (opts: SensitivityCommandOptions) => {
      if (opts.highBits <= opts.lowBits) {
        throw new UsageError(
          `--high-bits ${opts.highBits} must be above --low-bits ${opts.lowBits}; e.g. --low-bits 4 --high-bits 8`,
        );
      }
      checkInputScaleFlag(opts.inputScale, opts.format);
      const fp32 = (await loadFp32(opts.fp32, '--fp32')).mlp;
      const region = await regionOf(opts, mlpInputSize(fp32));
      const cpu = await resolveCpuSemantics(opts.cpuSemantics);
      const states = certifyStates(
        fp32,
        region,
        opts.calibrateOn,
        opts.calibrationEpisodes,
        opts.seed,
      );
      let result: LayerSensitivityResult;
      try {
        result = await certifyLayerSensitivity(fp32, region, {
          ranges: layoutRanges(fp32, states, opts.inputScale),
          scheme: {
            format: opts.format,
            activationType: opts.activations,
            perChannel: opts.perChannel,
            inputScale: opts.inputScale,
          },
          lowBits: opts.lowBits,
          highBits: opts.highBits,
          verify: certifyRegionOptions(opts, cpu),
        });
      } catch (error) {
        if (error instanceof SmtVerifyOptionsError) throw new UsageError(error.message);
        throw error;
      }
      if (opts.json === true) {
        print(
          JSON.stringify({ ...result, cpuSemantics: cpu, note: SENSITIVITY_LAYOUT_NOTE }, null, 2),
        );
        return;
      }
      print([describeCpuSemantics(cpu), ...sensitivityText(result)].join('\n'));
    });
}
