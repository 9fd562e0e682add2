// `verify --queue` and `quantproof worker` as users run them, against a real Redis
// (QUANTPROOF_TEST_REDIS_URL, which .ci/run sets to a redis-server on 127.0.0.1): the coordinator
// killed with SIGKILL and started again with --resume gives the answer of a run on this machine;
// a worker started with other options is refused (exit 2); an unreachable Redis, a password in the
// URL and --queue with --workers are usage errors (exit 2) with one line that says what to do.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { CLI_BIN, requireBuiltCli, runCli, STACK_FRAME } from './cli-process.js';

const redis = process.env['QUANTPROOF_TEST_REDIS_URL'];
if (redis === undefined && process.env['CI'] !== undefined) {
  throw new Error('QUANTPROOF_TEST_REDIS_URL is not set: .ci/run starts redis-server and sets it');
}
const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-queue-'));
const fp32 = join(dir, 'fp32.onnx');
const int8 = join(dir, 'int8.onnx');
const children: ChildProcess[] = [];

function spawnCli(args: readonly string[]): {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
} {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: dir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exit };
}

beforeAll(async () => {
  requireBuiltCli();
  const train = await runCli(
    ['train', '--seed', '2', '--timesteps', '20000', '--out', fp32, '--json'],
    { cwd: dir },
  );
  expect(train.code, train.stderr).toBe(0);
  const quantize = await runCli(
    ['quantize', '--fp32', fp32, '--method', 'ptq-static', '--out', int8],
    { cwd: dir },
  );
  expect(quantize.code, quantize.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('verify --queue: usage errors', () => {
  const models = ['--fp32', fp32, '--int8', int8];
  it('exits 2 with what to check when Redis cannot be reached, for the coordinator and a worker', async () => {
    for (const command of ['verify', 'worker']) {
      const r = await runCli([command, ...models, '--queue', 'redis://127.0.0.1:1'], { cwd: dir });
      expect(r.code, r.stderr).toBe(EXIT_CODES.usage);
      expect(r.stderr).toMatch(
        /^quantproof: --queue: cannot reach the queue's Redis at redis:\/\/127\.0\.0\.1:1\/0 \(connect ECONNREFUSED[^)]*\); start redis-server there/,
      );
      expect(r.stderr).not.toMatch(STACK_FRAME);
    }
  });

  it('refuses a password inside the URL, and --queue with --workers', async () => {
    const url = await runCli(['verify', ...models, '--queue', 'redis://:secret@127.0.0.1:6379'], {
      cwd: dir,
    });
    expect(url.code).toBe(EXIT_CODES.usage);
    expect(url.stderr).toMatch(/holds a password.*QUANTPROOF_REDIS_PASSWORD/);
    expect(url.stderr).not.toMatch(/secret/);
    const both = await runCli(
      ['verify', ...models, '--queue', 'redis://127.0.0.1:1', '--workers', '2'],
      { cwd: dir },
    );
    expect(both.code).toBe(EXIT_CODES.usage);
    expect(both.stderr).toMatch(/give --queue or --workers, not both/);
  });
});

describe.skipIf(redis === undefined)('verify --queue with quantproof worker (real Redis)', () => {
  it('refuses a worker of other options; a killed coordinator resumed with --resume gives the local answer', async () => {
    // A database of its own: no other suite's boxes in this queue.
    const queue = `${redis!.replace(/\/\d*$/, '')}/9`;
    const flags = [
      '--fp32',
      fp32,
      '--int8',
      int8,
      '--region',
      'operating',
      '--timeout',
      '600',
      '--max-boxes',
      '400',
      '--cpu-semantics',
      'vnni-exact',
    ];
    const local = await runCli(['verify', ...flags, '--workers', '0', '--json'], { cwd: dir });
    expect([0, 10, 11]).toContain(local.code);
    const expected = JSON.parse(local.stdout) as Record<string, unknown>;

    const wrong = spawnCli([
      'worker',
      '--queue',
      queue,
      '--fp32',
      fp32,
      '--int8',
      int8,
      '--workers',
      '1',
      '--cpu-semantics',
      'avx2-u8s8-saturating',
    ]);
    const resumeDir = join(dir, 'coordinator');
    const checkpoint = join(resumeDir, 'verify.checkpoint.json');
    const first = spawnCli(['verify', ...flags, '--queue', queue, '--resume', resumeDir, '--json']);
    const refused = await wrong.exit;
    expect(refused.code, refused.stderr).toBe(EXIT_CODES.usage);
    expect(refused.stderr).toMatch(
      /--queue: the queue holds boxes of another run .*--cpu-semantics/,
    );

    spawnCli([
      'worker',
      '--queue',
      queue,
      '--fp32',
      fp32,
      '--int8',
      int8,
      '--workers',
      '1',
      '--cpu-semantics',
      'vnni-exact',
    ]);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (existsSync(checkpoint)) {
          clearInterval(timer);
          first.child.kill('SIGKILL');
          resolve();
        }
      }, 50);
    });
    expect((await first.exit).signal).toBe('SIGKILL');
    const resumed = await runCli(
      ['verify', ...flags, '--queue', queue, '--resume', resumeDir, '--json'],
      { cwd: dir },
    );
    expect(resumed.code, resumed.stderr).toBe(local.code);
    const got = JSON.parse(resumed.stdout) as Record<string, unknown>;
    expect(got['resumed']).toBe(true);
    for (const key of [
      'verdict',
      'volume',
      'disagreement',
      'leaves',
      'flipMargin',
      'errorBound',
      'boxes',
    ]) {
      expect(got[key], key).toEqual(expected[key]);
    }
    expect((got['counterexamples'] as { input: number[] }[]).map((c) => c.input)).toEqual(
      (expected['counterexamples'] as { input: number[] }[]).map((c) => c.input),
    );
  }, 240_000);
});
