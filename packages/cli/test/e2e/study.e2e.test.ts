// A short study through the built command: `quantproof run` on a small budget leaves a run
// directory whose files parse and prints the comparison table.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelOnnx } from '@quantproof/onnx';
import { parseRunFile, REPORT_SCHEMA_VERSION, verifyJsonSchema } from '@quantproof/web-report';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { bracketText } from '../../src/study/verification-text.js';
import { lines, requireBuiltCli, runCli, STACK_FRAME } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => requireBuiltCli());

const VARIANTS = [
  'fp32',
  'ptq-dynamic',
  'ptq-static-qdq',
  'ptq-static-qoperator',
  'qat',
  'mixed',
  'certified',
];

describe('quantproof run (built CLI, subprocess)', () => {
  it('runs a short study, leaving models, metrics.json, verify.json and run.json', async () => {
    const { code, stdout, stderr } = await runCli(
      ['run', '--seed', '1', '--episodes', '5', '--verify-seconds', '1', '--out', 'study'],
      { cwd: dir },
    );
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(stderr).not.toMatch(STACK_FRAME);
    // Progress on stderr, the study's steps in order (later steps may follow); results on stdout.
    const steps = lines(stderr).filter((l) => /^\[[\w-]+\]$/.test(l));
    expect(steps.slice(0, 4)).toEqual(['[train]', '[quantize]', '[compare]', '[verify]']);
    const runDir = join(dir, 'study');

    expect(readdirSync(join(runDir, 'models')).sort()).toEqual(
      VARIANTS.map((v) => `${v}.onnx`).sort(),
    );
    for (const v of VARIANTS) {
      const bytes = new Uint8Array(readFileSync(join(runDir, 'models', `${v}.onnx`)));
      expect(readModelOnnx(bytes).kind, v).toBe(v === 'fp32' ? 'fp32' : 'int8');
    }
    const entries = readdirSync(runDir, { recursive: true }).map(String);
    expect(entries).toEqual(
      expect.arrayContaining(['metrics.json', 'models', 'run.json', 'verify.json']),
    );
    // Every file was written whole: no temporary file is left anywhere in the run directory.
    expect(entries.filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as {
      schemaVersion: number;
      seed: number;
      variants: { name: string; reward: { episodes: number }; agreementVisited: number }[];
    };
    expect(metrics.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(metrics.seed).toBe(1);
    expect(metrics.variants.map((v) => v.name)).toEqual(VARIANTS);
    expect(metrics.variants.every((v) => v.reward.episodes === 5)).toBe(true);

    const verify = parseRunFile(
      'verify.json',
      verifyJsonSchema,
      JSON.parse(readFileSync(join(runDir, 'verify.json'), 'utf8')),
    );
    expect(verify.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(verify.variants.map((v) => v.variant)).toEqual(VARIANTS.slice(1));

    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as {
      seed: number;
      versions: { node: string };
      timings: Record<string, number>;
    };
    expect(run.seed).toBe(1);
    expect(run.versions.node).toBe(process.version);
    expect(Object.keys(run.timings)).toEqual(
      expect.arrayContaining(['train', 'quantize', 'compare', 'verify', 'total']),
    );

    // The answer first (a verdict sentence per variant), then the verification table, then the
    // measurements: a header, a rule, one row per variant.
    const answer = lines(stdout).findIndex((l) =>
      /^ptq-dynamic is (consistent|inconsistent|unknown): /.test(l),
    );
    expect(answer).toBe(2);
    const out = lines(stdout);
    expect(out[0]).toMatch(/^quantproof study, seed 1: FP32 PPO policy /);
    const header = out.findIndex((l) => /^ +variant +format +onnx B +params B /.test(l));
    expect(header).toBeGreaterThan(0);
    expect(out[header + 1]).toMatch(/^-+( +-+)+$/);
    expect(
      out.slice(header + 2, header + 2 + VARIANTS.length).map((l) => l.trim().split(/ +/)[0]),
    ).toEqual(VARIANTS);
    for (const v of metrics.variants) {
      expect(stdout).toContain(`${(100 * v.agreementVisited).toFixed(2)}%`);
    }
    // The verification table leads with the answer: verdict, then the certified bracket.
    const verdicts = out.findIndex((l) =>
      /^ +variant +verdict +int8 ≠ FP32 +sampled estimate +agree +disagree +mixed +open /.test(l),
    );
    expect(verdicts).toBeGreaterThan(answer);
    expect(verdicts).toBeLessThan(header);
    expect(
      out
        .slice(verdicts + 2, verdicts + 2 + verify.variants.length)
        .map((l) => l.trim().split(/ {2,}/).slice(0, 3)),
    ).toEqual(verify.variants.map((v) => [v.variant, v.verdict, bracketText(v.disagreement, 2)]));
    expect(out.at(-1)).toMatch(
      /^run directory: study \(models\/\*\.onnx, .*metrics\.json.*\); \d+ s$/,
    );
  }, 300_000);

  it("leaves stdout to the study: `pnpm study` sends turbo's build banner to stderr", async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const [build, study] = manifest.scripts['study']!.split(' && ');
    expect(study).toBe('node packages/cli/dist/bin.js run');
    // As `pnpm study` runs it: the root's node_modules/.bin first on PATH (turbo is a root
    // devDependency).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env['PATH'] ?? ''}`,
    };
    delete env['NODE_OPTIONS'];
    const result = spawnSync('sh', ['-c', build!], { cwd: root, env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    // turbo's banner and summary (its version line is left out under CI).
    expect(result.stderr).toMatch(/Tasks:/);
  }, 300_000);
});
