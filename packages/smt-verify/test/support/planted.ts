// A planted network whose weight-sensitive layer is known in advance: 2 → 4 → 4 → 2, layers 0 and 2
// hold weights in {−1, 0, 1} (exact at every bit width ≥ 2), layer 1 holds 1 on its diagonal and
// 0.4 (rows feeding output 0) or 0.6 (rows feeding output 1) elsewhere, which 2-bit per-tensor
// quantisation rounds to 0 and 1 (3 bits: 1/3 and 2/3): a shift towards output 1 that flips
// decisions at FP32 margins up to 0.4 over the box [−1, 1]².
import type { Mlp } from '@quantproof/nn';

const f = (values: readonly number[]): Float32Array => Float32Array.from(values);
/** 2 → 4 → 4 → 2: the middle layer is the sensitive one. */
export const planted: Mlp = {
  layers: [
    {
      inFeatures: 2,
      outFeatures: 4,
      weight: f([1, 0, -1, 0, 0, 1, 0, -1]),
      bias: f([0, 0, 0, 0]),
      activation: 'relu',
    },
    {
      inFeatures: 4,
      outFeatures: 4,
      weight: f([1, 0.4, 0.4, 0.4, 0.6, 1, 0.6, 0.6, 0.4, 0.4, 1, 0.4, 0.6, 0.6, 0.6, 1]),
      bias: f([0, 0, 0, 0]),
      activation: 'relu',
    },
    {
      inFeatures: 4,
      outFeatures: 2,
      weight: f([1, 0, 1, 0, 0, 1, 0, 1]),
      bias: f([0, 0]),
      activation: 'identity',
    },
  ],
};

/** The box the planted network is studied on. */
export const plantedBox: { lower: number[]; upper: number[] } = { lower: [-1, -1], upper: [1, 1] };

/** A 21 × 21 grid over the box, row-major: calibration and training states. */
export const plantedGrid: Float32Array = f(
  Array.from({ length: 21 * 21 }, (_, k) => [
    -1 + Math.floor(k / 21) / 10,
    -1 + (k % 21) / 10,
  ]).flat(),
);
