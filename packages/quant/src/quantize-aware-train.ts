import {
  adamStep,
  cloneMlp,
  createAdam,
  createMlpGradients,
  createTrainingWorkspace,
  distillationKl,
  forwardTrain,
  meanSquaredError,
  mlpInputSize,
  mlpOutputSize,
  softmaxCrossEntropy,
  validateMlp,
  zeroGradients,
  type Mlp,
  type Rng,
  type TrainingBackend,
} from '@quantproof/nn';
import { argmaxFirst } from './argmax.js';
import type { CalibrationRanges } from './calibration.js';
import { CalibrationDataError, QuantOptionsError } from './errors.js';
import {
  backwardFakeQuant,
  createFakeQuantEngine,
  type FakeQuantNetwork,
  forwardFakeQuantBatch,
  refreshFakeQuant,
} from './fake-quant.js';
import { createInt8Executor } from './forward-int8.js';
import type { QMlpStatic } from './qmlp.js';
import {
  calibrateStaticRanges,
  quantizeStaticWithRanges,
  type QuantWarning,
} from './quantize-static.js';
import { resolveStaticScheme, type QuantizeStaticOptions, type StaticScheme } from './scheme.js';

/** The distillation loss of quantisation-aware training. */
export type QatLoss =
  /** `T² · mean KL(softmax(teacher/T) ‖ softmax(student/T))` (`nn`'s `distillationKl`). */
  | { readonly kind: 'kl'; readonly temperature?: number }
  /** Cross-entropy to the teacher's greedy action (`argmaxFirst` of its logits). */
  | { readonly kind: 'cross-entropy' }
  /**
   * Mean squared error to the teacher's logits (`nn`'s `meanSquaredError`): matches the logits
   * themselves, not only their softmax, so it bounds the logit error ε* that repair certifies.
   */
  | { readonly kind: 'logit-mse' };

/**
 * How the activation ranges evolve. `frozen`: calibrated once on the teacher over the calibration
 * inputs (`scheme.calibration`, MinMax by default) — the ranges post-training quantisation would
 * use. `recalibrate`: additionally recalibrated with the student's float32 weights over the
 * calibration inputs at the end of each of the first `epochs` epochs, then frozen.
 */
export type QatRangeTracking =
  { readonly kind: 'frozen' } | { readonly kind: 'recalibrate'; readonly epochs: number };

/** A box to sample training inputs from, uniformly, with the training `rng`. */
export interface QatBoxSamples {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
  /** Number of rows to draw. */
  readonly count: number;
}

/** Options of `quantizeAwareTrain`. Only `rng` is required. */
export interface QuantizeAwareTrainOptions {
  /** Draws the box samples (first) and the per-epoch shuffles: the run's only randomness. */
  readonly rng: Rng;
  /** The int8 scheme trained for and converted to (static only); default `quantizeStatic`'s. */
  readonly scheme?: QuantizeStaticOptions;
  /** Inputs sampled uniformly in a box and appended to the given states; default none. */
  readonly boxSamples?: QatBoxSamples;
  /**
   * Data the initial activation ranges (and `recalibrate`) are calibrated on; default the given
   * `states`, or the box samples when no states are given. Box samples outside these ranges
   * saturate, in training as in the converted model.
   */
  readonly calibrationInputs?: Float32Array | readonly Float32Array[];
  /**
   * The network fine-tuning starts from (same layer sizes as the teacher); default the teacher's
   * weights. Counterexample-guided repair continues from the previous round's student.
   */
  readonly initialStudent?: Mlp;
  /**
   * Activation ranges to start from instead of calibrating on `calibrationInputs` (e.g. the ranges
   * of a model being repaired); `ranges: recalibrate` still recalibrates after its epochs.
   */
  readonly initialRanges?: CalibrationRanges;
  /** Passes over the training inputs; default 10. */
  readonly epochs?: number;
  /** Rows per Adam step; default 256. */
  readonly batchSize?: number;
  /** Adam step size, constant; default 1e-3 (other Adam settings are PyTorch's). */
  readonly learningRate?: number;
  /** Default `{ kind: 'kl', temperature: 1 }`. */
  readonly loss?: QatLoss;
  /** Default `{ kind: 'frozen' }`. */
  readonly ranges?: QatRangeTracking;
  /**
   * `best-agreement` (default): return the epoch (0 = the teacher's plain PTQ model) whose
   * converted int8 model agrees with the teacher on most training inputs, the later one on ties;
   * `last`: the last epoch.
   */
  readonly checkpoint?: 'best-agreement' | 'last';
  /** `nn` training backend; default `'auto'` (the same bits either way). */
  readonly backend?: TrainingBackend | 'auto';
}

