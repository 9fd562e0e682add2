// `quantproof worker --queue redis://…`: decides the boxes a `verify --queue` coordinator puts in
// Redis, on this machine's cores, with the same deciders as `verify --workers`. Runs until stopped
// (Ctrl-C or SIGTERM: the boxes it held go back to the queue); refuses the boxes of a run whose
// models or options differ from its own.

import { availableParallelism } from 'node:os';
import { startQueueWorker } from '@quantproof/smt-verify/queue';
import { Command } from 'commander';
import { integerFlag } from '../options.js';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { queueConnectionOf, queueUsageError, REDIS_PASSWORD_VARIABLE } from '../queue.js';
import {
  type CpuSemanticsFlag,
  cpuSemanticsOption,
  resolveCpuSemantics,
} from '../study/cpu-semantics.js';
import { loadVerifyPair } from '../study/load-pair.js';

/** Options of the worker command after parsing. */
export interface WorkerOptions {
  readonly queue: string;
  readonly fp32: string;
  readonly int8: string;
  readonly workers?: number;
  readonly cpuSemantics: CpuSemanticsFlag;
}

/** The `worker` command; `log` receives its status lines (stderr). */
export function workerCommand(log: (text: string) => void): Command {
  return new Command('worker')
    .description(COMMAND_DESCRIPTIONS.worker)
    .requiredOption('--queue <url>', 'the Redis queue: redis://host:port[/db] or rediss://… (TLS)')
    .requiredOption('--fp32 <file>', "the coordinator's FP32 ONNX model")
    .requiredOption('--int8 <file>', "the coordinator's int8 ONNX model")
    .option(
      '--workers <n>',
      'worker threads, one z3 each (default: one per core)',
      integerFlag('--workers', 1, 256),
    )
    .addOption(cpuSemanticsOption())
    .addHelpText(
      'after',
      `\nExample:\n  $ quantproof worker --queue redis://10.0.0.5:6379 --fp32 policy.onnx --int8 policy.qdq.onnx --cpu-semantics vnni-exact\n\nRun it on each worker machine while the coordinator runs \`quantproof verify … --queue\` with the same models. The Redis password, if any, is read from ${REDIS_PASSWORD_VARIABLE}. Exit codes: 2 bad flags, Redis unreachable, or boxes of another run in the queue; 3 bad input file.`,
    )
    .action(async (opts: WorkerOptions) => {
      const connection = queueConnectionOf(opts.queue);
      const pair = await loadVerifyPair(opts.fp32, opts.int8);
      const cpuSemantics = await resolveCpuSemantics(opts.cpuSemantics);
      const threads = opts.workers ?? Math.max(1, availableParallelism());
      let worker;
      try {
        worker = await startQueueWorker(pair.fp32.mlp, pair.int8.model, {
          connection,
          threads,
          cpuSemantics: cpuSemantics.semantics,
        });
      } catch (error) {
        throw queueUsageError(error) ?? error;
      }
      log(
        `quantproof worker: ${threads} thread${threads === 1 ? '' : 's'} on ${connection.url} (run fingerprint ${worker.fingerprint.slice(0, 12)}…, ${cpuSemantics.semantics}); stop with Ctrl-C`,
      );
      try {
        await worker.stopped;
      } catch (error) {
        throw queueUsageError(error) ?? error;
      } finally {
        log(`quantproof worker: ${worker.boxes()} boxes decided`);
      }
    });
}
