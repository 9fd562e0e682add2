// The study as a typed pipeline: train → quantise → compare → verify → maps → files → report. Each
// step's result is saved under <run>/.state/ and read back by a resumed run; `run` only parses
// flags, calls `runStudy` and prints what it returns.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Mlp, mlpFromJson, mlpToJson } from '@quantproof/nn';
import { expectedOrtLevel, writeQMlpOnnx } from '@quantproof/onnx';
import { createBox } from '@quantproof/interval';
import { qmlpFromJson, qmlpToJson } from '@quantproof/quant';
import { inputQuantisationFloor } from '@quantproof/smt-verify';
import type {
  MapsJson,
  MetricsJson,
  PrecisionFrontJson,
  RunJson,
  VerifyJson,
} from '@quantproof/web-report';
import { writeFileAtomic } from '../files.js';
import { type ProgressTarget, startProgress } from '../progress.js';
import { boxSamples } from './box-samples.js';
import { calibrationStates } from './calibration.js';
import { compareModels, type Variant, type VariantMetrics } from './compare-models.js';
import { detectCpuSemantics, pinnedCpuSemantics } from './cpu-semantics.js';
import { decisionMaps } from './decision-maps.js';
import { STUDY_DEFAULTS, type StudyConfig } from './defaults.js';
import { flipMarginCoverage, fp32Margins } from './flip-coverage.js';
import { quantizeModel } from './quantize-model.js';
import { metricsJson, runJson, verifyJson, writeRunFiles } from './run-files.js';
import { writeRunReport } from './run-report.js';
import type { StepStore } from './step-store.js';
import { trainPolicy, type TrainReport } from './train-policy.js';
import { CERTIFIED_VARIANT, STUDY_VARIANTS } from './variants.js';
import { certifiedTheorem, certifiedVariant, studyPrecisionFront } from './certified-variant.js';
import type { RepairRecordJson } from './certify.js';
import { PROGRESS_FIELDS, progressFields } from './verification-text.js';
import { type VariantVerification, verifyVariant } from './verify-region.js';
import { visitedStates } from './visited-states.js';

/** Boundary cells examined for the certified variant's input quantisation floor of δ*. */
const FLOOR_CELLS = 400;

/** Where the study reports while it runs, and how it may use the machine. */
export interface StudyHooks {
  /** One line of progress (a step starting, a variant). */
  readonly log: (text: string) => void;
  /** Where progress bars go. */
  readonly progress: ProgressTarget;
  /** Verification worker threads (default: one per core). */
  readonly workers?: number;
}

/** Where the study runs: the run directory, its step store, and whether it continues a killed run. */
export interface StudyPlace {
  readonly dir: string;
  readonly store: StepStore;
  readonly resume: boolean;
}

/** What a finished study returns: the files it wrote and the numbers `run` prints besides. */
export interface StudyOutcome {
  readonly training: TrainReport;
  readonly metrics: MetricsJson;
  readonly verify: VerifyJson;
  readonly maps: MapsJson;
  readonly run: RunJson;
  /** How many visited states and box samples the agreement columns count. */
  readonly agreementCounts: { readonly visited: number; readonly box: number };
  readonly seconds: number;
}

/** The state the steps hand on. */
interface Trained {
  readonly policy: Mlp;
  readonly onnx: Uint8Array;
  readonly report: TrainReport;
}

/** Runs a step under its name, timing it into `timings`. */
async function timed<T>(
  name: string,
  timings: Record<string, number>,
  hooks: StudyHooks,
  work: () => Promise<T> | T,
): Promise<T> {
  const t0 = performance.now();
  hooks.log(`[${name}]`);
  const result = await work();
  timings[name] = (performance.now() - t0) / 1000;
  return result;
}

/** Step 1: the FP32 policy (trained, or read back). */
async function trainStep(
  config: StudyConfig,
  place: StudyPlace,
  hooks: StudyHooks,
): Promise<Trained> {
  const fp32Path = join(place.dir, 'models', 'fp32.onnx');
  const saved = await place.store.load<{ policy: unknown; report: TrainReport }>('train');
  if (saved !== null) {
    const policy = mlpFromJson(saved.policy).mlp;
    return { policy, report: saved.report, onnx: new Uint8Array(await readFile(fp32Path)) };
  }
  const trained = await trainPolicy(
    { algo: 'ppo', seed: config.seed, timesteps: STUDY_DEFAULTS.trainingTimesteps, out: fp32Path },
    hooks.progress,
  );
  await place.store.save('train', { policy: mlpToJson(trained.policy), report: trained.report });
  return trained;
}

