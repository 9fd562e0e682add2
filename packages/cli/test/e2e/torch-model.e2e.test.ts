// A PyTorch-style FP32 model (Gemm with transB, a Softmax head) through the built command:
// quantize it to int8, verify the int8 model against it over boxes, evaluate both.

import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrtSession, readModelOnnx } from '@quantproof/onnx';
import { argmaxFirst } from '@quantproof/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERIFY_EXIT_CODES } from '../../src/commands/verify.js';
import { EXIT_CODES } from '../../src/index.js';
import { expectCoherentVerification, parseVerification } from '../support/verification.js';
import { FIXTURES, lines, requireBuiltCli, runCli, STACK_FRAME } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (args: string[]): ReturnType<typeof runCli> => runCli(args, { cwd: dir });

interface QuantizeJson {
  method: string;
  format: string;
  bytes: number;
  fp32Bytes: number;
  calibrationStates: number;
  agreementOnVisitedStates: number;
  warnings: string[];
  model: string;
}

/** The decision of an ONNX file at one input, as onnxruntime-node takes it. */
async function ortDecision(path: string, input: readonly number[]): Promise<number> {
  const session = await createOrtSession(new Uint8Array(readFileSync(path)));
  try {
    return argmaxFirst(await session.run(Float32Array.from(input), 1));
  } finally {
    await session.release();
  }
}

let quantized: QuantizeJson;

beforeAll(async () => {
  requireBuiltCli();
  copyFileSync(FIXTURES.torchGemmSoftmax, join(dir, 'torch.onnx'));
  const { code, stdout, stderr } = await cli([
    'quantize',
    '--fp32',
    'torch.onnx',
    '--out',
    'q.onnx',
    '--json',
  ]);
  expect(code, stderr).toBe(EXIT_CODES.ok);
  quantized = JSON.parse(stdout) as QuantizeJson;
});

