// `quantproof check`: the region verification of `verify`, compared with a committed baseline of
// its certified numbers (verdict, δ*, ε*, the disagreeing-volume bracket), for CI: exit 10 when the
// int8 model is proved worse, 11 when the run cannot prove it no worse; JSON and JUnit XML reports.

import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { mlpInputSize } from '@quantproof/nn';
import { SmtVerifyOptionsError } from '@quantproof/smt-verify';
import {
  type Baseline,
  type BaselineComparison,
  BaselineFormatError,
  certifiedNumbers,
  type CertifiedNumbers,
  compareWithBaseline,
  createBaseline,
  junitReport,
  parseBaseline,
  serializeBaseline,
} from '@quantproof/testing';
import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { InputError, UsageError } from '../errors.js';
import { checkOutputFile, writeFileAtomic } from '../files.js';
import { integerFlag } from '../options.js';
import { type ProgressTarget, startProgress } from '../progress.js';
import { addRegionFlags, type RegionFlags, regionOf } from '../region.js';
import {
  type CpuSemanticsFlag,
  cpuSemanticsOption,
  resolveCpuSemantics,
} from '../study/cpu-semantics.js';
import { loadVerifyPair } from '../study/load-pair.js';
import { PROGRESS_FIELDS, progressFields } from '../study/verification-text.js';
import {
  type ReplayedCounterexample,
  type VariantVerification,
  verifyVariant,
} from '../study/verify-region.js';
import { float32Text } from '../float-text.js';

/** Exit codes of `check` beyond the program's. */
export const CHECK_EXIT_CODES: {
  readonly pass: 0;
  readonly regressed: 10;
  readonly inconclusive: 11;
} = { pass: 0, regressed: 10, inconclusive: 11 };

/** The baseline file `check` reads and `--update-baseline` writes by default. */
export const DEFAULT_BASELINE = 'quantproof.baseline.json';

/** Options of the check command after parsing. */
export interface CheckOptions extends RegionFlags {
  readonly fp32: string;
  readonly int8: string;
  readonly baseline: string;
  readonly updateBaseline?: boolean;
  readonly timeout: number;
  readonly maxBoxes?: number;
  readonly seed: number;
  readonly workers?: number;
  readonly tolerance: number;
  readonly cpuSemantics: CpuSemanticsFlag;
  readonly junit?: string;
  readonly report?: string;
  readonly json?: boolean;
}

/** The JSON report of a check (`--report`, `--json`). */
export interface CheckReport {
  readonly result: 'pass' | 'regressed' | 'inconclusive' | 'baseline-updated';
  readonly baseline: string;
  readonly fp32: string;
  readonly int8: string;
  readonly region: { readonly lower: number[]; readonly upper: number[] };
  readonly current: CertifiedNumbers;
  readonly previous: CertifiedNumbers | null;
  readonly metrics: BaselineComparison['metrics'];
  readonly counterexamples: VariantVerification['counterexamples'];
  readonly boxes: number;
  readonly seconds: number;
  readonly theorem: string;
}

function toleranceFlag(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(
      `--tolerance must be a number ≥ 0 such as 0.01, got "${value}".`,
    );
  }
  return n;
}

async function readBaseline(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new InputError(
        `no baseline at ${path}; create it with the same flags and --update-baseline, then commit it`,
      );
    }
    throw new InputError(`cannot read the baseline ${path}: ${(error as Error).message}`);
  }
  try {
    return parseBaseline(text);
  } catch (error) {
    if (error instanceof BaselineFormatError) throw new InputError(`${path}: ${error.message}`);
    throw error;
  }
}

const sameRegion = (
  a: { readonly lower: readonly number[]; readonly upper: readonly number[] },
  b: { readonly lower: readonly number[]; readonly upper: readonly number[] },
): boolean => a.lower.join() === b.lower.join() && a.upper.join() === b.upper.join();

const regionText = (r: { readonly lower: readonly number[]; readonly upper: readonly number[] }) =>
  r.lower.map((lo, i) => `${lo},${r.upper[i]}`).join(';');

