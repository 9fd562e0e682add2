// What `verify`, `vnnlib` and `eval` assume, through the built command: the int8 CPU semantics
// (detected on this machine, or --cpu-semantics for the machine the model is deployed on), the
// runtime and session options of the replay, the theorem and the tie tolerance.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mlp } from '@quantproof/nn';
import { writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import type { QMlpStatic } from '@quantproof/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { VERIFY_EXIT_CODES } from '../../src/commands/verify.js';
import { detectCpuSemantics } from '../../src/study/cpu-semantics.js';
import type { VariantVerification } from '../../src/study/verify-region.js';
import { FIXTURES, lines, requireBuiltCli, runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-assumptions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => join(dir, name);
const torch = FIXTURES.torchGemmSoftmax;

/**
 * A CartPole-shaped u8s8 policy whose pair (x, ẋ) saturates on AVX2: logit 0 is 127·(q_x + q_ẋ)
 * against logit 1's bias 50 000. With exact sums it pushes left once q_x + q_ẋ > 393; with the
 * pair sum saturated at 32 767 it never does.
 */
const saturating: QMlpStatic = {
  format: 'qoperator',
  executionPath: { kind: 'fused-integer' },
  input: { scale: Math.fround(0.0001), zeroPoint: 0, elementType: 'uint8' },
  layers: [
    {
      inFeatures: 4,
      outFeatures: 2,
      weight: Int8Array.of(127, 127, 0, 0, 0, 0, 0, 0),
      weightQuant: {
        elementType: 'int8',
        granularity: 'per-tensor',
        scales: Float32Array.of(1),
        zeroPoints: Int32Array.of(0),
        bits: 8,
      },
      bias: Int32Array.of(0, 50_000),
      activation: 'identity',
      output: null,
    },
  ],
  logits: 'float',
};

/** The FP32 network the saturating policy quantises (same weights, in real units). */
const saturatingFp32: Mlp = {
  layers: [
    {
      inFeatures: 4,
      outFeatures: 2,
      weight: Float32Array.of(127, 127, 0, 0, 0, 0, 0, 0),
      bias: Float32Array.of(0, Math.fround(50_000 * 0.0001)),
      activation: 'identity',
    },
  ],
};

beforeAll(async () => {
  requireBuiltCli();
  writeFileSync(file('saturating.onnx'), writeMlpOnnx(saturatingFp32));
  writeFileSync(file('saturating.int8.onnx'), writeQMlpOnnx(saturating));
  const quantized = await runCli(['quantize', '--fp32', torch, '--out', 'q.onnx'], { cwd: dir });
  expect(quantized.code, quantized.stderr).toBe(EXIT_CODES.ok);
});

const VERDICT_CODES: readonly number[] = Object.values(VERIFY_EXIT_CODES);

describe('verify states what it assumed', () => {
  it('prints the CPU semantics, the replay, the tolerance and the theorem', async () => {
    const { code, stdout, stderr } = await runCli(
      ['verify', '--fp32', torch, '--int8', 'q.onnx', '--timeout', '3'],
      { cwd: dir },
    );
    expect(VERDICT_CODES, stderr).toContain(code);
    // The answer, then (where leaves are open) why, then what was assumed.
    const all = lines(stdout);
    expect(all[0]).toMatch(/^(consistent|inconsistent|unknown): int8 /);
    const out = all[1]?.startsWith('open: ') === true ? [all[0], ...all.slice(2)] : all;
    expect(out[1]).toMatch(/; tie tolerance that applied \(largest over the leaves\): \S+$/);
    expect(out[2]).toMatch(
      /^int8 CPU semantics: (vnni-exact|avx2-u8s8-saturating) \((detected|default); kernel .+; .+\)$/,
    );
    expect(out[3]).toMatch(
      /^replay: counterexamples run in onnxruntime-node 1\.30\.0 on --fp32 \S+torch-sequential-gemm-softmax\.onnx \(5875 bytes as given; cpu execution provider, graphOptimizationLevel all, intraOpNumThreads 1\) and --int8 q\.onnx \(\d+ bytes as given; cpu execution provider, graphOptimizationLevel all, intraOpNumThreads 1\)$/,
    );
    expect(out[4]).toMatch(/^theorem: consistent means: for every float32 input x of the region/);
  });

  it('proves for the semantics --cpu-semantics names and records it in the JSON', async () => {
    const { code, stdout, stderr } = await runCli(
      [
        'verify',
        '--fp32',
        torch,
        '--int8',
        'q.onnx',
        '--timeout',
        '3',
        '--cpu-semantics',
        'avx2-u8s8-saturating',
        '--json',
      ],
      { cwd: dir },
    );
    expect(VERDICT_CODES, stderr).toContain(code);
    const result = JSON.parse(stdout) as VariantVerification;
    expect(result.cpuSemantics).toMatchObject({
      semantics: 'avx2-u8s8-saturating',
      source: 'given',
      reason: expect.stringMatching(/^given by --cpu-semantics; /) as unknown,
    });
    expect(result.theorem).toMatch(/CPU semantics avx2-u8s8-saturating/);
    // int8 activations run the exact s8s8 kernels on every CPU: this machine can replay them.
    expect(result.replay.notReplayed).toBeNull();
    expect(result.replay.runtime).toBe('onnxruntime-node 1.30.0');
  });

  it('does not replay a model whose pair sums saturate on a machine that computes otherwise', async () => {
    const here = (await detectCpuSemantics())?.semantics ?? null;
    const other = here === 'avx2-u8s8-saturating' ? 'vnni-exact' : 'avx2-u8s8-saturating';
    const { code, stdout, stderr } = await runCli(
      [
        'verify',
        '--fp32',
        'saturating.onnx',
        '--int8',
        'saturating.int8.onnx',
        '--box',
        '0,0.05;0,0.05;0,0;0,0',
        '--max-boxes',
        '20',
        '--timeout',
        '5',
        '--cpu-semantics',
        other,
        '--json',
      ],
      { cwd: dir },
    );
    expect(VERDICT_CODES, stderr).toContain(code);
    const result = JSON.parse(stdout) as VariantVerification;
    expect(result.cpuSemantics.semantics).toBe(other);
    expect(result.replay.runtime).toBe('none');
    expect(result.replay.notReplayed).toMatch(
      /counterexamples are replayed in the executors only — replay them on the deployment machine$/,
    );
    for (const c of result.counterexamples) expect(c.replay.runtime).toBe('none');
  });
});

describe('eval evaluates the int8 model with the chosen CPU semantics', () => {
  it('records the semantics, and a saturating pair changes the policy on AVX2', async () => {
    const returns: Record<string, number> = {};
    for (const semantics of ['vnni-exact', 'avx2-u8s8-saturating']) {
      const { code, stdout, stderr } = await runCli(
        [
          'eval',
          '--model',
          'saturating.int8.onnx',
          '--episodes',
          '20',
          '--cpu-semantics',
          semantics,
          '--json',
        ],
        { cwd: dir },
      );
      expect(code, stderr).toBe(EXIT_CODES.ok);
      const report = JSON.parse(stdout) as {
        mean: number;
        cpuSemantics: { semantics: string; source: string };
      };
      expect(report.cpuSemantics).toMatchObject({ semantics, source: 'given' });
      returns[semantics] = report.mean;
    }
    expect(returns['vnni-exact']).not.toBe(returns['avx2-u8s8-saturating']);
    const text = await runCli(['eval', '--model', 'saturating.int8.onnx', '--episodes', '2'], {
      cwd: dir,
    });
    expect(lines(text.stdout)[1]).toMatch(/^int8 CPU semantics: \S+ \((detected|default);/);
  });
});

describe('vnnlib states what it assumed', () => {
  it('records the CPU semantics and the replay of the original file in --json', async () => {
    const { code, stdout, stderr } = await runCli(
      ['vnnlib', '--onnx', FIXTURES.vnncompCartpole, '--vnnlib', FIXTURES.vnnlibSat, '--json'],
      { cwd: dir },
    );
    expect(code, stderr).toBe(EXIT_CODES.ok);
    const report = JSON.parse(stdout) as {
      verdict: string;
      counterexample: { runtime: string } | null;
      cpuSemantics: { source: string };
      replay: { runtime: string; files: { role: string; bytes: number }[] };
    };
    expect(report.verdict).toBe('sat');
    expect(report.counterexample?.runtime).toBe('onnxruntime-node');
    expect(['detected', 'default']).toContain(report.cpuSemantics.source);
    expect(report.replay.runtime).toBe('onnxruntime-node 1.30.0');
    expect(report.replay.files.map((f) => f.role)).toEqual(['fp32']);
  });
});

describe('verify on a box out to ±FLT_MAX (built CLI, subprocess)', () => {
  it('accepts the valid float32 box and answers with a verdict, not an internal error', async () => {
    const max = 3.4028234663852886e38;
    const before = readdirSync(dir).sort();
    const { code, stdout, stderr } = await runCli(
      [
        'verify',
        '--fp32',
        'saturating.onnx',
        '--int8',
        'saturating.int8.onnx',
        '--box',
        `${-max},${max};0,1;0,1;0,1`,
        '--timeout',
        '5',
      ],
      { cwd: dir },
    );
    expect(VERDICT_CODES, stderr).toContain(code);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(lines(stdout)[0]).toMatch(/^(consistent|inconsistent|unknown): /);
    expect(lines(stdout)[0]).not.toMatch(/^consistent/); // float32 overflows on this box
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
