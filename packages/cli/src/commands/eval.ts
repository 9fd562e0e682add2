// `quantproof eval`: greedy return of an ONNX policy (FP32 or int8), and its agreement with FP32.

import type { Mlp } from '@quantproof/nn';
import { decisionAgreement } from '@quantproof/quant';
import { evaluate } from '@quantproof/rl';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { InputError } from '../errors.js';
import { integerFlag, MAX_EPISODES } from '../options.js';
import {
  type CpuSemanticsFlag,
  cpuSemanticsOption,
  describeCpuSemantics,
  resolveCpuSemantics,
} from '../study/cpu-semantics.js';
import { boxSamples } from '../study/box-samples.js';
import { STUDY_DEFAULTS } from '../study/defaults.js';
import { greedyAct } from '../study/greedy.js';
import { loadCartPoleFp32, loadCartPolePolicy } from '../study/load-model.js';
import { visitedStates } from '../study/visited-states.js';

/** Options of the eval command after parsing. */
export interface EvalOptions {
  readonly model: string;
  readonly fp32?: string;
  readonly episodes: number;
  readonly cpuSemantics: CpuSemanticsFlag;
  readonly json?: boolean;
}

/** The `eval` command. */
export function evalCommand(print: (text: string) => void): Command {
  return new Command('eval')
    .description(COMMAND_DESCRIPTIONS.eval)
    .requiredOption('--model <file>', 'the ONNX policy to evaluate (FP32 or int8)')
    .option('--fp32 <file>', 'an FP32 reference: report action agreement with it')
    .option(
      '--episodes <n>',
      'evaluation episodes (fixed seeds)',
      integerFlag('--episodes', 1, MAX_EPISODES),
      100,
    )
    .addOption(cpuSemanticsOption())
    .option('--json', 'print one JSON document instead of a summary')
    .addHelpText(
      'after',
      '\nExamples:\n  $ quantproof eval --model policy.onnx\n  $ quantproof eval --model policy.qdq.onnx --fp32 policy.onnx --json',
    )
    .action(async (opts: EvalOptions) => {
      const loaded = await loadCartPolePolicy(opts.model, '--model');
      const reference: Mlp | null =
        opts.fp32 === undefined ? null : await loadCartPoleFp32(opts.fp32, '--fp32');
      if (reference !== null && loaded.kind === 'fp32') {
        throw new InputError(
          `--fp32 compares an int8 --model with its FP32 source, but --model ${opts.model} is FP32 too; pass the int8 model as --model`,
        );
      }
      const cpuSemantics = await resolveCpuSemantics(opts.cpuSemantics);
      const cpu = { cpu: cpuSemantics.semantics };
      const result = evaluate(greedyAct(loaded, cpu.cpu), { episodes: opts.episodes });
      let agreement: Record<string, number> | null = null;
      if (reference !== null && loaded.kind === 'int8') {
        const states = visitedStates(reference, STUDY_DEFAULTS.calibrationEpisodes);
        const visited = decisionAgreement(reference, loaded.model, states, cpu);
        const box = decisionAgreement(
          reference,
          loaded.model,
          boxSamples(STUDY_DEFAULTS.boxSamples, 1),
          cpu,
        );
        agreement = {
          visitedStates: visited.agreement,
          visitedCount: visited.states,
          boxSamples: box.agreement,
          boxCount: box.states,
          maxLogitDifference: Math.max(visited.maxLogitDifference, box.maxLogitDifference),
        };
      }
      const report = {
        model: opts.model,
        kind: loaded.kind,
        episodes: result.returns.length,
        mean: result.mean,
        std: result.std,
        min: result.min,
        max: result.max,
        agreement,
        // The int8 arithmetic the model was evaluated with (null for an FP32 model).
        cpuSemantics: loaded.kind === 'int8' ? cpuSemantics : null,
        notes: loaded.notes,
      };
      if (opts.json === true) {
        print(JSON.stringify(report, null, 2));
        return;
      }
      const lines = [
        `${opts.model} (${loaded.kind}): greedy return ${result.mean.toFixed(2)} ± ${result.std.toFixed(2)} over ${report.episodes} seeded episodes (min ${result.min}, max ${result.max})`,
      ];
      if (agreement !== null) {
        lines.push(
          `agreement with ${opts.fp32}: ${(100 * agreement['visitedStates']!).toFixed(2)}% of ${agreement['visitedCount']} visited states, ${(100 * agreement['boxSamples']!).toFixed(2)}% of ${agreement['boxCount']} operating-box samples`,
        );
      }
      if (loaded.kind === 'int8') lines.push(describeCpuSemantics(cpuSemantics));
      print(lines.join('\n'));
    });
}
