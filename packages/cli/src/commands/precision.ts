// `quantproof precision`: the smallest per-layer weight bit widths whose certified δ* meets a
// target, and the Pareto front of size against certified δ* and the disagreeing-volume bracket.

import { mlpInputSize } from '@quantproof/nn';
import type { InputScaleGranularity } from '@quantproof/quant';
import {
  type CertifiedMixedPrecisionResult,
  certifyMixedPrecision,
  SmtVerifyOptionsError,
} from '@quantproof/smt-verify';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { UsageError } from '../errors.js';
import { checkOutputFile, writeFileAtomic } from '../files.js';
import { renderPrecisionPage } from '@quantproof/web-report';
import { formatTable } from '../format-table.js';
import { regionOf } from '../region.js';
import {
  certifyRegionOptions,
  certifyStates,
  numberBracketText,
  precisionFrontJson,
} from '../study/certify.js';
import {
  type CpuSemanticsFlag,
  describeCpuSemantics,
  resolveCpuSemantics,
} from '../study/cpu-semantics.js';
import type { CalibrateOn } from '../study/defaults.js';
import { loadFp32 } from '../study/load-model.js';
import { bracketText } from '../study/verification-text.js';
import {
  addCertifyFlags,
  addLayoutFlags,
  checkInputScaleFlag,
  deltaFlag,
  layoutRanges,
} from './repair.js';
import { integerFlag } from '../options.js';

/** Options of the precision command after parsing. */
export interface PrecisionCommandOptions {
  readonly fp32: string;
  readonly targetDelta: number;
  readonly minBits: number;
  readonly box?: string;
  readonly boxFile?: string;
  readonly region?: 'operating';
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
  readonly html?: string;
  readonly json?: boolean;
}

/** The front as a table, then the chosen bit widths, as lines. */
export function precisionText(result: CertifiedMixedPrecisionResult): string[] {
  const start = result.points[0];
  const rows = result.front.map((p) => [
    `[${p.bits.join(', ')}]`,
    String(p.sizeBits),
    start === undefined ? '' : `${((100 * p.sizeBits) / start.sizeBits).toFixed(1)} %`,
    numberBracketText(p.numbers.flipMargin, 'none'),
    bracketText(p.numbers.disagreement, 2),
    p.meetsTarget ? 'yes' : 'no',
    p === result.chosen ? 'chosen' : '',
  ]);
  return [
    `Pareto front of the ${result.points.length} models certified (weight size against δ*'s certified upper end and the disagreeing share's upper end):`,
    formatTable({
      header: [
        'bits per layer',
        'weight bits',
        'of 8-bit',
        'δ* (certified)',
        'disagreeing share',
        `δ* ≤ ${result.targetDelta}`,
        '',
      ],
      rows,
    }),
    result.chosen === null
      ? `8 bits in every layer is not certified to meet δ* ≤ ${result.targetDelta}; choose a larger --target-delta, give the verifier more budget, or calibrate on the region`
      : `smallest bit widths certified to meet δ* ≤ ${result.targetDelta}: [${result.chosen.bits.join(', ')}] (${result.chosen.sizeBits} weight bits; no single layer one bit lower is certified to)`,
  ];
}

/** The `precision` command. */
export function precisionCommand(print: (text: string) => void): Command {
  const command = new Command('precision')
    .description(COMMAND_DESCRIPTIONS.precision)
    .requiredOption('--fp32 <file>', 'the FP32 ONNX model (ours or exported from PyTorch)')
    .requiredOption(
      '--target-delta <δ>',
      'the δ* every chosen model must be certified to meet',
      deltaFlag('--target-delta'),
    )
    .option(
      '--min-bits <n>',
      'the lowest weight bit width tried',
      integerFlag('--min-bits', 2, 8),
      2,
    );
  return addCertifyFlags(
    addLayoutFlags(command),
    'time budget of each model’s verification, in seconds',
    10,
  )
    .option('--html <file>', 'also write the front as a self-contained HTML page (table and chart)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  $ quantproof precision --fp32 policy.onnx --target-delta 4 --html front.html\n  $ quantproof precision --fp32 policy.onnx --target-delta 4 --calibrate-on region --max-boxes 300\n  $ quantproof precision --fp32 net.onnx --box "-1,1;-1,1" --target-delta 0.1 --json',
    )
    .action(async (opts: PrecisionCommandOptions) => {
      if (opts.html !== undefined) await checkOutputFile(opts.html, '--html');
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
      let result: CertifiedMixedPrecisionResult;
      try {
        result = await certifyMixedPrecision(fp32, region, {
          targetDelta: opts.targetDelta,
          ranges: layoutRanges(fp32, states, opts.inputScale),
          scheme: {
            format: opts.format,
            activationType: opts.activations,
            perChannel: opts.perChannel,
            inputScale: opts.inputScale,
          },
          minBits: opts.minBits,
          verify: certifyRegionOptions(opts, cpu),
        });
      } catch (error) {
        if (error instanceof SmtVerifyOptionsError) throw new UsageError(error.message);
        throw error;
      }
      if (opts.html !== undefined) {
        await writeFileAtomic(
          opts.html,
          renderPrecisionPage(precisionFrontJson(result), `quantproof precision — ${opts.fp32}`),
        );
      }
      if (opts.json === true) {
        print(JSON.stringify({ ...result, cpuSemantics: cpu }, null, 2));
        return;
      }
      print([describeCpuSemantics(cpu), ...precisionText(result)].join('\n'));
    });
}
