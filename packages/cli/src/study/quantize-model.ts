// One quantisation method of the study, by name: what `quantproof quantize` and `run` call.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { createSeededRng, type Mlp } from '@quantproof/nn';
import {
  type CalibrationMethod,
  type CalibrationRanges,
  type InputScaleGranularity,
  type QMlp,
  type QuantizeStaticOptions,
  type QuantWarning,
  quantizeAwareTrain,
  quantizeDynamic,
  quantizeStatic,
  quantizeStaticWithRanges,
  searchMixedPrecision,
  keepLayersInFloat32,
  QuantOptionsError,
} from '@quantproof/quant';

/** The quantisation methods of the study. */
export const QUANTIZE_METHODS: readonly QuantizeMethod[] = [
  'ptq-static',
  'ptq-dynamic',
  'qat',
  'mixed',
];

/** A quantisation method: post-training static or dynamic, quantisation-aware training, mixed precision. */
export type QuantizeMethod = 'ptq-static' | 'ptq-dynamic' | 'qat' | 'mixed';

/** Options shared by the methods. */
export interface QuantizeModelOptions {
  readonly method: QuantizeMethod;
  readonly format: 'qdq' | 'qoperator';
  readonly activations: 'int8' | 'uint8';
  readonly perChannel: boolean;
  readonly calibration: 'minmax' | 'percentile' | 'entropy';
  /**
   * One input scale for all inputs (`per-tensor`, the default) or one per input (`per-feature`:
   * a per-axis input QuantizeLinear; QOperator format, static methods).
   */
  readonly inputScale?: InputScaleGranularity;
  /** How the logits leave the int8 graph (default `dequantize`: quantised, then DequantizeLinear). */
  readonly logits?: 'dequantize' | 'float';
  readonly weightBits: number;
  /** Agreement threshold of the mixed-precision search. */
  readonly mixedThreshold: number;
  readonly seed: number;
  /**
   * Activation ranges to use instead of calibrating on the states (e.g. `regionBoundRanges`: sound
   * bounds over a region); static methods only, the states still train QAT and score mixed.
   */
  readonly ranges?: CalibrationRanges;
  /**
   * The region the model must serve (default: CartPole's operating box): the input ranges are
   * checked against it (the saturation warnings) and QAT samples it.
   */
  readonly servedRegion?: {
    readonly lower: ArrayLike<number>;
    readonly upper: ArrayLike<number>;
  };
  /** How the warnings name `servedRegion` (default: "the operating box"). */
  readonly servedRegionName?: string;
  /**
   * Layers to keep in float32 (`keepLayersInFloat32`: the FP32 network's weights, QDQ format,
   * static methods); keeping layer 0 leaves the input unquantised, so its warnings go.
   */
  readonly keepFp32?: readonly number[];
}

/** The quantised model and what the quantiser noticed. */
export interface QuantizedModel {
  readonly model: QMlp;
  readonly warnings: readonly string[];
  readonly details: Readonly<Record<string, unknown>>;
}

function calibrationMethod(name: QuantizeModelOptions['calibration']): CalibrationMethod {
  return name === 'percentile'
    ? { kind: 'percentile' }
    : name === 'entropy'
      ? { kind: 'entropy' }
      : { kind: 'minmax' };
}

/** The CartPole inputs as a person writes them. */
const FEATURES = ['x', 'ẋ', 'θ', 'θ̇'];

/** The flag that calibrates on the whole region (`run` and `quantize` take it). */
export const CALIBRATE_ON_REGION_FLAG = '--calibrate-on region';

