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

port.on('message', (message: { id: number; job: Job } | { stop: true }) => {
  if ('stop' in message) {
    void releaseZ3().finally(() => port.close());
    return;
  }
  runJob(mlp, model, init, message.job).then(
    (result) => port.postMessage({ id: message.id, ok: true, result }),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        ok: false,
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
  );
});
