// `quantproof vnnlib`: decide a VNN-COMP property for an FP32 ONNX network, VNN-COMP style.

import { performance } from 'node:perf_hooks';
import type { VnnlibResult } from '@quantproof/smt-verify';
import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { InputError } from '../errors.js';
import { checkOutputFile, readInputFile, writeFileAtomic } from '../files.js';
import { integerFlag } from '../options.js';
import type { AssumedCpuSemantics } from '../study/cpu-semantics.js';
import { type CpuSemanticsFlag, cpuSemanticsOption } from '../study/cpu-semantics-option.js';
import type { ReplayFile, ReplayRecord } from '../study/ort-replay.js';

/** Options of the vnnlib command after parsing. */
export interface VnnlibCommandOptions {
  readonly onnx: string;
  readonly vnnlib: string;
  readonly timeout: number;
  readonly smtMaxUnstable: number;
  readonly smtMinDepth: number;
  readonly out?: string;
  readonly cpuSemantics: CpuSemanticsFlag;
  readonly json?: boolean;
}

/** What `vnnlib --json` prints: the verdict, the witness, and what was assumed. */
export interface VnnlibJson {
  readonly verdict: VnnlibResult['kind'];
  /** Why the verdict is `unknown` (null otherwise). */
  readonly reason: string | null;
  readonly seconds: number;
  readonly boxes: number;
  readonly smtQueries: number;
  /** The `sat` witness: the input and the network's outputs there (the runtime's, if replayed). */
  readonly counterexample: {
    readonly input: number[];
    readonly output: number[];
    readonly runtime: string;
  } | null;
  /**
   * The int8 CPU semantics resolved from --cpu-semantics. The network is FP32, so no int8 kernel
   * enters the verdict; it is recorded so that every command states what it assumed.
   */
  readonly cpuSemantics: AssumedCpuSemantics;
  /** Where a witness is replayed: the runtime, the file and its session options. */
  readonly replay: ReplayRecord;
}

/** The VNN-COMP result file: the verdict line, then for `sat` the witness as `((X_i v) … (Y_j v))`. */
export function vnncompResultText(result: VnnlibResult): string {
  if (result.kind !== 'sat') return `${result.kind}\n`;
  const { input, output } = result.counterexample;
  const lines = [
    ...Array.from(input, (v, i) => `(X_${i} ${v})`),
    ...Array.from(output, (v, j) => `(Y_${j} ${v})`),
  ];
  return `sat\n(${lines.join('\n ')})\n`;
}

/**
 * Seconds kept back from --timeout for what follows the verifier's deadline: the box being
 * evaluated, z3's grace after an interrupt (0.1 s), writing the result and exiting (0.2–0.3 s in all
 * when two cores are shared by several jobs).
 */
const EXIT_RESERVE_SECONDS = 0.5;

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n))) {
    throw new InvalidArgumentError(
      `--timeout must be a positive number of seconds, got "${value}".`,
    );
  }
  return n;
}

