// The jobs a region run hands to its evaluators, identical in a worker thread and in-process.
import type { Mlp, MlpJson } from '@quantproof/nn';
import type { QMlp, QMlpJson } from '@quantproof/quant';
import {
  createLeafEvaluator,
  type DecisionSettings,
  type LeafEvaluation,
  type LeafEvaluator,
  type LeafTask,
} from './evaluate.js';

/** What a worker receives once: both networks and the settings. */
export interface WorkerInit {
  readonly fp32: MlpJson;
  readonly int8: QMlpJson;
  readonly settings: DecisionSettings;
}

/** A unit of work: evaluate one leaf. */
export interface Job {
  readonly kind: 'evaluate';
  readonly task: LeafTask;
}

/** A job's answer. */
export interface JobResult {
  readonly kind: 'evaluate';
  readonly evaluation: LeafEvaluation;
}

const evaluators = new WeakMap<object, LeafEvaluator>();

/** Runs one job (creates the pair's evaluator on first use). */
export async function runJob(
  mlp: Mlp,
  model: QMlp,
  init: Pick<WorkerInit, 'settings'>,
  job: Job,
): Promise<JobResult> {
  let evaluator = evaluators.get(init);
  if (evaluator === undefined) {
    evaluator = createLeafEvaluator(mlp, model, init.settings);
    evaluators.set(init, evaluator);
  }
  return { kind: 'evaluate', evaluation: await evaluator.evaluate(job.task) };
}
