// Region verification of one int8 variant (by default over the CartPole operating box) with
// @quantproof/smt-verify's `verifyRegion`: bounds, a boundary-cell search and z3 on every leaf, a
// worker pool, checkpoints for --resume, δ* and ε*; every counterexample replayed in
// onnxruntime-node.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import type { Box } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import { argmaxFirst, type QMlp } from '@quantproof/quant';
import { type Bracket, type RegionProgress, verifyRegion } from '@quantproof/smt-verify';
import { ortReplay } from './ort-replay.js';

/** A replayed disagreement: the input, both logit vectors, and onnxruntime-node's. */
export interface ReplayedCounterexample {
  readonly input: number[];
  readonly fp32Logits: number[];
  readonly int8Logits: number[];
  /** The exact FP32 margin (real arithmetic over the float32 weights). */
  readonly fp32Margin: number;
  readonly replay: {
    readonly runtime: string;
    readonly fp32Logits: number[];
    readonly int8Logits: number[];
    /** Both runtime decisions equal the executors' (the disagreement holds in onnxruntime-node). */
    readonly confirmed: boolean;
  };
}

/** A certified bracket as written to verify.json. */
export interface BracketJson {
  readonly lower: number;
  readonly upper: number;
  /** upper ≤ 1.01 · lower was reached within the budget. */
  readonly certified: boolean;
}

/** The verification of one variant (an entry of verify.json; `verify --json` prints one). */
export interface VariantVerification {
  readonly variant: string;
  /**
   * `inconsistent` when a disagreement was found and replayed, `consistent` when every leaf is
   * proven, otherwise `unknown` (the budget ran out with open leaves).
   */
  readonly verdict: 'consistent' | 'inconsistent' | 'unknown';
  readonly method: string;
  readonly region: { readonly lower: number[]; readonly upper: number[] };
  /** FP32 margins at or below this are ties (a sound bound on float32 execution error). */
  readonly tieTolerance: number;
  readonly volume: {
    readonly consistent: number;
    readonly inconsistent: number;
    readonly unknown: number;
  };
  readonly stopReason: string;
  readonly boxes: number;
  readonly seconds: number;
  /** Seconds until no leaf was open (null: the budget ran out first). */
  readonly decidedAtSeconds: number | null;
  readonly leaves: readonly {
    lower: number[];
    upper: number[];
    verdict: 'consistent' | 'inconsistent' | 'unknown';
    volume: number;
    by: string;
  }[];
  readonly counterexamples: readonly ReplayedCounterexample[];
  /** Counterexamples found in all (only the first `replayLimit` are listed). */
  readonly counterexamplesFound: number;
  /** δ*: the largest FP32 margin at which the int8 action differs (null: no disagreement). */
  readonly flipMargin: BracketJson | null;
  /** ε*: max |FP32 logit − int8 logit| over the region. */
  readonly errorBound: BracketJson | null;
  readonly smt: { readonly queries: number; readonly seconds: number; readonly workers: number };
  /** This verification continued from a checkpoint. */
  readonly resumed: boolean;
}

/** Options of `verifyVariant`. */
export interface VerifyVariantOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly region?: Box;
  /** Counterexamples listed in the result (all are replayed). Default 20. */
  readonly replayLimit?: number;
  /** Worker threads (one z3 each); default one per core. */
  readonly workers?: number;
  /** Stop at the first round after this many boxes, and δ* and ε* after as many (a deterministic budget). */
  readonly maxBoxes?: number;
  /** Checkpoint file, and whether to continue from it. */
  readonly checkpoint?: string;
  readonly resume?: boolean;
  readonly onProgress?: (progress: RegionProgress) => void;
}

function bracket(b: Bracket | null): BracketJson | null {
  return b === null ? null : { lower: b.lower, upper: b.upper, certified: b.certified };
}

/** Verifies `int8` against `fp32` over `options.region` (default the CartPole operating box). */
export async function verifyVariant(
  name: string,
  fp32: Mlp,
  int8: QMlp,
  options: VerifyVariantOptions,
): Promise<VariantVerification> {
  const replay = ortReplay();
  try {
    const result = await verifyRegion(fp32, int8, options.region ?? CARTPOLE_OPERATING_BOX, {
      seconds: options.seconds,
      seed: options.seed,
      replay,
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      ...(options.maxBoxes === undefined
        ? {}
        : { maxBoxes: options.maxBoxes, marginBoxes: options.maxBoxes }),
      ...(options.checkpoint === undefined
        ? {}
        : { checkpoint: options.checkpoint, resume: options.resume === true }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const counterexamples = result.counterexamples.slice(0, options.replayLimit ?? 20).map((c) => ({
      input: Array.from(c.input),
      fp32Logits: Array.from(c.fp32Logits),
      int8Logits: Array.from(c.int8Logits),
      fp32Margin: c.fp32Margin,
      replay: {
        runtime: c.runtimeReplay,
        fp32Logits: Array.from(c.ortFp32Logits ?? []),
        int8Logits: Array.from(c.ortInt8Logits ?? []),
        confirmed:
          c.ortFp32Logits !== null &&
          c.ortInt8Logits !== null &&
          argmaxFirst(c.ortFp32Logits) === c.fp32Action &&
          argmaxFirst(c.ortInt8Logits) === c.int8Action,
      },
    }));
    return {
      variant: name,
      verdict: result.verdict,
      method: 'difference bounds, boundary-cell search, z3 on leaves with few cells',
      region: result.region,
      tieTolerance: result.tieTolerance,
      volume: result.volume,
      stopReason: result.stats.stopReason,
      boxes: result.stats.boxes,
      seconds: result.stats.seconds,
      decidedAtSeconds: result.stats.decidedAtSeconds,
      leaves: result.leaves.map((l) => ({
        lower: l.lower,
        upper: l.upper,
        verdict: l.verdict,
        volume: l.volume,
        by: l.by,
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
