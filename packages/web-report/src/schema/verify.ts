// verify.json: the region verification of every int8 variant over the operating box.

import { z } from 'zod';
import {
  boxSchema,
  bracketSchema,
  count,
  finite,
  fraction,
  schemaVersionSchema,
  type BoxJson,
  type BracketJson,
  type ReportSchemaVersion,
} from './common.js';

/** A region's verdict (ARCHITECTURE.md, "Verdicts"): consistent iff every leaf agrees. */
export type Verdict = 'consistent' | 'inconsistent' | 'unknown';

/** What was established on one leaf (ARCHITECTURE.md, "Verdicts"). */
export type LeafStatus = 'agree' | 'disagree' | 'mixed' | 'open';

/** Every leaf status, in the order the report shows them. */
export const LEAF_STATUSES: readonly LeafStatus[] = ['agree', 'disagree', 'mixed', 'open'];

/** One leaf of the input splitting: a box and what was established on it. */
export interface LeafJson extends BoxJson {
  /**
   * `agree`: proved int8 takes FP32's decision at every input of the leaf; `disagree`: proved the
   * two decisions differ at every input; `mixed`: both occur (it holds a replayed counterexample);
   * `open`: undecided (`by` says why).
   */
  readonly status: LeafStatus;
  /** Share of the region's volume. */
  readonly volume: number;
  /** What decided it: `bounds`, `search`, `cells`, `smt`, …, or why it is open (`budget`, …). */
  readonly by: string;
  /**
   * Index of the leaf's counterexample among those found (`counterexamplesFound`; it is listed in
   * `counterexamples` when below their count); null for a leaf without one.
   */
  readonly counterexample: number | null;
  /**
   * The certified share of the leaf's volume where the decisions differ: [0, 0] for agree, [1, 1]
   * for disagree, for mixed and open leaves what the verifier's bounds prove (else [0, 1]). The
   * region's `disagreement` bracket is the volume-weighted sum of these.
   */
  readonly share: { readonly lower: number; readonly upper: number };
  /** The tie tolerance that applied on this leaf (0 where bounds proved it without ties). */
  readonly tieTolerance: number;
}

/** Shares of the region's volume by leaf status; they sum to 1. */
export interface RegionVolumeJson {
  readonly agree: number;
  readonly disagree: number;
  readonly mixed: number;
  readonly open: number;
}

/** A sampled estimate of the disagreeing share: not a proof, a 95 % (`confidence`) interval. */
export interface DisagreementEstimateJson {
  /** Unbiased estimate of the disagreeing share: uniform samples over the mixed and open leaves, the disagree leaves counted in full. */
  readonly value: number;
  /** The confidence interval [low, high], inside the certified [lower, upper]. */
  readonly low: number;
  readonly high: number;
  /** Points sampled. */
  readonly samples: number;
  /** The interval's confidence level, e.g. 0.95. */
  readonly confidence: number;
}

/** The share of the region where int8's decision differs from FP32's. */
export interface DisagreementJson {
  /**
   * Certified: the disagreeing share lies in [lower, upper], the leaves' `share` brackets weighted
   * by their volume: at least the disagree leaves' volume, at most disagree + mixed + open.
   */
  readonly lower: number;
  readonly upper: number;
  /** A sampled estimate (not a proof); null when no leaf is mixed or open (the bracket is exact). */
  readonly estimate: DisagreementEstimateJson | null;
}

/** A disagreement: the state, both executors' logits, and onnxruntime-node's replay. */
export interface CounterexampleJson {
  readonly input: readonly number[];
  readonly fp32Logits: readonly number[];
  readonly int8Logits: readonly number[];
  /** The exact FP32 margin at `input` (above the tie tolerance). */
  readonly fp32Margin?: number | undefined;
  /** The float32 error bound at `input` between the two actions, which their FP32 margin exceeds. */
  readonly tieTolerance?: number | undefined;
  readonly replay: {
    readonly runtime: string;
    readonly fp32Logits: readonly number[];
    readonly int8Logits: readonly number[];
    /** Both runtime decisions equal the executors' (the disagreement holds in the runtime). */
    readonly confirmed: boolean;
  };
}

