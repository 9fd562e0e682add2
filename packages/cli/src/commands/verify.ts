// `quantproof verify`: does the int8 model take the FP32 model's decision over a whole region?

import { join } from 'node:path';
import { mlpInputSize } from '@quantproof/nn';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { UsageError } from '../errors.js';
import { checkOutputDirectory, makeDirectory } from '../files.js';
import { setInterruptHint } from '../interrupt.js';
import { integerFlag } from '../options.js';
import { type ProgressTarget, startProgress } from '../progress.js';
import { addRegionFlags, regionOf } from '../region.js';
import {
  type CpuSemanticsFlag,
  cpuSemanticsOption,
  describeCpuSemantics,
  resolveCpuSemantics,
} from '../study/cpu-semantics.js';
import { loadVerifyPair } from '../study/load-pair.js';
import { SmtVerifyOptionsError } from '@quantproof/smt-verify';
import { queueRunner } from '@quantproof/smt-verify/queue';
import { queueConnectionOf, queueUsageError, REDIS_PASSWORD_VARIABLE } from '../queue.js';
import { readableJson } from '../json-text.js';
import {
  PROGRESS_FIELDS,
  progressFields,
  shareText,
  verdictLine,
} from '../study/verification-text.js';
import { type VariantVerification, verifyVariant } from '../study/verify-region.js';
import { float32Text } from '../float-text.js';

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
  readonly queue?: string;
  readonly roundSize?: number;
  readonly cpuSemantics: CpuSemanticsFlag;
  readonly json?: boolean;
}

/** Where counterexamples were replayed, in one line. */
function replayLine(replay: VariantVerification['replay']): string {
  if (replay.notReplayed !== null) return `replay: none — ${replay.notReplayed}`;
  const files = replay.files.map(
    (f) =>
      `--${f.role} ${f.path} (${f.bytes} bytes as given; ${f.sessionOptions.executionProvider} execution provider, graphOptimizationLevel ${f.sessionOptions.graphOptimizationLevel}, intraOpNumThreads ${f.sessionOptions.intraOpNumThreads})`,
  );
  return `replay: counterexamples run in ${replay.runtime} on ${files.join(' and ')}`;
}

/** The checkpoint file `verify --resume dir` keeps in `dir`. */
export const VERIFY_CHECKPOINT = 'verify.checkpoint.json';

/**
 * The `verify` command; `setExitCode` receives the verdict's exit code, `warn` lines for stderr
 * (a queue that no worker serves).
 */
