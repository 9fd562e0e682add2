import type { Mlp } from '@quantproof/nn';
import { QuantOptionsError } from './errors.js';
import { validateQMlp, type QDynamicLayer, type QMlpDynamic } from './qmlp.js';
import { quantizeWeights } from './internal/quantize-weights.js';
import { resolveWeightBits, type QuantizeDynamicOptions } from './scheme.js';

/** What `quantizeDynamic` returns. */
export interface QuantizeDynamicResult {
  readonly model: QMlpDynamic;
}

/**
 * Dynamic quantisation as onnxruntime's `quantize_dynamic` writes it: int8 symmetric per-tensor
 * weights by default (`quantize_data`), float32 bias and ReLU, activations quantised to uint8 at
 * run time by DynamicQuantizeLinear. The ONNX form is DynamicQuantizeLinear → MatMulInteger →
 * Cast → Mul(a_s · b_s) → Add(bias) per layer (Gemm is not in the quantiser's IntegerOps set, so a
 * writer emits MatMul + Add). The model keeps the network's output `head`. Throws
 * `QuantOptionsError` for bad options.
 */
export function quantizeDynamic(
  mlp: Mlp,
  options: QuantizeDynamicOptions = {},
): QuantizeDynamicResult {
  const weightType = options.weightType ?? 'int8';
  if (weightType !== 'int8' && weightType !== 'uint8') {
    throw new QuantOptionsError(`weightType must be 'uint8' or 'int8'; got ${String(weightType)}`);
  }
  const symmetric = options.weightSymmetric ?? weightType === 'int8';
  const perChannel = options.perChannel ?? false;
  const reduceRange = options.reduceRange ?? false;
  const bits = resolveWeightBits(options.weightBits, mlp.layers.length);
  const layers = mlp.layers.map((layer, l): QDynamicLayer => {
    const weights = quantizeWeights(layer.weight, layer.outFeatures, layer.inFeatures, {
      elementType: weightType,
      symmetric,
      perChannel,
      reduceRange,
      bits: bits[l]!,
    });
    return {
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      weight: weights.values,
      weightQuant: weights.quant,
      bias: Float32Array.from(layer.bias),
      activation: layer.activation,
    };
  });
  const model: QMlpDynamic = {
    format: 'dynamic',
    executionPath: { kind: 'fused-integer' },
    layers,
    ...(mlp.head === undefined ? {} : { head: mlp.head }),
  };
  validateQMlp(model);
  return { model };
}
