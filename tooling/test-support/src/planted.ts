// Networks whose weakness is planted, shared by the suites of several packages and the benchmarks
// (`@quantproof/test-support/planted`; pure: no Node, no DOM).
//   planted: 2 → 4 → 4 → 2, whose weight-sensitive layer is known in advance. Layers 0 and 2 hold
//     weights in {−1, 0, 1} (exact at every bit width ≥ 2), layer 1 holds 1 on its diagonal and 0.4
//     (rows feeding output 0) or 0.6 (rows feeding output 1) elsewhere, which 2-bit per-tensor
//     quantisation rounds to 0 and 1 (3 bits: 1/3 and 2/3): a shift towards output 1 that flips
//     decisions at FP32 margins up to 0.4 over the box [−1, 1]².
//   plantedPair: two logits that differ by w·x − b (through a pair of ReLUs), so the FP32 decision
//     boundary is the hyperplane w·x = b, with quant's static int8 model calibrated on uniform
//     samples of [−range, range]^d: coarse input cells put whole cells astride the boundary, and on
//     one side of each such cell the int8 decision is not FP32's.
import { createSeededRng, type Mlp } from '@quantproof/nn';
import { type QMlpStatic, quantizeStatic } from '@quantproof/quant';

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

/**
 * A network whose FP32 decision is 0 where w·x ≥ b, else 1, and its static int8 model calibrated
 * on 64 seeded uniform samples of [−range, range]^d.
 */
export function plantedPair(
  w: readonly number[],
  b: number,
  seed = 1,
  range = 4,
): { fp32: Mlp; int8: QMlpStatic } {
  const d = w.length;
  const fp32: Mlp = {
    layers: [
      {
        inFeatures: d,
        outFeatures: 2,
        weight: Float32Array.from([...w, ...w.map((v) => -v)]),
        bias: Float32Array.of(-b, b),
        activation: 'relu',
      },
      {
        inFeatures: 2,
        outFeatures: 2,
        weight: Float32Array.of(1, -1, 0, 0),
        bias: Float32Array.of(0, 0),
        activation: 'identity',
      },
    ],
  };
  const rng = createSeededRng(seed);
  const calibration = Float32Array.from(
    { length: 64 * d },
    () => range * (2 * rng.nextFloat64() - 1),
  );
  const { model } = quantizeStatic(fp32, calibration, { activationType: 'int8' });
  return { fp32, int8: model };
}
