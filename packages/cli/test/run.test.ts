import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelOnnx } from '@quantproof/onnx';
import {
  LEAF_STATUSES,
  mapsJsonSchema,
  metricsJsonSchema,
  parseRunFile,
  runJsonSchema,
  verifyJsonSchema,
} from '@quantproof/web-report';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES, runProgram } from '../src/index.js';
import { bracketText, shareText } from '../src/study/verification-text.js';
import { expectCoherentVerification } from './support/verification.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quantproof run', () => {
  it('runs a short study and leaves a run directory a program can parse', async () => {
    let out = '';
    let err = '';
    const runDir = join(dir, 'run');
    const code = await runProgram(
      ['run', '--seed', '4', '--episodes', '3', '--verify-seconds', '1', '--out', runDir],
      {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
        stderrIsTTY: false,
      },
    );
    expect(code, err).toBe(EXIT_CODES.ok);
    expect(readdirSync(join(runDir, 'models')).sort()).toEqual(
      [
        'certified',
        'fp32',
        'mixed',
        'ptq-dynamic',
        'ptq-static-qdq',
        'ptq-static-qoperator',
        'qat',
      ].map((n) => `${n}.onnx`),
    );
    // Every file as the report reads it, through web-report's schemas (schema version 2).
    const read = (f: string): unknown => JSON.parse(readFileSync(join(runDir, f), 'utf8'));
    const metrics = parseRunFile('metrics.json', metricsJsonSchema, read('metrics.json'));
    expect(metrics.variants.map((v) => v.name)).toEqual([
      'fp32',
      'ptq-dynamic',
      'ptq-static-qdq',
      'ptq-static-qoperator',
      'qat',
      'mixed',
      'certified',
    ]);
    for (const v of metrics.variants) {
      const bytes = readFileSync(join(runDir, 'models', `${v.name}.onnx`));
      expect(bytes.length).toBe(v.onnxBytes);
      expect(readModelOnnx(new Uint8Array(bytes)).kind).toBe(v.name === 'fp32' ? 'fp32' : 'int8');
      expect(v.reward.episodes).toBe(3);
      expect(v.agreementVisited).toBeGreaterThan(0.5);
      if (v.name !== 'fp32') expect(v.sqnrDb).toHaveLength(3);
      // The printed table shows what metrics.json holds.
      expect(out).toContain(`${(100 * v.agreementVisited).toFixed(2)}%`);
    }
    const verify = parseRunFile('verify.json', verifyJsonSchema, read('verify.json'));
    expect(verify.variants.map((v) => v.variant)).toEqual(
      metrics.variants.slice(1).map((v) => v.name),
    );
    const lines = out.split('\n');
    // The answer comes first: one verdict sentence per variant, each with its next step, before
    // any table.
    const header = lines.findIndex((l) => /^ *variant +verdict +int8 ≠ FP32 /.test(l));
    for (const v of verify.variants) {
      const sentence = lines.findIndex((l) => l.startsWith(`${v.variant} is ${v.verdict}: `));
      expect(sentence, out).toBeGreaterThan(0);
      expect(sentence).toBeLessThan(header);
      const next = lines.findIndex((l, i) => i > sentence && l.startsWith('  next step: '));
      expect(next).toBeGreaterThan(sentence);
      expect(next).toBeLessThan(header);
    }
    expect(out).not.toMatch(/threshold-unreachable|decided at|inconsistent %/);
    expect(header, out).toBeGreaterThan(0);
    const rows = lines.slice(header + 2, header + 2 + verify.variants.length);
    for (const v of verify.variants) {
      expectCoherentVerification(v);
      // A counterexample is never reported without its replay in onnxruntime-node confirming it.
      expect(v.counterexamples.every((c) => c.replay.confirmed)).toBe(true);
      if (v.verdict === 'inconsistent') expect(v.counterexamples.length).toBeGreaterThan(0);
      // The study table's row: verdict, then the certified bracket, the estimate, the volumes.
      const cells = rows[verify.variants.indexOf(v)]!.trim().split(/ {2,}/);
      expect(cells.slice(0, 3)).toEqual([v.variant, v.verdict, bracketText(v.disagreement, 2)]);
      expect(cells.slice(4, 8)).toEqual(LEAF_STATUSES.map((s) => shareText(v.volume[s], 2)));
    }
    const run = parseRunFile('run.json', runJsonSchema, read('run.json'));
    parseRunFile('maps.json', mapsJsonSchema, read('maps.json'));
    // What δ* covers of the visited states is recorded for the report's answer.
    for (const v of verify.variants) {
      expect(v.flipMarginCoverage?.states).toBeGreaterThan(1000);
    }
    // The certified variant: made by the repair loop (every round recorded), its theorem stated
    // with the share of visited states it covers, in verify.json and in the printed answer.
    const certified = verify.variants.find((v) => v.variant === 'certified')!;
    expect(certified.repair!.rounds.length).toBeGreaterThanOrEqual(1);
    expect(certified.repair!.rounds[0]!.round).toBe(0);
    const upper = certified.flipMargin?.upper ?? null;
    if (upper !== null && certified.verdict !== 'consistent') {
      expect(certified.flipMarginTheorem).toBe(
        `wherever the FP32 margin exceeds δ* = ${upper.toPrecision(4)} in the operating box, the int8 policy takes the FP32 action — ${(100 * certified.flipMarginCoverage!.share).toFixed(2)} % of the ${certified.flipMarginCoverage!.states} states the FP32 policy visits`,
      );
    }
    expect(out).toContain(`theorem: ${certified.flipMarginTheorem!}.`);
    // Its first layer is kept in float32: the file says so, and no input quantisation sets a floor.
    const file = readModelOnnx(
      new Uint8Array(readFileSync(join(runDir, 'models', 'certified.onnx'))),
    );
    if (file.kind !== 'int8' || file.model.format !== 'mixed') throw new Error('not a mixed model');
    expect(file.model.layers.map((l) => l.kind)).toEqual(['float', 'int8', 'int8']);
    // Its parameter bytes count the float32 layer at 4 bytes a weight.
    const row = metrics.variants.find((m) => m.name === 'certified')!;
    expect(row.parameterBytes).toBe(
      file.model.layers.reduce(
        (sum, l) => sum + l.weight.length * (l.kind === 'float' ? 4 : 1) + 4 * l.bias.length,
        0,
      ),
    );
    expect(certified.inputFloor).toBeUndefined();
    expect(out).not.toMatch(/input quantisation floor/);
    expect(out).toMatch(/^certified \(made by counterexample-guided repair towards δ\* ≤ 1, /m);
    for (const v of verify.variants) {
      if (v.variant !== 'certified') expect(v.flipMarginTheorem).toBeUndefined();
    }
    // The certified mixed-precision front: uniform bit widths, each certified, the front marked.
    const front = verify.precisionFront!;
    expect(front.points.map((p) => p.bits)).toEqual([8, 6, 4].map((b) => [b, b, b]));
    expect(front.front.length).toBeGreaterThan(0);
    expect(out).toMatch(/^certified mixed precision \(/m);
    expect(run.seed).toBe(4);
    expect(out).toMatch(/int8 semantics: /);
    if (run.cpuSemantics !== null) expect(run.cpuSemantics.modelled).toBe('vnni-exact');
    expect(run.trainingCurve.length).toBeGreaterThan(0);
    expect(readdirSync(runDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 300_000);
});
