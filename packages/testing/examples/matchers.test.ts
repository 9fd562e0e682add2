// examples/matchers.test.ts — proofs as test assertions (vitest)
import { createMlp, createSeededRng } from '@quantproof/nn';
import { quantizeStatic } from '@quantproof/quant';
import { releaseZ3 } from '@quantproof/testing';
import '@quantproof/testing/vitest';
import { afterAll, expect, it } from 'vitest';

afterAll(releaseZ3); // z3's worker threads end with the suite

// Your models: the bytes of your files, e.g. readFileSync('policy.onnx') and
// readFileSync('policy.qdq.onnx'), or networks in memory as here.
const fp32 = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(7) });
fp32.layers[1]!.bias.set([3, -3]);
const rng = createSeededRng(8);
const calibration = Float32Array.from({ length: 1024 }, () => 0.2 * rng.nextFloat64() - 0.1);
const int8 = quantizeStatic(fp32, calibration).model;
const box = { lower: [-0.05, -0.05, -0.05, -0.05], upper: [0.05, 0.05, 0.05, 0.05] };

it('takes the FP32 decision everywhere in the box, proved', async () => {
  await expect(int8).toTakeFp32Decision(fp32, { box, maxBoxes: 2000 });
  await expect(int8).toHaveFlipMarginBelow(0.01, { fp32, box });
  await expect(int8).toHaveErrorBoundBelow(0.1, { fp32, box });
});
