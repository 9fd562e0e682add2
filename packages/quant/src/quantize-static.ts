import { type Mlp, mlpInputSize } from '@quantproof/nn';
import {
  calibrateInputFeatureRanges,
  calibrateRanges,
  type CalibrationRanges,
  type TensorRange,
} from './calibration.js';
import { elementTypeRange } from './element-type.js';
import { QuantOptionsError, UnsupportedSchemeError } from './errors.js';
import type { QMlpStatic, QStaticLayer } from './qmlp.js';
import { validateQMlp } from './qmlp.js';
import type { TensorQuant } from './quantize-linear.js';
import { quantizeBias, quantizeWeights } from './internal/quantize-weights.js';
import {
  computeScaleZeroPoint,
  isDegenerateRange,
  quantizationRange,
} from './internal/scale-zero-point.js';
import { roundHalfEven } from './round-half-even.js';
import { resolveStaticScheme, type QuantizeStaticOptions, type StaticScheme } from './scheme.js';

/** Something the quantiser noticed that does not stop it but changes what the model means. */
export type QuantWarning =
  | {
      /** An operating-box bound lies outside what the input quantisation represents: inputs saturate there. */
      readonly kind: 'input-range-not-covered';
      readonly feature: number;
      readonly boxLower: number;
      readonly boxUpper: number;
      /** `scale · (qmin - zp)` and `scale · (qmax - zp)` of the input quantisation. */
      readonly representableLower: number;
      readonly representableUpper: number;
    }
  | {
      /** A bias value needed more than int32 and was clipped (bias scale too small). */
      readonly kind: 'bias-saturated';
      readonly layer: number;
      readonly output: number;
    }
  | {
      /** A calibrated range was empty (`max - min` below 2^-126): scale 1, zero point 0 were used. */
      readonly kind: 'degenerate-range';
      /** `input` or a layer index. */
      readonly tensor: 'input' | number;
    };

/** What `quantizeStatic` returns: the model, the calibrated ranges and any warnings. */
export interface QuantizeStaticResult {
  readonly model: QMlpStatic;
  readonly scheme: StaticScheme;
  readonly ranges: CalibrationRanges;
  readonly warnings: readonly QuantWarning[];
}

function activationQuant(
  scheme: StaticScheme,
  range: { min: number; max: number },
  tensor: 'input' | number,
  warnings: QuantWarning[],
  relu: boolean,
): TensorQuant {
  const intRange = quantizationRange(scheme.activationType, {
    symmetric: scheme.activationSymmetric,
    reduceRange: false,
    bits: 8,
  });
  const lo = Math.min(range.min, 0);
  const hi = Math.max(range.max, 0);
  if (Math.fround(hi - lo) / (intRange.qmax - intRange.qmin) < 2 ** -126) {
    warnings.push({ kind: 'degenerate-range', tensor });
    if (relu && !scheme.activationSymmetric) {
      // compute_scale_zp gives (1, 0) here; onnxruntime's quantiser would still drop the Relu, and
      // int8 zero point 0 would then let negative values through. Zero point qmin keeps the ReLU.
      return {
        scale: 1,
        zeroPoint: elementTypeRange(scheme.activationType).qmin,
        elementType: scheme.activationType,
      };
    }
  }
  const { scale, zeroPoint } = computeScaleZeroPoint(
    range.min,
    range.max,
    intRange,
    scheme.activationSymmetric,
  );
  return { scale, zeroPoint, elementType: scheme.activationType };
}

/** The activation quantisation of a network: its input and every layer's output (null for float logits). */
export interface ActivationQuants {
  /** The input's quantisation; with per-feature scales, `scale` is the first layer's a_scale s0. */
  readonly input: TensorQuant;
  /** Per-feature input scales (`inputScale: 'per-feature'`), else null. */
  readonly inputScales: Float32Array | null;
  readonly outputs: readonly (TensorQuant | null)[];
}

