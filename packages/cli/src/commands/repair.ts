// `quantproof repair`: fine-tune an int8 model on its own replayed counterexamples and boundary
// cells until the region verifier proves its δ* ≤ a target, then verify the written file again.

import { resolve } from 'node:path';
import type { Box } from '@quantproof/interval';
import { type Mlp, mlpInputSize } from '@quantproof/nn';
import {
  expectedOrtLevel,
  InvalidWriteOptionsError,
  readMlpOnnx,
  writeQMlpOnnx,
} from '@quantproof/onnx';
import {
  calibrateInputFeatureRanges,
  calibrateRanges,
  type CalibrationRanges,
  type InputScaleGranularity,
  type QMlpMixed,
  type QMlpStatic,
  type QuantizeStaticOptions,
} from '@quantproof/quant';
import {
  inputQuantisationFloor,
  type RegionOptions,
  type RepairResult,
  SmtVerifyOptionsError,
} from '@quantproof/smt-verify';
import { Command, InvalidArgumentError, Option } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { InputError, UsageError } from '../errors.js';
import { checkOutputFile, writeFileAtomic } from '../files.js';
import { integerFlag, layerList, MAX_CALIBRATION_EPISODES } from '../options.js';
import { addRegionFlags, boxText, type RegionFlags, regionName, regionOf } from '../region.js';
import {
  CALIBRATE_ON_CHOICES,
  calibrationStates,
  isCartPolePolicy,
  REGION_SAMPLES,
} from '../study/calibration.js';
import { type CertifiedTheorem, certifiedTheoremOn } from '../study/certified-variant.js';
import { visitedStates } from '../study/visited-states.js';
import {
  type CertifyVerifyFlags,
  certifyRegionOptions,
  numberBracketText,
  repairModel,
  repairRecord,
  type RepairRecordJson,
  roundText,
} from '../study/certify.js';
import {
  type AssumedCpuSemantics,
  type CpuSemanticsFlag,
  cpuSemanticsOption,
  describeCpuSemantics,
  resolveCpuSemantics,
} from '../study/cpu-semantics.js';
import { type CalibrateOn, STUDY_DEFAULTS } from '../study/defaults.js';
import { loadFp32 } from '../study/load-model.js';
import { loadVerifyPair } from '../study/load-pair.js';
import { bracketText } from '../study/verification-text.js';
import { type VariantVerification, verifyVariant } from '../study/verify-region.js';

/** Exit codes of `repair` beyond the program's. */
export const REPAIR_EXIT_CODES: { readonly reached: 0; readonly notReached: 12 } = {
  reached: 0,
  notReached: 12,
};

/** A δ target: a finite number ≥ 0. */
export function deltaFlag(name: string): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(
        `${name} must be a number ≥ 0 (an FP32 logit margin, e.g. 0.5), got "${value}".`,
      );
    }
    return n;
  };
}

/** Options of the repair command after parsing. */
export interface RepairCommandOptions extends RegionFlags {
  readonly fp32: string;
  readonly int8: string;
  readonly targetDelta: number;
  readonly rounds: number;
  readonly timeout: number;
  readonly maxBoxes?: number;
  readonly workers?: number;
  readonly seed: number;
  readonly calibrateOn: CalibrateOn;
  readonly calibrationEpisodes: number;
  readonly cpuSemantics: CpuSemanticsFlag;
  readonly out: string;
  /** Layers every round keeps in float32 (the model verified and written is then mixed). */
  readonly keepFp32?: readonly number[];
  readonly json?: boolean;
}

/** The repaired model under the FP32 file's tensor names, with the repair recorded in its metadata. */
export function writeRepairedModel(
  model: QMlpStatic | QMlpMixed,
  fp32Bytes: Uint8Array,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const { inputName, outputName } = readMlpOnnx(fp32Bytes);
  try {
    return writeQMlpOnnx(model, { inputName, outputName, metadata });
  } catch (error) {
    if (!(error instanceof InvalidWriteOptionsError)) throw error;
    throw new InputError(
      `the --fp32 model's input '${inputName}' or output '${outputName}' is also the name of a tensor of the int8 graph (${error.message}); rename the FP32 model's input or output and run again`,
    );
  }
}

