// The worker pool hands each worker its next job before the current one ends; a worker that is
// lost (here: every job overruns a 1 ms deadline, so each attempt's worker is terminated) costs
// the running job one attempt and puts the jobs queued behind it back unharmed, so every job gets
// exactly its attempts and none is lost or answered twice.
import { mlpToJson } from '@quantproof/nn';
import { qmlpToJson } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { planted } from '@quantproof/test-support/planted';
import { quantizeTiny } from '@quantproof/test-support/tiny-nets';
import type { LeafTask } from './evaluate.js';
import { ROOT_STATE } from './leaf-state.js';
import { createWorkerPool, JobFailedError } from './pool.js';
import { decisionSettings } from './settings.js';

const int8 = quantizeTiny(planted);
const init = {
  fp32: mlpToJson(planted),
  int8: qmlpToJson(int8),
  settings: decisionSettings(int8, {}),
};
const task = (seed: number): LeafTask => ({
  lower: [-1, -1],
  upper: [1, 1],
  inherited: ROOT_STATE,
  counterexampleInput: null,
  seed,
  flipLower: 0,
  errorLower: 0,
  search: true,
});

describe('worker pool', () => {
  it('answers every job once, in any order of completion, with two jobs per worker', async () => {
    const pool = createWorkerPool(init, { workers: 2, jobDeadlineMs: 60_000, memoryMb: 256 });
    try {
      const results = await Promise.all(
        Array.from({ length: 9 }, (_, i) => pool.run({ kind: 'evaluate', task: task(i) })),
      );
      expect(results).toHaveLength(9);
      for (const r of results) expect(r.kind).toBe('evaluate');
      // The same task gives the same evaluation whichever worker ran it.
      const again = await pool.run({ kind: 'evaluate', task: task(3) });
      expect(JSON.stringify(again)).toBe(JSON.stringify(results[3]));
      expect(pool.retries()).toBe(0);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('retries only the running job when its worker is lost; the queued ones go back unharmed', async () => {
    const pool = createWorkerPool(init, {
      workers: 1,
      jobDeadlineMs: 1,
      memoryMb: 256,
      attempts: 2,
    });
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => pool.run({ kind: 'evaluate', task: task(i) })),
      );
      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        const reason = (o as PromiseRejectedResult).reason as Error;
        expect(reason).toBeInstanceOf(JobFailedError);
        expect(reason.message).toContain('failed 2 times');
      }
      // One retry per job: a job waiting behind a lost one is not charged an attempt.
      expect(pool.retries()).toBe(5);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
