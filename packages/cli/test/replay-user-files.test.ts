// Counterexamples are replayed in onnxruntime-node on the user's own files, bytes as given, with
// the session options recorded: the replayed outputs equal a fresh onnxruntime-node run of the
// bytes on disk, and a replay never runs a model re-written from what the reader understood.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMlp, createSeededRng } from '@quantproof/nn';
import { createOrtSession, writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import { quantizeDynamic } from '@quantproof/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/index.js';
import { quantproof } from './support/run-quantproof.js';
import { expectCoherentVerification, parseVerification } from './support/verification.js';
import { VERIFY_EXIT_CODES } from '../src/commands/verify.js';
import { ortReplayOfFiles } from '../src/study/ort-replay.js';
import type { VariantVerification } from '../src/study/verify-region.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const torch = new URL('fixtures/torch-sequential-gemm-softmax.onnx', import.meta.url).pathname;
const int8 = join(dir, 'q.onnx');

/** onnxruntime-node's outputs of the file at `path` for one input, in a session of its own. */
async function freshRun(path: string, input: readonly number[]): Promise<number[]> {
  const session = await createOrtSession(new Uint8Array(readFileSync(path)), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
  });
  try {
    return Array.from(await session.run(Float32Array.from(input), 1));
  } finally {
    await session.release();
  }
}

beforeAll(async () => {
  // A PyTorch export with a Softmax head, and the int8 model `quantize` writes for it.
  const q = await quantproof(['quantize', '--fp32', torch, '--out', int8]);
  expect(q.code, q.err).toBe(EXIT_CODES.ok);
});

describe('ortReplayOfFiles', () => {
  it('runs the given bytes and ignores the model arguments', async () => {
    const a = createMlp({ sizes: [3, 5, 2], rng: createSeededRng(1) });
    const b = createMlp({ sizes: [3, 5, 2], rng: createSeededRng(2) });
    const aBytes = writeMlpOnnx(a);
    const aInt8 = writeQMlpOnnx(quantizeDynamic(a).model);
    const replay = ortReplayOfFiles({
      fp32: { path: 'a.onnx', bytes: aBytes, level: 'all' },
      int8: { path: 'a.int8.onnx', bytes: aInt8, level: 'all' },
    });
    try {
      const x = Float32Array.of(0.3, -0.7, 1.1);
      const session = async (bytes: Uint8Array): Promise<number[]> => {
        const s = await createOrtSession(bytes);
        const y = Array.from(await s.run(x, 1));
        await s.release();
        return y;
      };
      // Called with another network than the file holds, it still runs the file.
      expect(Array.from(await replay.fp32(b, x))).toEqual(await session(aBytes));
      expect(Array.from(await replay.int8(quantizeDynamic(b).model, x))).toEqual(
        await session(aInt8),
      );
      expect(await session(writeMlpOnnx(b))).not.toEqual(await session(aBytes));
      expect(replay.record).toEqual({
        runtime: 'onnxruntime-node 1.30.0',
        files: [
          {
            role: 'fp32',
            path: 'a.onnx',
            bytes: aBytes.length,
            sessionOptions: {
              executionProvider: 'cpu',
              graphOptimizationLevel: 'all',
              intraOpNumThreads: 1,
            },
          },
          {
            role: 'int8',
            path: 'a.int8.onnx',
            bytes: aInt8.length,
            sessionOptions: {
              executionProvider: 'cpu',
              graphOptimizationLevel: 'all',
              intraOpNumThreads: 1,
            },
          },
        ],
      });
    } finally {
      await replay.release();
    }
  });
});

describe('verify replays counterexamples on the user’s files', () => {
  it('records outputs equal to a fresh onnxruntime-node run of the bytes on disk', async () => {
    const { code, out, err } = await quantproof([
      'verify',
      '--fp32',
      torch,
      '--int8',
      int8,
      '--timeout',
      '5',
      '--workers',
      '0',
      '--json',
    ]);
    const result = JSON.parse(out) as VariantVerification;
    expect(code, err).toBe(VERIFY_EXIT_CODES.inconsistent);
    expect(result.counterexamples.length).toBeGreaterThan(0);
    expect(result.replay.notReplayed).toBeNull();
    expect(result.replay.files.map((f) => [f.role, f.path, f.bytes])).toEqual([
      ['fp32', torch, readFileSync(torch).length],
      ['int8', int8, readFileSync(int8).length],
    ]);
    for (const c of result.counterexamples) {
      expect(c.replay.runtime).toBe('onnxruntime-node');
      expect(c.replay.confirmed).toBe(true);
      // The Softmax head is in the user's file: the runtime's outputs are probabilities.
      expect(c.replay.fp32Logits).toEqual(await freshRun(torch, c.input));
      expect(c.replay.int8Logits).toEqual(await freshRun(int8, c.input));
    }
    // What was assumed is stated: the theorem, the tolerance, the CPU semantics and the replay.
    expect(result.theorem).toMatch(/^consistent means: for every float32 input x of the region/);
    expect(result.tieTolerance).toBe(Math.max(0, ...result.leaves.map((l) => l.tieTolerance)));
    expectCoherentVerification(parseVerification(result));
    expect(['detected', 'default']).toContain(result.cpuSemantics.source);
  });
});
