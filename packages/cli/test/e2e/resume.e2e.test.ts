// Killed, then resumed: `verify --resume` stopped by SIGKILL once its checkpoint exists continues to
// the answer of an uninterrupted run (a box budget makes the answer machine-independent), and a
// `run` killed mid-verification and started again with --resume completes with the same models.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, requireBuiltCli, runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the CLI, waits until `file` exists, kills it with SIGKILL; resolves with its signal. */
function killWhenExists(args: readonly string[], file: string): Promise<NodeJS.Signals | null> {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: dir,
      env,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const timer = setInterval(() => {
      if (existsSync(file)) child.kill('SIGKILL');
    }, 50);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearInterval(timer);
      resolve(signal);
    });
  });
}

interface VerifyJson {
  verdict: string;
  volume: unknown;
  disagreement: unknown;
  leaves: unknown[];
  counterexamples: { input: number[] }[];
  resumed: boolean;
}

beforeAll(async () => {
  requireBuiltCli();
  // A small policy pair: train briefly and quantise it.
  const train = await runCli(
    ['train', '--seed', '2', '--timesteps', '20000', '--out', join(dir, 'fp32.onnx'), '--json'],
    { cwd: dir },
  );
  expect(train.code, train.stderr).toBe(0);
  const quantize = await runCli(
    [
      'quantize',
      '--fp32',
      join(dir, 'fp32.onnx'),
      '--method',
      'ptq-static',
      '--out',
      join(dir, 'int8.onnx'),
    ],
    { cwd: dir },
  );
  expect(quantize.code, quantize.stderr).toBe(0);
}, 300_000);

describe('verify --resume after SIGKILL', () => {
  it('continues from the checkpoint to the answer of an uninterrupted run', async () => {
    const args = (resume: string): string[] => [
      'verify',
      '--fp32',
      join(dir, 'fp32.onnx'),
      '--int8',
      join(dir, 'int8.onnx'),
      '--region',
      'operating',
      '--timeout',
      '600',
      '--max-boxes',
      '600',
      '--workers',
      '1',
      '--resume',
      resume,
      '--json',
    ];
    const uninterrupted = await runCli(args(join(dir, 'straight')), { cwd: dir });
    expect([0, 10, 11]).toContain(uninterrupted.code);
    const expected = JSON.parse(uninterrupted.stdout) as VerifyJson;
    expect(expected.resumed).toBe(false);

    const resumeDir = join(dir, 'killed');
    const signal = await killWhenExists(args(resumeDir), join(resumeDir, 'verify.checkpoint.json'));
    expect(signal).toBe('SIGKILL');
    // Nothing half-written: only the checkpoint (written by rename) is there.
    expect(readdirSync(resumeDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const resumed = await runCli(args(resumeDir), { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(uninterrupted.code);
    const got = JSON.parse(resumed.stdout) as VerifyJson;
    expect(got.resumed).toBe(true);
    expect(got.verdict).toBe(expected.verdict);
    expect(got.volume).toEqual(expected.volume);
    expect(got.disagreement).toEqual(expected.disagreement);
    expect(got.leaves).toEqual(expected.leaves);
    expect(got.counterexamples.map((c) => c.input)).toEqual(
      expected.counterexamples.map((c) => c.input),
    );
  }, 300_000);

  it('refuses a checkpoint of another region with a one-line reason', async () => {
    const resumeDir = join(dir, 'straight'); // holds the checkpoint of the operating box run
    const other = await runCli(
      [
        'verify',
        '--fp32',
        join(dir, 'fp32.onnx'),
        '--int8',
        join(dir, 'int8.onnx'),
        '--box',
        '-0.1,0.1;-0.1,0.1;-0.01,0.01;-0.1,0.1',
        '--max-boxes',
        '600',
        '--workers',
        '1',
        '--resume',
        resumeDir,
      ],
      { cwd: dir },
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^quantproof: .*belongs to another run.*\n$/);
  }, 300_000);
});

describe('run --resume after SIGKILL during verification', () => {
  it('completes the killed run with the same models and metrics', async () => {
    const runDir = join(dir, 'study');
    const flags = ['--seed', '1', '--episodes', '3', '--verify-seconds', '2', '--workers', '1'];
    const signal = await killWhenExists(
      ['run', ...flags, '--out', runDir],
      join(runDir, '.state', 'verify-ptq-static-qdq.checkpoint.json'),
    );
    expect(signal).toBe('SIGKILL');
    const hash = (f: string): string =>
      createHash('sha256')
        .update(readFileSync(join(runDir, 'models', f)))
        .digest('hex');
    const before = Object.fromEntries(readdirSync(join(runDir, 'models')).map((f) => [f, hash(f)]));
    expect(existsSync(join(runDir, 'verify.json'))).toBe(false);
    // The help's own example: the settings come from .state/config.json, not repeated flags.
    const resumed = await runCli(['run', '--resume', runDir, '--workers', '1'], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(
      /resuming .* \(--seed 1 --episodes 3 --verify-seconds 2 --calibrate-on visited\)/,
    );
    for (const [f, h] of Object.entries(before)) expect(hash(f)).toBe(h);
    const verify = JSON.parse(readFileSync(join(runDir, 'verify.json'), 'utf8')) as {
      variants: { variant: string; resumed: boolean }[];
    };
    expect(verify.variants.find((v) => v.variant === 'ptq-static-qdq')!.resumed).toBe(true);
    for (const f of ['metrics.json', 'run.json', 'report.html']) {
      expect(existsSync(join(runDir, f))).toBe(true);
    }
    // A run directory with other settings is refused, not silently mixed.
    const mismatch = await runCli(['run', '--seed', '2', '--resume', runDir], { cwd: dir });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(
      /^quantproof: --resume .* was started with other settings: --seed 2 \(it used 1\); leave those flags out to continue it, or start a new run with --out\n$/,
    );
  }, 300_000);
});
