// Differential tests of the FP32 path against onnxruntime-node: our writer's files, third-party
// files from VNN-COMP 2022 and torch-style fixtures, each run in ORT and compared with a float32
// reference forward of the Mlp our reader returns.
import { readFileSync } from 'node:fs';
import type { Mlp } from '@quantproof/nn';
import { mlpInputSize, mlpOutputSize } from '@quantproof/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrtSession, readMlpOnnx, writeMlpOnnx } from '../src/index.js';
import type { OrtSession } from '../src/index.js';
import { TORCH_FIXTURES } from './fixtures/make-torch-style.js';
import { CARTPOLE_BOX, heUniformMlp, uniformInputs } from './helpers/mlp-fixtures.js';
import { argmaxRow, marginRow, referenceForwardFp32 } from './helpers/reference-forward.js';

// Decisions closer than this are ties: float32 summation order may legitimately flip them.
const TIE_MARGIN = 1e-5;

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

interface Comparison {
  readonly maxAbsDiff: number;
  readonly maxRelDiff: number;
  readonly decisionMismatches: number;
  readonly ties: number;
}

/** Runs `rows` inputs through ORT in batches of `batch` and compares with the reference. */
async function compareWithOrt(
  session: OrtSession,
  mlp: Mlp,
  inputs: Float32Array,
  rows: number,
  batch: number,
  transform: (logits: Float32Array) => Float32Array = (logits) => logits,
): Promise<Comparison> {
  const n = mlpInputSize(mlp);
  const k = mlpOutputSize(mlp);
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  let decisionMismatches = 0;
  let ties = 0;
  for (let start = 0; start < rows; start += batch) {
    const count = Math.min(batch, rows - start);
    const x = inputs.subarray(start * n, (start + count) * n);
    const ort = await session.run(x, count);
    const reference = referenceForwardFp32(mlp, x, count);
    const expected = transform(reference);
    expect(ort.length).toBe(count * k);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < k; j++) {
        const e = expected[r * k + j] ?? NaN;
        const diff = Math.abs((ort[r * k + j] ?? NaN) - e);
        maxAbsDiff = Math.max(maxAbsDiff, diff);
        maxRelDiff = Math.max(maxRelDiff, diff / Math.max(1, Math.abs(e)));
      }
      if (marginRow(reference, r * k, k) < TIE_MARGIN) {
        ties++;
      } else if (argmaxRow(reference, r * k, k) !== argmaxRow(ort, r * k, k)) {
        decisionMismatches++;
      }
    }
  }
  return { maxAbsDiff, maxRelDiff, decisionMismatches, ties };
}

describe('our writer vs onnxruntime-node', () => {
  const mlp = heUniformMlp([4, 64, 64, 2], 7);
  let session: OrtSession;
  beforeAll(async () => {
    session = await createOrtSession(writeMlpOnnx(mlp));
  });
  afterAll(() => session.release());

  it('a 4-64-64-2 MLP agrees on 100 000 CartPole states', async () => {
    const rows = 100_000;
    const inputs = uniformInputs(CARTPOLE_BOX, rows, 11);
    const result = await compareWithOrt(session, mlp, inputs, rows, 1000);
    console.log(
      `4-64-64-2 parity over ${rows} inputs: max |logit diff| = ${result.maxAbsDiff.toExponential(3)}, ` +
        `ties (margin < ${TIE_MARGIN}) skipped = ${result.ties}`,
    );
    expect(result.decisionMismatches).toBe(0);
    // Logits here are O(1-10), where a float32 ulp is ~1e-7 to 1e-6. ORT's MLAS sums in blocks
    // with FMA, the reference left to right without: over 64-term sums they may differ by some
    // tens of ulps, far below 1e-4, while a wrong weight layout or bias is off by O(1).
    expect(result.maxAbsDiff).toBeLessThan(1e-4);
  });
});

describe.each([
  // name, input box, rows compared, batch size ORT accepts
  ['cartpole.onnx', CARTPOLE_BOX, 2000, 1],
  ['lunarlander.onnx', Array.from({ length: 8 }, () => [-1, 1] as const), 2000, 1],
  ['dubinsrejoin.onnx', Array.from({ length: 8 }, () => [-1, 1] as const), 2000, 250],
] as const)('VNN-COMP 2022 %s read by us vs onnxruntime-node', (name, box, rows, batch) => {
  const bytes = fixture(`vnncomp2022-rl/${name}`);
  const read = readMlpOnnx(bytes);
  let session: OrtSession;
  beforeAll(async () => {
    session = await createOrtSession(bytes);
  });
  afterAll(() => session.release());

  it('reads as an MLP with the batch dimension the file declares', () => {
    expect(read.opset).toBe(10);
    expect(read.batch).toEqual(
      batch === 1 ? { kind: 'fixed', size: 1 } : { kind: 'symbolic', name: 'unk__6' },
    );
    expect(read.notes).toHaveLength(batch === 1 ? 1 : 0);
  });

  it('computes the same outputs', async () => {
    const inputs = uniformInputs(box, rows, 23);
    const result = await compareWithOrt(session, read.mlp, inputs, rows, batch);
    console.log(
      `${name}: ${read.mlp.layers.map((l) => l.inFeatures).join('-')}-${mlpOutputSize(read.mlp)}, ` +
        `max |diff| = ${result.maxAbsDiff.toExponential(3)}, max rel = ${result.maxRelDiff.toExponential(3)}, ties = ${result.ties}`,
    );
    expect(result.decisionMismatches).toBe(0);
    expect(result.maxRelDiff).toBeLessThan(1e-4);
  });
});