/** The int8 CPU semantics a verification assumed, and why. */
export interface CpuSemanticsAssumedJson {
  /** `vnni-exact` or `avx2-u8s8-saturating` (quant's `CpuSemantics`). */
  readonly semantics: string;
  /** `detected` (this machine's), `given` (--cpu-semantics) or `default` (the pinned default). */
  readonly source: 'detected' | 'given' | 'default';
  /** The onnxruntime (MLAS) u8s8 kernel or kernels with this arithmetic. */
  readonly kernel: string;
  readonly reason: string;
  /** What the verifying machine itself runs (null: it could not be identified). */
  readonly thisMachine: string | null;
}

/** Where counterexamples were replayed: the runtime, and each file with its session options. */
export interface ReplayJson {
  /** e.g. `onnxruntime-node 1.30.0`, or `none`. */
  readonly runtime: string;
  readonly files: readonly {
    readonly role: 'fp32' | 'int8';
    readonly path: string;
    /** Size of the file as given, replayed byte for byte. */
    readonly bytes: number;
    readonly sessionOptions: {
      readonly executionProvider: string;
      readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
      readonly intraOpNumThreads: number;
    };
  }[];
  /** Why counterexamples were not replayed in the runtime (null: they were). */
  readonly notReplayed: string | null;
}

/** The verification of one int8 variant. */
export interface VariantVerificationJson {
  readonly variant: string;
  /** `consistent` iff every leaf agrees, `inconsistent` iff a replayed counterexample exists, else `unknown`. */
  readonly verdict: Verdict;
  /** The bound method, e.g. `linear`. */
  readonly method: string;
  readonly region: BoxJson;
  /** The largest tie tolerance that applied on any leaf: FP32 margins within it are ties. */
  readonly tieTolerance?: number | undefined;
  /** What `consistent` means for this verification, in one paragraph. */
  readonly theorem?: string | undefined;
  /** The int8 CPU semantics the verification assumed (absent in older files). */
  readonly cpuSemantics?: CpuSemanticsAssumedJson | undefined;
  /** Where counterexamples were replayed (absent in older files). */
  readonly replay?: ReplayJson | undefined;
  /** Seconds until no leaf was open; null when the budget ran out first. */
  readonly decidedAtSeconds?: number | null | undefined;
  /** z3 queries, their total time and the worker threads. */
  readonly smt?:
    { readonly queries: number; readonly seconds: number; readonly workers: number } | undefined;
  /** The verification continued from a checkpoint (`--resume`). */
  readonly resumed?: boolean | undefined;
  /** Fractions of the region's volume by leaf status; they sum to 1. */
  readonly volume: RegionVolumeJson;
  /** The disagreeing share of the region: a certified bracket and a sampled estimate. */
  readonly disagreement: DisagreementJson;
  readonly stopReason: string;
  readonly boxes: number;
  readonly seconds: number;
  readonly leaves: readonly LeafJson[];
  /** The counterexamples listed (and replayed); `counterexamplesFound` counts all. */
  readonly counterexamples: readonly CounterexampleJson[];
  readonly counterexamplesFound: number;
  /** δ*: the flip margin, bracketed; null or absent where it was not computed. */
  readonly flipMargin?: BracketJson | null | undefined;
  /** ε*: the bound on the int8–FP32 logit error over the region, bracketed; null or absent where not computed. */
  readonly errorBound?: BracketJson | null | undefined;
  /**
   * What δ* covers: the share of the study's visited states (`states` of them) inside the region
   * whose FP32 margin exceeds δ*'s upper end, where int8 therefore provably takes FP32's decision;
   * absent where no visited states were measured (`verify` on a user's box).
   */
  readonly flipMarginCoverage?: { readonly share: number; readonly states: number } | undefined;
  /**
   * δ*'s theorem in one sentence with the share of visited states it covers ("wherever the FP32
   * margin exceeds δ*, the int8 policy takes the FP32 action"); the study's `certified` variant.
   */
  readonly flipMarginTheorem?: string | undefined;
  /**
   * The floor the variant's input quantisation sets on δ*: every int8 model with its input cells
   * has δ* ≥ `flipMargin` (an input cell FP32's decision boundary crosses, `cell`, shows it), so at
   * most `coverage` of the visited states can ever be covered by δ*'s theorem without a finer input
   * quantisation. Static variants the study certifies; absent elsewhere.
   */
  readonly inputFloor?:
    | {
        readonly flipMargin: number;
        readonly coverage: number;
        readonly cell: { readonly lower: readonly number[]; readonly upper: readonly number[] };
      }
    | undefined;
  /** How counterexample-guided repair made this variant: its target and every round's numbers. */
  readonly repair?: RepairJson | undefined;
}

