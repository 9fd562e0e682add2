import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createMlp, createSeededRng } from '@quantproof/nn';
import { readModelOnnx, writeMlpOnnx } from '@quantproof/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/index.js';
import { quantproof } from './support/run-quantproof.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-quantize-'));
const fp32 = join(dir, 'policy.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const { code } = await quantproof(['train', '--seed', '4', '--out', fp32]);
  expect(code).toBe(EXIT_CODES.ok);
});

describe('quantproof quantize and eval', () => {
  it.each([
    ['ptq-static', 'qdq', ['--format', 'qdq']],
    ['ptq-static', 'qoperator', ['--format', 'qoperator', '--activations', 'uint8']],
    [
      'ptq-static',
      'qoperator',
      ['--format', 'qoperator', '--activations', 'uint8', '--input-scale', 'per-feature'],
    ],
    ['ptq-dynamic', 'dynamic', []],
  ] as const)(
    'quantises with %s into a %s model that reads back and evaluates',
    async (method, format, extra) => {
      const out = join(dir, `${method}-${format}-${extra.length}.onnx`);
      const q = await quantproof([
        'quantize',
        '--fp32',
        fp32,
        '--method',
        method,
        ...extra,
        '--out',
        out,
        '--json',
      ]);
      expect(q.code).toBe(EXIT_CODES.ok);
      const report = JSON.parse(q.out) as {
        format: string;
        agreementOnVisitedStates: number;
        bytes: number;
        inputScale: string;
      };
      expect(report.format).toBe(format);
      expect(report.agreementOnVisitedStates).toBeGreaterThan(0.5);
      const perFeature = (extra as readonly string[]).includes('per-feature');
      expect(report.inputScale).toBe(perFeature ? 'per-feature' : 'per-tensor');
      const read = readModelOnnx(new Uint8Array(readFileSync(out)));
      expect(read.kind).toBe('int8');
      if (
        read.kind === 'int8' &&
        (read.model.format === 'qdq' || read.model.format === 'qoperator')
      ) {
        expect(read.model.inputScales?.length).toBe(perFeature ? 4 : undefined);
      }
      const e = await quantproof([
        'eval',
        '--model',
        out,
        '--fp32',
        fp32,
        '--episodes',
        '5',
        '--json',
      ]);
      expect(e.code).toBe(EXIT_CODES.ok);
      const evaluation = JSON.parse(e.out) as {
        kind: string;
        episodes: number;
        agreement: { boxCount: number };
      };
      expect(evaluation.kind).toBe('int8');
      expect(evaluation.episodes).toBe(5);
      expect(evaluation.agreement.boxCount).toBe(10_000);
    },
  );

  it('says what is wrong with a bad input file, with exit code 3 and nothing written', async () => {
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'this is not a model');
    const before = readdirSync(dir).sort();
    for (const argv of [
      ['quantize', '--fp32', join(dir, 'missing.onnx'), '--out', join(dir, 'never.onnx')],
      ['quantize', '--fp32', junk, '--out', join(dir, 'never.onnx')],
      ['eval', '--model', dir],
    ]) {
      const { code, err } = await quantproof(argv);
      expect(code, argv.join(' ')).toBe(EXIT_CODES.input);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).not.toMatch(/\bat .*:\d+:\d+/);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses per-feature input scales outside QOperator and static methods, with exit code 2', async () => {
    for (const [extra, message] of [
      [['--format', 'qdq'], /needs --format qoperator/],
      [['--method', 'ptq-dynamic', '--format', 'qoperator'], /ptq-dynamic computes its input/],
    ] as const) {
      const { code, err } = await quantproof([
        'quantize',
        '--fp32',
        fp32,
        '--input-scale',
        'per-feature',
        ...extra,
        '--out',
        join(dir, 'never.onnx'),
      ]);
      expect(code).toBe(EXIT_CODES.usage);
      expect(err).toMatch(message);
    }
  });

  it('keeps the logits in float with --logits float: no output ties, and says so when they tie', async () => {
    const layout = ['--format', 'qoperator', '--activations', 'uint8', '--per-channel'];
    const run = async (logits: string) => {
      const out = join(dir, `logits-${logits}.onnx`);
      const args = ['quantize', '--fp32', fp32, ...layout, '--calibrate-on', 'region'];
      const text = await quantproof([...args, '--logits', logits, '--out', out]);
      expect(text.code, text.err).toBe(EXIT_CODES.ok);
      const json = await quantproof([...args, '--logits', logits, '--out', out, '--json']);
      const read = readModelOnnx(new Uint8Array(readFileSync(out)));
      if (read.kind !== 'int8' || read.model.format === 'dynamic')
        throw new Error('not static int8');
      return {
        text: text.out,
        report: JSON.parse(json.out) as { int8Ties: number; calibrationStates: number },
        logits: read.model.logits,
      };
    };
    const quantised = await run('dequantize');
    expect(quantised.logits).toBe('dequantize');
    // Calibrated on the whole operating box, one 8-bit output step is wider than FP32's margin
    // on many of the states the policy visits.
    expect(quantised.report.int8Ties).toBeGreaterThan(0.01 * quantised.report.calibrationStates);
    expect(quantised.text).toMatch(
      /the int8 logits tie on \d+\.\d% of the visited states.*--logits float$/m,
    );
    const float = await run('float');
    expect(float.logits).toBe('float');
    expect(float.report.int8Ties).toBe(0);
    expect(float.text).not.toMatch(/logits tie/);
  }, 120_000);

  it('says which layer cannot end an int8 graph with float logits, with exit code 3', async () => {
    // A CartPole-shaped network whose last layer ends in a ReLU: float logits leave no
    // requantisation to fold it into.
    const reluLast = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(3) });
    const last = reluLast.layers.at(-1)!;
    const file = join(dir, 'relu-last.onnx');
    writeFileSync(
      file,
      writeMlpOnnx({ layers: [...reluLast.layers.slice(0, -1), { ...last, activation: 'relu' }] }),
    );
    const { code, err } = await quantproof([
      'quantize',
      '--fp32',
      file,
      '--logits',
      'float',
      '--out',
      join(dir, 'never.onnx'),
    ]);
    expect(code, err).toBe(EXIT_CODES.input);
    expect(err).toMatch(
      /cannot be quantised with these layout flags: layer 1 ends in a ReLU.*--logits dequantize/,
    );
  });

  it('rejects an int8 model where an FP32 one is needed', async () => {
    const out = join(dir, 'ptq-static-qdq-2.onnx');
    const { code, err } = await quantproof([
      'quantize',
      '--fp32',
      out,
      '--out',
      join(dir, 'x.onnx'),
    ]);
    expect(code).toBe(EXIT_CODES.input);
    expect(err).toMatch(/is an int8 model/);
  });

  it('keeps layers in float32 with --keep-fp32: the file reads back, runs as written, and verify decides it', async () => {
    const out = join(dir, 'keep-first.onnx');
    const q = await quantproof([
      'quantize',
      '--fp32',
      fp32,
      '--keep-fp32',
      '0',
      '--out',
      out,
      '--json',
    ]);
    expect(q.code).toBe(EXIT_CODES.ok);
    const report = JSON.parse(q.out) as { format: string; keptFp32: number[]; warnings: string[] };
    expect(report.format).toBe('mixed');
    expect(report.keptFp32).toEqual([0]);
    // The input is not quantised, so no input saturation is warned about.
    expect(report.warnings.filter((w) => /input scale/.test(w))).toEqual([]);
    const read = readModelOnnx(new Uint8Array(readFileSync(out)));
    if (read.kind !== 'int8' || read.model.format !== 'mixed') throw new Error('not a mixed model');
    expect(read.model.layers.map((l) => l.kind)).toEqual(['float', 'int8', 'int8']);
    expect(read.model.input).toBeNull();
    const e = await quantproof([
      'eval',
      '--model',
      out,
      '--fp32',
      fp32,
      '--episodes',
      '3',
      '--json',
    ]);
    expect(e.code).toBe(EXIT_CODES.ok);
    const v = await quantproof([
      'verify',
      '--fp32',
      fp32,
      '--int8',
      out,
      '--timeout',
      '5',
      '--json',
    ]);
    // The region verifier proves or refutes such a model like any other: part of the box proven.
    const verdict = JSON.parse(v.out) as {
      verdict: string;
      volume: { agree: number; disagree: number };
      leaves: { by: string }[];
    };
    expect(['consistent', 'inconsistent', 'unknown']).toContain(verdict.verdict);
    expect(verdict.volume.agree + verdict.volume.disagree).toBeGreaterThan(0);
    expect(verdict.leaves.some((l) => /kept-float-layers/.test(l.by))).toBe(false);
  });

  it('refuses --keep-fp32 where onnxruntime would not keep the layer in float32, or the layout cannot hold it', async () => {
    const cases: [string[], RegExp][] = [
      [['--keep-fp32', '1'], /between two int8 layers.*quantises that Gemm's weights/],
      [['--keep-fp32', '0', '--format', 'qoperator'], /needs --format qdq/],
      [['--keep-fp32', '0,1,2'], /at most all but one layer/],
      [['--keep-fp32', '0', '--certify-delta', '1'], /repair --keep-fp32/],
      [['--keep-fp32', 'first'], /distinct layer indices/],
    ];
    for (const [flags, message] of cases) {
      const out = join(dir, 'keep-refused.onnx');
      const r = await quantproof(['quantize', '--fp32', fp32, ...flags, '--out', out]);
      expect(r.code).toBe(EXIT_CODES.usage);
      expect(r.err).toMatch(message);
      expect(readdirSync(dir)).not.toContain('keep-refused.onnx');
    }
  });
});
