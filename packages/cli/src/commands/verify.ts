// `quantproof verify`: does the int8 model take the FP32 model's decision over a whole region?

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { type Box, boxFromOperatingBox, createBox, IntervalError } from '@quantproof/interval';
import { mlpInputSize, mlpOutputSize } from '@quantproof/nn';
import { qmlpInputSize, qmlpOutputSize } from '@quantproof/quant';
import { Command, Option } from 'commander';
import { InputError, UsageError } from '../errors.js';
import { readInputFile } from '../files.js';
import { integerFlag } from '../options.js';
import { type ProgressTarget, startProgress } from '../progress.js';
import { loadFp32, loadModel } from '../study/load-model.js';
import { SmtVerifyOptionsError } from '@quantproof/smt-verify';
import { type VariantVerification, verifyVariant } from '../study/verify-region.js';

/** Exit codes of `verify` beyond the program's: the verdict, so scripts can branch on it. */
export const VERIFY_EXIT_CODES: {
  readonly consistent: 0;
  readonly inconsistent: 10;
  readonly unknown: 11;
} = {
  consistent: 0,
  inconsistent: 10,
  unknown: 11,
};

/** Options of the verify command after parsing. */
export interface VerifyOptions {
  readonly fp32: string;
  readonly int8: string;
  readonly box?: string;
  readonly boxFile?: string;
  readonly region?: 'operating';
  readonly timeout: number;
  readonly seed: number;
  readonly workers?: number;
  readonly maxBoxes?: number;
  readonly resume?: string;
  readonly json?: boolean;
}

/** The checkpoint file `verify --resume dir` keeps in `dir`. */
export const VERIFY_CHECKPOINT = 'verify.checkpoint.json';

/** Parses `lo,hi;lo,hi;…` into bounds; any malformed part is a usage error naming it. */
export function parseBoxFlag(text: string): { lower: number[]; upper: number[] } {
  const lower: number[] = [];
  const upper: number[] = [];
  text.split(';').forEach((part, i) => {
    const bounds = part.split(',').map((v) => v.trim());
    const [lo, hi] = bounds.map(Number);
    if (
      bounds.length !== 2 ||
      bounds.some((v) => v === '') ||
      lo === undefined ||
      hi === undefined
    ) {
      throw new UsageError(
        `--box dimension ${i} is "${part}"; write each dimension as lo,hi and separate them with ;`,
      );
    }
    lower.push(lo);
    upper.push(hi);
  });
  return { lower, upper };
}

async function regionOf(opts: VerifyOptions): Promise<Box> {
  const given = [opts.box, opts.boxFile, opts.region].filter((v) => v !== undefined).length;
  if (given > 1) throw new UsageError('give one of --box, --box-file and --region');
  let bounds: { lower: ArrayLike<number>; upper: ArrayLike<number> } = CARTPOLE_OPERATING_BOX;
  if (opts.box !== undefined) bounds = parseBoxFlag(opts.box);
  if (opts.boxFile !== undefined) {
    let parsed: unknown;
    const text = await readInputFile(opts.boxFile, '--box-file');
    try {
      parsed = JSON.parse(new TextDecoder().decode(text));
    } catch (error) {
      throw new InputError(
        `--box-file ${opts.boxFile} is not JSON (${(error as Error).message}); write {"lower": [...], "upper": [...]}`,
      );
    }
    const p = parsed as { lower?: unknown; upper?: unknown };
    if (!Array.isArray(p.lower) || !Array.isArray(p.upper)) {
      throw new InputError(`--box-file ${opts.boxFile} must hold {"lower": [...], "upper": [...]}`);
    }
    for (const side of ['lower', 'upper'] as const) {
      (p[side] as unknown[]).forEach((v, i) => {
        if (typeof v !== 'number') {
          throw new InputError(
            `--box-file ${opts.boxFile}: ${side}[${i}] is ${JSON.stringify(v)}; write every bound as a finite number`,
          );
        }
      });
    }
    bounds = { lower: p.lower as number[], upper: p.upper as number[] };
  }
  try {
    return given === 0 || opts.region === 'operating'
      ? boxFromOperatingBox(CARTPOLE_OPERATING_BOX)
      : createBox(bounds.lower, bounds.upper);
  } catch (error) {
    if (error instanceof IntervalError)
      throw new UsageError(`the region is not a box: ${error.message}`);
    throw error;
  }
}