/** `a`, `a and b`, `a, b and c`. */
function listText(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * The quantiser's warnings in plain words, each saying what it means and what fixes it: the input
 * ranges one input scale does not cover become one sentence naming the inputs that saturate.
 */
export function describeWarnings(
  warnings: readonly QuantWarning[],
  inputScale: InputScaleGranularity = 'per-tensor',
  regionName = 'the operating box',
): string[] {
  const out: string[] = [];
  const uncovered = warnings.filter(
    (w): w is Extract<QuantWarning, { kind: 'input-range-not-covered' }> =>
      w.kind === 'input-range-not-covered',
  );
  const r = (v: number): string => (Math.abs(v) < 0.005 ? '0' : v.toFixed(2)).replace('-', '−');
  // Group by representable range: a per-tensor input scale gives every input the same one.
  const groups = new Map<string, typeof uncovered>();
  // Per-feature scales: the slivers of every input in one sentence (each has its own range).
  const slivers: { name: string; saturated: number }[] = [];
  const percent = (share: number): string =>
    share < 0.005 ? '<1 %' : `${Math.round(100 * share)} %`;
  for (const w of uncovered) {
    const key = `${w.representableLower},${w.representableUpper}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const range = `[${r(first.representableLower)}, ${r(first.representableUpper)}]`;
    const outside = group.map((w) => {
      const width = w.boxUpper - w.boxLower;
      const covered =
        Math.max(
          0,
          Math.min(w.boxUpper, w.representableUpper) - Math.max(w.boxLower, w.representableLower),
        ) / width;
      return { name: FEATURES[w.feature] ?? `input ${w.feature}`, saturated: 1 - covered };
    });
    const names = listText(outside.map((o) => o.name));
    const verb = outside.length === 1 ? 'saturates' : 'saturate';
    // Per-feature scales give each input its own range: say whose it is, not "all inputs".
    const covers =
      inputScale === 'per-tensor'
        ? `one input scale covers ${range} for all ${FEATURES.length} inputs`
        : outside.length === 1
          ? `its own input scale covers ${range} for ${names}`
          : `their own input scales each cover ${range} for ${names}`;
    const shares = outside.map((o) => `${o.name} ${percent(o.saturated)}`).join(', ');
    const whose = outside.length === 1 ? 'its range' : 'their ranges';
    if (outside.every((o) => o.saturated < 0.01)) {
      // Rounding of the scale leaves a sliver at the box's faces: worth knowing, not fixing.
      if (inputScale === 'per-feature') {
        slivers.push(...outside);
        continue;
      }
      out.push(
        `${covers}: ${names} ${verb} only in a sliver at the faces of ${regionName} (${shares} of ${whose})`,
      );
      continue;
    }
    const most = outside.every((o) => o.saturated > 0.5) ? 'most' : 'part';
    out.push(
      `${covers}: ${names} ${verb} over ${most} of ${regionName} (${shares} of ${whose}), because the calibration states never reach there — calibrate on the region (${CALIBRATE_ON_REGION_FLAG})`,
    );
  }
  if (slivers.length > 0) {
    const names = listText(slivers.map((o) => o.name));
    const shares = slivers.map((o) => `${o.name} ${percent(o.saturated)}`).join(', ');
    const one = slivers.length === 1;
    out.push(
      `per-feature input scales: ${names} ${one ? 'saturates' : 'saturate'} only in a sliver at the faces of ${regionName} (${shares} of ${one ? 'its range' : 'their ranges'})`,
    );
  }
  for (const w of warnings) {
    if (w.kind === 'bias-saturated') {
      out.push(
        `layer ${w.layer}, output ${w.output}: the int32 bias saturated (its scale is too small) — calibrate on more varied states (${CALIBRATE_ON_REGION_FLAG})`,
      );
    } else if (
      w.kind === 'degenerate-range' &&
      w.tensor === 'input' &&
      inputScale === 'per-feature'
    ) {
      out.push(
        `the calibrated range of an input is empty, so it took the largest input scale — calibrate on more varied states (${CALIBRATE_ON_REGION_FLAG})`,
      );
    } else if (w.kind === 'degenerate-range') {
      out.push(
        `the calibrated range of ${w.tensor === 'input' ? 'the input' : `layer ${w.tensor}`} is empty, so scale 1 was used — calibrate on more varied states (${CALIBRATE_ON_REGION_FLAG})`,
      );
    }
  }
  return out;
}

/**
 * Quantises `mlp` with the named method, calibrating on `states` (row-major visited states). The
 * model keeps `mlp`'s output head, so a Softmax head still outputs probabilities.
 */
export function quantizeModel(
  mlp: Mlp,
  states: Float32Array,
  options: QuantizeModelOptions,
): QuantizedModel {
  const all = quantizeAllInt8(mlp, states, options);
  const keep = options.keepFp32;
  if (keep === undefined) return all;
  if (all.model.format !== 'qdq') {
    throw new QuantOptionsError(
      `keeping layers in float32 writes a QDQ graph whose other layers are int8: it needs --format qdq and a static method (got ${all.model.format})`,
    );
  }
  return { ...all, model: keepLayersInFloat32(mlp, all.model, keep) };
}

function quantizeAllInt8(
  mlp: Mlp,
  states: Float32Array,
  options: QuantizeModelOptions,
): QuantizedModel {
  const scheme: QuantizeStaticOptions = {
    format: options.format,
    activationType: options.activations,
    perChannel: options.perChannel,
    weightBits: options.weightBits,
    calibration: calibrationMethod(options.calibration),
    operatingBox: options.servedRegion ?? CARTPOLE_OPERATING_BOX,
    ...(options.inputScale === undefined ? {} : { inputScale: options.inputScale }),
    ...(options.logits === undefined ? {} : { logits: options.logits }),
  };
  // A first layer kept in float32 reads the input as it is: the input quantisation's warnings go.
  const inputKept = options.keepFp32?.includes(0) === true;
  const describe = (warnings: readonly QuantWarning[]): string[] =>
    describeWarnings(
      inputKept ? warnings.filter((w) => w.kind !== 'input-range-not-covered') : warnings,
      options.inputScale ?? 'per-tensor',
      options.servedRegionName,
    );
  switch (options.method) {
    case 'ptq-static': {
      const result =
        options.ranges === undefined
          ? quantizeStatic(mlp, states, scheme)
          : quantizeStaticWithRanges(mlp, options.ranges, scheme);
      return {
        model: result.model,
        warnings: describe(result.warnings),
        details: { scheme: result.scheme },
      };
    }
    case 'ptq-dynamic': {
      const result = quantizeDynamic(mlp, {
        perChannel: options.perChannel,
        weightBits: options.weightBits,
      });
      return { model: result.model, warnings: [], details: {} };
    }
    case 'qat': {
      const result = quantizeAwareTrain(mlp, states, {
        rng: createSeededRng(options.seed),
        scheme,
        ...(options.ranges === undefined ? {} : { initialRanges: options.ranges }),
        boxSamples: {
          lower: Array.from((options.servedRegion ?? CARTPOLE_OPERATING_BOX).lower),
          upper: Array.from((options.servedRegion ?? CARTPOLE_OPERATING_BOX).upper),
          count: 5000,
        },
      });
      return {
        model: result.model,
        warnings: describe(result.warnings),
        details: { chosenEpoch: result.chosenEpoch, history: result.history },
      };
    }
    case 'mixed': {
      const result = searchMixedPrecision(mlp, states, {
        threshold: options.mixedThreshold,
        scheme,
        ...(options.ranges === undefined ? {} : { ranges: options.ranges }),
      });
      return {
        model: result.model,
        warnings:
          result.kind === 'found'
            ? []
            : [
                `no bit width reaches the ${(100 * options.mixedThreshold).toFixed(1)} % agreement with FP32 that mixed precision must keep (8 bits everywhere agree on ${(100 * result.agreement).toFixed(2)} % of the calibration states), so every layer stays at 8 bits — lower the threshold (quantize --mixed-threshold) or fix the calibration first`,
              ],
        details: {
          kind: result.kind,
          bits: result.bits,
          agreement: result.agreement,
          sizeBits: result.sizeBits,
          startSizeBits: result.startSizeBits,
        },
      };
    }
  }
}