/** What `repair --json` prints. */
export interface RepairReport {
  readonly repair: RepairRecordJson;
  /**
   * δ*'s floor for every int8 model with the given model's input quantisation (repair keeps it),
   * and the input cell that shows it; null for no floor found.
   */
  readonly inputFloor: InputFloorJson | null;
  /** The written file, verified again from scratch (its counterexamples replayed in onnxruntime-node). */
  readonly recheck: VariantVerification;
  /**
   * The theorem the re-check proves, with the share of the states a CartPole policy visits that it
   * covers; null for other networks (they have no episodes).
   */
  readonly theorem: CertifiedTheorem | null;
  readonly reached: boolean;
  readonly model: string;
}

/** `inputQuantisationFloor`'s answer as `repair --json` reports it. */
export interface InputFloorJson {
  readonly flipMargin: number;
  readonly cell: { readonly lower: number[]; readonly upper: number[] };
  readonly cellsExamined: number;
}

/** Boundary cells `repair` examines for the floor of δ* its input quantisation sets. */
const FLOOR_CELLS = 200;

/**
 * What the floor means for the target, in one line: a target below it cannot be proven by any
 * fine-tuning that keeps the input quantisation.
 */
export function inputFloorText(
  floor: InputFloorJson,
  target: number,
  cell: string,
  perFeature: boolean,
): string {
  // Per-feature scales already give every input all its levels over its own range: only a
  // smaller range (a smaller region) makes the cells finer.
  const finer = perFeature
    ? 'quantise for a smaller region, whose input cells are finer (quantize --ranges-from bounds --box …, or --around … --radius …), and verify there'
    : 'quantise the input more finely (quantize --input-scale per-feature --format qoperator)';
  const reach =
    floor.flipMargin > target
      ? `so δ* ≤ ${target} cannot be proven by fine-tuning: ${finer}, or choose --target-delta ≥ ${floor.flipMargin.toPrecision(4)}`
      : `the target is above it`;
  return `input quantisation floor: every int8 model with these input cells has δ* ≥ ${floor.flipMargin.toPrecision(4)} (FP32 takes both actions with margins ≥ it inside the input cell ${cell}); ${reach}`;
}

/** The re-check of the written file in one line. */
export function recheckText(recheck: VariantVerification, target: number): string {
  const upper = recheck.flipMargin?.upper ?? null;
  const holds =
    recheck.flipMargin === null
      ? recheck.verdict === 'consistent'
      : upper !== null && upper <= target;
  const replayed = recheck.counterexamples.filter((c) => c.replay.confirmed).length;
  return `verified again from the written file: δ* ∈ ${numberBracketText(recheck.flipMargin === null ? null : { lower: recheck.flipMargin.lower, upper: upper ?? Infinity }, 'none (every leaf agrees)')} ${holds ? `≤ ${target}: the proof holds` : `— not proven ≤ ${target}`}; disagreeing share ${bracketText(recheck.disagreement, 2)}; ${recheck.replay.runtime === 'none' ? 'counterexamples replayed in the executors only' : `${replayed} of ${recheck.counterexamples.length} listed counterexamples confirmed in ${recheck.replay.runtime}`}`;
}

/** Whether a re-check proves δ* ≤ target. */
export function recheckHolds(recheck: VariantVerification, target: number): boolean {
  if (recheck.flipMargin === null) return recheck.verdict === 'consistent';
  return recheck.flipMargin.upper !== null && recheck.flipMargin.upper <= target;
}

/** The static layout flags of the models `quantize`, `sensitivity` and `precision` write. */
export function addLayoutFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--format <name>', 'static int8 layout')
        .choices(['qdq', 'qoperator'])
        .default('qdq'),
    )
    .addOption(
      new Option('--activations <type>', 'activation element type')
        .choices(['int8', 'uint8'])
        .default('int8'),
    )
    .option('--per-channel', 'per-output-channel weight scales', false)
    .addOption(inputScaleOption())
    .addOption(
      new Option(
        '--logits <kind>',
        'how the last layer’s outputs leave the int8 graph: quantised to 8 bits, then DequantizeLinear (dequantize: onnxruntime’s quantiser’s layout; where FP32’s margin is below one output step the int8 logits tie and the first action wins), or the float output of the last integer layer (float: no output quantisation; the study’s certified variant)',
      )
        .choices(['dequantize', 'float'])
        .default('dequantize'),
    );
}

/** `--input-scale`, one of the static layout flags. */
function inputScaleOption(): Option {
  return new Option(
    '--input-scale <granularity>',
    'input quantisation: one scale shared by all inputs (per-tensor), or one per input (per-feature: each input keeps all 255 levels over its own range — on CartPole θ ±0.21 gets as many as x ±2.4 — written as a per-axis QuantizeLinear before a QGemm whose first-layer weights absorb the ratios; needs --format qoperator and a static method)',
  )
    .choices(['per-tensor', 'per-feature'])
    .default('per-tensor');
}