export function verifyCommand(
  print: (text: string) => void,
  setExitCode: (code: number) => void,
  progressTarget: (json: boolean) => ProgressTarget,
  warn: (text: string) => void = () => {},
): Command {
  const command = new Command('verify')
    .description(COMMAND_DESCRIPTIONS.verify)
    .requiredOption('--fp32 <file>', 'the FP32 ONNX model (ours or exported from PyTorch)')
    .requiredOption('--int8 <file>', "the int8 ONNX model (ours or from onnxruntime's quantiser)");
  return addRegionFlags(command)
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
      'also stop after this many boxes (δ* and ε* come from the same leaves; a budget that, unlike --timeout, gives the same answer on every machine)',
      integerFlag('--max-boxes', 1),
    )
    .option(
      '--resume <dir>',
      `checkpoint progress to <dir>/${VERIFY_CHECKPOINT}; started again with the same flags, it continues where it stopped`,
    )
    .option(
      '--round-size <n>',
      'leaves split per round, two boxes each (default 16); larger rounds keep more --queue workers busy, and give another answer than other round sizes',
      integerFlag('--round-size', 1, 65_536),
    )
    .option(
      '--queue <url>',
      `decide the boxes on \`quantproof worker\` processes through this Redis (redis://host:port[/db], rediss:// for TLS; password from ${REDIS_PASSWORD_VARIABLE}): the same answer as on this machine`,
    )
    .addOption(cpuSemanticsOption())
    .option('--json', 'print one JSON document (see verify.json in a run directory)')
    .addHelpText(
      'after',
      `\nExit codes: ${VERIFY_EXIT_CODES.consistent} consistent, ${VERIFY_EXIT_CODES.inconsistent} inconsistent (a counterexample was replayed), ${VERIFY_EXIT_CODES.unknown} unknown (not every leaf proven to agree, and no counterexample replayed), 2 bad flags, 3 bad input file.\n\nExamples:\n  $ quantproof verify --fp32 policy.onnx --int8 policy.qdq.onnx --region operating --timeout 60\n  $ quantproof verify --fp32 policy.onnx --int8 policy.qdq.onnx --box "-0.1,0.1;-0.5,0.5;-0.05,0.05;-0.5,0.5" --json\n  $ quantproof verify --fp32 policy.onnx --int8 policy.dyn.onnx --around "0.05,0.3,-0.02,-0.4" --radius 0.001   # near one state\n  $ quantproof verify --fp32 policy.onnx --int8 policy.qdq.onnx --cpu-semantics vnni-exact --max-boxes 20000 --queue redis://10.0.0.5:6379 --resume verify-run   # with \`quantproof worker --queue …\` on other machines`,
    )
    .action(async (opts: VerifyOptions) => {
      // Outputs are checked before any work: a directory that cannot be written fails now.
      if (opts.resume !== undefined) await checkOutputDirectory(opts.resume, '--resume');
      if (opts.queue !== undefined && opts.workers !== undefined) {
        throw new UsageError(
          'give --queue or --workers, not both: with --queue the workers are `quantproof worker` processes (--workers there)',
        );
      }
      const queue = opts.queue === undefined ? undefined : queueConnectionOf(opts.queue);
      const pair = await loadVerifyPair(opts.fp32, opts.int8);
      const fp32File = pair.fp32;
      const fp32 = fp32File.mlp;
      const loaded = pair.int8;
      const int8 = loaded.model;
      const region = await regionOf(opts, mlpInputSize(fp32));
      const cpuSemantics = await resolveCpuSemantics(opts.cpuSemantics);
      let checkpoint: string | undefined;
      if (opts.resume !== undefined) {
        await makeDirectory(opts.resume).catch((error: unknown) => {
          throw new UsageError(
            `cannot use --resume ${opts.resume}: ${(error as Error).message}; give a writable directory`,
          );
        });
        checkpoint = join(opts.resume, VERIFY_CHECKPOINT);
        setInterruptHint(`run the same command again to continue from ${checkpoint}`);
      }
      const progress = startProgress(
        progressTarget(opts.json === true),
        'verify',
        opts.timeout,
        PROGRESS_FIELDS,
      );
      let result;
      try {
        const files = {
          fp32: { path: opts.fp32, bytes: fp32File.bytes, level: fp32File.level },
          int8: { path: opts.int8, bytes: loaded.bytes, level: loaded.level },
        };
        result = await verifyVariant(
          opts.int8,
          { fp32, int8, files },
          {
            seconds: opts.timeout,
            seed: opts.seed,
            region,
            cpuSemantics,
            ...(opts.workers === undefined ? {} : { workers: opts.workers }),
            ...(opts.maxBoxes === undefined ? {} : { maxBoxes: opts.maxBoxes }),
            ...(queue === undefined
              ? {}
              : {
                  runner: queueRunner({
                    connection: queue,
                    onIdle: ({ seconds, unanswered }) =>
                      warn(
                        `quantproof: no worker has answered for ${Math.round(seconds)} s (${unanswered} boxes waiting on ${queue.url}); start \`quantproof worker --queue ${queue.url}\` with the same --fp32, --int8 and --cpu-semantics`,
                      ),
                  }),
                }),
            ...(opts.roundSize === undefined ? {} : { roundSize: opts.roundSize }),
            ...(checkpoint === undefined ? {} : { checkpoint, resume: true }),
            onProgress: (p) => progress.update(p.seconds, progressFields(p)),
          },
        );
      } catch (error) {
        if (error instanceof SmtVerifyOptionsError) throw new UsageError(error.message);
        throw queueUsageError(error) ?? error;
      } finally {
        progress.stop();
        setInterruptHint(null);
      }
      setExitCode(VERIFY_EXIT_CODES[result.verdict]);
      if (opts.json === true) {
        print(readableJson(result));
        return;
      }
      const bracket = (b: VariantVerification['flipMargin'], what: string): string =>
        b === null
          ? `${what}: none`
          : `${what} ∈ [${b.lower.toPrecision(5)}, ${b.upper === null ? '∞' : b.upper.toPrecision(5)}]${b.certified ? '' : ' (not within 1% in the budget)'}`;
      const lines = [
        `${verdictLine(result)} (${count(result.leaves.length, 'leaf', 'leaves')}, ${count(result.boxes, 'box', 'boxes')}, ${result.seconds.toFixed(1)} s${result.decidedAtSeconds === null || result.volume.open > 0 ? '' : `, every leaf decided after ${result.decidedAtSeconds.toFixed(1)} s`})`,
        `${bracket(result.flipMargin, 'δ* (largest FP32 margin at which int8 still disagrees)')}; ${bracket(result.errorBound, 'ε* (max |FP32 − int8| logit)')}; tie tolerance that applied (largest over the leaves): ${result.tieTolerance.toPrecision(3)}`,
        describeCpuSemantics(result.cpuSemantics),
        replayLine(result.replay),
        `theorem: ${result.theorem}`,
      ];
      const why = openReasons(result.leaves, int8.format === 'dynamic');
      if (why !== null) lines.splice(1, 0, why);
      for (const c of result.counterexamples.slice(0, 5)) {
        lines.push(
          `  counterexample x = [${c.input.map(float32Text).join(', ')}]: FP32 logits [${c.fp32Logits.map((v) => v.toPrecision(5)).join(', ')}], int8 [${c.int8Logits.map((v) => v.toPrecision(5)).join(', ')}]; ${c.replay.runtime === 'none' ? 'replayed in the executors only (see replay)' : `${c.replay.confirmed ? 'confirmed' : 'NOT confirmed'} in ${c.replay.runtime}`}`,
        );
      }
      print(lines.join('\n'));
    });
}