/**
 * The activation quantisation `quantizeStatic` derives from `ranges` (`compute_scale_zp` on the
 * input range and on every layer's output range after its activation), with the ReLU-folding
 * checks. Internal: shared with quantisation-aware training so that fake quantisation and the
 * converted model use the same parameters.
 */
export function activationQuants(
  mlp: Mlp,
  ranges: CalibrationRanges,
  scheme: StaticScheme,
  warnings: QuantWarning[],
): ActivationQuants {
  const perFeature =
    scheme.inputScale === 'per-feature' ? perFeatureInput(mlp, ranges, scheme, warnings) : null;
  const input =
    perFeature?.input ?? activationQuant(scheme, ranges.input, 'input', warnings, false);
  const last = mlp.layers.length - 1;
  const outputs = mlp.layers.map((layer, l): TensorQuant | null => {
    const output =
      l === last && scheme.logits === 'float'
        ? null
        : activationQuant(scheme, ranges.layers[l]!, l, warnings, layer.activation === 'relu');
    if (layer.activation === 'relu') {
      if (output === null) {
        throw new UnsupportedSchemeError(
          `layer ${l} ends in a ReLU but float logits leave no requantisation to fold it into; use logits: 'dequantize'`,
        );
      }
      const { qmin } = elementTypeRange(output.elementType);
      if (output.zeroPoint !== qmin) {
        throw new UnsupportedSchemeError(
          `layer ${l}'s ReLU output gets zero point ${output.zeroPoint}, not ${qmin} (symmetric activations), so ` +
            'the ReLU cannot fold into the requantisation clamp and onnxruntime would run it as a separate step ' +
            'that this executor does not model; use asymmetric activations (the default)',
        );
      }
    }
    return output;
  });
  // One input: its one scale is the per-tensor scale (validateQMlp keeps that single form).
  const inputScales =
    perFeature !== null && perFeature.scales.length > 1 ? perFeature.scales : null;
  return { input, inputScales, outputs };
}

function checkRange(range: unknown, what: string): TensorRange {
  const r = range as Partial<TensorRange> | undefined;
  if (
    r === undefined ||
    typeof r.min !== 'number' ||
    typeof r.max !== 'number' ||
    !Number.isFinite(r.min) ||
    !Number.isFinite(r.max) ||
    r.min > r.max
  ) {
    throw new QuantOptionsError(
      `ranges.${what} must be { min, max } with finite min <= max; got ${JSON.stringify(range)}`,
    );
  }
  return r as TensorRange;
}

/**
 * Checks that `ranges` has one finite `{ min, max }` (min <= max) for the input and for every
 * layer of `mlp`; throws `QuantOptionsError`. Internal.
 */
export function checkRanges(mlp: Mlp, ranges: CalibrationRanges): void {
  checkRange(ranges.input, 'input');
  if (ranges.inputFeatures !== undefined) {
    const size = mlpInputSize(mlp);
    if (!Array.isArray(ranges.inputFeatures) || ranges.inputFeatures.length !== size) {
      throw new QuantOptionsError(
        `ranges.inputFeatures must hold one range per input feature (${size}) when present`,
      );
    }
    ranges.inputFeatures.forEach((range, i) => checkRange(range, `inputFeatures[${i}]`));
  }
  if (!Array.isArray(ranges.layers) || ranges.layers.length !== mlp.layers.length) {
    throw new QuantOptionsError(
      `ranges.layers must hold one range per layer (${mlp.layers.length}); got ${
        Array.isArray(ranges.layers) ? ranges.layers.length : String(ranges.layers)
      }`,
    );
  }
  ranges.layers.forEach((range, l) => checkRange(range, `layers[${l}]`));
}

/**
 * Post-training static quantisation as onnxruntime's `quantize_static` computes it: calibrate
 * ranges on the FP32 network, quantise the input and every layer output (after its ReLU) with
 * `compute_scale_zp`, the weights with `quantize_data`, the bias to int32 with scale
 * `fl32(s_in · s_w)`; the model keeps the network's output `head` (a Softmax head stays a float
 * Softmax on the int8 model's logits). Throws `CalibrationDataError`, `QuantOptionsError`, or
 * `UnsupportedSchemeError` when a ReLU layer's output zero point would not be the element type's
 * minimum (symmetric activations, or a ReLU output that is constant 0 on int8 activations).
 */