/** Refuses `--input-scale per-feature` outside the QOperator layout (exit 2, saying why). */
export function checkInputScaleFlag(inputScale: InputScaleGranularity, format: string): void {
  if (inputScale === 'per-feature' && format !== 'qoperator') {
    throw new UsageError(
      `--input-scale per-feature needs --format qoperator: onnxruntime runs a per-axis input QuantizeLinear before a QGemm with integer arithmetic, but in a ${format} graph it runs the first layer in float, which quantproof does not model`,
    );
  }
}

/**
 * The activation ranges the certifying commands convert with: MinMax over `states`, plus one range
 * per input when the inputs are quantised per feature.
 */
export function layoutRanges(
  fp32: Mlp,
  states: Float32Array,
  inputScale: InputScaleGranularity,
): CalibrationRanges {
  const ranges = calibrateRanges(fp32, states, { kind: 'minmax' });
  return inputScale === 'per-feature'
    ? { ...ranges, inputFeatures: calibrateInputFeatureRanges(fp32, states, { kind: 'minmax' }) }
    : ranges;
}

/** The flags `sensitivity` and `precision` share: the FP32 file, the static layout and the certify flags. */
export interface LayoutCertifyFlags extends RegionFlags, CertifyVerifyFlags {
  readonly fp32: string;
  readonly format: 'qdq' | 'qoperator';
  readonly activations: 'int8' | 'uint8';
  readonly perChannel: boolean;
  readonly inputScale: InputScaleGranularity;
  readonly logits: 'dequantize' | 'float';
  readonly calibrateOn: CalibrateOn;
  readonly calibrationEpisodes: number;
  readonly cpuSemantics: CpuSemanticsFlag;
}

/** What `sensitivity` and `precision` certify their static models with, read from their flags. */
export interface LayoutCertifyInputs {
  readonly fp32: Mlp;
  readonly region: Box;
  readonly cpu: AssumedCpuSemantics;
  /** Activation ranges, calibrated once (min-max) on the FP32 network over `--calibrate-on`'s states. */
  readonly ranges: CalibrationRanges;
  /** The static layout of `--format`, `--activations`, `--per-channel`, `--input-scale` and `--logits`. */
  readonly scheme: QuantizeStaticOptions;
  /** Each model's `verifyRegion` options. */
  readonly verify: RegionOptions;
}

/** Reads the `--fp32` model, the region and the CPU semantics, and calibrates the ranges. */
export async function layoutCertifyInputs(opts: LayoutCertifyFlags): Promise<LayoutCertifyInputs> {
  checkInputScaleFlag(opts.inputScale, opts.format);
  const fp32 = (await loadFp32(opts.fp32, '--fp32')).mlp;
  const region = await regionOf(opts, mlpInputSize(fp32));
  const cpu = await resolveCpuSemantics(opts.cpuSemantics);
  const states = calibrationStates(fp32, opts.calibrationEpisodes, opts.calibrateOn, opts.seed, {
    region,
    samples: REGION_SAMPLES,
  });
  return {
    fp32,
    region,
    cpu,
    ranges: layoutRanges(fp32, states, opts.inputScale),
    scheme: {
      format: opts.format,
      activationType: opts.activations,
      perChannel: opts.perChannel,
      inputScale: opts.inputScale,
      logits: opts.logits,
    },
    verify: certifyRegionOptions(opts, cpu),
  };
}

/** Runs a certification, reporting smt-verify's option errors as usage errors (bad flags). */
export async function withUsageErrors<T>(certify: () => Promise<T>): Promise<T> {
  try {
    return await certify();
  } catch (error) {
    if (error instanceof SmtVerifyOptionsError) throw new UsageError(error.message);
    throw error;
  }
}

