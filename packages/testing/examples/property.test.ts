// examples/property.test.ts — your own fast-check property over aimed inputs
import { createSeededRng, type Mlp } from '@quantproof/nn';
import { quantizeStatic } from '@quantproof/quant';
import { createDecisionJudge, regionInputs } from '@quantproof/testing';
import fc from 'fast-check';
import { expect, it } from 'vitest';

// FP32 decides 0 where x0 − x1/2 ≥ 0.05, else 1; int8 with coarse input cells.
const dense = (w: number[], b: number[]) =>
  ({
    inFeatures: 2,
    outFeatures: 2,
    weight: Float32Array.from(w),
    bias: Float32Array.from(b),
  }) as const;
const fp32: Mlp = {
  layers: [
    { ...dense([1, -0.5, -1, 0.5], [-0.05, 0.05]), activation: 'relu' },
    { ...dense([1, -1, 0, 0], [0, 0]), activation: 'identity' },
  ],
};
const rng = createSeededRng(3);
const int8 = quantizeStatic(
  fp32,
  Float32Array.from({ length: 128 }, () => 8 * rng.nextFloat64() - 4),
).model;
const box = { lower: [-1, -1], upper: [1, 1] };

it('finds, replays and shrinks an input where int8 takes another decision', async () => {
  const judge = createDecisionJudge(fp32, int8);
  const inputs = regionInputs(fp32, int8, { box }); // aimed at the FP32 boundary and cell faces
  const run = await fc.check(fc.asyncProperty(inputs, judge.takesFp32Decision), { seed: 42 });
  await judge.release();
  expect(run.failed).toBe(true); // fc.assert would throw with the input, seed and path
  const worst = judge.counterexamples.at(-1)!; // shrunk towards the largest FP32 margin
  expect(worst.fp32Action).not.toBe(worst.int8Action);
  expect(worst.runtimeReplay).toBe('onnxruntime-node'); // replayed on both models' bytes
});
