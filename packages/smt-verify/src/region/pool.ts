// Where region jobs run: a pool of worker threads (one z3 each) that retries the job of a crashed
// or stuck worker on a fresh one, or the calling thread itself (`workers: 0`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import { runJob, type Job, type JobResult, type WorkerInit } from './jobs.js';

/** Runs jobs; `close` ends every worker (and its z3 threads). */
export interface JobPool {
  readonly size: number;
  run(job: Job): Promise<JobResult>;
  /** Jobs re-run after a worker crashed, ran out of memory or overran its deadline. */
  readonly retries: () => number;
  close(): Promise<void>;
}

/** A job that failed on every attempt. */
export class JobFailedError extends Error {
  override readonly name = 'JobFailedError';
}

/** Runs every job in the calling thread (z3 in this thread). */
export function createInlinePool(mlp: Mlp, model: QMlp, init: WorkerInit): JobPool {
  return {
    size: 0,
    run: (job) => runJob(mlp, model, init, job),
    retries: () => 0,
    close: async () => {},
  };
}

/** The compiled worker entry; tests that run on source use the package's build. */
function workerEntry(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../../dist/region/worker.js', here)
    : new URL('./worker.js', here);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(
      `the region worker ${fileURLToPath(url)} is missing: build @quantproof/smt-verify first (pnpm --filter @quantproof/smt-verify... build), or pass workers: 0`,
    );
  }
  return url;
}

function isConditionFlag(arg: string, previous: string | undefined): boolean {
  return (
    arg.startsWith('--conditions') ||
    arg.startsWith('-C') ||
    ((previous === '--conditions' || previous === '-C') && !arg.startsWith('-'))
  );
}

interface Pending {
  readonly job: Job;
  readonly resolve: (r: JobResult) => void;
  readonly reject: (e: Error) => void;
  attempts: number;
}

interface Slot {
  worker: Worker;
  /** Jobs sent to the worker, oldest first; the worker runs them one at a time, in order. */
  inFlight: { id: number; pending: Pending }[];
  /** The deadline of the oldest job (the one running). */
  timer: NodeJS.Timeout | null;
}

/**
 * Jobs each worker holds at once: the one it runs and the next, already in its message queue, so
 * that it never waits for this thread to hand it work (on a busy machine this thread may not run
 * for milliseconds).
 */
const JOBS_PER_WORKER = 2;

/** Options of `createWorkerPool`. */
export interface WorkerPoolOptions {
  readonly workers: number;
  /** A job running longer than this is stopped and retried on a fresh worker. */
  readonly jobDeadlineMs: number;
  /** V8 heap limit of each worker (the memory guard); a worker over it is replaced. */
  readonly memoryMb: number;
  /** Attempts per job before it fails. Default 3. */
  readonly attempts?: number;
}

/** A pool of `workers` worker threads, each with its own z3. */
export function createWorkerPool(init: WorkerInit, options: WorkerPoolOptions): JobPool {
  const entry = workerEntry();
  const attempts = options.attempts ?? 3;
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 0;
  let retries = 0;
  let closed = false;

  const spawn = (slot: Slot | null): Slot => {
    const worker = new Worker(entry, {
      workerData: init,
      // The worker runs the compiled package: drop a source-export condition a test runner set.
      execArgv: process.execArgv.filter((a, i, all) => !isConditionFlag(a, all[i - 1])),
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
    });
    const s = slot ?? { worker, inFlight: [], timer: null };
    s.worker = worker;
    s.inFlight = [];
    s.timer = null;
    worker.on('message', (m: { id: number; ok: boolean; result?: JobResult; message?: string }) => {
      if (s.worker !== worker) return;
      const done = s.inFlight[0];
      if (done === undefined || done.id !== m.id) return;
      s.inFlight.shift();
      clearDeadline(s);
      if (s.inFlight.length > 0) startDeadline(s);
      else worker.unref(); // idle workers never keep the process alive
      if (m.ok) done.pending.resolve(m.result!);
      else done.pending.reject(new JobFailedError(m.message ?? 'job failed'));
      pump();
    });
    const lost = (why: string): void => {
      if (s.worker !== worker || closed) return;
      const [running, ...waiting] = s.inFlight;
      s.inFlight = [];
      clearDeadline(s);
      // The jobs queued behind the running one go back first, unharmed; the running one is retried.
      queue.unshift(...waiting.map((w) => w.pending));
      if (running !== undefined) {
        const p = running.pending;
        p.attempts++;
        if (p.attempts >= attempts) {
          p.reject(new JobFailedError(`a worker failed ${p.attempts} times on this job (${why})`));
        } else {
          retries++;
          queue.unshift(p);
        }
      }
      spawn(s);
      pump();
    };
    worker.on('error', (e) => lost(e.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    worker.unref();
    return s;
  };

  const clearDeadline = (slot: Slot): void => {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
  };

  // Stuck past its deadline: replace the worker; `lost` retries the job.
  const startDeadline = (slot: Slot): void => {
    const worker = slot.worker;
    slot.timer = setTimeout(() => void worker.terminate(), options.jobDeadlineMs);
    slot.timer.unref();
  };

  const pump = (): void => {
    for (const slot of slots) {
      while (slot.inFlight.length < JOBS_PER_WORKER && queue.length > 0) {
        const pending = queue.shift()!;
        const id = nextId++;
        slot.inFlight.push({ id, pending });
        if (slot.inFlight.length === 1) startDeadline(slot);
        slot.worker.ref(); // a busy worker keeps the process alive until it answers
        slot.worker.postMessage({ id, job: pending.job });
      }
    }
  };

  for (let i = 0; i < options.workers; i++) slots.push(spawn(null));

  return {
    size: options.workers,
    run: (job) =>
      new Promise<JobResult>((resolve, reject) => {
        if (closed) {
          reject(new JobFailedError('the pool is closed'));
          return;
        }
        queue.push({ job, resolve, reject, attempts: 0 });
        pump();
      }),
    retries: () => retries,
    close: async () => {
      closed = true;
      await Promise.all(
        slots.map(
          (s) =>
            new Promise<void>((done) => {
              // Referenced: the process waits for the workers (and their z3 threads) to end.
              const t = setTimeout(() => void s.worker.terminate().then(() => done()), 2000);
              s.worker.once('exit', () => {
                clearTimeout(t);
                done();
              });
              s.worker.postMessage({ stop: true });
            }),
        ),
      );
    },
  };
}
