// The queue runner against a real Redis (QUANTPROOF_TEST_REDIS_URL, which .ci/run sets to a
// redis-server it starts on 127.0.0.1): worker processes on BullMQ give the inline runner's
// verdict, leaves and bracket under a box budget; a worker killed with SIGKILL while it holds a box
// loses nothing and counts nothing twice; a worker of another run is refused; an unreachable Redis
// is a typed error.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mlpToJson } from '@quantproof/nn';
import { qmlpToJson } from '@quantproof/quant';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseQueueUrl, QueueUnavailableError, queueRunner } from '../src/queue/index.js';
import { verifyRegion, type RegionResult } from '../src/region/verify-region.js';
import { releaseZ3 } from '../src/z3-session.js';
import { diagonal, quantizeTiny } from '@quantproof/test-support/tiny-nets';

const url = process.env['QUANTPROOF_TEST_REDIS_URL'];
if (url === undefined && process.env['CI'] !== undefined) {
  throw new Error('QUANTPROOF_TEST_REDIS_URL is not set: .ci/run starts redis-server and sets it');
}
const WORKER = fileURLToPath(new URL('./support/queue-worker.mjs', import.meta.url));
const model = quantizeTiny(diagonal);
const box = { lower: [-1, -1], upper: [1, 1] };
const dir = mkdtempSync(join(tmpdir(), 'quantproof-queue-'));
const pairFile = join(dir, 'pair.json');
writeFileSync(pairFile, JSON.stringify({ fp32: mlpToJson(diagonal), int8: qmlpToJson(model) }));
// Fast stalled-box recovery, so a killed worker's box comes back within seconds.
const FAST = { lockMs: 1500, stalledIntervalMs: 500 };

const strip = (r: RegionResult): unknown => ({
  verdict: r.verdict,
  volume: r.volume,
  disagreement: r.disagreement,
  flipMargin: r.flipMargin,
  errorBound: r.errorBound,
  leaves: r.leaves,
  counterexamples: r.counterexamples.map((c) => Array.from(c.input)),
});

const children: ChildProcess[] = [];

/** Starts a worker process; resolves once it listens. */
function startWorker(
  queue: string,
  options: object = {},
  pair: string = pairFile,
): Promise<{ child: ChildProcess; exit: Promise<number | null>; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    [WORKER, url!, pair, JSON.stringify({ name: queue, ...FAST, ...options })],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve({ child, exit, stderr: () => stderr });
    });
    void exit.then((code) =>
      reject(new Error(`worker exited (${code}) before it was ready: ${stderr}`)),
    );
  });
}

