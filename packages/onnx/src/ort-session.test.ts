import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CARTPOLE_BOX, heUniformMlp, uniformInputs } from '../test/helpers/mlp-fixtures.js';
import { encode, floatValue, model, node } from '../test/helpers/onnx-objects.js';
import {
  InvalidRunInputError,
  OrtRunError,
  OrtSessionError,
  SessionReleasedError,
  UnsupportedNodeError,
} from './errors.js';
import { createOrtSession } from './ort-session.js';
import { readMlpOnnx } from './read-mlp.js';
import { writeMlpOnnx } from './write-mlp.js';

const mlp = heUniformMlp([4, 16, 16, 2], 9);
const bytes = writeMlpOnnx(mlp);
const dir = mkdtempSync(join(tmpdir(), 'quantproof-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createOrtSession', () => {
  it('runs the same model from bytes and from a path, batched and one row at a time', async () => {
    const path = join(dir, 'mlp.onnx');
    writeFileSync(path, bytes);
    const fromBytes = await createOrtSession(bytes);
    const fromPath = await createOrtSession(path, { intraOpNumThreads: 2 });
    expect([fromBytes.inputName, fromBytes.outputName, fromBytes.inputFeatures]).toEqual([
      'obs',
      'logits',
      4,
    ]);
    const x = uniformInputs(CARTPOLE_BOX, 32, 1);
    const batched = await fromBytes.run(x, 32);
    expect(batched).toHaveLength(64);
    expect(await fromPath.run(x, 32)).toEqual(batched);
    for (let r = 0; r < 32; r++) {
      const row = await fromBytes.run(x.subarray(r * 4, r * 4 + 4), 1);
      for (let j = 0; j < 2; j++) {
        expect(Math.abs((row[j] ?? NaN) - (batched[r * 2 + j] ?? NaN))).toBeLessThan(1e-5);
      }
    }
    await fromBytes.release();
    await fromPath.release();
  });

  it('saves the optimised graph: plain ONNX at "basic", fused contrib operators at "all"', async () => {
    const basicPath = join(dir, 'basic.onnx');
    const allPath = join(dir, 'all.onnx');
    const basic = await createOrtSession(bytes, {
      graphOptimizationLevel: 'basic',
      optimizedModelFilePath: basicPath,
    });
    // Errors only: ORT warns that a model saved at level 'all' may be specific to this machine.
    const all = await createOrtSession(bytes, {
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: allPath,
      logSeverityLevel: 3,
    });
    const x = uniformInputs(CARTPOLE_BOX, 8, 2);
    expect(await basic.run(x, 8)).toEqual(await all.run(x, 8));
    await basic.release();
    await all.release();
    expect(readMlpOnnx(new Uint8Array(readFileSync(basicPath))).mlp).toEqual(mlp);
    expect(existsSync(allPath)).toBe(true);
    // Gemm + Relu become com.microsoft FusedGemm, which is not an operator of the FP32 reader.
    const fused = new Uint8Array(readFileSync(allPath));
    expect(() => readMlpOnnx(fused)).toThrow(UnsupportedNodeError);
    expect(() => readMlpOnnx(fused)).toThrow(/\(FusedGemm\).*domain 'com.microsoft'/);
  });

  it('wraps ORT rejecting a model in OrtSessionError', async () => {
    const unknownOp = encode(
      model({
        name: 'g',
        node: [node('NoSuchOperator', 'n', ['x'], ['y'])],
        input: [floatValue('x', ['N', 4])],
        output: [floatValue('y', ['N', 4])],
      }),
    );
    await expect(createOrtSession(unknownOp)).rejects.toThrow(OrtSessionError);
    await expect(createOrtSession(unknownOp)).rejects.toThrow(/NoSuchOperator/);
    await expect(createOrtSession(Uint8Array.of(1, 2, 3, 4))).rejects.toThrow(
      /onnxruntime-node rejected the model \(4 bytes\)/,
    );
    await expect(createOrtSession(join(dir, 'missing.onnx'))).rejects.toThrow(OrtSessionError);
  });
});

describe('OrtSession.run', () => {
  it('rejects inputs that are not [batch, features] before calling ORT', async () => {
    const session = await createOrtSession(bytes);
    await expect(session.run(new Float32Array(8), 0)).rejects.toThrow(InvalidRunInputError);
    await expect(session.run(new Float32Array(9), 2)).rejects.toThrow(/do not split into 2/);
    await expect(session.run(new Float32Array(10), 2)).rejects.toThrow(/5 features per row/);
    await session.release();
    await expect(session.run(new Float32Array(4), 1)).rejects.toThrow(SessionReleasedError);
  });

  it('wraps ORT failing a run in OrtRunError (a fixed batch of 1 run with 2 rows)', async () => {
    const cartpole = new Uint8Array(
      readFileSync(new URL('../test/fixtures/vnncomp2022-rl/cartpole.onnx', import.meta.url)),
    );
    const session = await createOrtSession(cartpole);
    await expect(session.run(new Float32Array(8), 2)).rejects.toThrow(OrtRunError);
    expect(await session.run(new Float32Array(4), 1)).toHaveLength(2);
    await session.release();
  });
});