/** `1 leaf`, `2 leaves`. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What a reason for an open leaf means, and what to do about it. */
function explainOpen(by: string, dynamic: boolean): string {
  if ((by === 'budget' || by === 'undecided') && dynamic) {
    return (
      'not decided when the budget ran out (raise --timeout or --max-boxes). But the int8 model ' +
      'quantises its activations dynamically, so its rounding error does not shrink with the box: ' +
      'near FP32’s decision boundary the bounds decide only very small boxes, and that band stays ' +
      'open at any practical budget. Verify small regions around the states you care about ' +
      '(--around x1,x2,… --radius r), or ' +
      'quantise statically (quantize --method ptq-static or qat), whose certificates close'
    );
  }
  if (by === 'budget' || by === 'undecided') {
    return 'not decided when the budget ran out (raise --timeout or --max-boxes)';
  }
  if (by === 'float32-overflow') {
    return 'float32 could overflow in the FP32 model there, so no tolerance exists (narrow the box)';
  }
  if (by === 'softmax-collapse' || by === 'int8-softmax-collapse') {
    return 'a Softmax head may round near-equal logits to equal probabilities there (nothing is proven in that band)';
  }
  if (by === 'avx2-saturation') {
    return 'int8 pair sums can saturate on the stated CPU semantics, which the bounds do not model (only the search answers)';
  }
  if (by.startsWith('solver-crash')) {
    return `z3 crashed on these leaves twice, the second time on a fresh solver (${by.slice('solver-crash: '.length)}); run again, or narrow the box`;
  }
  if (by.startsWith('accumulator-overflow')) {
    return `${by} (onnxruntime's result then depends on whether its CPU kernel wraps or saturates)`;
  }
  return by;
}

/** One line saying why leaves are open, by reason and share of the region; null when none is. */
function openReasons(
  leaves: readonly { readonly status: string; readonly by: string; readonly volume: number }[],
  dynamic: boolean,
): string | null {
  const shares = new Map<string, number>();
  for (const l of leaves) {
    if (l.status !== 'open') continue;
    const key = l.by.startsWith('worker-failed') ? 'worker-failed' : l.by;
    shares.set(key, (shares.get(key) ?? 0) + l.volume);
  }
  if (shares.size === 0) return null;
  const parts = [...shares.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([by, v]) => `${shareText(v)} ${explainOpen(by, dynamic)}`);
  return `open: ${parts.join('; ')}`;
}
