import {
  allocateQuantized,
  elementTypeRange,
  type QuantElementType,
  type QuantizedArray,
} from '../element-type.js';
import type { WeightQuant } from '../qmlp.js';
import { roundHalfEven } from '../round-half-even.js';
import { computeScaleZeroPoint, quantizationRange } from './scale-zero-point.js';

/** How a layer's weights are quantised. */
export interface WeightScheme {
  readonly elementType: QuantElementType;
  readonly symmetric: boolean;
  readonly perChannel: boolean;
  readonly reduceRange: boolean;
  /** 2..8; below 8 needs symmetric int8 (mixed precision in int8 containers). */
  readonly bits: number;
}

/** Quantised weights with their parameters. */
export interface QuantizedWeights {
  readonly values: QuantizedArray;
  readonly quant: WeightQuant;
}

/**
 * Quantises a row-major [out][in] float32 weight matrix the way onnxruntime's Python quantiser
 * does (`quantize_data` → `compute_scale_zp`, then `quantize_nparray`): per tensor or per output
 * row, `[rmin, rmax]` = the data's min and max, the range from `quantizationRange`, then
 * `q = clip(RNE(fl32(w / scale)) + zp)` with a float32 division. The clip is the element type's
 * full range for 8 bits (as `quantize_nparray` clips) and `±(2^(bits-1) - 1)` below 8 bits.
 */
export function quantizeWeights(
  weight: Float32Array,
  outFeatures: number,
  inFeatures: number,
  scheme: WeightScheme,
): QuantizedWeights {
  const range = quantizationRange(scheme.elementType, {
    symmetric: scheme.symmetric,
    reduceRange: scheme.reduceRange,
    bits: scheme.bits,
  });
  const clip =
    scheme.bits < 8 ? { qmin: range.qmin, qmax: range.qmax } : elementTypeRange(scheme.elementType);
  const groups = scheme.perChannel ? outFeatures : 1;
  const groupSize = scheme.perChannel ? inFeatures : inFeatures * outFeatures;
  const scales = new Float32Array(groups);
  const zeroPoints = new Int32Array(groups);
  const values = allocateQuantized(scheme.elementType, weight.length);
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    let min = Infinity;
    let max = -Infinity;
    for (let n = start; n < start + groupSize; n++) {
      const w = weight[n]!;
      if (w < min) min = w;
      if (w > max) max = w;
    }
    const { scale, zeroPoint } = computeScaleZeroPoint(min, max, range, scheme.symmetric);
    scales[g] = scale;
    zeroPoints[g] = zeroPoint;
    for (let n = start; n < start + groupSize; n++) {
      const r = roundHalfEven(Math.fround(weight[n]! / scale)) + zeroPoint;
      values[n] = r < clip.qmin ? clip.qmin : r > clip.qmax ? clip.qmax : r;
    }
  }
  return {
    values,
    quant: {
      elementType: scheme.elementType,
      granularity: scheme.perChannel ? 'per-channel' : 'per-tensor',
      scales,
      zeroPoints,
      bits: scheme.bits,
    },
  };
}

/** Result of `quantizeBias`: the int32 bias and the outputs whose value had to be clipped. */
export interface QuantizedBias {
  readonly values: Int32Array;
  /** Output indices whose `b / (s_in · s_w)` fell outside the int32 range and was clipped. */
  readonly saturated: readonly number[];
}

/**
 * The int32 bias of onnxruntime's Python quantiser (`quantize_bias_static_impl`):
 * `bias_scale = fl32(s_in · s_w[j])` (a numpy float32 product), then
 * `q = clip(RNE(float64(b) / float64(bias_scale)), int32)` with numpy's half-to-even `round`.
 */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightQuant: WeightQuant,
): QuantizedBias {
  const values = new Int32Array(bias.length);
  const saturated: number[] = [];
  for (let j = 0; j < bias.length; j++) {
    const k = weightQuant.granularity === 'per-tensor' ? 0 : j;
    const biasScale = Math.fround(inputScale * weightQuant.scales[k]!);
    const r = roundHalfEven(bias[j]! / biasScale);
    if (r < -2147483648 || r > 2147483647) {
      saturated.push(j);
      values[j] = r < 0 ? -2147483648 : 2147483647;
    } else {
      values[j] = r;
    }
  }
  return { values, saturated };
}
