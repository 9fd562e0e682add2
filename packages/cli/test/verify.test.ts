import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/index.js';
import { quantproof } from './support/run-quantproof.js';
import { VERIFY_EXIT_CODES } from '../src/commands/verify.js';
import { verdictLine } from '../src/study/verification-text.js';
import { expectCoherentVerification, parseVerification } from './support/verification.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-verify-'));
const fp32 = join(dir, 'policy.onnx');
const int8 = join(dir, 'policy.qdq.onnx');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  expect((await quantproof(['train', '--seed', '4', '--out', fp32])).code).toBe(EXIT_CODES.ok);
  expect((await quantproof(['quantize', '--fp32', fp32, '--out', int8])).code).toBe(EXIT_CODES.ok);
});

describe('quantproof verify', () => {
  it('reports the verdict over the operating box as JSON, with the exit code that names it', async () => {
    const { code, out } = await quantproof([
      'verify',
      '--fp32',
      fp32,
      '--int8',
      int8,
      '--timeout',
      '2',
      '--json',
    ]);
    const result = parseVerification(JSON.parse(out));
    expect(code).toBe(VERIFY_EXIT_CODES[result.verdict]);
    expectCoherentVerification(result);
    // Static per-tensor int8 saturates over much of the operating box: disagreements exist and
    // each listed one replays in onnxruntime-node; the disagreeing volume is not proven 0.
    expect(result.verdict).toBe('inconsistent');
    expect(result.counterexamples.length).toBeGreaterThan(0);
    expect(result.counterexamples.every((c) => c.replay.confirmed)).toBe(true);
    expect(result.disagreement.upper).toBeGreaterThan(0);
  });

  it('leads the text answer with the verdict, then the certified bracket, as --json says them', async () => {
    // --max-boxes makes the answer the same in both runs.
    const flags = ['--fp32', fp32, '--int8', int8, '--max-boxes', '48', '--timeout', '120'];
    const text = await quantproof(['verify', ...flags]);
    const json = await quantproof(['verify', ...flags, '--json']);
    expect(text.code).toBe(json.code);
    const result = parseVerification(JSON.parse(json.out));
    const [lead] = text.out.split('\n');
    expect(lead!.startsWith(`${verdictLine(result)} (${result.leaves.length} lea`)).toBe(true);
    expect(lead).toMatch(
      /^inconsistent: int8 disagrees with FP32 on (\d+\.\d–\d+\.\d|\d+\.\d) % of the region \(certified(; sampled estimate \d+\.\d %, 95 % CI \d+\.\d–\d+\.\d %)?\); [\d.<]+ % proven agree, [\d.<]+ % proven disagree, [\d.<]+ % mixed, [\d.<]+ % open \(/,
    );
  });

  it('says why a dynamic model leaves boxes open, and what to do instead', async () => {
    const dynamic = join(dir, 'policy.dyn.onnx');
    const q = await quantproof([
      'quantize',
      '--fp32',
      fp32,
      '--method',
      'ptq-dynamic',
      '--out',
      dynamic,
    ]);
    expect(q.code, q.err).toBe(EXIT_CODES.ok);
    const flags = ['--fp32', fp32, '--max-boxes', '24', '--timeout', '120'];
    const dyn = await quantproof(['verify', ...flags, '--int8', dynamic]);
    const open = dyn.out.split('\n')[1]!;
    expect(open).toMatch(/^open: .*quantises its activations dynamically/);
    expect(open).toMatch(
      /--around x1,x2,… --radius r\), or quantise statically \(quantize --method ptq-static/,
    );
    // The region it suggests: a small box around a state.
    const around = await quantproof([
      'verify',
      ...flags,
      '--int8',
      dynamic,
      '--around',
      '0.05,0.3,-0.02,-0.4',
      '--radius',
      '0.001',
      '--json',
    ]);
    const local = parseVerification(JSON.parse(around.out));
    expect(around.code).toBe(VERIFY_EXIT_CODES[local.verdict]);
    const state = [0.05, 0.3, -0.02, -0.4];
    expect(local.region.lower).toEqual(state.map((v) => v - 0.001));
    expect(local.region.upper).toEqual(state.map((v) => v + 0.001));
    // A static model's open leaves only ask for a larger budget.
    const stat = await quantproof(['verify', ...flags, '--int8', int8]);
    const staticOpen = stat.out.split('\n')[1]!;
    expect(staticOpen).toMatch(/^open: .*raise --timeout or --max-boxes\)/);
    expect(staticOpen).not.toMatch(/dynamically/);
    // Counterexamples print the float32 input in the fewest digits that read back to it.
    for (const line of [...dyn.out.split('\n'), ...stat.out.split('\n')]) {
      const m = /counterexample x = \[([^\]]*)\]/.exec(line);
      if (m === null) continue;
      for (const v of m[1]!.split(', ')) {
        expect(Number.isFinite(Number(v))).toBe(true);
        // At most 9 significant digits.
        expect(v.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
      }
    }
  });

  it('proves a small box far from the decision boundary consistent (exit 0)', async () => {
    // A pole falling fast to the right: both policies push right everywhere in this box.
    const box = '-0.1,0.1;-0.1,0.1;0.15,0.16;1.5,1.6';
    const { code, out, err } = await quantproof([
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
    expect(out).toMatch(
      /^consistent: int8 takes FP32's decision everywhere in the region \(certified\); 100\.0 % proven agree, 0\.0 % proven disagree, 0\.0 % mixed, 0\.0 % open \(/,
    );
  });

  it('rejects bad regions and mismatched models with one clear line', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--box', '0,1;0,1'], EXIT_CODES.usage, /2 dimensions; the models take 4/],
      [['--box', '0,1;1,0;0,1;0,1'], EXIT_CODES.usage, /dimension 1 has lower 1 > upper 0/],
      [['--box', '0,1;x,1;0,1;0,1'], EXIT_CODES.usage, /dimension 1: "x" is not a decimal number/],
      [['--box', '0,1;0;0,1;0,1'], EXIT_CODES.usage, /lo,hi/],
      [['--box', '0,1;0,1;0,1;0,1', '--region', 'operating'], EXIT_CODES.usage, /one of --box/],
    ];
    for (const [extra, expected, message] of cases) {
      const { code, err } = await quantproof(['verify', '--fp32', fp32, '--int8', int8, ...extra]);
      expect(code, extra.join(' ')).toBe(expected);
      expect(err).toMatch(message);
      expect(err.trim().split('\n')).toHaveLength(1);
    }
    const swapped = await quantproof(['verify', '--fp32', int8, '--int8', fp32]);
    expect(swapped.code).toBe(EXIT_CODES.input);
    const boxFile = join(dir, 'box.json');
    writeFileSync(boxFile, '{"lower": [0, 0]}');
    const badFile = await quantproof([
      'verify',
      '--fp32',
      fp32,
      '--int8',
      int8,
      '--box-file',
      boxFile,
    ]);
    expect(badFile.code).toBe(EXIT_CODES.input);
    expect(badFile.err).toMatch(/must hold/);
  });
});