describe('a PyTorch-exported FP32 policy through quantproof (built CLI, subprocess)', () => {
  it('quantises it to an int8 QDQ model that reads back, reporting its warnings on stderr', async () => {
    expect(quantized.method).toBe('ptq-static');
    expect(quantized.format).toBe('qdq');
    expect(quantized.model).toBe('q.onnx');
    expect(quantized.fp32Bytes).toBe(statSync(FIXTURES.torchGemmSoftmax).size);
    expect(quantized.bytes).toBe(statSync(join(dir, 'q.onnx')).size);
    expect(quantized.calibrationStates).toBeGreaterThan(0);
    expect(readModelOnnx(new Uint8Array(readFileSync(join(dir, 'q.onnx')))).kind).toBe('int8');
    // --json prints exactly one document; the warnings go to stderr, one line each.
    const again = await cli(['quantize', '--fp32', 'torch.onnx', '--out', 'q2.onnx', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ ...quantized, model: 'q2.onnx' });
    expect(lines(again.stderr)).toEqual(quantized.warnings.map((w) => `warning: ${w}`));
    expect(readFileSync(join(dir, 'q2.onnx'))).toEqual(readFileSync(join(dir, 'q.onnx')));
  });

  it('quantises it in the QOperator layout with uint8 activations, printing a summary', async () => {
    const { code, stdout, stderr } = await cli([
      'quantize',
      '--fp32',
      'torch.onnx',
      '--format',
      'qoperator',
      '--activations',
      'uint8',
      '--out',
      'q.qop.onnx',
    ]);
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(stderr).not.toMatch(STACK_FRAME);
    expect(lines(stdout)[0]).toMatch(/^quantised torch\.onnx with ptq-static \(qoperator, /);
    expect(lines(stdout).at(-1)).toBe('wrote q.qop.onnx');
    expect(readModelOnnx(new Uint8Array(readFileSync(join(dir, 'q.qop.onnx')))).kind).toBe('int8');
  });

  it('proves a box around the upright pole consistent (exit 0)', async () => {
    const { code, stdout, stderr } = await cli([
      'verify',
      '--fp32',
      'torch.onnx',
      '--int8',
      'q.onnx',
      '--box',
      '-0.1,0.1;-0.1,0.1;-0.05,0.05;-0.1,0.1',
      // Every leaf is decided in well under a second; the rest of the budget brackets ε*.
      '--timeout',
      '8',
    ]);
    expect(code, stdout + stderr).toBe(VERIFY_EXIT_CODES.consistent);
    expect(stdout).toMatch(
      /^consistent: int8 takes FP32's decision everywhere in the region \(certified\); 100\.0 % proven agree, /,
    );
  });

  it('refutes a point where the int8 model decides otherwise (exit 10), as onnxruntime confirms', async () => {
    const x = [1.5, 0.5, 0, 0];
    const { code, stdout, stderr } = await cli([
      'verify',
      '--fp32',
      'torch.onnx',
      '--int8',
      'q.onnx',
      '--box',
      x.map((v) => `${v},${v}`).join(';'),
      '--json',
    ]);
    expect(code, stderr).toBe(VERIFY_EXIT_CODES.inconsistent);
    const result = parseVerification(JSON.parse(stdout));
    expectCoherentVerification(result);
    expect(result.verdict).toBe('inconsistent');
    // One point where the decisions differ: the whole region is proven to disagree.
    expect(result.leaves.map((l) => l.status)).toEqual(['disagree']);
    expect(result.disagreement).toEqual({ lower: 1, upper: 1, estimate: null });
    expect(result.counterexamples[0]?.input).toEqual(x);
    expect(result.counterexamples[0]?.replay.confirmed).toBe(true);
    // The oracle, independently of the verifier: onnxruntime-node on the two files.
    const fp32 = await ortDecision(join(dir, 'torch.onnx'), x);
    const int8 = await ortDecision(join(dir, 'q.onnx'), x);
    expect(int8).not.toBe(fp32);
  });

  it('ends a short verification of the operating box with the exit code of its verdict', async () => {
    const { code, stdout, stderr } = await cli([
      'verify',
      '--fp32',
      'torch.onnx',
      '--int8',
      'q.onnx',
      '--region',
      'operating',
      '--timeout',
      '1',
      '--json',
    ]);
    const result = parseVerification(JSON.parse(stdout));
    expect(code, stderr).toBe(VERIFY_EXIT_CODES[result.verdict]);
    expect(result.region).toEqual({ lower: [-2.4, -4, -0.2095, -4], upper: [2.4, 4, 0.2095, 4] });
    expectCoherentVerification(result);
    expect(result.counterexamples.every((c) => c.replay.confirmed)).toBe(true);
  });

  it('evaluates the FP32 model with its Softmax head (read, not dropped)', async () => {
    const { code, stdout, stderr } = await cli([
      'eval',
      '--model',
      'torch.onnx',
      '--episodes',
      '5',
      '--json',
    ]);
    expect(code, stderr).toBe(EXIT_CODES.ok);
    const report = JSON.parse(stdout) as {
      kind: string;
      episodes: number;
      mean: number;
      min: number;
      max: number;
      notes: string[];
    };
    expect(report.kind).toBe('fp32');
    expect(report.episodes).toBe(5);
    expect(report.min).toBeLessThanOrEqual(report.mean);
    expect(report.mean).toBeLessThanOrEqual(report.max);
    expect(report.notes.join('\n')).not.toMatch(/Softmax/);
  });

  it('evaluates the int8 model and its agreement with the FP32 model', async () => {
    const { code, stdout, stderr } = await cli([
      'eval',
      '--model',
      'q.onnx',
      '--fp32',
      'torch.onnx',
      '--episodes',
      '5',
    ]);
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(lines(stdout)).toHaveLength(3);
    expect(lines(stdout)[0]).toMatch(
      /^q\.onnx \(int8\): greedy return \d+\.\d\d ± \d+\.\d\d over 5 seeded episodes/,
    );
    expect(lines(stdout)[1]).toMatch(
      /^agreement with torch\.onnx: \d+\.\d\d% of \d+ visited states, \d+\.\d\d% of 10000 operating-box samples$/,
    );
    expect(lines(stdout)[2]).toMatch(/^int8 CPU semantics: \S+ \((detected|default); kernel /);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
