// When the two CPU semantics of onnxruntime's u8s8 QGEMM cannot differ. The AVX2 / AVX-512 Core
// kernels without VNNI (`MlasGemmU8S8KernelAvx2`, vpmaddubsw) saturate each adjacent raw product
// pair a_{2i}·b_{2i} + a_{2i+1}·b_{2i+1} to int16 (`accumulateAvx2Saturating`); VNNI kernels sum
// exactly. Where no pair sum can leave int16, both give the same int32 accumulator, bit for bit.
import type { QuantizedArray } from './element-type.js';
import { isFloatLayer, layerInputQuant, type QMlp } from './qmlp.js';

const INT16_MIN = -32768;
const INT16_MAX = 32767;
/** The largest raw uint8 activation: the u8s8 kernels multiply raw bytes, not centred values. */
const UINT8_MAX = 255;

/** Whether some pair (2i, 2i + 1) of some row of `weight` can leave int16 for a ∈ [0, 255]². */
function rowPairsCanSaturate(weight: QuantizedArray, k: number, n: number): boolean {
  for (let j = 0; j < n; j++) {
    for (let i = 0; i + 1 < k; i += 2) {
      const w0 = weight[j * k + i]!;
      const w1 = weight[j * k + i + 1]!;
      // The extremes of a0·w0 + a1·w1 over a ∈ [0, 255]² lie at a corner: 255 on the weights of
      // one sign, 0 on the others. An odd last k is a single product, |a·w| ≤ 255·128 < 2^15.
      const upper = UINT8_MAX * (Math.max(w0, 0) + Math.max(w1, 0));
      const lower = UINT8_MAX * (Math.min(w0, 0) + Math.min(w1, 0));
      if (upper > INT16_MAX || lower < INT16_MIN) return true;
    }
  }
  return false;
}

/**
 * True when `model` computes the same outputs under `cpu: 'vnni-exact'` and
 * `cpu: 'avx2-u8s8-saturating'` for every input: no layer that runs onnxruntime's u8s8 kernel
 * (uint8 activations × int8 weights on the fused integer path, static or dynamic) has an adjacent
 * (k = 2i, 2i + 1) raw u8·s8 pair sum that can leave int16 for any uint8 activations. False when
 * such a pair exists: saturation is then possible for some uint8 activations (whether a float32
 * input reaches them is not decided here).
 */
export function pairSaturationFree(model: QMlp): boolean {
  if (model.executionPath.kind !== 'fused-integer') return true; // float32 Gemm: no QGEMM
  for (let l = 0; l < model.layers.length; l++) {
    const layer = model.layers[l]!;
    if (isFloatLayer(layer)) continue; // a layer kept in float32: no QGEMM
    if (layer.weightQuant.elementType !== 'int8') continue; // u8u8 kernels widen exactly
    // DynamicQuantizeLinear always yields uint8; s8s8 kernels are exact.
    if (model.format !== 'dynamic' && layerInputQuant(model, l).elementType !== 'uint8') continue;
    if (rowPairsCanSaturate(layer.weight, layer.inFeatures, layer.outFeatures)) return false;
  }
  return true;
}
