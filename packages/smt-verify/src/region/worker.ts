// The worker-thread side of the region verifier: one z3 per worker, jobs in, results out.
import { parentPort, workerData } from 'node:worker_threads';
import { mlpFromJson } from '@quantproof/nn';
import { qmlpFromJson } from '@quantproof/quant';
import { releaseZ3 } from '../z3-session.js';
import { runJob, type Job, type WorkerInit } from './jobs.js';

const init = workerData as WorkerInit;
const mlp = mlpFromJson(init.fp32).mlp;
const model = qmlpFromJson(init.int8).model;
const port = parentPort!;

// Jobs run one at a time, in the order they arrive (the pool sends the next before this one ends).
const backlog: { id: number; job: Job }[] = [];
let running = false;

const runNext = (): void => {
  if (running) return;
  const message = backlog.shift();
  if (message === undefined) return;
  running = true;
  runJob(mlp, model, init, message.job)
    .then(
      (result) => port.postMessage({ id: message.id, ok: true, result }),
      (error: unknown) =>
        port.postMessage({
          id: message.id,
          ok: false,
          message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
    )
    .finally(() => {
      running = false;
      runNext();
    });
};

port.on('message', (message: { id: number; job: Job } | { stop: true }) => {
  if ('stop' in message) {
    void releaseZ3().finally(() => port.close());
    return;
  }
  backlog.push(message);
  runNext();
});
