// Tiny networks for the SMT suites: 2–3 inputs, one hidden layer of 2–4 ReLUs, 2 outputs, quantised
// by quant's own static quantiser (QOperator, uint8 activations: the QGemm path onnxruntime runs
// bit-exactly like forwardInt8) through `quantizeTiny`, which with the `diagonal` network lives in
// @quantproof/test-support/tiny-nets (the cli's suites use them too).
import type { DenseLayer, Mlp } from '@quantproof/nn';
import type { QMlpStatic } from '@quantproof/quant';
import { quantizeTiny } from '@quantproof/test-support/tiny-nets';
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

/** A dense Mlp with ReLU hidden layers of the given widths and 2 outputs, from flat weights. */
export function stackedMlp(inputs: number, hidden: readonly number[], w: readonly number[]): Mlp {
  let k = 0;
  const next = (scale = 1): number => Math.fround(w[k++ % w.length]! * scale);
  const widths = [inputs, ...hidden, 2];
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const inFeatures = widths[l]!;
    const outFeatures = widths[l + 1]!;
    layers.push({
      inFeatures,
      outFeatures,
      weight: Float32Array.from({ length: inFeatures * outFeatures }, () => next()),
      bias: Float32Array.from({ length: outFeatures }, () => next(1 / 4)),
      activation: l + 2 < widths.length ? 'relu' : 'identity',
    });
  }
  return { layers };
}

/**
 * fast-check arbitrary of tiny networks with one or two hidden layers, quantised by the static
 * schemes onnxruntime runs fused-integer: QDQ or QOperator, int8 or uint8 activations, int8 or
 * (with uint8 activations) uint8 weights with their zero points, per-tensor or per-channel,
 * dequantised or float logits, one input scale or (QOperator) one per feature.
 */
export const staticSchemeCase: fc.Arbitrary<TinyCase> = fc
  .record({
    inputs: fc.integer({ min: 2, max: 3 }),
    hidden: fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 2 }),
    w: fc.array(
      fc.integer({ min: -96, max: 96 }).map((k) => k / 64),
      { minLength: 8, maxLength: 40 },
    ),
    format: fc.constantFrom<'qdq' | 'qoperator'>('qdq', 'qoperator'),
    types: fc.constantFrom(
      { activationType: 'int8', weightType: 'int8' } as const,
      { activationType: 'uint8', weightType: 'int8' } as const,
      { activationType: 'uint8', weightType: 'uint8' } as const,
    ),
    perChannel: fc.boolean(),
    logits: fc.constantFrom<'dequantize' | 'float'>('dequantize', 'float'),
    // Per-feature input scales exist in the QOperator format only.
    perFeatureInput: fc.boolean(),
  })
  .map(({ inputs, hidden, w, format, types, perChannel, logits, perFeatureInput }) => {
    const mlp = stackedMlp(inputs, hidden, w);
    const inputScale = format === 'qoperator' && perFeatureInput ? 'per-feature' : 'per-tensor';
    return {
      mlp,
      model: quantizeTiny(mlp, { format, ...types, perChannel, logits, inputScale }),
    };
  });

/** fast-check arbitrary of small boxes inside [-1, 1]^d: a centre and a radius per dimension. */
export function smallBox(
  d: number,
  maxRadius = 0.05,
): fc.Arbitrary<{ lower: number[]; upper: number[] }> {
  return fc
    .tuple(
      fc.array(fc.float({ min: Math.fround(-0.9), max: Math.fround(0.9), noNaN: true }), {
        minLength: d,
        maxLength: d,
      }),
      fc.float({ min: Math.fround(0.001), max: Math.fround(maxRadius), noNaN: true }),
    )
    .map(([c, r]) => ({ lower: c.map((v) => v - r), upper: c.map((v) => v + r) }));
}