/** One round of counterexample-guided repair: the model of that round as the verifier certified it. */
export interface RepairRoundJson {
  /** 0 is the model before fine-tuning. */
  readonly round: number;
  readonly verdict: Verdict;
  readonly flipMargin: BracketJson | null;
  readonly errorBound: BracketJson | null;
  /** The certified bracket of the disagreeing share. */
  readonly disagreement: { readonly lower: number; readonly upper: number };
  /** Replayed counterexamples and boundary-cell points the next round fine-tuned on. */
  readonly counterexamples: number;
  readonly boundaryPoints: number;
  /** δ*'s certified upper end is at most the target. */
  readonly reached: boolean;
  readonly boxes: number;
  readonly seconds: number;
}

/** A counterexample-guided repair: the target δ*, whether it was proven, the kept round, every round. */
export interface RepairJson {
  readonly targetDelta: number;
  readonly kind: 'reached' | 'budget';
  readonly round: number;
  readonly rounds: readonly RepairRoundJson[];
}

const repairSchema: z.ZodType<RepairJson> = z.object({
  targetDelta: finite,
  kind: z.enum(['reached', 'budget']),
  round: count,
  rounds: z.array(
    z.object({
      round: count,
      verdict: z.enum(['consistent', 'inconsistent', 'unknown']),
      flipMargin: bracketSchema.nullable(),
      errorBound: bracketSchema.nullable(),
      disagreement: z.object({ lower: fraction, upper: fraction }),
      counterexamples: count,
      boundaryPoints: count,
      reached: z.boolean(),
      boxes: count,
      seconds: finite,
    }),
  ),
});

/** One certified model of a mixed-precision search. */
export interface PrecisionPointJson {
  readonly bits: readonly number[];
  /** Σ weight count · bits. */
  readonly sizeBits: number;
  /** δ*, certified; null when every leaf agrees. */
  readonly flipMargin: BracketJson | null;
  readonly disagreement: { readonly lower: number; readonly upper: number };
  readonly meetsTarget: boolean;
}

/** A certified mixed-precision search: the target, every model certified, the front, the choice. */
export interface PrecisionFrontJson {
  readonly targetDelta: number;
  readonly points: readonly PrecisionPointJson[];
  /** Indices into `points`, by size. */
  readonly front: readonly number[];
  /** Index into `points` of the chosen model, or null. */
  readonly chosen: number | null;
}

const precisionFrontSchema: z.ZodType<PrecisionFrontJson> = z.object({
  targetDelta: finite,
  points: z.array(
    z.object({
      bits: z.array(count),
      sizeBits: count,
      flipMargin: bracketSchema.nullable(),
      disagreement: z.object({ lower: fraction, upper: fraction }),
      meetsTarget: z.boolean(),
    }),
  ),
  front: z.array(count),
  chosen: count.nullable(),
});