/** The flags `repair` and `sensitivity` share with `verify`: the region and the verifier's budget. */
export function addCertifyFlags(command: Command, timeoutWhat: string, timeout: number): Command {
  return addRegionFlags(command)
    .option(`--timeout <s>`, timeoutWhat, integerFlag('--timeout', 1), timeout)
    .option(
      '--max-boxes <n>',
      'also stop each verification after this many boxes (the same answer on every machine)',
      integerFlag('--max-boxes', 1),
    )
    .option(
      '--workers <n>',
      'worker threads, one z3 each (default: one per core; 0 runs in this thread)',
      integerFlag('--workers', 0),
    )
    .option('--seed <n>', 'seed of the searches and of fine-tuning', integerFlag('--seed', 0), 0)
    .addOption(
      new Option(
        '--calibrate-on <states>',
        'states to calibrate and fine-tune on: those a CartPole policy visits, or those plus uniform samples of the region (other networks always use the region samples)',
      )
        .choices([...CALIBRATE_ON_CHOICES])
        .default('visited'),
    )
    .option(
      '--calibration-episodes <n>',
      'greedy episodes whose states calibrate and fine-tune (CartPole policies)',
      integerFlag('--calibration-episodes', 1, MAX_CALIBRATION_EPISODES),
      STUDY_DEFAULTS.calibrationEpisodes,
    )
    .addOption(cpuSemanticsOption());
}

/** Runs a repair with the flags and prints every round as it is certified. */
async function runRepair(
  opts: RepairCommandOptions,
  print: (text: string) => void,
): Promise<{
  result: RepairResult;
  fp32Bytes: Uint8Array;
  recheck: VariantVerification;
  bytes: Uint8Array;
  inputFloor: InputFloorJson | null;
  theorem: CertifiedTheorem | null;
}> {
  const pair = await loadVerifyPair(opts.fp32, opts.int8);
  const fp32 = pair.fp32.mlp;
  const start = pair.int8.model;
  if (start.format === 'dynamic') {
    throw new InputError(
      `--int8 ${opts.int8} is dynamically quantised (its activation scales are computed at run time, so there are no ranges to fine-tune against); repair fine-tunes static int8 models: quantise with quantize --method ptq-static or qat first`,
    );
  }
  if (start.format === 'mixed') {
    throw new InputError(
      `--int8 ${opts.int8} keeps layers in float32; repair fine-tunes the int8 layers of an all-int8 model: give the all-int8 file and --keep-fp32 ${start.layers.flatMap((l, i) => (l.kind === 'float' ? [i] : [])).join(',')} (every round then verifies the model with those layers in float32)`,
    );
  }
  const region = await regionOf(opts, mlpInputSize(fp32));
  const cpu = await resolveCpuSemantics(opts.cpuSemantics);
  const states = calibrationStates(fp32, opts.calibrationEpisodes, opts.calibrateOn, opts.seed, {
    region,
    samples: REGION_SAMPLES,
  });
  const verify = certifyRegionOptions(opts, cpu);
  if (opts.json !== true) print(describeCpuSemantics(cpu));
  // Repair keeps the input quantisation: the floor it sets on δ* is known before any round (none
  // when the first layer is kept in float32: the input is then not quantised).
  const found = opts.keepFp32?.includes(0)
    ? null
    : inputQuantisationFloor(fp32, start, region, { cells: FLOOR_CELLS, seed: opts.seed });
  const inputFloor: InputFloorJson | null =
    found === null || found.cell === null
      ? null
      : { flipMargin: found.flipMargin, cell: found.cell, cellsExamined: found.cellsExamined };
  if (inputFloor !== null && opts.json !== true) {
    print(
      inputFloorText(
        inputFloor,
        opts.targetDelta,
        boxText(inputFloor.cell),
        start.inputScales !== undefined,
      ),
    );
  }
  const result: RepairResult = await withUsageErrors(() =>
    repairModel(fp32, start, region, {
      targetDelta: opts.targetDelta,
      rounds: opts.rounds,
      verify,
      states,
      seed: opts.seed,
      onRound: (r) => {
        if (opts.json !== true) print(roundText(r, opts.targetDelta));
      },
      ...(opts.keepFp32 === undefined ? {} : { keepFp32: opts.keepFp32 }),
    }),
  );
  const record = repairRecord(result);
  const bytes = writeRepairedModel(result.model, pair.fp32.bytes, {
    'source.fp32': opts.fp32,
    'source.int8': opts.int8,
    'source.method': 'repair',
    'source.details': JSON.stringify(record),
  });
  await writeFileAtomic(opts.out, bytes);
  const recheck = await verifyVariant(
    opts.out,
    {
      fp32,
      int8: result.model,
      files: {
        fp32: { path: opts.fp32, bytes: pair.fp32.bytes, level: pair.fp32.level },
        int8: { path: opts.out, bytes, level: expectedOrtLevel(result.model.executionPath) },
      },
    },
    {
      seconds: opts.timeout,
      seed: opts.seed,
      region,
      cpuSemantics: cpu,
      ...(opts.workers === undefined ? {} : { workers: opts.workers }),
      ...(opts.maxBoxes === undefined ? {} : { maxBoxes: opts.maxBoxes }),
    },
  );
  const theorem = isCartPolePolicy(fp32)
    ? certifiedTheoremOn(
        fp32,
        visitedStates(fp32, opts.calibrationEpisodes),
        recheck,
        regionName(opts, region),
      )
    : null;
  return { result, fp32Bytes: pair.fp32.bytes, recheck, bytes, inputFloor, theorem };
}