/** Step 2: every int8 variant (quantised, or read back), written to models/. */
async function quantizeStep(
  config: StudyConfig,
  place: StudyPlace,
  hooks: StudyHooks,
  policy: Mlp,
): Promise<{
  variants: Variant[];
  warnings: Record<string, readonly string[]>;
  repairs: Record<string, RepairRecordJson>;
}> {
  const calibration = calibrationStates(
    policy,
    STUDY_DEFAULTS.calibrationEpisodes,
    config.calibrateOn,
    config.seed,
  );
  const variants: Variant[] = [];
  const warnings: Record<string, readonly string[]> = {};
  for (const v of STUDY_VARIANTS) {
    hooks.log(`  ${v.name}`);
    const key = `quantize-${v.name}`;
    const saved = await place.store.load<{ model: unknown; warnings: string[]; details: unknown }>(
      key,
    );
    const quantized =
      saved === null
        ? quantizeModel(policy, calibration, { ...v.options, seed: config.seed })
        : { ...saved, model: qmlpFromJson(saved.model).model };
    if (saved === null) {
      await place.store.save(key, {
        model: qmlpToJson(quantized.model),
        warnings: quantized.warnings,
        details: quantized.details,
      });
    }
    const onnx = writeQMlpOnnx(quantized.model, {
      metadata: { 'source.method': v.name, 'source.details': JSON.stringify(quantized.details) },
    });
    await writeFileAtomic(join(place.dir, 'models', `${v.name}.onnx`), onnx);
    warnings[v.name] = quantized.warnings;
    variants.push({ name: v.name, kind: 'int8', model: quantized.model, onnx });
  }
  // The certified variant: made by the repair loop, calibrated on the visited states and the box.
  hooks.log(`  ${CERTIFIED_VARIANT.name}`);
  const key = `quantize-${CERTIFIED_VARIANT.name}`;
  const saved = await place.store.load<{
    model: unknown;
    warnings: string[];
    repair: RepairRecordJson;
  }>(key);
  const certified =
    saved === null
      ? await certifiedVariant(
          policy,
          config.calibrateOn === 'region' ? calibration : certifiedStates(config, policy),
          {
            seed: config.seed,
            cpuSemantics: await pinnedCpuSemantics(),
            ...(hooks.workers === undefined ? {} : { workers: hooks.workers }),
            log: hooks.log,
          },
        )
      : { ...saved, model: qmlpFromJson(saved.model).model };
  if (saved === null) {
    await place.store.save(key, {
      model: qmlpToJson(certified.model),
      warnings: certified.warnings,
      repair: certified.repair,
    });
  }
  // The file names how it was made; the round-by-round record (every round's brackets) is the
  // run directory's (verify.json's `repair`), not repeated in the deployable model.
  const onnx = writeQMlpOnnx(certified.model, {
    metadata: {
      'source.method': CERTIFIED_VARIANT.name,
      'source.details': JSON.stringify({
        repair: {
          targetDelta: certified.repair.targetDelta,
          kind: certified.repair.kind,
          round: certified.repair.round,
          rounds: certified.repair.rounds.length,
        },
      }),
    },
  });
  await writeFileAtomic(join(place.dir, 'models', `${CERTIFIED_VARIANT.name}.onnx`), onnx);
  warnings[CERTIFIED_VARIANT.name] = certified.warnings;
  variants.push({ name: CERTIFIED_VARIANT.name, kind: 'int8', model: certified.model, onnx });
  return { variants, warnings, repairs: { [CERTIFIED_VARIANT.name]: certified.repair } };
}

/** The certified variant's calibration states: the visited states plus the operating box. */
function certifiedStates(config: StudyConfig, policy: Mlp): Float32Array {
  return calibrationStates(policy, STUDY_DEFAULTS.calibrationEpisodes, 'region', config.seed);
}

/** Step 3: the comparison table (measured, or read back). */
async function compareStep(
  config: StudyConfig,
  place: StudyPlace,
  hooks: StudyHooks,
  policy: Mlp,
  variants: readonly Variant[],
  states: { readonly visited: Float32Array; readonly box: Float32Array },
): Promise<VariantMetrics[]> {
  const saved = await place.store.load<VariantMetrics[]>('compare');
  if (saved !== null) return saved;
  const compared = await compareModels(
    policy,
    variants,
    { ...states, episodes: config.episodes },
    (name) => hooks.log(`  ${name}`),
  );
  await place.store.save('compare', compared);
  return compared;
}