/** One row of the training history. */
export interface QatEpoch {
  /** 0 is the starting point: the teacher's weights with the initial ranges (plain PTQ). */
  readonly epoch: number;
  /** Mean training loss over the epoch's batches; null for epoch 0. */
  readonly loss: number | null;
  /** Fraction of training inputs where the converted int8 model's greedy action is the teacher's. */
  readonly agreement: number;
}

/** What `quantizeAwareTrain` returns. */
export interface QuantizeAwareTrainResult {
  /** The converted int8 model: `quantizeStaticWithRanges(student, ranges, scheme)`. */
  readonly model: QMlpStatic;
  /** The fine-tuned float32 (shadow) network of the chosen epoch. */
  readonly student: Mlp;
  /** The frozen activation ranges the model was converted with. */
  readonly ranges: CalibrationRanges;
  readonly scheme: StaticScheme;
  readonly warnings: readonly QuantWarning[];
  /** The student under fake quantisation, for `forwardFakeQuant`. */
  readonly fakeQuant: FakeQuantNetwork;
  readonly history: readonly QatEpoch[];
  /** The epoch `model` comes from. */
  readonly chosenEpoch: number;
  /** Number of training inputs (given states plus box samples). */
  readonly trainingInputs: number;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new QuantOptionsError(`${name} must be a positive integer; got ${value}`);
  }
  return value;
}

/** The given states followed by the box samples, checked, as one row-major float32 batch. */
function trainingInputs(
  teacher: Mlp,
  states: Float32Array,
  box: QatBoxSamples | undefined,
  rng: Rng,
): Float32Array {
  const size = mlpInputSize(teacher);
  if (states.length % size !== 0) {
    throw new CalibrationDataError(
      `the training states hold ${states.length} values; expected a multiple of the input size ${size}`,
    );
  }
  for (let i = 0; i < states.length; i++) {
    if (!Number.isFinite(states[i]!)) {
      throw new CalibrationDataError(
        `training state ${Math.floor(i / size)}, feature ${i % size} is ${states[i]}; ` +
          'training states must be finite — drop or repair NaN/Infinity rows',
      );
    }
  }
  const count = box?.count ?? 0;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new QuantOptionsError(`boxSamples.count must be a non-negative integer; got ${count}`);
  }
  const rows = states.length / size + count;
  if (rows === 0) {
    throw new CalibrationDataError(
      'quantisation-aware training needs training inputs: pass states or boxSamples with count > 0',
    );
  }
  const data = new Float32Array(rows * size);
  data.set(states);
  if (box !== undefined && count > 0) {
    if (box.lower.length !== size || box.upper.length !== size) {
      throw new QuantOptionsError(
        `boxSamples needs ${size} lower and upper bounds; got ${box.lower.length} and ${box.upper.length}`,
      );
    }
    for (let i = 0; i < size; i++) {
      const lo = box.lower[i]!;
      const hi = box.upper[i]!;
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
        throw new QuantOptionsError(
          `boxSamples bound ${i} must be finite with lower <= upper; got [${lo}, ${hi}]`,
        );
      }
    }
    let at = states.length;
    for (let r = 0; r < count; r++) {
      for (let i = 0; i < size; i++) {
        const lo = box.lower[i]!;
        data[at++] = lo + (box.upper[i]! - lo) * rng.nextFloat64();
      }
    }
  }
  return data;
}

