// The proof behind the matchers: the region verifier first (smt-verify's `verifyRegion`, every
// counterexample replayed in onnxruntime-node on the models' bytes); when it does not prove the box
// consistent, the property search as well; the worst replayed counterexample of both decides.
import type { CpuSemantics } from '@quantproof/quant';
import {
  type Counterexample,
  type InputBox,
  type RegionResult,
  verifyRegion,
} from '@quantproof/smt-verify';
import type { AimKind, AimWeights } from './aim.js';
import { loadPair, type ModelPair, type ModelSource } from './models.js';
import { ortReplay, type OrtReplay } from './ort-replay.js';
import { nonNegative, searchPair, type SearchResult } from './search.js';

/** Options of `checkDecision` and the matchers. */
export interface ProofOptions {
  /** The box of inputs: `lower[i] ≤ x_i ≤ upper[i]` (rounded inward to float32). */
  readonly box: InputBox;
  /**
   * FP32 margins up to `delta` are ties (the verifier's tie band is widened to it, and
   * counterexamples need a larger FP32 margin). Default 0: only the float32 error bound.
   */
  readonly delta?: number;
  /** The verifier's wall-clock budget in seconds. Default 10. */
  readonly seconds?: number;
  /** Also stop the verifier after this many boxes: a budget with the same answer on every machine. */
  readonly maxBoxes?: number;
  /** Inputs the property search tries when the verifier does not prove the box. Default 1000. */
  readonly samples?: number;
  /** Seed of the verifier's searches and of the property search (fast-check). Default 0. */
  readonly seed?: number;
  /** Verifier worker threads (one z3 each); 0 runs in this thread. Default 0. */
  readonly workers?: number;
  /** int8 arithmetic of the deployment CPU (quant's `CpuSemantics`). Default `vnni-exact`. */
  readonly cpuSemantics?: CpuSemantics;
  /** The property search's aim (see `regionInputs`). */
  readonly aim?: AimKind | Partial<AimWeights>;
}

/** A counterexample as the matchers report it. */
export interface ReportedCounterexample {
  /** The float32 input. */
  readonly input: number[];
  /** onnxruntime-node's outputs of each file at `input`. */
  readonly fp32Outputs: number[];
  readonly int8Outputs: number[];
  readonly fp32Action: number;
  readonly int8Action: number;
  /** The exact FP32 margin (first maximal output over the runner-up), rounded down. */
  readonly fp32Margin: number;
  /** Who found it. */
  readonly foundBy: 'verifier' | 'property search';
}

/** The outcome of `checkDecision`. */
export type DecisionCheck =
  | { readonly kind: 'proved'; readonly region: RegionResult }
  | {
      readonly kind: 'refuted';
      /** The counterexample with the largest FP32 margin of the verifier's and the search's. */
      readonly worst: ReportedCounterexample;
      /** Replayed counterexamples found (verifier and search). */
      readonly found: number;
      readonly region: RegionResult;
      readonly search: SearchResult | null;
    }
  | {
      readonly kind: 'unknown';
      readonly region: RegionResult;
      readonly search: SearchResult;
    };

/** A counterexample replayed in onnxruntime-node, for a report. */
export function reported(
  c: Counterexample,
  foundBy: ReportedCounterexample['foundBy'],
): ReportedCounterexample {
  return {
    input: Array.from(c.input),
    fp32Outputs: Array.from(c.ortFp32Logits ?? c.fp32Logits),
    int8Outputs: Array.from(c.ortInt8Logits ?? c.int8Logits),
    fp32Action: c.fp32Action,
    int8Action: c.int8Action,
    fp32Margin: c.fp32Margin,
    foundBy,
  };
}

/** Runs the verifier on a pair already read (the replay is the caller's). */
export async function verifyPair(
  pair: ModelPair,
  replay: OrtReplay,
  options: ProofOptions,
): Promise<RegionResult> {
  return verifyRegion(pair.fp32.mlp, pair.int8.model, options.box, {
    seconds: nonNegative('seconds', options.seconds ?? 10),
    seed: nonNegative('seed', options.seed ?? 0, true),
    workers: nonNegative('workers', options.workers ?? 0, true),
    tieTolerance: nonNegative('delta', options.delta ?? 0),
    replay,
    ...(options.maxBoxes === undefined
      ? {}
      : { maxBoxes: nonNegative('maxBoxes', options.maxBoxes, true) }),
    ...(options.cpuSemantics === undefined ? {} : { cpuSemantics: options.cpuSemantics }),
  });
}

/**
 * Does `int8` take `fp32`'s decision over the whole box? `proved` when the region verifier proves
 * every leaf agrees; `refuted` with the worst replayed counterexample of the verifier and of the
 * property search (run when the verifier does not prove the box); else `unknown`.
 */
export async function checkDecision(
  int8: ModelSource,
  fp32: ModelSource,
  options: ProofOptions,
): Promise<DecisionCheck> {
  const pair = loadPair(fp32, int8);
  const replay = ortReplay(pair);
  try {
    const region = await verifyPair(pair, replay, options);
    if (region.verdict === 'consistent') return { kind: 'proved', region };
    const delta = options.delta ?? 0;
    const search = await searchPair(pair, replay, {
      box: options.box,
      delta,
      ...(options.samples === undefined ? {} : { samples: options.samples }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.aim === undefined ? {} : { aim: options.aim }),
      ...(options.cpuSemantics === undefined ? {} : { cpuSemantics: options.cpuSemantics }),
    });
    const all = [
      ...region.counterexamples
        .filter((c) => c.fp32Margin > delta)
        .map((c) => reported(c, 'verifier')),
      ...(search.kind === 'found' ? [reported(search.counterexample, 'property search')] : []),
    ];
    if (all.length === 0) return { kind: 'unknown', region, search };
    const worst = all.reduce((a, b) => (b.fp32Margin > a.fp32Margin ? b : a));
    return { kind: 'refuted', worst, found: all.length, region, search };
  } finally {
    await replay.release();
  }
}

/**
 * The region verifier's certified numbers for a pair (δ*, ε*, the disagreeing-volume bracket),
 * every counterexample replayed in onnxruntime-node on the models' bytes.
 */
export async function certifyRegion(
  int8: ModelSource,
  fp32: ModelSource,
  options: ProofOptions,
): Promise<RegionResult> {
  const pair = loadPair(fp32, int8);
  const replay = ortReplay(pair);
  try {
    return await verifyPair(pair, replay, options);
  } finally {
    await replay.release();
  }
}
