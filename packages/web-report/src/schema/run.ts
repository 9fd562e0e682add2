// run.json: the seed, the training run and its curve, versions, the CPU and timings of a study.

import { z } from 'zod';
import {
  count,
  finite,
  finiteOrNull,
  schemaVersionSchema,
  type ReportSchemaVersion,
} from './common.js';

/** One point of the training curve (one PPO update or REINFORCE batch). */
export interface TrainingPointJson {
  /** Environment steps so far. */
  readonly steps: number;
  readonly episodes: number;
  readonly updates: number;
  /** Mean return of the last (up to) 100 training episodes; null before the first finished. */
  readonly meanReturn: number | null;
  /** Greedy evaluation mean at this update, when one ran. */
  readonly evalMeanReturn: number | null;
  /** Wall-clock seconds since training started. */
  readonly seconds: number;
  readonly stepsPerSecond: number | null;
}

/** Which int8 kernel onnxruntime runs on the study's CPU, and whether the executor models it. */
export interface CpuSemanticsJson {
  /** The arithmetic this CPU's kernel performs, e.g. `vnni-exact`. */
  readonly semantics: string;
  /** The MLAS kernel, e.g. `MlasGemmU8S8KernelAvx512Vnni`. */
  readonly kernel: string;
  /** Why: the CPU features it was inferred from. */
  readonly reason: string;
  /** The semantics the int8 executor and verifier are pinned to. */
  readonly modelled: string;
  readonly matches: boolean;
}

/** The contents of run.json. */
export interface RunJson {
  readonly schemaVersion: ReportSchemaVersion;
  readonly seed: number;
  readonly training: {
    readonly algorithm: string;
    readonly seed: number;
    readonly steps: number;
    readonly episodes: number;
    readonly stopReason: string;
    readonly seconds: number;
    readonly evaluation: {
      readonly mean: number;
      readonly std: number;
      readonly min: number;
      readonly max: number;
      readonly episodes: number;
    };
  };
  readonly versions: { readonly node: string; readonly onnxruntime: string };
  /** null where the CPU could not be identified (not Linux). */
  readonly cpuSemantics: CpuSemanticsJson | null;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly platform: string;
    readonly release: string;
  };
  /** Seconds per study step (`train`, `quantize`, …) and `total`. */
  readonly timings: Readonly<Record<string, number>>;
  readonly trainingCurve: readonly TrainingPointJson[];
}

/** Schema of run.json. */
export const runJsonSchema: z.ZodType<RunJson> = z.object({
  schemaVersion: schemaVersionSchema,
  seed: z.number().int(),
  training: z.object({
    algorithm: z.string(),
    seed: z.number().int(),
    steps: count,
    episodes: count,
    stopReason: z.string(),
    seconds: finite,
    evaluation: z.object({
      mean: finite,
      std: finite,
      min: finite,
      max: finite,
      episodes: count,
    }),
  }),
  versions: z.object({ node: z.string(), onnxruntime: z.string() }),
  cpuSemantics: z
    .object({
      semantics: z.string(),
      kernel: z.string(),
      reason: z.string(),
      modelled: z.string(),
      matches: z.boolean(),
    })
    .nullable(),
  machine: z.object({
    cpu: z.string(),
    cores: count,
    platform: z.string(),
    release: z.string(),
  }),
  timings: z.record(z.string(), finite),
  trainingCurve: z.array(
    z.object({
      steps: count,
      episodes: count,
      updates: count,
      meanReturn: finiteOrNull,
      evalMeanReturn: finiteOrNull,
      seconds: finite,
      stepsPerSecond: finiteOrNull,
    }),
  ),
});