/** The contents of verify.json. */
export interface VerifyJson {
  readonly schemaVersion: ReportSchemaVersion;
  /** The semantics the verification is exact for (onnxruntime version, int8 accumulation, FP32). */
  readonly semantics: string;
  readonly variants: readonly VariantVerificationJson[];
  /**
   * Certified mixed precision of the study's certified scheme: weight size against certified δ*
   * and the disagreeing share, a few bit-width assignments and their Pareto front (absent in older files).
   */
  readonly precisionFront?: PrecisionFrontJson | undefined;
}

const verdict = z.enum(['consistent', 'inconsistent', 'unknown']);
const vector = z.array(finite);

/**
 * Schema of `DisagreementJson`: ordered ends. The estimate's value is not checked against its own
 * interval: it is no proof, and a value an ulp outside its interval should not cost the report.
 */
const disagreementSchema: z.ZodType<DisagreementJson> = z
  .object({
    lower: fraction,
    upper: fraction,
    estimate: z
      .object({
        value: fraction,
        low: fraction,
        high: fraction,
        samples: count,
        confidence: z.number().gt(0).lt(1),
      })
      .refine((e) => e.low <= e.high, { message: 'expected low ≤ high', path: ['high'] })
      .nullable(),
  })
  .refine((d) => d.lower <= d.upper, { message: 'expected lower ≤ upper', path: ['upper'] });

/** Schema of verify.json. */
export const verifyJsonSchema: z.ZodType<VerifyJson> = z.object({
  schemaVersion: schemaVersionSchema,
  semantics: z.string(),
  variants: z.array(
    z.object({
      variant: z.string().min(1),
      verdict,
      method: z.string(),
      region: boxSchema,
      tieTolerance: finite.optional(),
      theorem: z.string().optional(),
      cpuSemantics: z
        .object({
          semantics: z.string(),
          source: z.enum(['detected', 'given', 'default']),
          kernel: z.string(),
          reason: z.string(),
          thisMachine: z.string().nullable(),
        })
        .optional(),
      replay: z
        .object({
          runtime: z.string(),
          files: z.array(
            z.object({
              role: z.enum(['fp32', 'int8']),
              path: z.string(),
              bytes: count,
              sessionOptions: z.object({
                executionProvider: z.string(),
                graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']),
                intraOpNumThreads: count,
              }),
            }),
          ),
          notReplayed: z.string().nullable(),
        })
        .optional(),
      decidedAtSeconds: finite.nullable().optional(),
      smt: z.object({ queries: count, seconds: finite, workers: count }).optional(),
      resumed: z.boolean().optional(),
      flipMarginCoverage: z.object({ share: fraction, states: count }).optional(),
      flipMarginTheorem: z.string().optional(),
      inputFloor: z
        .object({
          flipMargin: finite,
          coverage: fraction,
          cell: z.object({ lower: z.array(finite), upper: z.array(finite) }),
        })
        .optional(),
      repair: repairSchema.optional(),
      volume: z.object({ agree: fraction, disagree: fraction, mixed: fraction, open: fraction }),
      disagreement: disagreementSchema,
      stopReason: z.string(),
      boxes: count,
      seconds: finite,
      leaves: z.array(
        z.object({
          lower: vector,
          upper: vector,
          status: z.enum(LEAF_STATUSES),
          volume: fraction,
          by: z.string(),
          counterexample: count.nullable(),
          share: z.object({ lower: fraction, upper: fraction }).refine((b) => b.lower <= b.upper, {
            message: 'expected lower ≤ upper',
            path: ['upper'],
          }),
          tieTolerance: finite,
        }),
      ),
      counterexamples: z.array(
        z.object({
          input: vector,
          fp32Logits: vector,
          int8Logits: vector,
          fp32Margin: finite.optional(),
          tieTolerance: finite.optional(),
          replay: z.object({
            runtime: z.string(),
            fp32Logits: vector,
            int8Logits: vector,
            confirmed: z.boolean(),
          }),
        }),
      ),
      counterexamplesFound: count,
      flipMargin: bracketSchema.nullable().optional(),
      errorBound: bracketSchema.nullable().optional(),
    }),
  ),
  precisionFront: precisionFrontSchema.optional(),
});
