// What a static int8 model was converted with, read back from the model itself: the activation
// ranges its tensor quantisations represent and its scheme (format, element types, granularity,
// per-layer bit widths, execution path, logits). Repair re-converts a fine-tuned network with them.
import type { CalibrationRanges } from './calibration.js';
import { elementTypeRange } from './element-type.js';
import type { QMlpStatic } from './qmlp.js';
import type { TensorQuant } from './quantize-linear.js';
import type { QuantizeStaticOptions } from './scheme.js';

/** The range a tensor quantisation represents: [(qmin − zp)·scale, (qmax − zp)·scale]. */
function rangeOf(q: TensorQuant): { min: number; max: number } {
  const { qmin, qmax } = elementTypeRange(q.elementType);
  return { min: (qmin - q.zeroPoint) * q.scale, max: (qmax - q.zeroPoint) * q.scale };
}

/**
 * The activation ranges of a static model: its input's and every quantised layer output's
 * representable range (a float-logit last layer, which has none, gets its input's range as a
 * placeholder that conversion with `logits: 'float'` does not read).
 */
export function staticRangesOf(model: QMlpStatic): CalibrationRanges {
  const input = rangeOf(model.input);
  return {
    input,
    layers: model.layers.map((l) => (l.output === null ? input : rangeOf(l.output))),
    // Per-feature scales are symmetric: ±127 · s_i gives s_i back.
    ...(model.inputScales === undefined
      ? {}
      : {
          inputFeatures: Array.from(model.inputScales, (s) => ({ min: -127 * s, max: 127 * s })),
        }),
  };
}

/**
 * The scheme of a static model as `quantizeStatic` options. Not recoverable from the model, and
 * left at its defaults: `reduceRange` and the calibration method (the ranges replace calibration).
 */
export function staticSchemeOf(model: QMlpStatic): QuantizeStaticOptions {
  const first = model.layers[0]!;
  return {
    format: model.format,
    activationType: model.input.elementType,
    // A ReLU folds into the requantisation clamp only with asymmetric activations.
    activationSymmetric: false,
    weightType: first.weightQuant.elementType,
    weightSymmetric: model.layers.every((l) => l.weightQuant.zeroPoints.every((z) => z === 0)),
    perChannel: first.weightQuant.granularity === 'per-channel',
    weightBits: model.layers.map((l) => l.weightQuant.bits),
    executionPath: model.executionPath,
    logits: model.logits,
    inputScale: model.inputScales === undefined ? 'per-tensor' : 'per-feature',
  };
}
