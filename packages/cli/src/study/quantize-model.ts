// One quantisation method of the study, by name: what `quantproof quantize` and `run` call.

import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { createSeededRng, type Mlp } from '@quantproof/nn';
import {
  type CalibrationMethod,
  type QMlp,
  type QuantizeStaticOptions,
  type QuantWarning,
  quantizeAwareTrain,
  quantizeDynamic,
  quantizeStatic,
  searchMixedPrecision,
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
  readonly weightBits: number;
  /** Agreement threshold of the mixed-precision search. */
  readonly mixedThreshold: number;
  readonly seed: number;
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

const FEATURES = ['x', 'x_dot', 'theta', 'theta_dot'];

/** One line for a quantiser warning, saying what it means for the user. */
export function describeWarning(w: QuantWarning): string {
  switch (w.kind) {
    case 'input-range-not-covered': {
      const name = FEATURES[w.feature] ?? `input ${w.feature}`;
      const r = (v: number): string => v.toPrecision(4);
      return `the input quantisation represents ${name} only in [${r(w.representableLower)}, ${r(w.representableUpper)}], not the whole operating box [${r(w.boxLower)}, ${r(w.boxUpper)}]: inputs outside saturate (calibrate on more varied states to widen it)`;
    }
    case 'bias-saturated':
      return `layer ${w.layer}, output ${w.output}: the int32 bias saturated (its scale is too small)`;
    case 'degenerate-range':
      return `the calibrated range of ${w.tensor === 'input' ? 'the input' : `layer ${w.tensor}`} is empty: scale 1 was used`;
  }
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
  const scheme: QuantizeStaticOptions = {
    format: options.format,
    activationType: options.activations,
    perChannel: options.perChannel,
    weightBits: options.weightBits,
    calibration: calibrationMethod(options.calibration),
    operatingBox: CARTPOLE_OPERATING_BOX,
  };
  const describe = (warnings: readonly QuantWarning[]): string[] => warnings.map(describeWarning);
  switch (options.method) {
    case 'ptq-static': {
      const result = quantizeStatic(mlp, states, scheme);
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
        boxSamples: {
          lower: CARTPOLE_OPERATING_BOX.lower,
          upper: CARTPOLE_OPERATING_BOX.upper,
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
      });
      return {
        model: result.model,
        warnings:
          result.kind === 'found'
            ? []
            : [
                `threshold-unreachable: agreement ${result.agreement} at 8 bits < ${options.mixedThreshold}`,
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