/** The `check` command; `setExitCode` receives the comparison's exit code. */
export function checkCommand(
  print: (text: string) => void,
  setExitCode: (code: number) => void,
  progressTarget: (json: boolean) => ProgressTarget,
): Command {
  return addRegionFlags(
    new Command('check')
      .description(COMMAND_DESCRIPTIONS.check)
      .requiredOption('--fp32 <file>', 'the FP32 ONNX model')
      .requiredOption('--int8 <file>', 'the int8 ONNX model under test'),
  )
    .option('--baseline <file>', 'the baseline to compare with (or to write)', DEFAULT_BASELINE)
    .option('--update-baseline', 'write the baseline from this run instead of comparing')
    .option(
      '--timeout <s>',
      'time budget of the verification in seconds',
      integerFlag('--timeout', 1),
      60,
    )
    .option(
      '--max-boxes <n>',
      'also stop after this many boxes: the same numbers on every machine (recommended in CI)',
      integerFlag('--max-boxes', 1),
    )
    .option('--seed <n>', 'seed of the counterexample searches', integerFlag('--seed', 0), 0)
    .option(
      '--workers <n>',
      'worker threads, one z3 each (default: one per core; 0 runs in this thread)',
      integerFlag('--workers', 0, 256),
    )
    .option(
      '--tolerance <r>',
      'relative slack of the δ* and ε* comparisons (a > b only when a > b·(1 + r))',
      toleranceFlag,
      0.01,
    )
    .addOption(cpuSemanticsOption())
    .option('--junit <file>', 'also write a JUnit XML report (one test case per metric)')
    .option('--report <file>', 'also write the JSON report')
    .option('--json', 'print the JSON report instead of text')
    .addHelpText(
      'after',
      `\nExit codes: ${CHECK_EXIT_CODES.pass} no regression (or baseline written), ${CHECK_EXIT_CODES.regressed} regression proved, ${CHECK_EXIT_CODES.inconclusive} not proved no worse within the budget, 2 bad flags, 3 bad input file or baseline.\n\nExamples:\n  $ quantproof check --fp32 policy.onnx --int8 policy.qdq.onnx --box "-0.1,0.1;-0.5,0.5;-0.05,0.05;-0.5,0.5" --max-boxes 4000 --update-baseline\n  $ quantproof check --fp32 policy.onnx --int8 policy.qdq.onnx --box "-0.1,0.1;-0.5,0.5;-0.05,0.05;-0.5,0.5" --max-boxes 4000 --junit quantproof.junit.xml`,
    )
    .action(async (opts: CheckOptions) => {
      const started = performance.now();
      const pair = await loadVerifyPair(opts.fp32, opts.int8);
      const region = await regionOf(opts, mlpInputSize(pair.fp32.mlp));
      for (const [flag, path] of [
        ['--junit', opts.junit],
        ['--report', opts.report],
      ] as const) {
        if (path !== undefined) await checkOutputFile(path, flag);
      }
      if (opts.updateBaseline === true) await checkOutputFile(opts.baseline, '--baseline');
      const previous = opts.updateBaseline === true ? null : await readBaseline(opts.baseline);
      const requested = { lower: Array.from(region.lower), upper: Array.from(region.upper) };
      if (previous !== null && !sameRegion(previous.region, requested)) {
        throw new InputError(
          `${opts.baseline} was made for the box "${regionText(previous.region)}", not "${regionText(requested)}"; pass that box, or write a new baseline with --update-baseline`,
        );
      }
      const cpuSemantics = await resolveCpuSemantics(opts.cpuSemantics);
      const progress = startProgress(
        progressTarget(opts.json === true),
        'check',
        opts.timeout,
        PROGRESS_FIELDS,
      );
      let result: VariantVerification;
      try {
        result = await verifyVariant(
          opts.int8,
          {
            fp32: pair.fp32.mlp,
            int8: pair.int8.model,
            files: {
              fp32: { path: opts.fp32, bytes: pair.fp32.bytes, level: pair.fp32.level },
              int8: { path: opts.int8, bytes: pair.int8.bytes, level: pair.int8.level },
            },
          },
          {
            seconds: opts.timeout,
            seed: opts.seed,
            region,
            cpuSemantics,
            ...(opts.workers === undefined ? {} : { workers: opts.workers }),
            ...(opts.maxBoxes === undefined ? {} : { maxBoxes: opts.maxBoxes }),
            onProgress: (p) => progress.update(p.seconds, progressFields(p)),
          },
        );
      } catch (error) {
        if (error instanceof SmtVerifyOptionsError) throw new UsageError(error.message);
        throw error;
      } finally {
        progress.stop();
      }
      const current = certifiedNumbers(result);
      const seconds = (performance.now() - started) / 1000;
      const proved =
        result.verdict === 'consistent'
          ? 'proved: the int8 model takes the FP32 decision at every float32 input of the box'
          : result.verdict === 'inconsistent'
            ? `inconsistent: ${result.counterexamplesFound} replayed counterexample(s)`
            : 'unknown: not every leaf proved to agree, and no counterexample replayed';
      let comparison: BaselineComparison;
      let outcome: CheckReport['result'];
      if (previous === null) {
        const baseline = createBaseline(current, requested, {
          fp32: opts.fp32,
          int8: opts.int8,
          timeoutSeconds: opts.timeout,
          ...(opts.maxBoxes === undefined ? {} : { maxBoxes: opts.maxBoxes }),
          seed: opts.seed,
          cpuSemantics: cpuSemantics.semantics,
        });
        await writeFileAtomic(opts.baseline, serializeBaseline(baseline));
        comparison = compareWithBaseline(current, current);
        outcome = 'baseline-updated';
        setExitCode(CHECK_EXIT_CODES.pass);
      } else {
        comparison = compareWithBaseline(previous, current, { tolerance: opts.tolerance });
        outcome = comparison.kind;
        setExitCode(CHECK_EXIT_CODES[comparison.kind === 'pass' ? 'pass' : comparison.kind]);
      }
      const replayed: readonly ReplayedCounterexample[] = result.counterexamples;
      const report: CheckReport = {
        result: outcome,
        baseline: opts.baseline,
        fp32: opts.fp32,
        int8: opts.int8,
        region: requested,
        current,
        previous:
          previous === null
            ? null
            : {
                verdict: previous.verdict,
                flipMargin: previous.flipMargin,
                errorBound: previous.errorBound,
                disagreement: previous.disagreement,
              },
        metrics: comparison.metrics,
        counterexamples: replayed.slice(0, 5),
        boxes: result.boxes,
        seconds,
        theorem: result.theorem,
      };
      if (opts.junit !== undefined) {
        await writeFileAtomic(
          opts.junit,
          junitReport(comparison, {
            suite: `quantproof check ${opts.int8}`,
            seconds,
            output: `${proved}\nbaseline: ${opts.baseline}\ntheorem: ${result.theorem}`,
          }),
        );
      }
      if (opts.report !== undefined) {
        await writeFileAtomic(opts.report, `${JSON.stringify(report, null, 2)}\n`);
      }
      if (opts.json === true) {
        print(JSON.stringify(report, null, 2));
        return;
      }
      const head =
        outcome === 'baseline-updated'
          ? `baseline written to ${opts.baseline}`
          : outcome === 'pass'
            ? `pass: no regression against ${opts.baseline}`
            : outcome === 'regressed'
              ? `REGRESSION against ${opts.baseline}`
              : `INCONCLUSIVE against ${opts.baseline}: not proved no worse within the budget`;
      const bracket = (b: CertifiedNumbers['disagreement'] | null): string =>
        b === null
          ? 'none'
          : `[${b.lower.toPrecision(5)}, ${b.upper === null ? '∞' : b.upper.toPrecision(5)}]`;
      const lines = [
        `${head} (${proved}; ${result.boxes} boxes, ${seconds.toFixed(1)} s)`,
        ...(outcome === 'baseline-updated'
          ? [
              `  verdict ${current.verdict}; δ* ${bracket(current.flipMargin)}; ε* ${bracket(current.errorBound)}; disagreeing share ${bracket(current.disagreement)}`,
            ]
          : comparison.metrics.map((m) => `  ${m.metric}: ${m.status} — ${m.detail}`)),
      ];
      const c = result.counterexamples[0];
      if (c !== undefined) {
        lines.push(
          `  counterexample x = [${c.input.map(float32Text).join(', ')}]: FP32 [${c.fp32Logits.map((v) => v.toPrecision(5)).join(', ')}], int8 [${c.int8Logits.map((v) => v.toPrecision(5)).join(', ')}], FP32 margin ${c.fp32Margin.toPrecision(5)}`,
        );
      }
      print(lines.join('\n'));
    });
}
