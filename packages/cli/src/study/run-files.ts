// The files of a run directory, built as web-report's schema types (`MetricsJson`, `VerifyJson`,
// `RunJson`, `MapsJson`) and written atomically: the one place `run` declares what it writes.

import { cpus, platform, release } from 'node:os';
import { join } from 'node:path';
import {
  type CpuSemanticsJson,
  type MapsJson,
  type MetricsJson,
  type PrecisionFrontJson,
  REPORT_SCHEMA_VERSION,
  type RunJson,
  type VariantMetricsJson,
  type VerifyJson,
} from '@quantproof/web-report';
import { writeFileAtomic } from '../files.js';
import { readableJson } from '../json-text.js';
import { ORT_VERSION } from './ort-replay.js';
import type { TrainReport } from './train-policy.js';
import type { VariantVerification } from './verify-region.js';

/** The semantics verify.json's verifications are exact for. */
export const STUDY_VERIFY_SEMANTICS: string = `onnxruntime-node ${ORT_VERSION} CPU, vnni-exact int8 accumulation; FP32 in real and float32 arithmetic`;

/** metrics.json: the comparison table and the quantisers' warnings. */
export function metricsJson(
  seed: number,
  variants: readonly VariantMetricsJson[],
  warnings: Readonly<Record<string, readonly string[]>>,
): MetricsJson {
  return { schemaVersion: REPORT_SCHEMA_VERSION, seed, variants, warnings };
}

/** verify.json: every int8 variant's region verification. */
export function verifyJson(
  variants: readonly VariantVerification[],
  precisionFront?: PrecisionFrontJson,
): VerifyJson {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    semantics: STUDY_VERIFY_SEMANTICS,
    variants,
    ...(precisionFront === undefined ? {} : { precisionFront }),
  };
}

/** run.json: the seed, the training run and its curve, versions, this machine and the timings. */
export function runJson(
  seed: number,
  training: TrainReport,
  cpuSemantics: CpuSemanticsJson | null,
  timings: Readonly<Record<string, number>>,
): RunJson {
  const { history, model: _model, algorithm, ...summary } = training;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    seed,
    training: { ...summary, algorithm },
    versions: { node: process.version, onnxruntime: ORT_VERSION },
    cpuSemantics,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      platform: platform(),
      release: release(),
    },
    timings,
    trainingCurve: history.map((p) => ({
      steps: p.steps,
      episodes: p.episodes,
      updates: p.updates,
      meanReturn: Number.isNaN(p.meanReturn) ? null : p.meanReturn,
      evalMeanReturn: p.evalMeanReturn,
      seconds: p.seconds,
      stepsPerSecond: Number.isFinite(p.stepsPerSecond) ? p.stepsPerSecond : null,
    })),
  };
}

/** The JSON files of a run directory. */
export interface RunFiles {
  readonly metrics: MetricsJson;
  readonly verify: VerifyJson;
  readonly maps: MapsJson;
  readonly run: RunJson;
}

/** Writes metrics.json, verify.json, maps.json and run.json into `dir`, each atomically. */
export async function writeRunFiles(dir: string, files: RunFiles): Promise<void> {
  // Readable where people read them (one leaf or counterexample per line); maps.json is compact.
  const write = (name: string, value: unknown, readable: boolean): Promise<void> =>
    writeFileAtomic(join(dir, name), `${readable ? readableJson(value) : JSON.stringify(value)}\n`);
  await write('verify.json', files.verify, true);
  await write('metrics.json', files.metrics, true);
  await write('maps.json', files.maps, false);
  await write('run.json', files.run, true);
}