/** The `vnnlib` command. */
export function vnnlibCommand(print: (text: string) => void): Command {
  return new Command('vnnlib')
    .description(COMMAND_DESCRIPTIONS.vnnlib)
    .requiredOption('--onnx <file>', 'the FP32 ONNX network')
    .requiredOption('--vnnlib <file>', 'the VNN-LIB property')
    .option(
      '--timeout <s>',
      'time limit in seconds, for the whole process: a z3 query still running at the limit is cut',
      seconds,
      30,
    )
    .option(
      '--smt-max-unstable <n>',
      'hand a sub-box to z3 once at most n ReLUs are unstable on it (0: only boxes where bounds fix every ReLU)',
      integerFlag('--smt-max-unstable', 0),
      0,
    )
    .option(
      '--smt-min-depth <n>',
      'split the box at least n times before handing a sub-box to z3',
      integerFlag('--smt-min-depth', 0),
      8,
    )
    .option('--out <file>', 'write the VNN-COMP result file (with the witness for sat) here')
    .addOption(cpuSemanticsOption())
    .option('--json', 'print one JSON document (verdict, witness, assumptions) instead of text')
    .addHelpText(
      'after',
      '\nExample:\n  $ quantproof vnnlib --onnx cartpole.onnx --vnnlib cartpole_case_safe_14.vnnlib --timeout 30 --out result.txt',
    )
    .action(async (opts: VnnlibCommandOptions) => {
      // Loaded here, not above: `vnnlib --help` and a bad flag load none of the verifier.
      const [{ OnnxError }, { SmtVerifyError }, cpu, { replayRecordOf }, { verifyVnnlib }] =
        await Promise.all([
          import('@quantproof/onnx'),
          import('@quantproof/smt-verify'),
          import('../study/cpu-semantics.js'),
          import('../study/ort-replay.js'),
          import('../study/vnnlib.js'),
        ]);
      const { describeCpuSemantics, resolveCpuSemantics } = cpu;
      if (opts.out !== undefined) await checkOutputFile(opts.out, '--out');
      const onnx = await readInputFile(opts.onnx, '--onnx network');
      const text = new TextDecoder().decode(await readInputFile(opts.vnnlib, '--vnnlib property'));
      const cpuSemantics = await resolveCpuSemantics(opts.cpuSemantics);
      const network: ReplayFile = { path: opts.onnx, bytes: onnx, level: 'all' };
      const start = performance.now();
      // --timeout bounds the whole process, as VNN-COMP's harness measures it: the start-up so far
      // (performance.now() counts from the process's start) and a reserve for a cut z3 query, the
      // result file and the exit come off the verifier's budget.
      const budget = Math.max(0.001, opts.timeout - start / 1000 - EXIT_RESERVE_SECONDS);
      let result: VnnlibResult;
      try {
        result = await verifyVnnlib(network, text, {
          timeoutSeconds: budget,
          maxUnstableForSmt: opts.smtMaxUnstable,
          minDepthForSmt: opts.smtMinDepth,
        });
      } catch (error) {
        // A file we cannot read as an FP32 network or a VNN-LIB property, or that do not fit together.
        if (error instanceof OnnxError || error instanceof SmtVerifyError) {
          throw new InputError(`${opts.onnx} / ${opts.vnnlib}: ${error.message}`);
        }
        throw error;
      }
      const elapsed = (performance.now() - start) / 1000;
      if (opts.out !== undefined) await writeFileAtomic(opts.out, vnncompResultText(result));
      const replay = replayRecordOf({ fp32: network });
      if (opts.json === true) {
        const report: VnnlibJson = {
          verdict: result.kind,
          reason: result.kind === 'unknown' ? result.reason : null,
          seconds: elapsed,
          boxes: result.stats.boxes,
          smtQueries: result.stats.smtQueries,
          counterexample:
            result.kind === 'sat'
              ? {
                  input: Array.from(result.counterexample.input),
                  output: Array.from(result.counterexample.output),
                  runtime: result.counterexample.runtimeReplay,
                }
              : null,
          cpuSemantics,
          replay,
        };
        print(JSON.stringify(report, null, 2));
        return;
      }
      const detail = result.kind === 'unknown' ? ` (${result.reason})` : '';
      const session = replay.files[0]!.sessionOptions;
      print(
        [
          `${result.kind}${detail}`,
          `${elapsed.toFixed(3)} s, ${result.stats.boxes} boxes, ${result.stats.smtQueries} SMT queries`,
          `${describeCpuSemantics(cpuSemantics)}; not used: the network is FP32`,
          `replay: a sat witness runs in ${replay.runtime} on ${opts.onnx} as given (${session.executionProvider} execution provider, graphOptimizationLevel ${session.graphOptimizationLevel}, intraOpNumThreads ${session.intraOpNumThreads})`,
        ].join('\n'),
      );
    });
}
