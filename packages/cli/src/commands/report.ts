// `quantproof report`: the self-contained HTML report of a run directory.

import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { writeRunReport } from '../study/run-report.js';

/** Options of the report command after parsing. */
export interface ReportOptions {
  readonly run: string;
  readonly out?: string;
}

/** The `report` command. */
export function reportCommand(print: (text: string) => void): Command {
  return new Command('report')
    .description(COMMAND_DESCRIPTIONS.report)
    .requiredOption('--run <dir>', 'the run directory (written by quantproof run)')
    .option('--out <file>', 'where to write the report (default <dir>/report.html)')
    .addHelpText(
      'after',
      '\nA run directory without maps.json gets one, computed from its models/*.onnx.\n\nExamples:\n  $ quantproof report --run runs/20261125T120000Z-0\n  $ quantproof report --run runs/seed3 --out seed3.html',
    )
    .action(async (opts: ReportOptions) => {
      const out = await writeRunReport(opts.run, opts.out);
      print(`report: ${out}`);
    });
}
