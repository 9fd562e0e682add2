// Tiny networks whose decisions are known in closed form, shared by smt-verify's suites and the cli's
// (`@quantproof/test-support/tiny-nets`; pure: no Node, no DOM).
import type { Mlp } from '@quantproof/nn';
import { type QMlpStatic, type QuantizeStaticOptions, quantizeStatic } from '@quantproof/quant';

/** y0 = 8·relu(x0 − x1) − 8·relu(x1 − x0) = 8·(x0 − x1), y1 = 0: the FP32 decision flips on the diagonal x0 = x1. */
export const diagonal: Mlp = {
  layers: [
    {
      inFeatures: 2,
      outFeatures: 2,
      weight: Float32Array.of(1, -1, -1, 1),
      bias: Float32Array.of(0, 0),
      activation: 'relu',
    },
    {
      inFeatures: 2,
      outFeatures: 2,
      weight: Float32Array.of(8, -8, 0, 0),
      bias: Float32Array.of(0, 0),
      activation: 'identity',
    },
  ],
};

/**
 * z0 = −3 + 0.15·(relu(x0 + x1) + relu(x0 − x1)) ∈ [−3, −2.7], z1 = 0 on [−1, 1]² (logits, no
 * head): with a Softmax head, Y0 = softmax(z)0 lies in [0.0474, 0.0630] on the whole box.
 */
export const narrowLogits: Mlp = {
  layers: [
    {
      inFeatures: 2,
      outFeatures: 2,
      weight: Float32Array.of(1, 1, 1, -1),
      bias: new Float32Array(2),
      activation: 'relu',
    },
    {
      inFeatures: 2,
      outFeatures: 2,
      weight: Float32Array.of(0.15, 0.15, 0, 0),
      bias: Float32Array.of(-3, 0),
      activation: 'identity',
    },
  ],
};

/** Quantises `mlp` with calibration on a 5-point-per-input grid over [−1, 1]^inputs (default: QOperator, uint8). */
export function quantizeTiny(
  mlp: Mlp,
  options: QuantizeStaticOptions = { format: 'qoperator', activationType: 'uint8' },
): QMlpStatic {
  const d = mlp.layers[0]!.inFeatures;
  const rows: number[] = [];
  const steps = 5;
  // With per-feature input scales, odd features are calibrated on [-1/4, 1/4] (their own scale).
  const narrow = options.inputScale === 'per-feature';
  for (let n = 0; n < steps ** d; n++) {
    let r = n;
    for (let i = 0; i < d; i++) {
      const v = -1 + (2 * (r % steps)) / (steps - 1);
      rows.push(narrow && i % 2 === 1 ? v / 4 : v);
      r = Math.floor(r / steps);
    }
  }
  const { model } = quantizeStatic(mlp, Float32Array.from(rows), options);
  return model as QMlpStatic;
}