/** float32 logits of `mlp` on every row (bitwise `forwardFp32`), in batches. */
function logitsFp32(
  mlp: Mlp,
  inputs: Float32Array,
  backend: TrainingBackend | 'auto',
): Float32Array {
  const size = mlpInputSize(mlp);
  const outputs = mlpOutputSize(mlp);
  const rows = inputs.length / size;
  const capacity = Math.min(rows, 1024);
  const workspace = createTrainingWorkspace(mlp, capacity, { backend });
  const result = new Float32Array(rows * outputs);
  for (let start = 0; start < rows; start += capacity) {
    const n = Math.min(capacity, rows - start);
    result.set(
      forwardTrain(workspace, inputs.subarray(start * size, (start + n) * size), n),
      start * outputs,
    );
  }
  return result;
}

/** Greedy actions (`argmaxFirst`) of row-major logits. */
function actions(logits: Float32Array, outputs: number): Int32Array {
  const rows = logits.length / outputs;
  const result = new Int32Array(rows);
  for (let r = 0; r < rows; r++)
    result[r] = argmaxFirst(logits.subarray(r * outputs, (r + 1) * outputs));
  return result;
}

function agreementOf(model: QMlpStatic, inputs: Float32Array, targets: Int32Array): number {
  const outputs = model.layers[model.layers.length - 1]!.outFeatures;
  const predicted = actions(createInt8Executor(model).forwardBatch(inputs), outputs);
  let same = 0;
  for (let r = 0; r < targets.length; r++) if (predicted[r] === targets[r]) same++;
  return same / targets.length;
}

function copyRanges(ranges: CalibrationRanges): CalibrationRanges {
  return {
    input: { ...ranges.input },
    layers: ranges.layers.map((r) => ({ ...r })),
    ...(ranges.inputFeatures === undefined
      ? {}
      : { inputFeatures: ranges.inputFeatures.map((r) => ({ ...r })) }),
  };
}

/**
 * Quantisation-aware training by distillation: a student initialised with the `teacher`'s FP32
 * weights is fine-tuned under fake quantisation (straight-through estimator) to reproduce the
 * teacher's logits on the training inputs (`states`, row-major, plus optional box samples), then
 * converted with `quantizeStaticWithRanges` and the frozen ranges. Deterministic for a given
 * `rng` state. Throws `QuantOptionsError`, `CalibrationDataError`, `UnsupportedSchemeError`.
 */