export function quantizeStatic(
  mlp: Mlp,
  calibrationInputs: Float32Array | readonly Float32Array[],
  options: QuantizeStaticOptions = {},
): QuantizeStaticResult {
  const scheme = resolveStaticScheme(options, mlp.layers.length);
  const ranges = calibrateStaticRanges(mlp, calibrationInputs, scheme);
  return buildStatic(mlp, ranges, scheme, options);
}

/**
 * The ranges `scheme` reads, calibrated on `calibrationInputs`: `calibrateRanges`, plus one range
 * per input feature when the scheme quantises the input per feature. Internal: shared with
 * quantisation-aware training and mixed precision.
 */
export function calibrateStaticRanges(
  mlp: Mlp,
  calibrationInputs: Float32Array | readonly Float32Array[],
  scheme: StaticScheme,
): CalibrationRanges {
  const calibrated = calibrateRanges(mlp, calibrationInputs, scheme.calibration);
  if (scheme.inputScale !== 'per-feature') return calibrated;
  return {
    ...calibrated,
    inputFeatures: calibrateInputFeatureRanges(mlp, calibrationInputs, scheme.calibration),
  };
}

/**
 * `quantizeStatic` with given (frozen) activation ranges instead of calibration: the input range
 * and every layer's output range after its activation, e.g. the ranges learned by
 * quantisation-aware training or saved from an earlier calibration. `options.calibration` is
 * ignored. Identical to `quantizeStatic` when `ranges` are the ranges it would calibrate. Throws
 * `QuantOptionsError` for ranges of the wrong shape or with non-finite or inverted bounds.
 */
export function quantizeStaticWithRanges(
  mlp: Mlp,
  ranges: CalibrationRanges,
  options: QuantizeStaticOptions = {},
): QuantizeStaticResult {
  const scheme = resolveStaticScheme(options, mlp.layers.length);
  checkRanges(mlp, ranges);
  const copied: CalibrationRanges = {
    input: { min: ranges.input.min, max: ranges.input.max },
    layers: ranges.layers.map((r) => ({ min: r.min, max: r.max })),
    ...(ranges.inputFeatures === undefined
      ? {}
      : { inputFeatures: ranges.inputFeatures.map((r) => ({ min: r.min, max: r.max })) }),
  };
  return buildStatic(mlp, copied, scheme, options);
}