/** The `verify` command; `setExitCode` receives the verdict's exit code. */
export function verifyCommand(
  print: (text: string) => void,
  setExitCode: (code: number) => void,
  progressTarget: (json: boolean) => ProgressTarget,
): Command {
  return new Command('verify')
    .description(
      "Prove that an int8 ONNX model takes the FP32 model's decision everywhere in a box of inputs, or refute it with an input replayed in onnxruntime-node. The box is split into leaves, each decided by sound bounds, a search along the FP32 decision boundary, or z3 (exact int8 arithmetic of onnxruntime's CPU kernels); then δ* (the largest FP32 margin at which the int8 decision still differs) and ε* (the largest logit error) are certified.",
    )
    .requiredOption('--fp32 <file>', 'the FP32 ONNX model (ours or exported from PyTorch)')
    .requiredOption('--int8 <file>', "the int8 ONNX model (ours or from onnxruntime's quantiser)")
    .option('--box <bounds>', 'the region, as lo,hi;lo,hi;… (one pair per input)')
    .option('--box-file <file>', 'the region as JSON {"lower": [...], "upper": [...]}')
    .addOption(
      new Option(
        '--region <name>',
        'a named region (default: operating, the CartPole operating box)',
      ).choices(['operating']),
    )
    .option(
      '--timeout <s>',
      'time budget in seconds (leaves, then δ* and ε*)',
      integerFlag('--timeout', 1),
      60,
    )
    .option('--seed <n>', 'seed of the counterexample searches', integerFlag('--seed', 0), 0)
    .option(
      '--workers <n>',
      'worker threads, one z3 each (default: one per core; 0 runs in this thread)',
      integerFlag('--workers', 0, 256),
    )
    .option(
      '--max-boxes <n>',
      'also stop the leaves, and then δ* and ε*, after this many boxes each (a budget that, unlike --timeout, gives the same answer on every machine)',
      integerFlag('--max-boxes', 1),
    )
    .option(
      '--resume <dir>',
      `checkpoint progress to <dir>/${VERIFY_CHECKPOINT}; started again with the same flags, it continues where it stopped`,
    )
    .option('--json', 'print one JSON document (see verify.json in a run directory)')
    .addHelpText(
      'after',
      `\nExit codes: ${VERIFY_EXIT_CODES.consistent} consistent, ${VERIFY_EXIT_CODES.inconsistent} inconsistent (a counterexample was replayed), ${VERIFY_EXIT_CODES.unknown} unknown (budget spent with open boxes), 2 bad flags, 3 bad input file.\n\nExamples:\n  $ quantproof verify --fp32 policy.onnx --int8 policy.qdq.onnx --region operating --timeout 60\n  $ quantproof verify --fp32 policy.onnx --int8 policy.qdq.onnx --box "-0.1,0.1;-0.5,0.5;-0.05,0.05;-0.5,0.5" --json`,
    )
    .action(async (opts: VerifyOptions) => {
      const fp32 = await loadFp32(opts.fp32, '--fp32');
      const loaded = await loadModel(opts.int8, '--int8');
      if (loaded.kind !== 'int8')
        throw new InputError(`--int8 ${opts.int8} is an FP32 model; pass the quantised model here`);
      const int8 = loaded.model;
      if (
        qmlpInputSize(int8) !== mlpInputSize(fp32) ||
        qmlpOutputSize(int8) !== mlpOutputSize(fp32)
      ) {
        throw new InputError(
          `the models do not fit together: --fp32 maps ${mlpInputSize(fp32)} inputs to ${mlpOutputSize(fp32)} outputs, --int8 ${qmlpInputSize(int8)} to ${qmlpOutputSize(int8)}`,
        );
      }
      const region = await regionOf(opts);
      if (region.lower.length !== mlpInputSize(fp32)) {
        throw new UsageError(
          `the region has ${region.lower.length} dimensions; the models take ${mlpInputSize(fp32)} inputs`,
        );
      }
      let checkpoint: string | undefined;
      if (opts.resume !== undefined) {
        await mkdir(opts.resume, { recursive: true }).catch((error: unknown) => {
          throw new UsageError(
            `cannot use --resume ${opts.resume}: ${(error as Error).message}; give a writable directory`,
          );
        });
        checkpoint = join(opts.resume, VERIFY_CHECKPOINT);
      }
      const progress = startProgress(progressTarget(opts.json === true), 'verify', opts.timeout, [
        'phase',
        'consistent',
        'inconsistent',
        'unknown',
        'boxes',
      ]);
      const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
      let result;
      try {
        result = await verifyVariant(opts.int8, fp32, int8, {
          seconds: opts.timeout,
          seed: opts.seed,
          region,
          ...(opts.workers === undefined ? {} : { workers: opts.workers }),
          ...(opts.maxBoxes === undefined ? {} : { maxBoxes: opts.maxBoxes }),
          ...(checkpoint === undefined ? {} : { checkpoint, resume: true }),
          onProgress: (p) =>
            progress.update(p.seconds, {
              phase: p.phase,
              consistent: pct(p.volume.consistent),
              inconsistent: pct(p.volume.inconsistent),
              unknown: pct(p.volume.unknown),
              boxes: String(p.boxes),
            }),
        });
      } catch (error) {
        if (error instanceof SmtVerifyOptionsError) throw new UsageError(error.message);
        throw error;
      } finally {
        progress.stop();
      }
      setExitCode(VERIFY_EXIT_CODES[result.verdict]);
      if (opts.json === true) {
        print(JSON.stringify(result, null, 2));
        return;
      }
      const bracket = (b: VariantVerification['flipMargin'], what: string): string =>
        b === null
          ? `${what}: none`
          : `${what} ∈ [${b.lower.toPrecision(5)}, ${b.upper.toPrecision(5)}]${b.certified ? '' : ' (not within 1% in the budget)'}`;
      const lines = [
        `${result.verdict}: ${pct(result.volume.consistent)} of the region proven consistent, ${pct(result.volume.inconsistent)} in leaves holding a replayed counterexample, ${pct(result.volume.unknown)} open (${result.leaves.length} leaves, ${result.boxes} boxes, ${result.seconds.toFixed(1)} s${result.decidedAtSeconds === null ? '' : `, every leaf decided after ${result.decidedAtSeconds.toFixed(1)} s`})`,
        `${bracket(result.flipMargin, 'δ* (largest FP32 margin at which int8 still disagrees)')}; ${bracket(result.errorBound, 'ε* (max |FP32 − int8| logit)')}; ties: FP32 margin ≤ ${result.tieTolerance.toPrecision(3)}`,
      ];
      for (const c of result.counterexamples.slice(0, 5)) {
        lines.push(
          `  counterexample x = [${c.input.map((v) => v.toPrecision(6)).join(', ')}]: FP32 logits [${c.fp32Logits.map((v) => v.toPrecision(5)).join(', ')}], int8 [${c.int8Logits.map((v) => v.toPrecision(5)).join(', ')}]; ${c.replay.confirmed ? 'confirmed' : 'NOT confirmed'} in ${c.replay.runtime}`,
        );
      }
      print(lines.join('\n'));
    });
}
