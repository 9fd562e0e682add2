// Tiny networks for the SMT suites: 2–3 inputs, one hidden layer of 2–4 ReLUs, 2 outputs, quantised
// by quant's own static quantiser (QOperator, uint8 activations: the QGemm path onnxruntime runs
// bit-exactly like forwardInt8).
import type { Mlp } from '@quantproof/nn';
import { type QMlpStatic, quantizeStatic } from '@quantproof/quant';
import fc from 'fast-check';

/** A dense 2-layer Mlp from flat weights. */
export function tinyMlp(inputs: number, hidden: number, w: readonly number[]): Mlp {
  const f = (k: number): number => Math.fround(w[k % w.length]!);
  const w1 = Float32Array.from({ length: hidden * inputs }, (_, k) => f(k));
  const b1 = Float32Array.from({ length: hidden }, (_, k) => f(hidden * inputs + k) / 4);
  const w2 = Float32Array.from({ length: 2 * hidden }, (_, k) => f(hidden * (inputs + 1) + k));
  const b2 = Float32Array.from({ length: 2 }, (_, k) => f(3 * hidden * (inputs + 1) + k) / 4);
  return {
    layers: [
      { inFeatures: inputs, outFeatures: hidden, weight: w1, bias: b1, activation: 'relu' },
      { inFeatures: hidden, outFeatures: 2, weight: w2, bias: b2, activation: 'identity' },
    ],
  };
}

/** Quantises `mlp` with calibration on a grid over [-1, 1]^inputs. */
export function quantizeTiny(mlp: Mlp): QMlpStatic {
  const d = mlp.layers[0]!.inFeatures;
  const rows: number[] = [];
  const steps = 5;
  for (let n = 0; n < steps ** d; n++) {
    let r = n;
    for (let i = 0; i < d; i++) {
      rows.push(-1 + (2 * (r % steps)) / (steps - 1));
      r = Math.floor(r / steps);
    }
  }
  const { model } = quantizeStatic(mlp, Float32Array.from(rows), {
    format: 'qoperator',
    activationType: 'uint8',
  });
  return model as QMlpStatic;
}

/** A tiny network with its quantised twin. */
export interface TinyCase {
  readonly mlp: Mlp;
  readonly model: QMlpStatic;
}

/** fast-check arbitrary of tiny networks. */
export const tinyCase: fc.Arbitrary<TinyCase> = fc
  .record({
    inputs: fc.integer({ min: 2, max: 3 }),
    hidden: fc.integer({ min: 2, max: 4 }),
    // Weights on a 1/64 grid in ±1.5 (no subnormal or degenerate scales).
    w: fc.array(
      fc.integer({ min: -96, max: 96 }).map((k) => k / 64),
      { minLength: 8, maxLength: 40 },
    ),
  })
  .map(({ inputs, hidden, w }) => {
    const mlp = tinyMlp(inputs, hidden, w);
    return { mlp, model: quantizeTiny(mlp) };
  });

/** fast-check arbitrary of small boxes inside [-1, 1]^d: a centre and a radius per dimension. */
export function smallBox(d: number): fc.Arbitrary<{ lower: number[]; upper: number[] }> {
  return fc
    .tuple(
      fc.array(fc.float({ min: Math.fround(-0.9), max: Math.fround(0.9), noNaN: true }), {
        minLength: d,
        maxLength: d,
      }),
      fc.float({ min: Math.fround(0.001), max: Math.fround(0.05), noNaN: true }),
    )
    .map(([c, r]) => ({ lower: c.map((v) => v - r), upper: c.map((v) => v + r) }));
}

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
