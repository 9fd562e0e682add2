// Model pairs for the suites, quantised by quant's own static quantiser (the planted pairs, whose
// int8 model disagrees on one side of cells astride the hyperplane w·x = b, are
// `@quantproof/test-support/planted`'s `plantedPair`):
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
