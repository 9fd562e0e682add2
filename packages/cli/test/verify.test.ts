import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES, runProgram } from '../src/index.js';
import { VERIFY_EXIT_CODES } from '../src/commands/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-verify-'));
const fp32 = join(dir, 'policy.onnx');
const int8 = join(dir, 'policy.qdq.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runProgram(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    stderrIsTTY: false,
  });
  return { code, out, err };
}

beforeAll(async () => {
  expect((await run(['train', '--seed', '4', '--out', fp32])).code).toBe(EXIT_CODES.ok);
  expect((await run(['quantize', '--fp32', fp32, '--out', int8])).code).toBe(EXIT_CODES.ok);
});

interface VerifyJson {
  verdict: 'consistent' | 'inconsistent' | 'unknown';
  volume: { consistent: number; inconsistent: number; unknown: number };
  leaves: { lower: number[]; upper: number[]; verdict: string }[];
  counterexamples: { input: number[]; replay: { confirmed: boolean } }[];
}

describe('quantproof verify', () => {
  it('reports the verdict over the operating box as JSON, with the exit code that names it', async () => {
    const { code, out } = await run([
      'verify',
      '--fp32',
      fp32,
      '--int8',
      int8,
      '--timeout',
      '2',
      '--json',
    ]);
    const result = JSON.parse(out) as VerifyJson;
    expect(code).toBe(VERIFY_EXIT_CODES[result.verdict]);
    const { consistent, inconsistent, unknown } = result.volume;
    expect(Math.abs(consistent + inconsistent + unknown - 1)).toBeLessThan(1e-9);
    // Static per-tensor int8 saturates over much of the operating box: disagreements exist and
    // each listed one replays in onnxruntime-node.
    expect(result.verdict).toBe('inconsistent');
    expect(result.counterexamples.length).toBeGreaterThan(0);
    expect(result.counterexamples.every((c) => c.replay.confirmed)).toBe(true);
  });

  it('proves a small box far from the decision boundary consistent (exit 0)', async () => {
    // A pole falling fast to the right: both policies push right everywhere in this box.
    const box = '-0.1,0.1;-0.1,0.1;0.15,0.16;1.5,1.6';
    const { code, out, err } = await run([
      'verify',
      '--fp32',
      fp32,
      '--int8',
      int8,
      '--box',
      box,
      '--timeout',
      '5',
    ]);
    expect(code, out + err).toBe(VERIFY_EXIT_CODES.consistent);
    expect(out).toMatch(/^consistent: 100\.00% of the region proven consistent/);
  });

  it('rejects bad regions and mismatched models with one clear line', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--box', '0,1;0,1'], EXIT_CODES.usage, /2 dimensions; the models take 4/],
      [['--box', '0,1;1,0;0,1;0,1'], EXIT_CODES.usage, /dimension 1 has lower 1 > upper 0/],
      [['--box', '0,1;x,1;0,1;0,1'], EXIT_CODES.usage, /dimension 1: "x" is not a number/],
      [['--box', '0,1;0;0,1;0,1'], EXIT_CODES.usage, /lo,hi/],
      [['--box', '0,1;0,1;0,1;0,1', '--region', 'operating'], EXIT_CODES.usage, /one of --box/],
    ];
    for (const [extra, expected, message] of cases) {
      const { code, err } = await run(['verify', '--fp32', fp32, '--int8', int8, ...extra]);
      expect(code, extra.join(' ')).toBe(expected);
      expect(err).toMatch(message);
      expect(err.trim().split('\n')).toHaveLength(1);
    }
    const swapped = await run(['verify', '--fp32', int8, '--int8', fp32]);
    expect(swapped.code).toBe(EXIT_CODES.input);
    const boxFile = join(dir, 'box.json');
    writeFileSync(boxFile, '{"lower": [0, 0]}');
    const badFile = await run(['verify', '--fp32', fp32, '--int8', int8, '--box-file', boxFile]);
    expect(badFile.code).toBe(EXIT_CODES.input);
    expect(badFile.err).toMatch(/must hold/);
  });
});
