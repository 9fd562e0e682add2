// Model pairs for the suites, quantised by quant's own static quantiser:
//   planted: two logits that differ by w·x − b (through a pair of ReLUs), so the FP32 decision
//     boundary is the hyperplane w·x = b; coarse input cells (calibrated on [−4, 4]) put whole
//     cells astride it, and on one side of each such cell the int8 decision is not FP32's;
//   clear: the pack-smoke policy (a seeded 4-8-2 network with output biases ±3), whose int8 model
//     takes the FP32 decision on the small box around 0 (the verifier proves it);
//   flipped: its output layer negated, quantised — the other decision everywhere on that box.
import { createMlp, createSeededRng, type Mlp } from '@quantproof/nn';
import { type QMlp, quantizeStatic } from '@quantproof/quant';

/** A box as the matchers take it. */
export interface TestBox {
  readonly lower: number[];
  readonly upper: number[];
}

/** A network whose FP32 decision is 0 where w·x ≥ b, else 1, and its static int8 model. */
export function plantedPair(
  w: readonly number[],
  b: number,
  seed = 1,
  range = 4,
): { fp32: Mlp; int8: QMlp } {
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

/** The box [−0.05, 0.05]^4 of the clear and flipped pairs. */
export const CLEAR_BOX: TestBox = {
  lower: [-0.05, -0.05, -0.05, -0.05],
  upper: [0.05, 0.05, 0.05, 0.05],
};

function policy(flipped: boolean): Mlp {
  const mlp = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(7) });
  const output = mlp.layers[1]!;
  output.bias.set([3, -3]);
  if (flipped) {
    output.weight.set(output.weight.map((w) => -w));
    output.bias.set([-3, 3]);
  }
  return mlp;
}

function calibration(): Float32Array {
  const rng = createSeededRng(8);
  return Float32Array.from({ length: 4 * 256 }, () => 0.2 * rng.nextFloat64() - 0.1);
}

/** The clear pair: the int8 model takes the FP32 decision on `CLEAR_BOX` (proved). */
export function clearPair(): { fp32: Mlp; int8: QMlp } {
  return { fp32: policy(false), int8: quantizeStatic(policy(false), calibration()).model };
}

/** The clear FP32 network with the int8 model of its flipped twin: the other decision everywhere. */
export function flippedPair(): { fp32: Mlp; int8: QMlp } {
  return { fp32: policy(false), int8: quantizeStatic(policy(true), calibration()).model };
}
