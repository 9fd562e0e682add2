// VNN-LIB on a PyTorch-style export with a Softmax head (Gemm, Relu, Gemm, Softmax; input 'input.1',
// output '13'), through the cli's verifyVnnlib: Y_j are the probabilities the file outputs, which
// onnxruntime-node puts in [0.047, 0.063] for Y_0 on the whole box. `Y_0 >= 0` is sat (dropping the
// head answered unsat: the logit z_0 is below −2.7 there) and `Y_0 >= 1.5` is unsat.
import { type Mlp } from '@quantproof/nn';
import { createOrtSession, writeMlpOnnx } from '@quantproof/onnx';
import { releaseZ3 } from '@quantproof/smt-verify';
import { narrowLogits } from '@quantproof/test-support/tiny-nets';
import { afterAll, describe, expect, it } from 'vitest';
import { ORT_REPLAY_NAME } from '../src/study/ort-replay.js';
import { verifyVnnlib } from '../src/study/vnnlib.js';

afterAll(releaseZ3);

// z_0 = −3 + 0.15·(relu(x_0 + x_1) + relu(x_0 − x_1)) ∈ [−3, −2.7], z_1 = 0 on [−1, 1]², then Softmax.
const network: Mlp = { ...narrowLogits, head: 'softmax' };
const bytes = writeMlpOnnx(network, { inputName: 'input.1', outputName: '13' });

function property(output: string): string {
  return [
    '(declare-const X_0 Real)',
    '(declare-const X_1 Real)',
    '(declare-const Y_0 Real)',
    '(declare-const Y_1 Real)',
    '(assert (>= X_0 -1))',
    '(assert (<= X_0 1))',
    '(assert (>= X_1 -1))',
    '(assert (<= X_1 1))',
    output,
  ].join('\n');
}

describe('verifyVnnlib on a Softmax head', () => {
  it('onnxruntime-node gives Y_0 in [0.04, 0.07] on the whole box', async () => {
    const session = await createOrtSession(bytes);
    try {
      const n = 41;
      const x = new Float32Array(2 * n * n);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++)
          x.set([-1 + (2 * a) / (n - 1), -1 + (2 * b) / (n - 1)], 2 * (a * n + b));
      }
      const p = await session.run(x, n * n);
      for (let r = 0; r < n * n; r++) {
        expect(p[2 * r]!).toBeGreaterThanOrEqual(0.04);
        expect(p[2 * r]!).toBeLessThanOrEqual(0.07);
      }
    } finally {
      await session.release();
    }
  });

  it('Y_0 >= 0: sat, with a witness whose probabilities onnxruntime-node computed on the file', async () => {
    const result = await verifyVnnlib(bytes, property('(assert (>= Y_0 0))'), {
      timeoutSeconds: 30,
    });
    expect(result.kind).toBe('sat');
    if (result.kind !== 'sat') return;
    const { input, output, runtimeReplay } = result.counterexample;
    expect(runtimeReplay).toBe(ORT_REPLAY_NAME);
    const session = await createOrtSession(bytes);
    try {
      expect(await session.run(input, 1)).toEqual(output);
    } finally {
      await session.release();
    }
    expect(output[0]!).toBeGreaterThanOrEqual(0.04);
    expect(output[0]!).toBeLessThanOrEqual(0.07);
  });

  it.each(['(assert (>= Y_0 1.5))', '(assert (>= Y_0 0.07))', '(assert (<= Y_1 0.93))'])(
    '%s: unsat',
    async (output) => {
      const result = await verifyVnnlib(bytes, property(output), { timeoutSeconds: 30 });
      expect(result.kind).toBe('unsat');
    },
  );
});
