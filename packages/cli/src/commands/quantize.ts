// `quantproof quantize`: quantise an FP32 ONNX policy to int8 ONNX with one of the study's methods.

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { mlpHead, mlpInputSize } from '@quantproof/nn';
import {
  expectedOrtLevel,
  InvalidWriteOptionsError,
  readMlpOnnx,
  writeQMlpOnnx,
} from '@quantproof/onnx';
import {
  decisionAgreement,
  InvalidQMlpError,
  type QMlp,
  QuantOptionsError,
  UnsupportedSchemeError,
} from '@quantproof/quant';
import { Command, InvalidArgumentError, Option } from 'commander';
import { COMMAND_DESCRIPTIONS } from './catalog.js';
import { InputError, UsageError } from '../errors.js';
import { checkOutputFile, readInputFile, writeFileAtomic } from '../files.js';
import { integerFlag, layerList, MAX_CALIBRATION_EPISODES } from '../options.js';
import { loadCartPoleFp32, loadFp32 } from '../study/load-model.js';
import {
  addRegionFlags,
  boxText,
  type RegionFlags,
  regionName,
  regionNamed,
  regionOf,
} from '../region.js';
import {
  certifyRegionOptions,
  repairModel,
  repairRecord,
  type RepairRecordJson,
  roundText,
} from '../study/certify.js';
import {
  type CpuSemanticsFlag,
  cpuSemanticsOption,
  resolveCpuSemantics,
} from '../study/cpu-semantics.js';
import { type VariantVerification, verifyVariant } from '../study/verify-region.js';
import { certifiedTheoremOn } from '../study/certified-variant.js';
import {
  checkInputScaleFlag,
  deltaFlag,
  addLayoutFlags,
  recheckHolds,
  recheckText,
  REPAIR_EXIT_CODES,
} from './repair.js';
import {
  QUANTIZE_METHODS,
  type QuantizeMethod,
  type QuantizeModelOptions,
  quantizeModel,
} from '../study/quantize-model.js';
import { visitedStates } from '../study/visited-states.js';
import {
  CALIBRATE_ON_CHOICES,
  calibrationStates,
  RANGES_CHOICES,
  regionBoundRanges,
} from '../study/calibration.js';
import { type CalibrateOn, STUDY_DEFAULTS } from '../study/defaults.js';

/** Options of the quantize command after parsing. */
export interface QuantizeCommandOptions extends QuantizeModelOptions, RegionFlags {
  readonly fp32: string;
  readonly out: string;
  readonly calibrationEpisodes: number;
  readonly calibrateOn: CalibrateOn;
  readonly rangesFrom: 'states' | 'bounds';
  readonly certifyDelta?: number;
  readonly certifyRounds: number;
  readonly certifyTimeout: number;
  readonly certifyMaxBoxes?: number;
  readonly cpuSemantics: CpuSemanticsFlag;
  readonly json?: boolean;
}

function fraction(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1))
    throw new InvalidArgumentError(`must be a number in (0, 1], got "${value}".`);
  return n;
}

/** The int8 file under the FP32 file's tensor names; a name the int8 graph uses itself is a bad input. */
function writeInt8Model(
  model: QMlp,
  inputName: string,
  outputName: string,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  try {
    return writeQMlpOnnx(model, { inputName, outputName, metadata });
  } catch (error) {
    if (!(error instanceof InvalidWriteOptionsError)) throw error;
    throw new InputError(
      `the --fp32 model's input '${inputName}' or output '${outputName}' is also the name of a tensor of the int8 graph (${error.message}); rename the FP32 model's input or output and quantise again`,
    );
  }
}

/**
 * `quantizeModel`, with a scheme the model cannot take (e.g. float logits after a final ReLU)
 * reported as what the flags and the model do not allow together (exit 3), not as a bug.
 */
function quantizeForFlags(
  mlp: Parameters<typeof quantizeModel>[0],
  states: Float32Array,
  options: QuantizeModelOptions,
): ReturnType<typeof quantizeModel> {
  try {
    return quantizeModel(mlp, states, options);
  } catch (error) {
    if (
      options.keepFp32 !== undefined &&
      (error instanceof QuantOptionsError || error instanceof InvalidQMlpError)
    ) {
      throw new UsageError(
        `--keep-fp32 ${options.keepFp32.join(',')}: ${error.message.replace(/^\$\.layers\[\d+\]: /, '')}`,
      );
    }
    if (!(error instanceof UnsupportedSchemeError)) throw error;
    throw new InputError(
      `the --fp32 model cannot be quantised with these layout flags: ${error.message.replace("logits: 'dequantize'", '--logits dequantize')}`,
    );
  }
}