async function stopWorkers(): Promise<void> {
  await Promise.all(
    children.splice(0).map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}

afterEach(stopWorkers);
afterAll(async () => {
  await stopWorkers();
  await releaseZ3();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(url === undefined)('verifyRegion on a BullMQ queue (real Redis)', () => {
  const options = { maxBoxes: 200, seconds: 120 } as const;
  let inline: RegionResult;
  let redis: Redis;
  beforeAll(async () => {
    inline = await verifyRegion(diagonal, model, box, { ...options, workers: 0 });
    redis = new Redis(url!);
  });
  afterAll(() => redis.disconnect());
  /** A fresh queue name per test: no test sees another's boxes. */
  const fresh = (what: string): string => `qp-test-${what}-${process.pid}-${Date.now()}`;

  it('gives the inline runner’s verdict, leaves, bracket, δ* and ε* with two worker processes', async () => {
    const name = fresh('same');
    await Promise.all([startWorker(name), startWorker(name)]);
    const runner = queueRunner({ connection: parseQueueUrl(url!), name, pollMs: 500 });
    const queued = await verifyRegion(diagonal, model, box, { ...options, runner });
    expect(inline.verdict).toBe('inconsistent');
    expect(strip(queued)).toEqual(strip(inline));
    expect(queued.stats.boxes).toBe(inline.stats.boxes);
    expect(queued.stats.workers).toBe(2);
    const stats = runner.stats();
    expect(stats.boxes).toBe(inline.stats.boxes);
    expect(stats.reused).toBe(0);
  }, 120_000);

  it('loses nothing and counts nothing twice when a worker is killed with SIGKILL holding a box', async () => {
    const name = fresh('kill');
    const a = await startWorker(name);
    const runner = queueRunner({ connection: parseQueueUrl(url!), name, pollMs: 500 });
    const run = verifyRegion(diagonal, model, box, { ...options, runner });
    // Freeze the only worker until it holds a box, then kill it: the box is locked by a dead worker.
    const active = `bull:${name}:active`;
    for (;;) {
      a.child.kill('SIGSTOP');
      if ((await redis.llen(active)) > 0) break;
      a.child.kill('SIGCONT');
      await new Promise((r) => setTimeout(r, 20));
    }
    const held = await redis.lrange(active, 0, -1);
    a.child.kill('SIGKILL');
    expect(await a.exit).toBeNull();
    await startWorker(name);
    const queued = await run;
    expect(strip(queued)).toEqual(strip(inline));
    expect(queued.stats.boxes).toBe(inline.stats.boxes);
    // The held box was started again by the second worker, and answered once.
    expect(queued.stats.retries).toBeGreaterThanOrEqual(1);
    for (const id of held) {
      const ats = Number(await redis.hget(`bull:${name}:${id}`, 'ats'));
      expect(ats).toBeGreaterThanOrEqual(2);
      expect(await redis.hget(`bull:${name}:${id}`, 'finishedOn')).not.toBeNull();
    }
    expect(await redis.zcard(`bull:${name}:failed`)).toBe(0);
  }, 120_000);

  it('refuses a worker whose options differ, puts the box back, and the right worker answers it', async () => {
    const name = fresh('mismatch');
    // Another tie tolerance: the same networks decided with other settings (another fingerprint).
    const wrong = await startWorker(name, { tieTolerance: 0.5 });
    const runner = queueRunner({ connection: parseQueueUrl(url!), name, pollMs: 500 });
    const run = verifyRegion(diagonal, model, box, { ...options, runner });
    expect(await wrong.exit).toBe(2);
    expect(wrong.stderr()).toMatch(/QueueWorkerRefusedError: the queue holds boxes of another run/);
    await startWorker(name);
    const queued = await run;
    expect(strip(queued)).toEqual(strip(inline));
    expect(await redis.zcard(`bull:${name}:failed`)).toBe(0);
  }, 120_000);

  it('says when no worker answers, and goes on once one starts', async () => {
    const name = fresh('idle');
    const idle: number[] = [];
    let started: Promise<unknown> | null = null;
    const runner = queueRunner({
      connection: parseQueueUrl(url!),
      name,
      pollMs: 200,
      idleSeconds: 1,
      onIdle: ({ unanswered }) => {
        idle.push(unanswered);
        started ??= startWorker(name);
      },
    });
    const queued = await verifyRegion(diagonal, model, box, { ...options, runner });
    expect(idle[0]).toBe(1); // the root box, waiting
    expect(started).not.toBeNull();
    expect(strip(queued)).toEqual(strip(inline));
  }, 120_000);

  it('continues a run whose coordinator stopped from the answers already in the queue', async () => {
    const name = fresh('resume');
    await startWorker(name, { margins: false });
    const connection = parseQueueUrl(url!);
    const common = { seconds: 120, margins: false, volumeTolerance: 0 } as const;
    // What a killed coordinator leaves behind: its boxes answered in the queue. The resumed one
    // adds the same boxes (same ids), finds their answers and only sends the rest.
    const first = queueRunner({ connection, name, pollMs: 500 });
    await verifyRegion(diagonal, model, box, { ...common, maxBoxes: 120, runner: first });
    const second = queueRunner({ connection, name, pollMs: 500 });
    const resumed = await verifyRegion(diagonal, model, box, {
      ...common,
      maxBoxes: 240,
      runner: second,
    });
    const fresh240 = await verifyRegion(diagonal, model, box, {
      ...common,
      maxBoxes: 240,
      workers: 0,
    });
    expect(strip(resumed)).toEqual(strip(fresh240));
    expect(second.stats().reused).toBe(first.stats().boxes);
  }, 120_000);

  it('continues when Redis restarts with persistence mid-run', async () => {
    // A redis-server of this test's own (appendonly: every write is on disk), stopped and started
    // again while the run is under way.
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const data = mkdtempSync(join(tmpdir(), 'quantproof-redis-'));
    const server = (): ChildProcess => {
      const child = spawn(
        'redis-server',
        [
          '--bind',
          '127.0.0.1',
          '--port',
          String(port),
          '--dir',
          data,
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
          '--save',
          '',
        ],
        { stdio: 'ignore' },
      );
      children.push(child);
      return child;
    };
    const own = `redis://127.0.0.1:${port}/0`;
    const ping = async (): Promise<boolean> => {
      const c = new Redis(own, { lazyConnect: true, retryStrategy: () => null });
      c.on('error', () => {});
      const up = await c.connect().then(
        () => c.ping().then(() => true),
        () => false,
      );
      c.disconnect();
      return up;
    };
    const waitUp = async (): Promise<void> => {
      for (let i = 0; i < 100 && !(await ping()); i++) await new Promise((r) => setTimeout(r, 100));
    };
    let first = server();
    await waitUp();
    const name = fresh('restart');
    const worker = spawn(
      process.execPath,
      [WORKER, own, pairFile, JSON.stringify({ name, ...FAST })],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(worker);
    const runner = queueRunner({ connection: parseQueueUrl(own), name, pollMs: 500 });
    const run = verifyRegion(diagonal, model, box, { ...options, runner });
    const admin = new Redis(own);
    while (Number(await admin.zcard(`bull:${name}:completed`)) < 40)
      await new Promise((r) => setTimeout(r, 20));
    admin.disconnect();
    let settled = false;
    void run.then(() => (settled = true));
    const down = new Promise((r) => first.once('exit', r));
    first.kill('SIGTERM'); // redis-server's SIGTERM: fsync the append-only file, then exit
    await down;
    expect(settled, 'the run was still under way when Redis stopped').toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    first = server();
    await waitUp();
    const queued = await run;
    expect(strip(queued)).toEqual(strip(inline));
    expect(queued.stats.boxes).toBe(inline.stats.boxes);
    worker.kill('SIGTERM');
    first.kill('SIGTERM');
    await new Promise((r) => first.once('exit', r));
    rmSync(data, { recursive: true, force: true });
  }, 120_000);

  it('says clearly when Redis cannot be reached', async () => {
    const runner = queueRunner({ connection: parseQueueUrl('redis://127.0.0.1:1') });
    const error = await verifyRegion(diagonal, model, box, { ...options, runner }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect((error as Error).message).toMatch(
      /cannot reach the queue's Redis at redis:\/\/127\.0\.0\.1:1\/0 .*start redis-server/,
    );
  });
});

describe('queue URLs', () => {
  it('reads redis:// and rediss:// with a database, and refuses a password inside the URL', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/2', 'pw')).toMatchObject({
      host: '10.0.0.5',
      port: 6380,
      db: 2,
      tls: false,
      password: 'pw',
    });
    expect(parseQueueUrl('rediss://cache.example')).toMatchObject({ port: 6379, db: 0, tls: true });
    expect(() => parseQueueUrl('redis://:secret@host:6379')).toThrow(/holds a password/);
    expect(() => parseQueueUrl('http://host:6379')).toThrow(/not a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseQueueUrl('redis://host:6379/x')).toThrow(/database number/);
  });
});