/** The `repair` command; `setExitCode` receives whether the target was proven. */
export function repairCommand(
  print: (text: string) => void,
  setExitCode: (code: number) => void,
): Command {
  const command = new Command('repair')
    .description(COMMAND_DESCRIPTIONS.repair)
    .requiredOption('--fp32 <file>', 'the FP32 ONNX model (ours or exported from PyTorch)')
    .requiredOption('--int8 <file>', 'the static int8 ONNX model to repair (QDQ or QOperator)')
    .requiredOption(
      '--target-delta <δ>',
      'the δ* to prove: above this FP32 margin the int8 decision must be FP32’s everywhere in the region',
      deltaFlag('--target-delta'),
    )
    .option(
      '--rounds <n>',
      'fine-tuning rounds after verifying the given model',
      integerFlag('--rounds', 0, 100),
      4,
    );
  return addCertifyFlags(command, 'time budget of each round’s verification, in seconds', 20)
    .option(
      '--keep-fp32 <layers>',
      'keep these layers (0-based, comma-separated) in float32 in every round: the model verified and written is a QDQ graph with those Gemms float32 (see quantize --keep-fp32)',
      layerList,
    )
    .option('--out <file>', 'where to write the repaired int8 ONNX model', 'policy.repaired.onnx')
    .option(
      '--json',
      'print one JSON document (the rounds, and the re-check as verify --json prints it)',
    )
    .addHelpText(
      'after',
      `\nExit codes: ${REPAIR_EXIT_CODES.reached} the target is proven (also on the written file), ${REPAIR_EXIT_CODES.notReached} the rounds ran out first (the model with the smallest certified δ* is written), 2 bad flags, 3 bad input file.\n\nExamples:\n  $ quantproof repair --fp32 policy.onnx --int8 policy.qdq.onnx --target-delta 1 --out policy.repaired.onnx\n  $ quantproof repair --fp32 net.onnx --int8 net.int8.onnx --target-delta 0.1 --box "-1,1;-1,1" --max-boxes 300 --json`,
    )
    .action(async (opts: RepairCommandOptions) => {
      if ([opts.fp32, opts.int8].some((p) => resolve(p) === resolve(opts.out))) {
        throw new UsageError(
          `--out ${opts.out} would overwrite an input model; write the repaired model to another file`,
        );
      }
      await checkOutputFile(opts.out, '--out');
      const { result, recheck, inputFloor, theorem } = await runRepair(opts, print);
      const reached = result.kind === 'reached' && recheckHolds(recheck, opts.targetDelta);
      setExitCode(reached ? REPAIR_EXIT_CODES.reached : REPAIR_EXIT_CODES.notReached);
      if (opts.json === true) {
        const report: RepairReport = {
          repair: repairRecord(result),
          inputFloor,
          recheck,
          theorem,
          reached,
          model: opts.out,
        };
        print(JSON.stringify(report, null, 2));
        return;
      }
      print(
        [
          result.kind === 'reached'
            ? `target δ* ≤ ${opts.targetDelta} proven in round ${result.round}`
            : inputFloor !== null && inputFloor.flipMargin > opts.targetDelta
              ? `target δ* ≤ ${opts.targetDelta} not proven in ${result.rounds.length - 1} rounds, and it cannot be with this input quantisation (δ* ≥ ${inputFloor.flipMargin.toPrecision(4)} for every such model): kept round ${result.round} (the smallest certified δ*); quantise the input more finely, or choose --target-delta ≥ ${inputFloor.flipMargin.toPrecision(4)}`
              : `target δ* ≤ ${opts.targetDelta} not proven in ${result.rounds.length - 1} rounds: kept round ${result.round} (the smallest certified δ*); raise --rounds or --timeout, or choose a larger --target-delta`,
          recheckText(recheck, opts.targetDelta),
          ...(theorem === null ? [] : [`theorem: ${theorem.text}`]),
          `wrote ${opts.out}`,
        ].join('\n'),
      );
    });
}