/** The `quantize` command. */
export function quantizeCommand(
  print: (text: string) => void,
  warn: (text: string) => void,
  setExitCode: (code: number) => void = () => undefined,
): Command {
  const command = new Command('quantize')
    .description(COMMAND_DESCRIPTIONS.quantize)
    .requiredOption('--fp32 <file>', 'the FP32 ONNX policy (ours, or exported from PyTorch)')
    .addOption(
      new Option('--method <name>', 'quantisation method')
        .choices([...QUANTIZE_METHODS])
        .default('ptq-static'),
    );
  return addRegionFlags(addLayoutFlags(command))
    .addOption(
      new Option('--calibration <name>', 'activation range calibration')
        .choices(['minmax', 'percentile', 'entropy'])
        .default('minmax'),
    )
    .option(
      '--weight-bits <n>',
      'weight bit width 2..8 (mixed: the starting width)',
      integerFlag('--weight-bits', 2, 8),
      8,
    )
    .option(
      '--mixed-threshold <p>',
      'agreement the mixed-precision search must keep',
      fraction,
      0.999,
    )
    .option(
      '--calibration-episodes <n>',
      'greedy episodes whose states calibrate',
      integerFlag('--calibration-episodes', 1, MAX_CALIBRATION_EPISODES),
      STUDY_DEFAULTS.calibrationEpisodes,
    )
    .addOption(
      new Option(
        '--calibrate-on <states>',
        'calibration states: those the FP32 policy visits, or those plus uniform samples of the region (the operating box, or --box/--box-file/--around): no input saturates inside it',
      )
        .choices([...CALIBRATE_ON_CHOICES])
        .default('visited'),
    )
    .addOption(
      new Option(
        '--ranges-from <what>',
        'activation ranges: calibrated on the states (see --calibrate-on), or sound bounds over the region (the operating box, or --box/--box-file/--around): no input or FP32 activation leaves them anywhere in it; coarser than the states, finer for a smaller region. Static methods',
      )
        .choices([...RANGES_CHOICES])
        .default('states'),
    )
    .option(
      '--certify-delta <δ>',
      'then repair the model until its certified δ* over the region (the operating box, or --box/--box-file/--around) is at most δ (see quantproof repair; static methods only)',
      deltaFlag('--certify-delta'),
    )
    .option(
      '--certify-rounds <n>',
      'fine-tuning rounds of --certify-delta',
      integerFlag('--certify-rounds', 0, 100),
      4,
    )
    .option(
      '--certify-timeout <s>',
      'time budget of each verification of --certify-delta, in seconds',
      integerFlag('--certify-timeout', 1),
      20,
    )
    .option(
      '--certify-max-boxes <n>',
      'also stop each verification of --certify-delta after this many boxes (the same answer on every machine)',
      integerFlag('--certify-max-boxes', 1),
    )
    .addOption(cpuSemanticsOption())
    .option(
      '--keep-fp32 <layers>',
      "keep these layers (0-based, comma-separated) in float32, as onnxruntime's quantiser does for nodes_to_exclude: a QDQ graph whose other layers are int8. Keeping the first layer removes the input quantisation. Not with --certify-delta (use repair --keep-fp32 on the all-int8 model)",
      layerList,
    )
    .option('--seed <n>', 'seed of QAT and of --certify-delta', integerFlag('--seed', 0), 0)
    .option('--out <file>', 'where to write the int8 ONNX model', 'policy.int8.onnx')
    .option('--json', 'print one JSON document instead of a summary')
    .addHelpText(
      'after',
      '\nExamples:\n  $ quantproof quantize --fp32 policy.onnx --out policy.qdq.onnx\n  $ quantproof quantize --fp32 policy.onnx --method qat --weight-bits 4 --out policy.qat4.onnx\n  $ quantproof quantize --fp32 policy.onnx --method ptq-dynamic --out policy.dyn.onnx\n  $ quantproof quantize --fp32 policy.onnx --ranges-from bounds --out policy.sound-ranges.onnx\n  $ quantproof quantize --fp32 policy.onnx --format qoperator --activations uint8 --input-scale per-feature --out policy.per-input.onnx\n  $ quantproof quantize --fp32 policy.onnx --calibrate-on region --certify-delta 2 --out policy.certified.onnx\n  $ quantproof quantize --fp32 policy.onnx --format qoperator --activations uint8 --input-scale per-feature --ranges-from bounds --around 0,0,0,0 --radius 0.5,0.5,0.05,0.5 --certify-delta 0.5 --out policy.local.onnx\n\nExit codes: 0 success, 2 bad flags, 3 bad input file; with --certify-delta, 12 when the rounds ran out before δ* ≤ δ was proven (the model with the smallest certified δ* is written).',
    )
    .action(async (opts: QuantizeCommandOptions) => {
      if (resolve(opts.out) === resolve(opts.fp32)) {
        throw new UsageError(
          `--out ${opts.out} would overwrite the --fp32 model; write the int8 model to another file`,
        );
      }
      await checkOutputFile(opts.out, '--out');
      const mlp = await loadCartPoleFp32(opts.fp32, '--fp32');
      // A drop-in replacement: the user's input and output names, and the model's head (a Softmax
      // head keeps probabilities coming out), carried by the quantisers.
      const { inputName, outputName } = readMlpOnnx(
        await readInputFile(opts.fp32, 'the --fp32 model'),
      );
      const fp32Bytes = (await stat(opts.fp32)).size;
      const states = visitedStates(mlp, opts.calibrationEpisodes);
      const regionGiven = regionNamed(opts);
      const regionUsed =
        opts.calibrateOn === 'region' ||
        opts.rangesFrom === 'bounds' ||
        opts.certifyDelta !== undefined;
      if (regionGiven && !regionUsed) {
        throw new UsageError(
          'the region flags (--box, --box-file, --around, --region) name the region that --calibrate-on region, --ranges-from bounds and --certify-delta use; add one of them, or drop the region',
        );
      }
      const region = await regionOf(opts, mlpInputSize(mlp));
      const where = regionName(opts, region);
      const calibration =
        opts.calibrateOn === 'visited'
          ? states
          : calibrationStates(mlp, opts.calibrationEpisodes, opts.calibrateOn, opts.seed, {
              region,
            });
      if (opts.rangesFrom === 'bounds' && opts.method === 'ptq-dynamic') {
        throw new UsageError(
          '--ranges-from bounds sets the ranges of static int8 models, and ptq-dynamic computes its activation scales at run time; use --method ptq-static, qat or mixed',
        );
      }
      if (opts.inputScale === 'per-feature' && opts.method === 'ptq-dynamic') {
        throw new UsageError(
          '--input-scale per-feature sets the scales of a static int8 input quantisation, and ptq-dynamic computes its input scale at run time; use --method ptq-static, qat or mixed',
        );
      }
      checkInputScaleFlag(opts.inputScale ?? 'per-tensor', opts.format);
      if (opts.keepFp32 !== undefined && opts.certifyDelta !== undefined) {
        throw new UsageError(
          '--keep-fp32 and --certify-delta are not combined here: quantise the all-int8 model, then run quantproof repair --keep-fp32 <layers> --target-delta δ on it (every round verifies the model with those layers kept in float32)',
        );
      }
      if (opts.certifyDelta !== undefined && opts.method === 'ptq-dynamic') {
        throw new UsageError(
          '--certify-delta repairs static int8 models, and ptq-dynamic computes its activation scales at run time; use --method ptq-static, qat or mixed',
        );
      }
      const quantized = quantizeForFlags(mlp, calibration, {
        ...opts,
        method: opts.method as QuantizeMethod,
        ...(opts.rangesFrom === 'bounds' ? { ranges: regionBoundRanges(mlp, region) } : {}),
        ...(regionGiven ? { servedRegion: region, servedRegionName: where } : {}),
      });
      const { warnings, details } = quantized;
      let model: QMlp = quantized.model;
      let record: RepairRecordJson | null = null;
      let recheck: VariantVerification | null = null;
      const fp32File = await loadFp32(opts.fp32, '--fp32');
      // --keep-fp32 with --certify-delta was refused above: a model to certify is static int8.
      if (
        opts.certifyDelta !== undefined &&
        (model.format === 'qdq' || model.format === 'qoperator')
      ) {
        const cpu = await resolveCpuSemantics(opts.cpuSemantics);
        const flags = {
          timeout: opts.certifyTimeout,
          seed: opts.seed,
          ...(opts.certifyMaxBoxes === undefined ? {} : { maxBoxes: opts.certifyMaxBoxes }),
        };
        const target = opts.certifyDelta;
        const repaired = await repairModel(mlp, model, region, {
          targetDelta: target,
          rounds: opts.certifyRounds,
          verify: certifyRegionOptions(flags, cpu),
          states: calibration,
          seed: opts.seed,
          onRound: (r) => {
            if (opts.json !== true) print(roundText(r, target));
          },
        });
        model = repaired.model;
        record = repairRecord(repaired);
      }
      const bytes = writeInt8Model(model, inputName, outputName, {
        'source.fp32': opts.fp32,
        'source.method': opts.method,
        ...(record === null ? {} : { 'source.details': JSON.stringify({ repair: record }) }),
      });
      await writeFileAtomic(opts.out, bytes);
      if (record !== null && opts.certifyDelta !== undefined) {
        // The written file, verified again from scratch with its counterexamples replayed.
        const cpu = await resolveCpuSemantics(opts.cpuSemantics);
        recheck = await verifyVariant(
          opts.out,
          {
            fp32: mlp,
            int8: model,
            files: {
              fp32: { path: opts.fp32, bytes: fp32File.bytes, level: fp32File.level },
              int8: { path: opts.out, bytes, level: expectedOrtLevel(model.executionPath) },
            },
          },
          {
            seconds: opts.certifyTimeout,
            seed: opts.seed,
            region,
            cpuSemantics: cpu,
            ...(opts.certifyMaxBoxes === undefined ? {} : { maxBoxes: opts.certifyMaxBoxes }),
          },
        );
        const reached = record.kind === 'reached' && recheckHolds(recheck, opts.certifyDelta);
        setExitCode(reached ? REPAIR_EXIT_CODES.reached : REPAIR_EXIT_CODES.notReached);
      }
      const agreement = decisionAgreement(mlp, model, states);
      const theorem = recheck === null ? null : certifiedTheoremOn(mlp, states, recheck, where);
      const report = {
        method: opts.method,
        format: model.format,
        executionPath: model.executionPath.kind,
        ...(model.format === 'mixed'
          ? {
              keptFp32: model.layers.flatMap((l, i) => (l.kind === 'float' ? [i] : [])),
            }
          : {}),
        inputScale:
          (model.format === 'qdq' || model.format === 'qoperator') &&
          model.inputScales !== undefined
            ? 'per-feature'
            : 'per-tensor',
        outputName,
        head: mlpHead(model),
        bytes: bytes.length,
        fp32Bytes,
        calibrationStates: agreement.states,
        agreementOnVisitedStates: agreement.agreement,
        int8Ties: agreement.int8Ties,
        maxLogitDifference: agreement.maxLogitDifference,
        warnings,
        details,
        ...(record === null ? {} : { certify: { repair: record, recheck, theorem } }),
        ...(regionUsed
          ? { region: { lower: Array.from(region.lower), upper: Array.from(region.upper) } }
          : {}),
        model: opts.out,
      };
      for (const w of warnings) warn(`warning: ${w}`);
      if (opts.json === true) {
        print(JSON.stringify(report, null, 2));
        return;
      }
      print(
        [
          `quantised ${opts.fp32} with ${opts.method} (${model.format}, ${model.executionPath.kind} in onnxruntime): ${report.fp32Bytes} → ${report.bytes} bytes`,
          ...(regionUsed && regionGiven
            ? [
                `region: ${boxText(region)} (${[opts.calibrateOn === 'region' ? 'calibration samples' : '', opts.rangesFrom === 'bounds' ? 'activation ranges from sound bounds' : '', opts.certifyDelta !== undefined ? 'certified δ*' : ''].filter((t) => t !== '').join(', ')})`,
              ]
            : []),
          `agreement with FP32 on ${agreement.states} visited states: ${(100 * agreement.agreement).toFixed(2)}% (int8 ties ${agreement.int8Ties}, max |Δlogit| ${agreement.maxLogitDifference.toPrecision(3)})`,
          ...(model.format === 'mixed'
            ? [
                `layers kept in float32: ${model.layers.flatMap((l, i) => (l.kind === 'float' ? [i] : [])).join(', ')} (run bit for bit by the executor, proven or refuted by verify like any int8 model)`,
              ]
            : []),
          ...(agreement.int8Ties > 0.01 * agreement.states &&
          model.format !== 'dynamic' &&
          model.logits === 'dequantize'
            ? [
                `the int8 logits tie on ${((100 * agreement.int8Ties) / agreement.states).toFixed(1)}% of the visited states (quantised to 8 bits, they are equal where FP32's margin is below one output step, and the first action wins): keep them in float with --logits float`,
              ]
            : []),
          ...(record === null || recheck === null || opts.certifyDelta === undefined
            ? []
            : [
                record.kind === 'reached'
                  ? `certified: δ* ≤ ${opts.certifyDelta} proven over ${where} in round ${record.round}`
                  : `certified: δ* ≤ ${opts.certifyDelta} not proven in ${record.rounds.length - 1} rounds: kept round ${record.round} (the smallest certified δ*); raise --certify-rounds or --certify-timeout, or choose a larger --certify-delta`,
                recheckText(recheck, opts.certifyDelta),
                ...(theorem === null ? [] : [`theorem: ${theorem.text}`]),
              ]),
          `wrote ${opts.out}`,
        ].join('\n'),
      );
    });
}