export function quantizeAwareTrain(
  teacher: Mlp,
  states: Float32Array,
  options: QuantizeAwareTrainOptions,
): QuantizeAwareTrainResult {
  validateMlp(teacher);
  const schemeOptions = options.scheme ?? {};
  const scheme = resolveStaticScheme(schemeOptions, teacher.layers.length);
  const epochs = options.epochs ?? 10;
  if (!Number.isSafeInteger(epochs) || epochs < 0) {
    throw new QuantOptionsError(`epochs must be a non-negative integer; got ${epochs}`);
  }
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 256);
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new QuantOptionsError(`learningRate must be finite and > 0; got ${learningRate}`);
  }
  const loss = options.loss ?? { kind: 'kl', temperature: 1 };
  if (loss.kind !== 'kl' && loss.kind !== 'cross-entropy' && loss.kind !== 'logit-mse') {
    throw new QuantOptionsError(
      `loss.kind must be 'kl', 'cross-entropy' or 'logit-mse'; got ${String((loss as { kind: unknown }).kind)}`,
    );
  }
  const temperature = loss.kind === 'kl' ? (loss.temperature ?? 1) : 1;
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new QuantOptionsError(`loss.temperature must be finite and > 0; got ${temperature}`);
  }
  const tracking = options.ranges ?? { kind: 'frozen' };
  if (tracking.kind !== 'frozen' && tracking.kind !== 'recalibrate') {
    throw new QuantOptionsError(
      `ranges.kind must be 'frozen' or 'recalibrate'; got ${String((tracking as { kind: unknown }).kind)}`,
    );
  }
  const recalibrateEpochs = tracking.kind === 'recalibrate' ? tracking.epochs : 0;
  if (!Number.isSafeInteger(recalibrateEpochs) || recalibrateEpochs < 0) {
    throw new QuantOptionsError(
      `ranges.epochs must be a non-negative integer; got ${recalibrateEpochs}`,
    );
  }
  const checkpoint = options.checkpoint ?? 'best-agreement';
  if (checkpoint !== 'best-agreement' && checkpoint !== 'last') {
    throw new QuantOptionsError(
      `checkpoint must be 'best-agreement' or 'last'; got ${String(checkpoint)}`,
    );
  }
  const backend = options.backend ?? 'auto';
  const { rng } = options;

  const data = trainingInputs(teacher, states, options.boxSamples, rng);
  const inputSize = mlpInputSize(teacher);
  const outputs = mlpOutputSize(teacher);
  const rows = data.length / inputSize;
  const teacherLogits = logitsFp32(teacher, data, backend);
  const targets = actions(teacherLogits, outputs);

  const calibration = options.calibrationInputs ?? (states.length > 0 ? states : data);
  const student = cloneMlp(options.initialStudent ?? teacher);
  if (options.initialStudent !== undefined) {
    validateMlp(student);
    const sizes = (m: Mlp): string =>
      m.layers.map((l) => `${l.inFeatures}x${l.outFeatures}`).join();
    if (sizes(student) !== sizes(teacher)) {
      throw new QuantOptionsError(
        `initialStudent has layers ${sizes(student)} but the teacher ${sizes(teacher)}; start from a network of the teacher's shape`,
      );
    }
  }
  let ranges =
    options.initialRanges === undefined
      ? calibrateStaticRanges(teacher, calibration, scheme)
      : copyRanges(options.initialRanges);
  const convert = (): ReturnType<typeof quantizeStaticWithRanges> =>
    quantizeStaticWithRanges(student, ranges, schemeOptions);
  const history: QatEpoch[] = [
    { epoch: 0, loss: null, agreement: agreementOf(convert().model, data, targets) },
  ];
  let best = { epoch: 0, agreement: history[0]!.agreement, student: cloneMlp(student), ranges };

  const capacity = Math.min(batchSize, rows);
  const gradients = createMlpGradients(student);
  const engine = createFakeQuantEngine(student, capacity, gradients, backend);
  const adam = createAdam(student, { learningRate });
  const batchInputs = new Float32Array(capacity * inputSize);
  const batchTeacher = new Float32Array(capacity * outputs);
  const batchTargets = new Int32Array(capacity);
  const order = new Int32Array(rows);
  for (let r = 0; r < rows; r++) order[r] = r;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let r = rows - 1; r > 0; r--) {
      const s = Math.floor(rng.nextFloat64() * (r + 1));
      const t = order[r]!;
      order[r] = order[s]!;
      order[s] = t;
    }
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < rows; start += capacity) {
      const n = Math.min(capacity, rows - start);
      for (let b = 0; b < n; b++) {
        const row = order[start + b]!;
        batchInputs.set(data.subarray(row * inputSize, (row + 1) * inputSize), b * inputSize);
        batchTeacher.set(teacherLogits.subarray(row * outputs, (row + 1) * outputs), b * outputs);
        batchTargets[b] = targets[row]!;
      }
      refreshFakeQuant(engine, ranges, scheme);
      const logits = forwardFakeQuantBatch(engine, batchInputs, n);
      engine.dLogits.fill(0);
      const sink = { gradient: engine.dLogits };
      lossSum +=
        loss.kind === 'kl'
          ? distillationKl(logits, batchTeacher, n, outputs, { temperature }, sink)
          : loss.kind === 'logit-mse'
            ? meanSquaredError(logits, batchTeacher, n * outputs, sink)
            : softmaxCrossEntropy(logits, batchTargets, n, outputs, sink);
      batches++;
      zeroGradients(gradients);
      backwardFakeQuant(engine, n);
      adamStep(student, adam, gradients);
    }
    if (epoch <= recalibrateEpochs) ranges = calibrateStaticRanges(student, calibration, scheme);
    const agreement = agreementOf(convert().model, data, targets);
    history.push({ epoch, loss: lossSum / batches, agreement });
    if (checkpoint === 'last' || agreement >= best.agreement) {
      best = { epoch, agreement, student: cloneMlp(student), ranges: copyRanges(ranges) };
    }
  }

  const converted = quantizeStaticWithRanges(best.student, best.ranges, schemeOptions);
  return {
    model: converted.model,
    student: best.student,
    ranges: best.ranges,
    scheme,
    warnings: converted.warnings,
    fakeQuant: { mlp: best.student, ranges: best.ranges, scheme },
    history,
    chosenEpoch: best.epoch,
    trainingInputs: rows,
  };
}
