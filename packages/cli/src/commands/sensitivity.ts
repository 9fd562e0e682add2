// `quantproof sensitivity`: which layer needs the higher precision, by certified δ* and ε* over a
// region instead of sampled agreement.

import {
  certifyLayerSensitivity,
  type LayerSensitivityResult,
  type RefusedModel,
  type SensitivityModel,
} from '@quantproof/smt-verify';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS, SENSITIVITY_LAYOUT_NOTE } from './catalog.js';
import { UsageError } from '../errors.js';
import { formatTable } from '../format-table.js';
import { integerFlag } from '../options.js';
import { numberBracketText } from '../study/certify.js';
import { describeCpuSemantics } from '../study/cpu-semantics.js';
import { bracketText } from '../study/verification-text.js';
import {
  addCertifyFlags,
  addLayoutFlags,
  type LayoutCertifyFlags,
  layoutCertifyInputs,
  withUsageErrors,
} from './repair.js';

/** Options of the sensitivity command after parsing. */
export interface SensitivityCommandOptions extends LayoutCertifyFlags {
  readonly lowBits: number;
  readonly highBits: number;
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
  const view = (m: SensitivityModel | RefusedModel): string[] =>
    'refused' in m ? ['not deployable (below)', '—', '—'] : cells(m.numbers);
  const refusals = result.fp32.flatMap((l) => {
    const out: string[] = [];
    if ('refused' in l.onlyInt8) {
      out.push(`not deployable: layer ${l.layer} alone in int8 — ${l.onlyInt8.refused}`);
    }
    if ('refused' in l.onlyFp32) {
      out.push(`not deployable: layer ${l.layer} alone in float32 — ${l.onlyFp32.refused}`);
    }
    return out;
  });
  const rows = [
    ['all layers', `${hi} bits`, ...cells(result.high.numbers)],
    ['all layers', `${lo} bits`, ...cells(result.low.numbers)],
    ...result.layers.flatMap((l) => [
      [`layer ${l.layer}`, `only it at ${lo}`, ...cells(l.lowered.numbers)],
      [`layer ${l.layer}`, `only it at ${hi}`, ...cells(l.keptHigh.numbers)],
    ]),
    ...result.fp32.flatMap((l) => [
      [`layer ${l.layer}`, `only it in int8 (${hi} bits), rest float32`, ...view(l.onlyInt8)],
      [`layer ${l.layer}`, `only it in float32, rest ${hi} bits`, ...view(l.onlyFp32)],
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
    ...refusals,
    ...(result.fp32Ranking.length > 0
      ? [
          `with the other layers kept in float32, most costly in int8 first (by certified δ*): ${result.fp32Ranking.map((l) => `layer ${l}`).join(', ')}`,
        ]
      : []),
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
      const { fp32, region, cpu, ranges, scheme, verify } = await layoutCertifyInputs(opts);
      const result: LayerSensitivityResult = await withUsageErrors(() =>
        certifyLayerSensitivity(fp32, region, {
          ranges,
          scheme,
          lowBits: opts.lowBits,
          highBits: opts.highBits,
          verify,
        }),
      );
      if (opts.json === true) {
        print(
          JSON.stringify({ ...result, cpuSemantics: cpu, note: SENSITIVITY_LAYOUT_NOTE }, null, 2),
        );
        return;
      }
      print([describeCpuSemantics(cpu), ...sensitivityText(result)].join('\n'));
    });
}
