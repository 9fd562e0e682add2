// smt-verify's counterexamples replayed in onnxruntime-node through the cli's injected runtime
// (smt-verify imports no runtime; its own suites replay in the executors only). The replay runs
// model files: here the ones our writers produce for the in-memory models.
import { forwardFp32, type Mlp } from '@quantproof/nn';
import { writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import { argmaxFirst, forwardInt8, type QMlpStatic } from '@quantproof/quant';
import { checkAgreement, releaseZ3 } from '@quantproof/smt-verify';
import { diagonal, quantizeTiny } from '@quantproof/test-support/tiny-nets';
import { afterAll, describe, expect, it } from 'vitest';
import { ORT_REPLAY_NAME, type OrtReplay, ortReplayOfFiles } from '../src/study/ort-replay.js';

afterAll(releaseZ3);

/** A replay of the two models as written to .onnx files. */
function replayOf(mlp: Mlp, model: QMlpStatic): OrtReplay {
  return ortReplayOfFiles({
    fp32: { path: 'diagonal.onnx', bytes: writeMlpOnnx(mlp), level: 'all' },
    int8: { path: 'diagonal.int8.onnx', bytes: writeQMlpOnnx(model), level: 'all' },
  });
}

describe('checkAgreement with the onnxruntime-node replay', () => {
  it('refutes a box across the decision boundary with a counterexample replayed in ORT', async () => {
    const model = quantizeTiny(diagonal);
    // A box on the diagonal: every quantisation cell that the line x0 = x1 crosses off its
    // corners holds inputs where int8 (constant on the cell) and FP32 (both signs) differ.
    const box = { lower: [0.1, 0.1], upper: [0.13, 0.13] };
    const result = await checkAgreement(diagonal, model, box, {
      cellFastPath: 0,
      replay: replayOf(diagonal, model),
    });
    expect(result.kind).toBe('inconsistent');
    if (result.kind !== 'inconsistent') return;
    const cex = result.counterexample;
    expect(cex.int8Action).not.toBe(cex.fp32Action);
    expect(argmaxFirst(forwardInt8(model, cex.input))).toBe(cex.int8Action);
    expect(argmaxFirst(forwardFp32(diagonal, cex.input))).toBe(cex.fp32Action);
    expect(cex.runtimeReplay).toBe(ORT_REPLAY_NAME);
    expect(argmaxFirst(cex.ortInt8Logits!)).toBe(cex.int8Action);
    expect(argmaxFirst(cex.ortFp32Logits!)).toBe(cex.fp32Action);
    // The fused QGemm path is bit-exact: ORT's int8 logits are the executor's.
    expect(Array.from(cex.ortInt8Logits!)).toEqual(Array.from(cex.int8Logits));
    expect(cex.fp32Margin).toBeGreaterThan(result.tieTolerance);
  });

  it('runs the cell-oracle fast path with the ORT replay too', async () => {
    const model = quantizeTiny(diagonal);
    const box = { lower: [0.1, 0.1], upper: [0.13, 0.13] };
    const result = await checkAgreement(diagonal, model, box, {
      replay: replayOf(diagonal, model),
    });
    expect(result.kind).toBe('inconsistent');
    if (result.kind !== 'inconsistent') return;
    expect(result.counterexample.runtimeReplay).toBe(ORT_REPLAY_NAME);
    expect(argmaxFirst(result.counterexample.ortInt8Logits!)).toBe(
      result.counterexample.int8Action,
    );
  });
});
