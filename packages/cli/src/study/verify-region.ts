// Region verification of one int8 variant (by default over the CartPole operating box) with
// @quantproof/smt-verify's `verifyRegion`: bounds, a boundary-cell search and z3 on every leaf, a
// worker pool, checkpoints for --resume, δ* and ε*; every counterexample replayed in
// onnxruntime-node on the model files themselves.

import { readFile } from 'node:fs/promises';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import type { Box } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import { type CpuSemantics, decideOutputs, pairSaturationFree, type QMlp } from '@quantproof/quant';
import {
  type Bracket,
  decodeCheckpoint,
  type DisagreementVolume,
  encodeCheckpoint,
  type RegionCheckpointStore,
  type RegionProgress,
  type RegionRunnerFactory,
  verifyRegion,
} from '@quantproof/smt-verify';
import type {
  BracketJson,
  CounterexampleJson,
  DisagreementJson,
  ReplayJson,
  VariantVerificationJson,
} from '@quantproof/web-report';
import { writeFileAtomic } from '../files.js';
import type { AssumedCpuSemantics } from './cpu-semantics.js';
import { ortReplayOfFiles, type ReplayFile } from './ort-replay.js';

/**
 * A replayed disagreement as verify.json holds it (web-report's `CounterexampleJson`), with the
 * fields this verifier always fills.
 */
export type ReplayedCounterexample = CounterexampleJson & {
  /** The exact FP32 margin (real arithmetic over the float32 weights). */
  readonly fp32Margin: number;
  /** The float32 error bound at `input` between the two actions, which their FP32 margin exceeds. */
  readonly tieTolerance: number;
};

/** A certified bracket as verify.json holds it (`certified`: upper ≤ 1.01 · lower was reached). */
export type CertifiedBracketJson = BracketJson & { readonly certified: boolean };

/**
 * The verification of one variant: an entry of verify.json (web-report's
 * `VariantVerificationJson`; `verify --json` prints one), with the fields this verifier always
 * fills. `verdict` is `consistent` when every leaf is proven to agree, `inconsistent` when a
 * replayed counterexample exists, otherwise `unknown` (ARCHITECTURE.md, "Verdicts").
 */
export type VariantVerification = VariantVerificationJson & {
  /** The largest tie tolerance that applied on any leaf (a sound bound on float32 execution error). */
  readonly tieTolerance: number;
  /** What `consistent` means for this run, in one paragraph (smt-verify's theorem). */
  readonly theorem: string;
  /** The int8 CPU semantics the verification assumed, and why. */
  readonly cpuSemantics: AssumedCpuSemantics;
  /** Where counterexamples were replayed: the runtime, the files and their session options. */
  readonly replay: ReplayJson;
  /** Seconds until no leaf was open (null: the budget ran out first). */
  readonly decidedAtSeconds: number | null;
  readonly counterexamples: readonly ReplayedCounterexample[];
  /** δ*: the largest FP32 margin at which the int8 action differs (null: no disagreement). */
  readonly flipMargin: CertifiedBracketJson | null;
  /** ε*: max |FP32 logit − int8 logit| over the region. */
  readonly errorBound: CertifiedBracketJson | null;
  readonly smt: { readonly queries: number; readonly seconds: number; readonly workers: number };
  /** This verification continued from a checkpoint. */
  readonly resumed: boolean;
};

/** Options of `verifyVariant`. */
export interface VerifyVariantOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly region?: Box;
  /** The int8 CPU semantics to verify for (see `resolveCpuSemantics`). */
  readonly cpuSemantics: AssumedCpuSemantics;
  /** Counterexamples listed in the result (all are replayed). Default 20. */
  readonly replayLimit?: number;
  /** Worker threads (one z3 each); default one per core. */
  readonly workers?: number;
  /** Stop at the first round after this many boxes (a deterministic budget; δ* and ε* come from the same leaves). */
  readonly maxBoxes?: number;
  /** Checkpoint file, and whether to continue from it. */
  readonly checkpoint?: string;
  readonly resume?: boolean;
  /** Leaves split per round (verifyRegion's `roundSize`, default 16). */
  readonly roundSize?: number;
  /** Where rounds are evaluated (default: `workers` threads here); e.g. a queue runner. */
  readonly runner?: RegionRunnerFactory;
  readonly onProgress?: (progress: RegionProgress) => void;
}

function bracket(b: Bracket | null): CertifiedBracketJson | null {
  if (b === null) return null;
  return {
    lower: b.lower,
    upper: Number.isFinite(b.upper) ? b.upper : null,
    certified: b.certified,
  };
}

/**
 * The region verifier's checkpoints in one file, replaced atomically (a killed run leaves the last
 * whole checkpoint); a missing file is no checkpoint, a foreign one smt-verify's typed error.
 */
function fileCheckpointStore(path: string): RegionCheckpointStore {
  return {
    async load(fingerprint) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      return decodeCheckpoint(text, fingerprint, path);
    },
    save: (state) => writeFileAtomic(path, encodeCheckpoint(state)),
  };
}

/**
 * A share of a volume as verify.json holds it, in [0, 1]: the verifier's float64 sums of leaf
 * volumes can pass 1 (or 0) by an ulp. Clamping states nothing false — every share lies in [0, 1]
 * — so a lower end stays a lower bound and an upper end an upper bound.
 */
