import { createTrainingWorkspace, forwardTrain, type Mlp } from '@quantproof/nn';
import { CalibrationDataError, QuantOptionsError } from './errors.js';
import { entropyRange, percentileRange, type TensorRange } from './histogram-calibration.js';

export type { TensorRange } from './histogram-calibration.js';

/**
 * How activation ranges are calibrated (onnxruntime's `CalibrationMethod`). Defaults follow
 * `create_calibrator`: Percentile 99.999 with 2048 bins, symmetric; Entropy with 128 bins and 128
 * quantised bins.
 */
export type CalibrationMethod =
  | { readonly kind: 'minmax' }
  | {
      readonly kind: 'percentile';
      /** In (0, 100]; default 99.999. */
      readonly percentile?: number;
      /** Default 2048. */
      readonly numBins?: number;
      /** Histogram |x| and cut one side (default true, as onnxruntime). */
      readonly symmetric?: boolean;
    }
  | {
      readonly kind: 'entropy';
      /** Default 128. */
      readonly numBins?: number;
      /** Default 128. */
      readonly numQuantizedBins?: number;
    };

/** Calibrated ranges of the network input and of every layer's output (after its activation). */
export interface CalibrationRanges {
  readonly input: TensorRange;
  readonly layers: readonly TensorRange[];
  /**
   * One range per input feature, read by `inputScale: 'per-feature'` (absent for per-tensor
   * calibration).
   */
  readonly inputFeatures?: readonly TensorRange[];
}

/**
 * Splits calibration inputs into samples and checks them: a non-empty list of vectors of the
 * network's input size, or one flat row-major batch. Throws `CalibrationDataError`.
 */
export function calibrationSamples(
  mlp: Mlp,
  inputs: Float32Array | readonly Float32Array[],
): Float32Array[] {
  const size = mlp.layers[0]?.inFeatures ?? 0;
  let samples: Float32Array[];
  if (inputs instanceof Float32Array) {
    if (inputs.length === 0 || inputs.length % size !== 0) {
      throw new CalibrationDataError(
        `calibration batch has ${inputs.length} values; expected a positive multiple of the input size ${size}`,
      );
    }
    samples = [];
    for (let r = 0; r < inputs.length / size; r++)
      samples.push(inputs.subarray(r * size, (r + 1) * size));
  } else {
    samples = [...inputs];
    if (samples.length === 0)
      throw new CalibrationDataError('calibration needs at least one input; got none');
  }
  samples.forEach((sample, s) => {
    if (sample.length !== size) {
      throw new CalibrationDataError(
        `calibration input ${s} has ${sample.length} values; the network takes ${size}`,
      );
    }
    for (let i = 0; i < sample.length; i++) {
      if (!Number.isFinite(sample[i]!)) {
        throw new CalibrationDataError(
          `calibration input ${s}, feature ${i} is ${sample[i]}; calibration data must be finite — ` +
            'drop or repair NaN/Infinity samples',
        );
      }
    }
  });
  return samples;
}

function rangeOf(values: Float32Array, method: CalibrationMethod): TensorRange {
  switch (method.kind) {
    case 'minmax': {
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      return { min, max };
    }
    case 'percentile': {
      const percentile = method.percentile ?? 99.999;
      const numBins = method.numBins ?? 2048;
      if (!(percentile > 0 && percentile <= 100)) {
        throw new QuantOptionsError(`percentile must lie in (0, 100]; got ${percentile}`);
      }
      if (!Number.isSafeInteger(numBins) || numBins < 1) {
        throw new QuantOptionsError(`numBins must be a positive integer; got ${numBins}`);
      }
      return percentileRange(values, percentile, numBins, method.symmetric ?? true);
    }
    case 'entropy': {
      const numBins = method.numBins ?? 128;
      const numQuantizedBins = method.numQuantizedBins ?? 128;
      if (!Number.isSafeInteger(numQuantizedBins) || numQuantizedBins < 2) {
        throw new QuantOptionsError(
          `numQuantizedBins must be an integer >= 2; got ${numQuantizedBins}`,
        );
      }
      if (!Number.isSafeInteger(numBins) || numBins < numQuantizedBins) {
        throw new QuantOptionsError(
          `numBins must be an integer >= numQuantizedBins (${numQuantizedBins}); got ${numBins}`,
        );
      }
      return entropyRange(values, numBins, numQuantizedBins);
    }
    default:
      throw new QuantOptionsError(
        `calibration method must be 'minmax', 'percentile' or 'entropy'; got ${String((method as { kind: unknown }).kind)}`,
      );
  }
}

/**
 * Runs the FP32 network over the calibration inputs (float32, `nn`'s summation order) and
 * calibrates the range of the input and of every layer's output after its activation — the
 * tensors onnxruntime's quantiser quantises once a Relu is folded into its producer.
 * Throws `CalibrationDataError` for empty or non-finite data (also when an activation overflows).
 */
export function calibrateRanges(
  mlp: Mlp,
  inputs: Float32Array | readonly Float32Array[],
  method: CalibrationMethod = { kind: 'minmax' },
): CalibrationRanges {
  const samples = calibrationSamples(mlp, inputs);
  const count = samples.length;
  const inputValues = new Float32Array(count * (mlp.layers[0]?.inFeatures ?? 0));
  samples.forEach((s, r) => inputValues.set(s, r * s.length));
  // nn's batched float32 forward, bitwise equal to `forwardFp32` (the FP32 semantics owner).
  const workspace = createTrainingWorkspace(mlp, count);
  forwardTrain(workspace, inputValues, count);
  const layerValues = mlp.layers.map((layer, l) =>
    workspace.activations[l]!.slice(0, count * layer.outFeatures),
  );
  layerValues.forEach((values, l) => {
    for (const v of values) {
      if (!Number.isFinite(v)) {
        throw new CalibrationDataError(
          `layer ${l} produced ${v} on the calibration data; check the network's weights and inputs`,
        );
      }
    }
  });
  return {
    input: rangeOf(inputValues, method),
    layers: layerValues.map((values) => rangeOf(values, method)),
  };
}

/**
 * The range of every input feature over the calibration inputs, with `method` (as
 * `calibrateRanges` calibrates the whole input): what per-feature input scales are computed from.
 * Throws `CalibrationDataError` for empty or non-finite data.
 */
export function calibrateInputFeatureRanges(
  mlp: Mlp,
  inputs: Float32Array | readonly Float32Array[],
  method: CalibrationMethod = { kind: 'minmax' },
): TensorRange[] {
  const samples = calibrationSamples(mlp, inputs);
  const size = mlp.layers[0]?.inFeatures ?? 0;
  return Array.from({ length: size }, (_, i) =>
    rangeOf(
      Float32Array.from(samples, (s) => s[i]!),
      method,
    ),
  );
}
