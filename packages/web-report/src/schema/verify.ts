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
} from './common.js';

/** A region or leaf verdict (ARCHITECTURE.md, "Verdicts"). */
export type Verdict = 'consistent' | 'inconsistent' | 'unknown';

/** One leaf of the input splitting: a box and what was established on it. */
export interface LeafJson extends BoxJson {
  readonly verdict: Verdict;
  /** Share of the region's volume. */
  readonly volume?: number | undefined;
  /** What decided it: `bounds`, `search`, `cells`, `smt`, `refined`, or why it is open. */
  readonly by?: string | undefined;
  /** The tie tolerance that applied on this leaf (0 where bounds proved it without ties). */
  readonly tieTolerance?: number | undefined;
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
  /** Fractions of the region's volume by verdict; they sum to 1. */
  readonly volume: {
    readonly consistent: number;
    readonly inconsistent: number;
    readonly unknown: number;
  };
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
}

/** The contents of verify.json. */
export interface VerifyJson {
  readonly schemaVersion: 1;
  /** The semantics the verification is exact for (onnxruntime version, int8 accumulation, FP32). */
  readonly semantics: string;
  readonly variants: readonly VariantVerificationJson[];
}

const verdict = z.enum(['consistent', 'inconsistent', 'unknown']);
const vector = z.array(finite);

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
      volume: z.object({ consistent: fraction, inconsistent: fraction, unknown: fraction }),
      stopReason: z.string(),
      boxes: count,
      seconds: finite,
      leaves: z.array(
        z.object({
          lower: vector,
          upper: vector,
          verdict,
          volume: fraction.optional(),
          by: z.string().optional(),
          tieTolerance: finite.optional(),
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
});
