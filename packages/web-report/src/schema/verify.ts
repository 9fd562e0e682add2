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
}

/** A disagreement: the state, both executors' logits, and onnxruntime-node's replay. */
export interface CounterexampleJson {
  readonly input: readonly number[];
  readonly fp32Logits: readonly number[];
  readonly int8Logits: readonly number[];
  /** The exact FP32 margin at `input` (above the tie tolerance). */
  readonly fp32Margin?: number | undefined;
  readonly replay: {
    readonly runtime: string;
    readonly fp32Logits: readonly number[];
    readonly int8Logits: readonly number[];
    /** Both runtime decisions equal the executors' (the disagreement holds in the runtime). */
    readonly confirmed: boolean;
  };
}

/** The verification of one int8 variant. */
export interface VariantVerificationJson {
  readonly variant: string;
  readonly verdict: Verdict;
  /** The bound method, e.g. `linear`. */
  readonly method: string;
  readonly region: BoxJson;
  /** FP32 margins at or below this are ties, never counterexamples. */
  readonly tieTolerance?: number | undefined;
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
        }),
      ),
      counterexamples: z.array(
        z.object({
          input: vector,
          fp32Logits: vector,
          int8Logits: vector,
          fp32Margin: finite.optional(),
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
