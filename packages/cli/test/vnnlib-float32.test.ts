// VNN-LIB's Y_j are the float32 outputs the file computes, in onnxruntime-node: y = x + 2²⁴ at
// x = 1 is 2²⁴ + 1 in exact arithmetic but 2²⁴ in float32 (ties to even), so `Y_0 <= 16777216` is
// `sat` — a real-arithmetic verifier answers `unsat` — and `Y_0 <= 16777208` is `unsat`.
import type { Mlp } from '@quantproof/nn';
import { createOrtSession, writeMlpOnnx } from '@quantproof/onnx';
import { releaseZ3 } from '@quantproof/smt-verify';
import { afterAll, describe, expect, it } from 'vitest';
import { ORT_REPLAY_NAME } from '../src/study/ort-replay.js';
import { verifyVnnlib } from '../src/study/vnnlib.js';

afterAll(releaseZ3);

const network: Mlp = {
  layers: [
    {
      inFeatures: 1,
      outFeatures: 1,
      weight: Float32Array.of(1),
      bias: Float32Array.of(2 ** 24),
      activation: 'identity',
    },
  ],
};
const bytes = writeMlpOnnx(network);

function property(limit: number): string {
  return [
    '(declare-const X_0 Real)',
    '(declare-const Y_0 Real)',
    '(assert (>= X_0 1.0))',
    '(assert (<= X_0 1.0))',
    `(assert (<= Y_0 ${limit}.0))`,
  ].join('\n');
}

describe('VNN-LIB on float32 outputs', () => {
  it('onnxruntime-node computes 2^24 at x = 1', async () => {
    const session = await createOrtSession(bytes);
    try {
      expect(Array.from(await session.run(Float32Array.of(1), 1))).toEqual([2 ** 24]);
    } finally {
      await session.release();
    }
  });

  it('a condition met only in float32 is sat, confirmed in onnxruntime-node', async () => {
    const result = await verifyVnnlib(bytes, property(16777216), { timeoutSeconds: 30 });
    expect(result.kind).toBe('sat');
    if (result.kind !== 'sat') return;
    expect(result.counterexample.runtimeReplay).toBe(ORT_REPLAY_NAME);
    expect(Array.from(result.counterexample.output)).toEqual([2 ** 24]);
  });

  it('a condition no float32 execution meets is unsat', async () => {
    const result = await verifyVnnlib(bytes, property(16777208), { timeoutSeconds: 30 });
    expect(result.kind).toBe('unsat');
  });
});
