// The jobs a region run hands to its deciders, identical in a worker thread and in-process.
import type { Mlp, MlpJson } from '@quantproof/nn';
import type { QMlp, QMlpJson } from '@quantproof/quant';
import { createDecisionCertifier, type Box, type DecisionCertificate } from '@quantproof/interval';
import { flipMargin } from '../flip-margin.js';
import { boundFlipBox, type FlipBoxBound } from './margins.js';
import {
  createBoxDecider,
  type BoxDecider,
  type BoxDecision,
  type BoxTask,
  type BoxTaskBounds,
  type DecisionSettings,
} from './box-decision.js';

/** What a worker receives once: both networks, the region and the settings. */
export interface WorkerInit {
  readonly fp32: MlpJson;
  readonly int8: QMlpJson;
  readonly root: BoxTaskBounds;
  readonly settings: DecisionSettings;
}

/** A unit of work: decide a box, or bracket the flip margin δ* on a box. */
export type Job =
  | { readonly kind: 'decide'; readonly task: BoxTask }
  | {
      readonly kind: 'flip';
      readonly box: BoxTaskBounds;
      /** Stop when the bracket is narrower than this. */
      readonly precision: number;
    }
  | { readonly kind: 'flip-bound'; readonly box: BoxTaskBounds; readonly seed: number };

/** A job's answer. */
export type JobResult =
  | { readonly kind: 'flip-bound'; readonly bound: FlipBoxBound }
  | { readonly kind: 'decide'; readonly decision: BoxDecision }
  | {
      readonly kind: 'flip';
      /**
       * `none`: no disagreement above the box's tie tolerance (`tieTolerance`: disagreements up to
       * it are ties, so δ*'s upper end covers it); else a bracket and its witness.
       */
      readonly bracket:
        | { readonly kind: 'none'; readonly tieTolerance: number }
        | {
            readonly kind: 'bounded';
            readonly lower: number;
            readonly upper: number;
            readonly witness: number[];
          }
        | { readonly kind: 'unknown'; readonly reason: string };
      readonly smtQueries: number;
    };

const deciders = new WeakMap<object, BoxDecider>();
const certifiers = new WeakMap<object, (box: Box) => DecisionCertificate>();

/** Runs one job (creates the pair's decider on first use). */
export async function runJob(
  mlp: Mlp,
  model: QMlp,
  init: Pick<WorkerInit, 'root' | 'settings'>,
  job: Job,
): Promise<JobResult> {
  if (job.kind === 'decide') {
    let decider = deciders.get(init);
    if (decider === undefined) {
      decider = createBoxDecider(mlp, model, init.root, init.settings);
      deciders.set(init, decider);
    }
    return { kind: 'decide', decision: await decider.decide(job.task) };
  }
  if (job.kind === 'flip-bound') {
    let certify = certifiers.get(init);
    if (certify === undefined) {
      certify = createDecisionCertifier(mlp, model, { method: 'linear' });
      certifiers.set(init, certify);
    }
    const bound = boundFlipBox(
      mlp,
      model,
      certify,
      job.box,
      job.seed,
      init.settings.cpu ?? 'vnni-exact',
    );
    return { kind: 'flip-bound', bound };
  }
  let smtQueries = 0;
  const result = await flipMargin(mlp, model, job.box, {
    tieTolerance: init.settings.tieToleranceFloor,
    ...(init.settings.cpu === undefined ? {} : { cpu: init.settings.cpu }),
    timeoutSeconds: init.settings.smtTimeoutSeconds,
    precision: job.precision,
    onQuery: () => {
      smtQueries++;
    },
  });
  if (result.kind === 'consistent') {
    return {
      kind: 'flip',
      bracket: { kind: 'none', tieTolerance: result.tieTolerance },
      smtQueries,
    };
  }
  if (result.kind === 'unknown') {
    return { kind: 'flip', bracket: { kind: 'unknown', reason: result.reason }, smtQueries };
  }
  return {
    kind: 'flip',
    bracket: {
      kind: 'bounded',
      lower: result.lower,
      upper: result.upper,
      witness: Array.from(result.witness.input),
    },
    smtQueries,
  };
}