function buildStatic(
  mlp: Mlp,
  ranges: CalibrationRanges,
  scheme: StaticScheme,
  options: QuantizeStaticOptions,
): QuantizeStaticResult {
  const activationWarnings: QuantWarning[] = [];
  const { input, inputScales, outputs } = activationQuants(mlp, ranges, scheme, activationWarnings);
  // Warnings in quantizeStatic's order: the input's, then per layer its bias's and its output's.
  const degenerate = (tensor: 'input' | number): QuantWarning[] =>
    activationWarnings.filter((w) => w.kind === 'degenerate-range' && w.tensor === tensor);
  const warnings: QuantWarning[] = degenerate('input');
  let inputQuant = input;
  const layers = mlp.layers.map((layer, l): QStaticLayer => {
    const weight =
      l === 0 && inputScales !== null
        ? foldInputScales(layer.weight, layer.inFeatures, inputScales, input.scale)
        : layer.weight;
    const weights = quantizeWeights(weight, layer.outFeatures, layer.inFeatures, {
      elementType: scheme.weightType,
      symmetric: scheme.weightSymmetric,
      perChannel: scheme.perChannel,
      reduceRange: scheme.reduceRange,
      bits: scheme.weightBits[l]!,
    });
    const bias = quantizeBias(layer.bias, inputQuant.scale, weights.quant);
    for (const j of bias.saturated) warnings.push({ kind: 'bias-saturated', layer: l, output: j });
    warnings.push(...degenerate(l));
    const output = outputs[l] ?? null;
    if (output !== null) inputQuant = output;
    return {
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      weight: weights.values,
      weightQuant: weights.quant,
      bias: bias.values,
      activation: layer.activation,
      output,
    };
  });
  const model: QMlpStatic = {
    format: scheme.format,
    executionPath: scheme.executionPath,
    input,
    ...(inputScales === null ? {} : { inputScales }),
    layers,
    logits: scheme.logits,
    ...(mlp.head === undefined ? {} : { head: mlp.head }),
  };
  validateQMlp(model);
  if (options.operatingBox !== undefined) {
    const { lower, upper } = options.operatingBox;
    const size = mlpInputSize(mlp);
    if (lower.length !== size || upper.length !== size) {
      throw new QuantOptionsError(
        `operatingBox needs ${size} lower and upper bounds (one per input); got ${lower.length} and ${upper.length}`,
      );
    }
    const { qmin, qmax } = elementTypeRange(input.elementType);
    for (let i = 0; i < size; i++) {
      const scale = inputScales === null ? input.scale : inputScales[i]!;
      const representableLower = scale * (qmin - input.zeroPoint);
      const representableUpper = scale * (qmax - input.zeroPoint);
      const boxLower = lower[i]!;
      const boxUpper = upper[i]!;
      if (boxLower < representableLower || boxUpper > representableUpper) {
        warnings.push({
          kind: 'input-range-not-covered',
          feature: i,
          boxLower,
          boxUpper,
          representableLower,
          representableUpper,
        });
      }
    }
  }
  return { model, scheme, ranges, warnings };
}

/**
 * Per-feature input quantisation: each feature's scale from its own range, symmetric
 * (`compute_scale_zp` with `symmetric = True`), so every feature shares the zero point (127 for
 * uint8, 0 for int8); the first layer's `a_scale` s0 is the largest feature scale. An empty
 * feature range (`degenerate-range` warning on the input) takes s0.
 */
function perFeatureInput(
  mlp: Mlp,
  ranges: CalibrationRanges,
  scheme: StaticScheme,
  warnings: QuantWarning[],
): { input: TensorQuant; scales: Float32Array } {
  const featureRanges = ranges.inputFeatures;
  const size = mlpInputSize(mlp);
  if (featureRanges === undefined || featureRanges.length !== size) {
    throw new QuantOptionsError(
      `inputScale 'per-feature' needs ranges.inputFeatures with one range per input feature (${size})`,
    );
  }
  const intRange = quantizationRange(scheme.activationType, {
    symmetric: true,
    reduceRange: false,
    bits: 8,
  });
  // compute_scale_zp's symmetric zero point, one for all features.
  const zeroPoint = roundHalfEven((intRange.qmin + intRange.qmax) / 2);
  const degenerate = featureRanges.map((r) => isDegenerateRange(r.min, r.max, intRange, true));
  const scales = Float32Array.from(
    featureRanges,
    (range) => computeScaleZeroPoint(range.min, range.max, intRange, true).scale,
  );
  let s0 = 0;
  scales.forEach((s, i) => {
    if (!degenerate[i]) s0 = Math.max(s0, s);
  });
  if (s0 === 0) s0 = 1;
  // A feature the calibration never moves gets the largest calibrated scale (compute_scale_zp's
  // fallback 1 would coarsen every other column of the folded first layer).
  degenerate.forEach((d, i) => {
    if (d) scales[i] = s0;
  });
  if (degenerate.some((d) => d)) warnings.push({ kind: 'degenerate-range', tensor: 'input' });
  return { input: { scale: s0, zeroPoint, elementType: scheme.activationType }, scales };
}

/**
 * The first layer's weights with each input column `i` scaled by `s_i / s0` (float32). Internal:
 * shared with fake quantisation.
 */
export function foldInputScales(
  weight: Float32Array,
  inFeatures: number,
  scales: Float32Array,
  s0: number,
): Float32Array {
  return Float32Array.from(weight, (w, k) => (w * scales[k % inFeatures]!) / s0);
}
