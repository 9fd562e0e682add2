// metrics.json: the comparison table, one row per variant (FP32 first), and the quantiser's warnings.

import { z } from 'zod';
import {
  count,
  finite,
  finiteOrNull,
  fraction,
  schemaVersionSchema,
  type ReportSchemaVersion,
} from './common.js';

/** Latency percentiles in microseconds per onnxruntime-node call (one thread). */
export interface LatencyJson {
  readonly p50: number;
  readonly p95: number;
}

/** One row of the comparison table. */
export interface VariantMetricsJson {
  /** `fp32`, `ptq-dynamic`, `ptq-static-qdq`, `ptq-static-qoperator`, `qat`, `mixed`. */
  readonly name: string;
  readonly kind: 'fp32' | 'int8';
  /** `fp32`, `dynamic`, `qdq` or `qoperator`. */
  readonly format: string;
  readonly onnxBytes: number;
  /** Bytes of the weights and biases as stored. */
  readonly parameterBytes: number;
  readonly latencyBatch1: LatencyJson;
  readonly latencyBatch256: LatencyJson;
  /** Greedy return over seeded episodes. */
  readonly reward: { readonly mean: number; readonly std: number; readonly episodes: number };
  /** Fraction of visited states where the greedy action equals FP32's. */
  readonly agreementVisited: number;
  /** Fraction of uniform operating-box samples where the greedy action equals FP32's. */
  readonly agreementBox: number;
  readonly maxLogitDifference: number;
  /**
   * Per layer SQNR in dB against FP32 over visited states; null for FP32, and a null entry for a
   * layer without error (infinite SQNR).
   */
  readonly sqnrDb: readonly (number | null)[] | null;
}

/** The contents of metrics.json. */
export interface MetricsJson {
  readonly schemaVersion: ReportSchemaVersion;
  readonly seed: number;
  readonly variants: readonly VariantMetricsJson[];
  /** The quantiser's warnings per variant. */
  readonly warnings: Readonly<Record<string, readonly string[]>>;
}

const latency = z.object({ p50: finite, p95: finite });

/** Schema of metrics.json. */
export const metricsJsonSchema: z.ZodType<MetricsJson> = z.object({
  schemaVersion: schemaVersionSchema,
  seed: z.number().int(),
  variants: z
    .array(
      z.object({
        name: z.string().min(1),
        kind: z.enum(['fp32', 'int8']),
        format: z.string(),
        onnxBytes: count,
        parameterBytes: count,
        latencyBatch1: latency,
        latencyBatch256: latency,
        reward: z.object({ mean: finite, std: finite, episodes: count }),
        agreementVisited: fraction,
        agreementBox: fraction,
        maxLogitDifference: finite,
        sqnrDb: z.array(finiteOrNull).nullable(),
      }),
    )
    .min(1),
  warnings: z.record(z.string(), z.array(z.string())),
});
