// `quantproof check` as CI runs it: a baseline written for a proven int8 model ("proved"), the same
// model passing against it, a re-quantised model that disagrees failing with exit 10 and a JUnit
// report CI systems display, and bad flags, files and baselines answered with one line each.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMlp, createSeededRng, type Mlp } from '@quantproof/nn';
import { writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import { quantizeStatic } from '@quantproof/quant';
import { parseBaseline } from '@quantproof/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_EXIT_CODES } from '../../src/commands/check.js';
import { EXIT_CODES } from '../../src/index.js';
import { lines, requireBuiltCli, runCli, STACK_FRAME } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => join(dir, name);

/** pack-smoke's policy: a seeded 4-8-2 network with output biases ±3 (or its negation). */
function policy(flipped: boolean): Mlp {
  const mlp = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(7) });
  const output = mlp.layers[1]!;
  output.bias.set([3, -3]);
  if (flipped) {
    output.weight.set(output.weight.map((w) => -w));
    output.bias.set([-3, 3]);
  }
  return mlp;
}

const BOX = '-0.05,0.05;-0.05,0.05;-0.05,0.05;-0.05,0.05';
const budget = ['--timeout', '120', '--max-boxes', '2000', '--workers', '0'];
const check = (int8: string, ...more: string[]): string[] => [
  'check',
  '--fp32',
  file('fp32.onnx'),
  '--int8',
  file(int8),
  '--box',
  BOX,
  '--baseline',
  file('quantproof.baseline.json'),
  ...budget,
  ...more,
];

beforeAll(() => {
  requireBuiltCli();
  const rng = createSeededRng(8);
  const calibration = Float32Array.from({ length: 4 * 256 }, () => 0.2 * rng.nextFloat64() - 0.1);
  writeFileSync(file('fp32.onnx'), writeMlpOnnx(policy(false)));
  writeFileSync(file('int8.onnx'), writeQMlpOnnx(quantizeStatic(policy(false), calibration).model));
  writeFileSync(
    file('int8-requantised.onnx'),
    writeQMlpOnnx(quantizeStatic(policy(true), calibration).model),
  );
});

describe('quantproof check', () => {
  it('writes a baseline for a proven model, then passes it with "proved" and fails a regression with exit 10 and JUnit', async () => {
    const update = await runCli(check('int8.onnx', '--update-baseline'));
    expect(update.stderr).not.toMatch(STACK_FRAME);
    expect(update.code).toBe(CHECK_EXIT_CODES.pass);
    expect(update.stdout).toMatch(/^baseline written to .*quantproof\.baseline\.json \(proved: /);
    const baseline = parseBaseline(readFileSync(file('quantproof.baseline.json'), 'utf8'));
    expect(baseline.verdict).toBe('consistent');
    expect(baseline.disagreement).toEqual({ lower: 0, upper: 0 });

    const pass = await runCli(check('int8.onnx', '--junit', file('pass.xml')));
    expect(pass.code).toBe(CHECK_EXIT_CODES.pass);
    expect(pass.stdout).toMatch(/^pass: no regression against .* \(proved: /);
    expect(readFileSync(file('pass.xml'), 'utf8')).toContain('failures="0"');

    const regressed = await runCli(
      check('int8-requantised.onnx', '--junit', file('junit.xml'), '--report', file('report.json')),
    );
    expect(regressed.code).toBe(CHECK_EXIT_CODES.regressed);
    expect(regressed.stdout).toMatch(/^REGRESSION against /);
    expect(regressed.stdout).toMatch(/verdict: regressed — baseline consistent, now inconsistent/);
    expect(regressed.stdout).toMatch(/counterexample x = \[/);
    const junit = readFileSync(file('junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure type="regressed" message="verdict regressed/);
    expect(junit).toMatch(/<failure type="regressed" message="disagreement regressed/);
    const report = JSON.parse(readFileSync(file('report.json'), 'utf8'));
    expect(report.result).toBe('regressed');
    expect(report.current.verdict).toBe('inconsistent');
    expect(report.counterexamples[0].replay.confirmed).toBe(true);

    const json = await runCli(check('int8.onnx', '--json'));
    expect(json.code).toBe(CHECK_EXIT_CODES.pass);
    expect(JSON.parse(json.stdout).result).toBe('pass');
  });

  it('answers bad flags, files and baselines with one line and exit 2 or 3', async () => {
    const cases: [string[], number, RegExp][] = [
      [
        [...check('int8.onnx'), '--baseline', file('missing.json')],
        EXIT_CODES.input,
        /no baseline at .*missing\.json; create it with the same flags and --update-baseline/,
      ],
      [[...check('int8.onnx'), '--tolerance', '-1'], EXIT_CODES.usage, /--tolerance must be/],
      [[...check('missing.onnx')], EXIT_CODES.input, /cannot read the --int8 model/],
    ];
    writeFileSync(file('broken.json'), '{"format": "quantproof-baseline", "version": 9}');
    cases.push([
      [...check('int8.onnx'), '--baseline', file('broken.json')],
      EXIT_CODES.input,
      /version 9; this quantproof reads version 1: regenerate it with quantproof check --update-baseline/,
    ]);
    writeFileSync(
      file('other-box.json'),
      readFileSync(file('quantproof.baseline.json'), 'utf8').replaceAll('0.05', '0.25'),
    );
    cases.push([
      [...check('int8.onnx'), '--baseline', file('other-box.json')],
      EXIT_CODES.input,
      /was made for the box .*; pass that box, or write a new baseline with --update-baseline/,
    ]);
    for (const [args, code, pattern] of cases) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(code);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });
});
