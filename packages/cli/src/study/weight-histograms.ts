// Weight histograms for the report: each layer's FP32 weights and the int8 weights dequantised
// (a first layer folded by per-feature input scales unfolded), counted on the same bins.

import type { Mlp } from '@quantproof/nn';
import { inputFeatureQuant, isFloatLayer, type QMlp, weightQuantFor } from '@quantproof/quant';
import type { WeightHistogramsJson } from '@quantproof/web-report';

/** Histograms of every int8 variant's layers against the FP32 reference's, `bins` bins each (default 40). */
export function weightHistograms(
  fp32: Mlp,
  variants: readonly { readonly name: string; readonly model: QMlp }[],
  bins = 40,
): WeightHistogramsJson[] {
  return variants.map(({ name, model }) => histogramsOf(fp32, name, model, bins));
}

function histogramsOf(fp32: Mlp, name: string, model: QMlp, bins: number): WeightHistogramsJson {
  return {
    variant: name,
    // Layers kept in float32 hold the FP32 weights: only the int8 layers have a histogram.
    layers: model.layers.flatMap((layer, l) => {
      if (isFloatLayer(layer)) return [];
      const reference = fp32.layers[l]!.weight;
      const dequantised = new Float64Array(layer.weight.length);
      const levels = new Set<number>();
      // A first layer folded by per-feature input scales holds W_ji · s_i / s0: unfold it so
      // that it compares with the FP32 weights it stands for.
      const unfold = (i: number): number =>
        l === 0 && (model.format === 'qdq' || model.format === 'qoperator')
          ? model.input.scale / inputFeatureQuant(model, i).scale
          : 1;
      for (let j = 0; j < layer.outFeatures; j++) {
        const { scale, zeroPoint } = weightQuantFor(layer.weightQuant, j);
        for (let i = 0; i < layer.inFeatures; i++) {
          const q = layer.weight[j * layer.inFeatures + i]!;
          levels.add(q);
          dequantised[j * layer.inFeatures + i] = (q - zeroPoint) * scale * unfold(i);
        }
      }
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of [...reference, ...dequantised]) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (hi === lo) hi = lo + 1;
      const edges = Array.from({ length: bins + 1 }, (_, b) => lo + ((hi - lo) * b) / bins);
      const count = (values: ArrayLike<number>): number[] => {
        const counts = new Array<number>(bins).fill(0);
        for (let k = 0; k < values.length; k++) {
          const b = Math.min(bins - 1, Math.floor(((values[k]! - lo) / (hi - lo)) * bins));
          counts[b]!++;
        }
        return counts;
      };
      return {
        layer: l,
        edges,
        fp32: count(reference),
        int8: count(dequantised),
        bits: layer.weightQuant.bits,
        levelsUsed: levels.size,
      };
    }),
  };
}
