// Where a region run evaluates its rounds: the one interface the verifier sees, whether the leaves
// run in this thread, on a pool of worker threads, or on a queue served by other machines. A runner
// answers a whole round at once (so a queue can add it in one round trip) and keeps the order of
// the tasks; the driver applies the answers in that order, so the runner never changes the result.
import type { Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import type { LeafEvaluation, LeafTask } from './evaluate.js';
import type { WorkerInit } from './jobs.js';
import { createInlinePool, createWorkerPool, JobFailedError, type JobPool } from './pool.js';

/** Evaluates rounds of leaves for one run. */
export interface RegionRunner {
  /** Evaluators working on the run (threads or queue workers; 0: this thread). */
  readonly workers: number;
  /**
   * The evaluations of `tasks`, in their order; a task that failed on every attempt yields a
   * `JobFailedError` in its place (the verifier leaves that box open).
   */
  run(tasks: readonly LeafTask[]): Promise<(LeafEvaluation | JobFailedError)[]>;
  /** Tasks evaluated again after an evaluator crashed, stalled or was lost. */
  retries(): number;
  close(): Promise<void>;
}

/** What a runner is opened with: the run's networks and settings, and its fingerprint. */
export interface RegionRunnerContext {
  readonly init: WorkerInit;
  /** Identifies the run (networks, settings, region, options): equal runs give equal answers. */
  readonly runFingerprint: string;
}

/** Opens a runner for a run (`RegionOptions.runner`); the verifier closes it at the end. */
export interface RegionRunnerFactory {
  open(context: RegionRunnerContext): Promise<RegionRunner>;
}

/** A runner over a `JobPool` (one task, one job). */
function poolRunner(pool: JobPool): RegionRunner {
  return {
    workers: pool.size,
    run: (tasks) =>
      Promise.all(
        tasks.map((task) =>
          pool.run({ kind: 'evaluate', task }).then(
            (r) => r.evaluation,
            (error: unknown) => {
              if (error instanceof JobFailedError) return error;
              throw error;
            },
          ),
        ),
      ),
    retries: pool.retries,
    close: () => pool.close(),
  };
}

/** Options of `localRunner`. */
export interface LocalRunnerOptions {
  /** Worker threads, one z3 each; 0 runs every task in the calling thread. */
  readonly workers: number;
  /** Heap limit of each worker thread in MiB. Default 1024. */
  readonly workerMemoryMb?: number;
}

/**
 * The pool that decides boxes on this machine (the local runner's, and a queue worker's):
 * `workers` worker threads, or the calling thread (`workers: 0`).
 */
export function localPool(
  networks: { readonly fp32: Mlp; readonly int8: QMlp },
  init: WorkerInit,
  options: LocalRunnerOptions,
): JobPool {
  return options.workers === 0
    ? createInlinePool(networks.fp32, networks.int8, init)
    : createWorkerPool(init, {
        workers: options.workers,
        jobDeadlineMs: Math.max(30_000, init.settings.smtTimeoutSeconds * 1000 * 20),
        memoryMb: options.workerMemoryMb ?? 1024,
      });
}

/** This machine: `workers` worker threads, or the calling thread (`workers: 0`). */
export function localRunner(
  networks: { readonly fp32: Mlp; readonly int8: QMlp },
  options: LocalRunnerOptions,
): RegionRunnerFactory {
  return { open: async ({ init }) => poolRunner(localPool(networks, init, options)) };
}
