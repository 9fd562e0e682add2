// A consumer project's test suite with @quantproof/testing's matchers under vitest, on the model
// files write-models.mjs wrote: the int8 model that takes the FP32 decision on the box is proved,
// the one with the negated output layer is refuted with a counterexample replayed in
// onnxruntime-node, and an aimed fast-check property finds one too.
import { readFileSync } from 'node:fs';
import { createDecisionJudge, regionInputs, releaseZ3 } from '@quantproof/testing';
import '@quantproof/testing/vitest';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';

afterAll(releaseZ3);

const fp32 = readFileSync('fp32.onnx');
const int8 = readFileSync('int8.onnx');
const flipped = readFileSync('int8-flipped.onnx');
const box = { lower: [-0.05, -0.05, -0.05, -0.05], upper: [0.05, 0.05, 0.05, 0.05] };

it('proves the int8 model takes the FP32 decision on the box', async () => {
  await expect(int8).toTakeFp32Decision(fp32, { box, maxBoxes: 2000, seconds: 60 });
  await expect(int8).toHaveFlipMarginBelow(0.001, { fp32, box, maxBoxes: 2000, seconds: 60 });
}, 150_000); // a proof takes seconds (vitest's default limit is 5 s)

it('refutes the flipped int8 model with a replayed counterexample and its seed', async () => {
  await expect(
    expect(flipped).toTakeFp32Decision(fp32, { box, maxBoxes: 2000, seconds: 60 }),
  ).rejects.toThrow(/refuted: [\s\S]*replayed in onnxruntime-node[\s\S]*seed/);
}, 150_000);

it('finds a counterexample with an aimed fast-check property', async () => {
  const judge = createDecisionJudge(fp32, flipped);
  const run = await fc.check(
    fc.asyncProperty(regionInputs(fp32, flipped, { box }), judge.takesFp32Decision),
    { seed: 1, numRuns: 50 },
  );
  await judge.release();
  expect(run.failed).toBe(true);
  expect(judge.counterexamples[0]?.runtimeReplay).toBe('onnxruntime-node');
}, 150_000);