function share(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** The disagreement bracket and estimate as verify.json holds them (shares clamped). */
function disagreementJson(d: DisagreementVolume): DisagreementJson {
  const e = d.estimate;
  return {
    lower: share(d.lower),
    upper: share(d.upper),
    estimate:
      e === null
        ? null
        : {
            value: share(e.value),
            low: share(e.low),
            high: share(e.high),
            samples: e.samples,
            confidence: e.confidence,
          },
  };
}

/** The FP32 network and the int8 model, each with the file it was read from. */
export interface VariantModels {
  readonly fp32: Mlp;
  readonly int8: QMlp;
  /** The files the models were read from, replayed byte for byte in onnxruntime-node. */
  readonly files: { readonly fp32: ReplayFile; readonly int8: ReplayFile };
}

/**
 * Why onnxruntime-node on this machine cannot replay the int8 file under `assumed` (null: it can):
 * this machine's kernel differs from the assumed one and the model's pair sums can saturate.
 */
export function int8ReplayBlocker(int8: QMlp, assumed: AssumedCpuSemantics): string | null {
  const here = assumed.thisMachine;
  if (here === assumed.semantics || pairSaturationFree(int8)) return null;
  // Auto on a machine that could not be identified: the assumption is about this machine.
  if (here === null && assumed.source !== 'given') return null;
  return here === null
    ? `this machine's CPU could not be identified, so onnxruntime-node here may not compute ${assumed.semantics}; counterexamples are replayed in the executors only — replay them on the deployment machine`
    : `this machine runs ${here}, not the assumed ${assumed.semantics}, and the int8 model's pair sums can saturate, so onnxruntime-node here computes differently; counterexamples are replayed in the executors only — replay them on the deployment machine`;
}

/** Verifies `models.int8` against `models.fp32` over `options.region` (default the CartPole operating box). */
export async function verifyVariant(
  name: string,
  models: VariantModels,
  options: VerifyVariantOptions,
): Promise<VariantVerification> {
  const { fp32, int8 } = models;
  const cpu: CpuSemantics = options.cpuSemantics.semantics;
  const notReplayed = int8ReplayBlocker(int8, options.cpuSemantics);
  const replay = ortReplayOfFiles(models.files);
  try {
    const result = await verifyRegion(fp32, int8, options.region ?? CARTPOLE_OPERATING_BOX, {
      seconds: options.seconds,
      seed: options.seed,
      cpuSemantics: cpu,
      ...(notReplayed === null ? { replay } : {}),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.maxBoxes === undefined ? {} : { maxBoxes: options.maxBoxes }),
      ...(options.runner === undefined ? {} : { runner: options.runner }),
      ...(options.roundSize === undefined ? {} : { roundSize: options.roundSize }),
      ...(options.checkpoint === undefined
        ? {}
        : {
            checkpointStore: fileCheckpointStore(options.checkpoint),
            resume: options.resume === true,
          }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const counterexamples = result.counterexamples.slice(0, options.replayLimit ?? 20).map((c) => ({
      input: Array.from(c.input),
      fp32Logits: Array.from(c.fp32Logits),
      int8Logits: Array.from(c.int8Logits),
      fp32Margin: c.fp32Margin,
      tieTolerance: c.tieTolerance,
      replay: {
        runtime: c.runtimeReplay,
        fp32Logits: Array.from(c.ortFp32Logits ?? []),
        int8Logits: Array.from(c.ortInt8Logits ?? []),
        confirmed:
          c.ortFp32Logits !== null &&
          c.ortInt8Logits !== null &&
          decideOutputs(c.ortInt8Logits) === c.int8Action &&
          decideOutputs(c.ortFp32Logits) !== c.int8Action,
      },
    }));
    return {
      variant: name,
      verdict: result.verdict,
      method: 'difference bounds, boundary-cell search, z3 on leaves with few cells',
      region: result.region,
      tieTolerance: result.tieTolerance,
      theorem: result.theorem,
      cpuSemantics: options.cpuSemantics,
      replay:
        notReplayed === null
          ? { ...replay.record, notReplayed }
          : { runtime: 'none', files: [], notReplayed },
      volume: {
        agree: share(result.volume.agree),
        disagree: share(result.volume.disagree),
        mixed: share(result.volume.mixed),
        open: share(result.volume.open),
      },
      disagreement: disagreementJson(result.disagreement),
      stopReason: result.stats.stopReason,
      boxes: result.stats.boxes,
      seconds: result.stats.seconds,
      decidedAtSeconds: result.stats.decidedAtSeconds,
      leaves: result.leaves.map((l) => ({
        lower: l.lower,
        upper: l.upper,
        status: l.status,
        volume: share(l.volume),
        by: l.by,
        counterexample: l.counterexample,
        share: { lower: share(l.share.lower), upper: share(l.share.upper) },
        tieTolerance: l.tieTolerance,
      })),
      counterexamples,
      counterexamplesFound: result.counterexamples.length,
      flipMargin: bracket(result.flipMargin),
      errorBound: bracket(result.errorBound),
      smt: {
        queries: result.stats.smtQueries,
        seconds: result.stats.smtSeconds,
        workers: result.stats.workers,
      },
      resumed: result.stats.resumed,
    };
  } finally {
    await replay.release();
  }
}