/** Step 4: the region verification of every int8 variant (continued from its checkpoint on resume). */
async function verifyStep(
  config: StudyConfig,
  place: StudyPlace,
  hooks: StudyHooks,
  fp32: Trained,
  variants: readonly Variant[],
  visited: Float32Array,
  repairs: Readonly<Record<string, RepairRecordJson>>,
): Promise<VariantVerification[]> {
  const results: VariantVerification[] = [];
  const cpuSemantics = await pinnedCpuSemantics();
  const margins = fp32Margins(fp32.policy, visited);
  for (const v of variants) {
    if (v.kind !== 'int8') continue;
    hooks.log(`  ${v.name}`);
    const saved = await place.store.load<VariantVerification>(`verify-${v.name}`);
    // A step saved by a quantproof before schema version 2 has no disagreement: verify again.
    if (saved !== null && saved.disagreement !== undefined) {
      results.push(saved);
      continue;
    }
    const checkpoint = `verify-${v.name}.checkpoint.json`;
    const progress = startProgress(
      hooks.progress,
      `verify ${v.name}`,
      config.verifySeconds,
      PROGRESS_FIELDS,
    );
    let result: VariantVerification;
    try {
      // The replay runs the files this run wrote: the study's deliverables.
      const files = {
        fp32: {
          path: join(place.dir, 'models', 'fp32.onnx'),
          bytes: fp32.onnx,
          level: 'all' as const,
        },
        int8: {
          path: join(place.dir, 'models', `${v.name}.onnx`),
          bytes: v.onnx,
          level: expectedOrtLevel(v.model.executionPath),
        },
      };
      result = await verifyVariant(
        v.name,
        { fp32: fp32.policy, int8: v.model, files },
        {
          cpuSemantics,
          seconds: config.verifySeconds,
          seed: config.seed,
          checkpoint: place.store.path(checkpoint),
          resume: place.resume,
          ...(hooks.workers === undefined ? {} : { workers: hooks.workers }),
          onProgress: (p) => progress.update(p.seconds, progressFields(p)),
        },
      );
    } finally {
      progress.stop();
    }
    const flipMarginCoverageJson = {
      share: flipMarginCoverage(visited, margins, result.region, result.flipMargin?.upper ?? null),
      states: margins.length,
    };
    result = { ...result, flipMarginCoverage: flipMarginCoverageJson };
    const repair = repairs[v.name];
    if (repair !== undefined) {
      // The floor the variant's input quantisation sets on δ*, and the coverage it allows at most.
      const region = createBox(result.region.lower, result.region.upper);
      const floor = inputQuantisationFloor(fp32.policy, v.model, region, {
        cells: FLOOR_CELLS,
        seed: config.seed,
      });
      result = {
        ...result,
        repair,
        flipMarginTheorem: certifiedTheorem(
          result.flipMargin?.upper ?? null,
          result.verdict,
          flipMarginCoverageJson,
        ),
        ...(floor === null || floor.cell === null
          ? {}
          : {
              inputFloor: {
                flipMargin: floor.flipMargin,
                coverage: flipMarginCoverage(visited, margins, result.region, floor.flipMargin),
                cell: floor.cell,
              },
            }),
      };
    }
    await place.store.save(`verify-${v.name}`, result);
    await place.store.discard(checkpoint);
    results.push(result);
  }
  return results;
}

/** Runs the whole study in `place.dir` and writes its run directory (models, JSON, report.html). */
export async function runStudy(
  config: StudyConfig,
  place: StudyPlace,
  hooks: StudyHooks,
): Promise<StudyOutcome> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  await place.store.save('config', config);
  const fp32 = await timed('train', timings, hooks, () => trainStep(config, place, hooks));
  const visited = visitedStates(
    fp32.policy,
    STUDY_DEFAULTS.agreementEpisodes,
    STUDY_DEFAULTS.agreementSeedBase,
  ).subarray(0, STUDY_DEFAULTS.agreementStates * 4);
  const box = boxSamples(STUDY_DEFAULTS.boxSamples, config.seed + 1);
  const {
    variants: int8,
    warnings,
    repairs,
  } = await timed('quantize', timings, hooks, () =>
    quantizeStep(config, place, hooks, fp32.policy),
  );
  const variants: Variant[] = [
    { name: 'fp32', kind: 'fp32', mlp: fp32.policy, onnx: fp32.onnx },
    ...int8,
  ];
  const rows = await timed('compare', timings, hooks, () =>
    compareStep(config, place, hooks, fp32.policy, variants, { visited, box }),
  );
  const verification = await timed('verify', timings, hooks, () =>
    verifyStep(config, place, hooks, fp32, variants, visited, repairs),
  );
  // Certified mixed precision of the certified variant's scheme (a few bit widths, their front).
  const precisionFront = await timed('precision', timings, hooks, async () => {
    const saved = await place.store.load<PrecisionFrontJson>('precision');
    if (saved !== null) return saved;
    const front = await studyPrecisionFront(fp32.policy, certifiedStates(config, fp32.policy), {
      seed: config.seed,
      cpuSemantics: await pinnedCpuSemantics(),
      ...(hooks.workers === undefined ? {} : { workers: hooks.workers }),
    });
    await place.store.save('precision', front);
    return front;
  });
  // The report's decision maps and weight histograms: network evaluations a browser cannot do.
  const maps = await timed('maps', timings, hooks, () =>
    decisionMaps(
      fp32.policy,
      int8.flatMap((v) => (v.kind === 'int8' ? [{ name: v.name, model: v.model }] : [])),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const files = {
    metrics: metricsJson(config.seed, rows, warnings),
    verify: verifyJson(verification, precisionFront),
    maps,
    run: runJson(config.seed, fp32.report, await detectCpuSemantics(), {
      ...timings,
      total: seconds,
    }),
  };
  await writeRunFiles(place.dir, files);
  await writeRunReport(place.dir);
  return {
    training: fp32.report,
    ...files,
    agreementCounts: { visited: visited.length / 4, box: box.length / 4 },
    seconds,
  };
}
