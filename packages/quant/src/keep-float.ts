import type { Mlp } from '@quantproof/nn';
import { QuantOptionsError } from './errors.js';
import {
  type QFloatLayer,
  type QMixedInt8Layer,
  type QMlpMixed,
  type QMlpStatic,
  validateQMlp,
} from './qmlp.js';

/**
 * `model` (statically quantised from `mlp`) with the layers in `keep` run in float32 instead, as
 * onnxruntime's `quantize_static(..., nodes_to_exclude=[...])` leaves them: each kept layer is `mlp`'s
 * Gemm with its float32 weights, bias and activation; a kept layer that feeds an int8 layer is
 * quantised with the range `model` calibrated for that output, and every int8 layer keeps its
 * weights, bias and quantisation. The result is the QDQ layout on the fused-integer path. Throws
 * `QuantOptionsError` for layer indices out of range, all or none of the layers kept, a model on the
 * unfused path, or per-feature input scales on an int8 first layer (a mixed model quantises its
 * input per tensor).
 */
export function keepLayersInFloat32(
  mlp: Mlp,
  model: QMlpStatic,
  keep: readonly number[],
): QMlpMixed {
  const count = model.layers.length;
  if (mlp.layers.length !== count) {
    throw new QuantOptionsError(
      `the FP32 network has ${mlp.layers.length} layers and the int8 model ${count}`,
    );
  }
  const kept = new Set(keep);
  for (const l of kept) {
    if (!Number.isInteger(l) || l < 0 || l >= count) {
      throw new QuantOptionsError(`layer ${l} does not exist: layers are 0..${count - 1}`);
    }
  }
  if (kept.size === 0 || kept.size === count) {
    throw new QuantOptionsError(
      kept.size === 0
        ? 'keep at least one layer in float32 (or use the int8 model as it is)'
        : 'keep at most all but one layer in float32 (or use the FP32 network as it is)',
    );
  }
  if (model.executionPath.kind !== 'fused-integer') {
    throw new QuantOptionsError(
      "layers kept in float32 are modelled on the 'fused-integer' path only",
    );
  }
  if (!kept.has(0) && model.inputScales !== undefined) {
    throw new QuantOptionsError(
      'a model with layers kept in float32 quantises its input per tensor; quantise with one input scale, or keep layer 0 in float32',
    );
  }
  const last = count - 1;
  const layers = model.layers.map((layer, l): QFloatLayer | QMixedInt8Layer => {
    if (!kept.has(l)) return { ...layer, kind: 'int8' };
    const dense = mlp.layers[l]!;
    if (dense.inFeatures !== layer.inFeatures || dense.outFeatures !== layer.outFeatures) {
      throw new QuantOptionsError(
        `layer ${l} is ${dense.inFeatures}→${dense.outFeatures} in the FP32 network and ${layer.inFeatures}→${layer.outFeatures} in the int8 model`,
      );
    }
    const feedsInt8 = l < last && !kept.has(l + 1);
    return {
      kind: 'float',
      inFeatures: dense.inFeatures,
      outFeatures: dense.outFeatures,
      weight: Float32Array.from(dense.weight),
      bias: Float32Array.from(dense.bias),
      activation: dense.activation,
      output: feedsInt8 ? layer.output : null,
    };
  });
  const mixed: QMlpMixed = {
    format: 'mixed',
    executionPath: { kind: 'fused-integer' },
    input: kept.has(0) ? null : model.input,
    layers,
    logits: kept.has(last) ? 'float' : model.logits,
    ...(model.head === undefined ? {} : { head: model.head }),
  };
  validateQMlp(mixed);
  return mixed;
}
