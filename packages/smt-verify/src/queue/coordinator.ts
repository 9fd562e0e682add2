// The coordinator's side of the queue: a `RegionRunner` that adds each round's boxes to a BullMQ
// queue in one round trip and waits for their answers (completion events, and a periodic re-read
// of the boxes still unanswered, which also finds the answers a previous coordinator left behind).
// The verifier applies the answers in the round's order, exactly as with the local pool.
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LeafEvaluation } from '../region/evaluate.js';
import { JobFailedError } from '../region/pool.js';
import type { RegionRunner, RegionRunnerFactory } from '../region/runner.js';
import { checkQueueConnection, type QueueConnection, redisOptions } from './connection.js';
import {
  decisionFingerprint,
  DEFAULT_QUEUE_NAME,
  QUEUE_PAYLOAD_VERSION,
  type QueueJobData,
  type QueueJobResult,
  taskJobId,
} from './payload.js';
import { decodeWire, encodeWire } from './wire.js';

/** Options of `queueRunner`. */
export interface QueueRunnerOptions {
  readonly connection: QueueConnection;
  /** The queue's name (workers must use the same). Default `quantproof-region`. */
  readonly name?: string;
  /** Attempts per box before it is left open as failed (a thrown evaluation). Default 3. */
  readonly attempts?: number;
  /** Unanswered boxes are re-read this often (ms): events can be missed across a restart. Default 2000. */
  readonly pollMs?: number;
  /** Completed boxes are kept this long (s) for a coordinator that resumes. Default 86400. */
  readonly keepSeconds?: number;
  /**
   * Called when no box of the round was answered for `idleSeconds` (and again each time as long),
   * with the seconds waited and the boxes unanswered: no worker may be running.
   */
  readonly onIdle?: (idle: { readonly seconds: number; readonly unanswered: number }) => void;
  /** Default 30. */
  readonly idleSeconds?: number;
}

/** Counters of a queue runner (for benchmarks and progress). */
export interface QueueRunnerStats {
  /** Boxes added to the queue. */
  readonly boxes: number;
  /** Boxes whose answer was already in the queue when added (a resumed run). */
  readonly reused: number;
  /** Boxes re-added because the queue had lost them (a Redis restarted without persistence). */
  readonly readded: number;
  /** Boxes a worker started more than once (stalled: its worker died or hung). */
  readonly retries: number;
  /** Round trips this coordinator made to Redis (each pipeline counts once). */
  readonly roundTrips: number;
  /** Bytes of job data added, and of answers received. */
  readonly payloadBytes: number;
  readonly answerBytes: number;
}

interface Waiting {
  readonly indices: number[];
  readonly data: QueueJobData;
}

type Answer = LeafEvaluation | JobFailedError;

