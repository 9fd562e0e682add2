// `quantproof quantize` on a PyTorch export with a Softmax head writes a drop-in replacement: the
// user's input and output names, probabilities in onnxruntime-node, the same head when read back.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrtSession, readMlpOnnx, readQMlpOnnx } from '@quantproof/onnx';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/index.js';
import { quantproof } from './support/run-quantproof.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-quantize-head-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const torch = new URL('./fixtures/torch-sequential-gemm-softmax.onnx', import.meta.url).pathname;

describe('quantproof quantize keeps the FP32 model’s interface', () => {
  it.each([
    ['ptq-static', ['--format', 'qdq']],
    ['ptq-static', ['--format', 'qoperator', '--activations', 'uint8']],
    ['ptq-dynamic', []],
  ] as const)('%s %s: same names, Softmax head, probabilities out', async (method, extra) => {
    const out = join(dir, `${method}-${extra.join('')}.onnx`);
    const q = await quantproof([
      'quantize',
      '--fp32',
      torch,
      '--method',
      method,
      ...extra,
      '--out',
      out,
      '--json',
    ]);
    expect(q.code, q.err).toBe(EXIT_CODES.ok);
    expect(JSON.parse(q.out)).toMatchObject({ outputName: '13', head: 'softmax' });
    const source = readMlpOnnx(new Uint8Array(readFileSync(torch)));
    const bytes = new Uint8Array(readFileSync(out));
    const read = readQMlpOnnx(bytes);
    expect([read.inputName, read.outputName]).toEqual([source.inputName, source.outputName]);
    expect(read.model.head).toBe('softmax');
    const session = await createOrtSession(bytes);
    try {
      const rows = 64;
      const x = Float32Array.from({ length: rows * 4 }, (_, i) => Math.sin(i) * 0.2);
      const p = await session.run(x, rows);
      for (let r = 0; r < rows; r++) {
        const [a, b] = [p[2 * r]!, p[2 * r + 1]!];
        expect(a).toBeGreaterThanOrEqual(0);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(Math.abs(a + b - 1)).toBeLessThan(1e-6);
      }
    } finally {
      await session.release();
    }
  });
});