/** Row-wise softmax in float64 of `k`-wide rows: what ORT's Softmax computes, up to rounding. */
function softmaxRows(k: number): (logits: Float32Array) => Float32Array {
  return (logits) => {
    const out = new Float32Array(logits.length);
    for (let r = 0; r * k < logits.length; r++) {
      const row = Array.from(logits.subarray(r * k, (r + 1) * k));
      const max = Math.max(...row);
      const exps = row.map((v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      exps.forEach((e, j) => {
        out[r * k + j] = e / sum;
      });
    }
    return out;
  };
}

describe('torch-style fixtures read by us vs onnxruntime-node', () => {
  it('Gemm + Softmax: read as the softmax head, and ORT agrees', async () => {
    const bytes = fixture(TORCH_FIXTURES.gemmSoftmax);
    const read = readMlpOnnx(bytes);
    expect(read).toMatchObject({
      inputName: 'input.1',
      outputName: '13',
      batch: { kind: 'symbolic', name: 'batch_size' },
      opset: 17,
      irVersion: 8,
      producer: { name: 'pytorch', version: '2.5.1' },
    });
    expect(read.notes).toEqual([]);
    expect(read.mlp.head).toBe('softmax');
    expect(read.mlp.layers.map((l) => [l.inFeatures, l.outFeatures, l.activation])).toEqual([
      [4, 32, 'relu'],
      [32, 32, 'relu'],
      [32, 2, 'identity'],
    ]);
    const session = await createOrtSession(bytes);
    try {
      // ORT returns probabilities; values are compared after a float64 softmax of our logits.
      const rows = 5000;
      const result = await compareWithOrt(
        session,
        read.mlp,
        uniformInputs(CARTPOLE_BOX, rows, 31),
        rows,
        500,
        softmaxRows(2),
      );
      expect(result.decisionMismatches).toBe(0);
      expect(result.maxAbsDiff).toBeLessThan(1e-5);
    } finally {
      await session.release();
    }
  });

  it('Gemm + Softmax: our re-written file gives the original file’s ORT output, bit for bit', async () => {
    const bytes = fixture(TORCH_FIXTURES.gemmSoftmax);
    const read = readMlpOnnx(bytes);
    const rewritten = writeMlpOnnx(read.mlp, {
      inputName: read.inputName,
      outputName: read.outputName,
    });
    const [original, ours] = await Promise.all([
      createOrtSession(bytes),
      createOrtSession(rewritten),
    ]);
    try {
      const rows = 5000;
      const inputs = uniformInputs(CARTPOLE_BOX, rows, 41);
      const a = await original.run(inputs, rows);
      const b = await ours.run(inputs, rows);
      expect(new Uint32Array(b.buffer, b.byteOffset, b.length)).toEqual(
        new Uint32Array(a.buffer, a.byteOffset, a.length),
      );
      expect(readMlpOnnx(rewritten).mlp).toEqual(read.mlp);
    } finally {
      await original.release();
      await ours.release();
    }
  });

  it('Flatten + MatMul + Add with float_data: read with weights transposed, and ORT agrees', async () => {
    const bytes = fixture(TORCH_FIXTURES.matMulAdd);
    const read = readMlpOnnx(bytes);
    expect(read).toMatchObject({ inputName: 'obs', outputName: 'logits', notes: [] });
    expect(read.mlp.layers.map((l) => [l.inFeatures, l.outFeatures, l.activation])).toEqual([
      [4, 16, 'relu'],
      [16, 2, 'identity'],
    ]);
    const session = await createOrtSession(bytes);
    try {
      const rows = 5000;
      const inputs = uniformInputs(CARTPOLE_BOX, rows, 37);
      const result = await compareWithOrt(session, read.mlp, inputs, rows, 500);
      expect(result.decisionMismatches).toBe(0);
      expect(result.maxAbsDiff).toBeLessThan(1e-5);
    } finally {
      await session.release();
    }
  });
});
