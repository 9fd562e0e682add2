// The worker's side of the queue: pulls boxes, refuses those of another run (their fingerprint is
// not this worker's: other networks or options, or another payload version) by putting them back
// untouched and stopping, and decides the rest on its own worker threads with the same deciders as
// the local pool. The event loop only talks to Redis, so the worker keeps its boxes' locks while
// z3 works; a worker that dies loses its locks, and BullMQ's stalled-job check gives its boxes to
// another worker.
import { Worker, WaitingError } from 'bullmq';
import { type Mlp, mlpToJson } from '@quantproof/nn';
import { type QMlp, qmlpToJson } from '@quantproof/quant';
import { QueueWorkerRefusedError } from '../errors.js';
import type { LeafTask } from '../region/evaluate.js';
import type { WorkerInit } from '../region/jobs.js';
import { localPool } from '../region/runner.js';
import { type DecisionOptions, decisionSettings } from '../region/settings.js';
import { checkQueueConnection, type QueueConnection, redisOptions } from './connection.js';
import {
  decisionFingerprint,
  DEFAULT_QUEUE_NAME,
  QUEUE_PAYLOAD_VERSION,
  type QueueJobData,
  type QueueJobResult,
} from './payload.js';
import { decodeWire, encodeWire } from './wire.js';

/** Options of `startQueueWorker`: where the queue is, and the run's decision options. */
export interface QueueWorkerOptions extends DecisionOptions {
  readonly connection: QueueConnection;
  /** The queue's name (the coordinator's). Default `quantproof-region`. */
  readonly name?: string;
  /** Worker threads deciding boxes (one z3 each), and boxes held at once; 0: this thread. Default 1. */
  readonly threads?: number;
  /** Heap limit of each thread in MiB. Default 1024. */
  readonly memoryMb?: number;
  /** A box's lock lasts this long (ms) unless renewed; a dead worker's box waits at most about this. Default 30000. */
  readonly lockMs?: number;
  /** How often (ms) workers look for boxes whose lock expired. Default 30000. */
  readonly stalledIntervalMs?: number;
  /** Times a box may stall (its worker died) before it fails. Default 5. */
  readonly maxStalledCount?: number;
  /** Called after each box this worker decided. */
  readonly onBox?: () => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** The fingerprint of this worker's networks and settings (boxes must carry it). */
  readonly fingerprint: string;
  /** Boxes decided so far. */
  boxes(): number;
  /**
   * Settles when the worker stops: resolves after `close`, rejects with `QueueWorkerRefusedError`
   * when it met a box of another run.
   */
  readonly stopped: Promise<void>;
  close(): Promise<void>;
}

/** Starts a worker for the runs of `fp32` and `int8` with these decision options. */
export async function startQueueWorker(
  fp32: Mlp,
  int8: QMlp,
  options: QueueWorkerOptions,
): Promise<QueueWorker> {
  const init: WorkerInit = {
    fp32: mlpToJson(fp32),
    int8: qmlpToJson(int8),
    settings: decisionSettings(int8, options),
  };
  const fingerprint = decisionFingerprint(init);
  await checkQueueConnection(options.connection);
  const threads = Math.max(0, Math.floor(options.threads ?? 1));
  const pool = localPool({ fp32, int8 }, init, {
    workers: threads,
    ...(options.memoryMb === undefined ? {} : { workerMemoryMb: options.memoryMb }),
  });
  let boxes = 0;
  let stop!: (error?: Error) => void;
  const stopped = new Promise<void>((resolve, reject) => {
    stop = (error) => (error === undefined ? resolve() : reject(error));
  });
  stopped.catch(() => {});
  let refused: QueueWorkerRefusedError | null = null;
  const worker = new Worker<QueueJobData, QueueJobResult>(
    options.name ?? DEFAULT_QUEUE_NAME,
    async (job, token) => {
      const data = job.data;
      if (
        refused !== null ||
        data.version !== QUEUE_PAYLOAD_VERSION ||
        data.fingerprint !== fingerprint
      ) {
        // Not ours to decide: back to the queue untouched, for a worker of the right run.
        await job.moveToWait(token);
        refused ??= new QueueWorkerRefusedError(
          data.version !== QUEUE_PAYLOAD_VERSION
            ? `the queue holds boxes of payload version ${String(data.version)}, this worker reads version ${QUEUE_PAYLOAD_VERSION}; run the same quantproof version on the coordinator and every worker`
            : `the queue holds boxes of another run (fingerprint ${String(data.fingerprint).slice(0, 12)}…, this worker's is ${fingerprint.slice(0, 12)}…): start the worker with the coordinator's networks and options (the same --fp32, --int8 and --cpu-semantics); if that run was abandoned, empty its database (redis-cli -n <db> flushdb) or give each run a database of its own (redis://host:port/<db>)`,
        );
        setImmediate(() => void shutdown(refused!));
        throw new WaitingError();
      }
      const task = decodeWire(data.task) as LeafTask;
      const result = await pool.run({ kind: 'evaluate', task });
      boxes++;
      options.onBox?.();
      return {
        version: QUEUE_PAYLOAD_VERSION,
        fingerprint,
        evaluation: encodeWire(result.evaluation),
      };
    },
    {
      connection: redisOptions(options.connection),
      concurrency: Math.max(1, threads),
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 5,
    },
  );
  worker.on('error', () => {});
  let closing: Promise<void> | null = null;
  const shutdown = (error?: Error): Promise<void> => {
    closing ??= (async () => {
      await worker.close(error !== undefined);
      await pool.close();
      stop(error);
    })();
    return closing;
  };
  await worker.waitUntilReady();
  return { fingerprint, boxes: () => boxes, stopped, close: () => shutdown() };
}