/** A runner that hands rounds to `quantproof worker` processes through Redis. */
export function queueRunner(
  options: QueueRunnerOptions,
): RegionRunnerFactory & { stats(): QueueRunnerStats } {
  const stats = {
    boxes: 0,
    reused: 0,
    readded: 0,
    retries: 0,
    roundTrips: 0,
    payloadBytes: 0,
    answerBytes: 0,
  };
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const attempts = options.attempts ?? 3;
  const pollMs = options.pollMs ?? 2000;
  const keep = options.keepSeconds ?? 86_400;
  return {
    stats: () => ({ ...stats }),
    async open({ init }): Promise<RegionRunner> {
      await checkQueueConnection(options.connection);
      const connection = redisOptions(options.connection);
      const queue = new Queue<QueueJobData, QueueJobResult>(name, { connection });
      const events = new QueueEvents(name, { connection });
      queue.on('error', () => {});
      events.on('error', () => {});
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
      const client = (await queue.client) as unknown as Redis;
      const fingerprint = decisionFingerprint(init);
      let round: {
        waiting: Map<string, Waiting>;
        answers: Answer[];
        settle: (id: string, answer: Answer) => void;
      } | null = null;

      const answerOf = (value: unknown, id: string): Answer => {
        const r = (typeof value === 'string' ? JSON.parse(value) : value) as QueueJobResult;
        if (r?.version !== QUEUE_PAYLOAD_VERSION || r.fingerprint !== fingerprint) {
          return new JobFailedError(`box ${id} was answered by a worker of another version or run`);
        }
        stats.answerBytes += r.evaluation.length;
        return decodeWire(r.evaluation) as LeafEvaluation;
      };
      events.on('completed', ({ jobId, returnvalue }) => {
        round?.settle(jobId, answerOf(returnvalue, jobId));
      });
      events.on('failed', ({ jobId, failedReason }) => {
        round?.settle(
          jobId,
          new JobFailedError(`box ${jobId} failed on the queue: ${failedReason}`),
        );
      });

      const add = async (ids: readonly string[], waiting: Map<string, Waiting>): Promise<void> => {
        stats.roundTrips++;
        await queue.addBulk(
          ids.map((id) => ({
            name: 'evaluate',
            data: waiting.get(id)!.data,
            opts: {
              jobId: id,
              attempts,
              removeOnComplete: { age: keep },
              removeOnFail: { age: keep },
            },
          })),
        );
      };

      /**
       * Reads the unanswered boxes' hashes in one pipeline and settles those answered (or failed);
       * adds those the queue does not hold (`first`: the round's boxes; later: boxes it lost).
       */
      const reconcile = async (first: boolean): Promise<void> => {
        const r = round;
        if (r === null || r.waiting.size === 0) return;
        const ids = [...r.waiting.keys()];
        const pipeline = client.pipeline();
        for (const id of ids) {
          pipeline.hmget(queue.toKey(id), 'timestamp', 'finishedOn', 'returnvalue', 'failedReason');
        }
        stats.roundTrips++;
        const rows = (await pipeline.exec()) ?? [];
        const lost: string[] = [];
        ids.forEach((id, k) => {
          const [error, fields] = rows[k] ?? [null, null];
          if (error !== null) throw error;
          const [timestamp, finishedOn, returnvalue, failedReason] = fields as (string | null)[];
          if (timestamp === null) lost.push(id);
          else if (finishedOn !== null && returnvalue !== null)
            r.settle(id, answerOf(returnvalue, id));
          else if (finishedOn !== null) {
            r.settle(
              id,
              new JobFailedError(`box ${id} failed on the queue: ${failedReason ?? ''}`),
            );
          }
        });
        if (first) stats.reused += ids.length - r.waiting.size;
        if (lost.length > 0) {
          if (!first) stats.readded += lost.length;
          await add(lost, r.waiting);
        }
      };

      /** How often each box of the round was started (for `retries`), one pipeline. */
      const countStarts = async (ids: readonly string[]): Promise<void> => {
        const pipeline = client.pipeline();
        for (const id of ids) pipeline.hget(queue.toKey(id), 'ats');
        stats.roundTrips++;
        const rows = (await pipeline.exec()) ?? [];
        for (const [, v] of rows) stats.retries += Math.max(0, Number(v ?? 1) - 1);
      };

      // CLIENT LIST, which some managed Redis services refuse: then the count is unknown (0).
      const workers = await queue.getWorkersCount().catch(() => 0);
      return {
        workers,
        async run(tasks) {
          const waiting = new Map<string, Waiting>();
          tasks.forEach((task, i) => {
            const text = encodeWire(task);
            const id = taskJobId(fingerprint, text);
            const w = waiting.get(id);
            if (w !== undefined) w.indices.push(i);
            else {
              waiting.set(id, {
                indices: [i],
                data: { version: QUEUE_PAYLOAD_VERSION, fingerprint, task: text },
              });
              stats.payloadBytes += text.length;
            }
          });
          const ids = [...waiting.keys()];
          stats.boxes += tasks.length;
          const answers: Answer[] = new Array<Answer>(tasks.length);
          let done!: () => void;
          const finished = new Promise<void>((resolve) => (done = resolve));
          round = {
            waiting,
            answers,
            settle: (id, answer) => {
              const w = waiting.get(id);
              if (w === undefined) return;
              waiting.delete(id);
              for (const i of w.indices) answers[i] = answer;
              if (waiting.size === 0) done();
            },
          };
          try {
            // One read finds the answers a previous coordinator left; one write adds the rest.
            await reconcile(true);
            let answered = waiting.size;
            let since = Date.now();
            let told = 0;
            while (waiting.size > 0) {
              let timer: NodeJS.Timeout | undefined;
              await Promise.race([
                finished,
                new Promise<void>((resolve) => (timer = setTimeout(resolve, pollMs))),
              ]);
              clearTimeout(timer);
              await reconcile(false);
              if (waiting.size < answered) {
                answered = waiting.size;
                since = Date.now();
                told = 0;
              }
              const idle = (Date.now() - since) / 1000;
              if (waiting.size > 0 && idle >= (told + 1) * (options.idleSeconds ?? 30)) {
                told++;
                options.onIdle?.({ seconds: idle, unanswered: waiting.size });
              }
            }
          } finally {
            round = null;
          }
          await countStarts(ids);
          return answers;
        },
        retries: () => stats.retries,
        async close() {
          await events.close();
          await queue.close();
        },
      };
    },
  };
}
