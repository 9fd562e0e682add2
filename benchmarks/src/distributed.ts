// Distributed region verification: the local worker-thread pool against `quantproof worker`
// processes on a BullMQ queue in Redis, on the same pair, region and box budget (the answers are
// checked equal), on this machine:
//
//   1. the local pool with 1 and 2 threads;
//   2. the queue with 1, 2 and 4 worker processes (one thread each) and the coordinator in this
//      process: boxes per second, per worker, Redis commands and round trips per box, Redis CPU
//      and bytes per box, coordinator CPU per box, and the queue's overhead per box in µs (queue
//      with 1 worker against the pool with 1 thread: the same evaluations, one more hop);
//   3. from those numbers, on paper, the throughput of 16, 64 and 256 workers and where it
//      saturates (Redis, the coordinator, or the round's width).
//
//   pnpm --filter @quantproof/benchmarks bench:distributed                 (about 3 minutes on 2 cores)
//
// The 1-thread pool and the 1-worker queue are run three times each, interleaved, and the fastest
// of each kept (the machine is shared); a worker's time per box comes from the boxes' own
// timestamps in Redis, so the model below does not depend on that noise.
//   pnpm --filter @quantproof/benchmarks bench:distributed -- --boxes 800 --redis redis://127.0.0.1:6379/5
//
// The pair is a small PPO policy trained and quantised (ptq-static) by the built cli (a few
// seconds). Redis is a redis-server started on 127.0.0.1 on a free port (stopped at the end),
// unless --redis names one (its database is flushed). Markdown goes to stdout, progress to stderr.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import type { Mlp } from '@quantproof/nn';
import { readModelOnnx } from '@quantproof/onnx';
import type { QMlp } from '@quantproof/quant';
import { type RegionResult, releaseZ3, verifyRegion } from '@quantproof/smt-verify';
import { parseQueueUrl, queueRunner } from '@quantproof/smt-verify/queue';
import { Redis } from 'ioredis';
import { log, mustRun, ROOT } from './study-models.js';

const CLI = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
const CPU = 'vnni-exact';
const REPEATS = 3;

const { values } = parseArgs({
  options: { boxes: { type: 'string', default: '1000' }, redis: { type: 'string' } },
});
const boxes = Number(values.boxes);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRedis(dir: string): Promise<{ url: string; stop: () => void }> {
  if (values.redis !== undefined) return { url: values.redis, stop: () => {} };
  const port = await freePort();
  const server = spawn(
    'redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  for (let i = 0; i < 100; i++) {
    const c = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    c.on('error', () => {});
    const up = await c.connect().then(
      () => true,
      () => false,
    );
    c.disconnect();
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => server.kill('SIGTERM') };
}

/** Redis's counters: commands by name, total commands, CPU seconds, network bytes. */
async function redisCounters(redis: Redis): Promise<{
  commands: Map<string, number>;
  total: number;
  cpu: number;
  bytesIn: number;
  bytesOut: number;
}> {
  const info = await redis.info('all');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  const commands = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm))
    commands.set(m[1]!, Number(m[2]));
  return {
    commands,
    total: field('total_commands_processed'),
    cpu: field('used_cpu_user') + field('used_cpu_sys'),
    bytesIn: field('total_net_input_bytes'),
    bytesOut: field('total_net_output_bytes'),
  };
}

function startWorkers(n: number, url: string, fp32: string, int8: string): Promise<ChildProcess[]> {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ChildProcess>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [
              CLI,
              'worker',
              '--queue',
              url,
              '--fp32',
              fp32,
              '--int8',
              int8,
              '--workers',
              '1',
              '--cpu-semantics',
              CPU,
            ],
            { env, stdio: ['ignore', 'ignore', 'pipe'] },
          );
          child.stderr!.setEncoding('utf8').on('data', (d: string) => {
            if (d.includes('quantproof worker:')) resolve(child);
          });
          child.on('exit', (code) => reject(new Error(`a worker exited with ${code}`)));
        }),
    ),
  );
}

async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.removeAllListeners('exit');
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}

interface Row {
  readonly runner: string;
  readonly evaluators: number;
  readonly seconds: number;
  readonly boxes: number;
  readonly rounds: number;
  readonly coordinatorCpuUs: number;
  readonly queue?: {
    readonly commands: number;
    readonly coordinatorRoundTrips: number;
    readonly workerRoundTrips: number;
    readonly eventRoundTrips: number;
    readonly redisCpuUs: number;
    readonly bytesIn: number;
    readonly bytesOut: number;
    readonly payload: number;
    readonly answer: number;
    /** Mean time a worker spent on a box (its timestamps: processedOn → finishedOn). */
    readonly busyMsPerBox: number;
    /** 1 worker: mean gap between a box's finish and the next box's start inside a round (ms). */
    readonly hopMs: number;
    /** 1 worker: mean time per round from the last answer to the next round's first start (ms). */
    readonly barrierMs: number;
    readonly top: string;
  };
  readonly result: RegionResult;
}

async function measure(
  runner: string,
  evaluators: number,
  call: () => Promise<RegionResult>,
): Promise<Omit<Row, 'queue'>> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await call();
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  log(`${runner} ×${evaluators}: ${result.stats.boxes} boxes in ${seconds.toFixed(1)} s`);
  return {
    runner,
    evaluators,
    seconds,
    boxes: result.stats.boxes,
    rounds: result.stats.rounds,
    coordinatorCpuUs: (c.user + c.system) / result.stats.boxes,
    result,
  };
}

const same = (a: RegionResult, b: RegionResult): boolean =>
  JSON.stringify([a.verdict, a.leaves, a.disagreement, a.flipMargin, a.errorBound]) ===
  JSON.stringify([b.verdict, b.leaves, b.disagreement, b.flipMargin, b.errorBound]);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qp-bench-distributed-'));
  const fp32File = join(dir, 'fp32.onnx');
  const int8File = join(dir, 'int8.onnx');
  mustRun('node', [CLI, 'train', '--seed', '2', '--timesteps', '20000', '--out', fp32File], ROOT);
  mustRun(
    'node',
    [CLI, 'quantize', '--fp32', fp32File, '--method', 'ptq-static', '--out', int8File],
    ROOT,
  );
  const f = readModelOnnx(readFileSync(fp32File));
  const q = readModelOnnx(readFileSync(int8File));
  if (f.kind !== 'fp32' || q.kind !== 'int8') throw new Error('unexpected model kinds');
  const fp32: Mlp = f.mlp;
  const int8: QMlp = q.model;
  const options = { maxBoxes: boxes, seconds: 3600, cpuSemantics: CPU } as const;
  const region = CARTPOLE_OPERATING_BOX;
  const redisServer = await startRedis(dir);
  const redis = new Redis(redisServer.url);
  await redis.flushdb();
  const rows: Row[] = [];
  const pools1Seconds: number[] = [];
  const queues1Seconds: number[] = [];
  try {
    const pool = (threads: number): Promise<Omit<Row, 'queue'>> =>
      measure('local pool (threads)', threads, () =>
        verifyRegion(fp32, int8, region, { ...options, workers: threads }),
      );
    const queued = async (n: number): Promise<Row> => {
      await redis.flushdb();
      const workers = await startWorkers(n, redisServer.url, fp32File, int8File);
      const runner = queueRunner({ connection: parseQueueUrl(redisServer.url) });
      const before = await redisCounters(redis);
      const row = await measure('queue (worker processes)', n, () =>
        verifyRegion(fp32, int8, region, { ...options, runner }),
      );
      const after = await redisCounters(redis);
      await stopAll(workers);
      // The workers' busy time, from the boxes' own timestamps (processedOn → finishedOn).
      const ids = await redis.zrange('bull:quantproof-region:completed', 0, -1);
      const pipeline = redis.pipeline();
      for (const id of ids) {
        pipeline.hmget(`bull:quantproof-region:${id}`, 'timestamp', 'processedOn', 'finishedOn');
      }
      const boxTimes = ((await pipeline.exec()) ?? [])
        .map(([, v]) => (v as string[]).map(Number) as [number, number, number])
        .sort((a, b) => a[1] - b[1]);
      let busyMs = 0;
      let hopMs = 0;
      let hopCount = 0;
      let barrierMs = 0;
      boxTimes.forEach(([, started, finished], i) => {
        busyMs += finished - started;
        const next = boxTimes[i + 1];
        if (n !== 1 || next === undefined) return;
        // A box added after this one finished opens the next round (the barrier); otherwise the
        // gap is the worker's hop: complete this box and fetch the next in one script call.
        if (next[0] > finished) barrierMs += next[1] - finished;
        else {
          hopMs += next[1] - finished;
          hopCount++;
        }
      });
      const s = runner.stats();
      const per = (x: number): number => x / row.boxes;
      const delta = (name: string): number =>
        (after.commands.get(name) ?? 0) - (before.commands.get(name) ?? 0);
      log(
        `Redis commands (server side, Lua-invoked included): ${[...after.commands]
          .map(([name, calls]) => `${name} ${calls - (before.commands.get(name) ?? 0)}`)
          .filter((t) => !t.endsWith(' 0'))
          .join(', ')}`,
      );
      const top = [...after.commands]
        .map(([name, calls]) => [name, calls - (before.commands.get(name) ?? 0)] as const)
        .filter(([, d]) => d > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([name, d]) => `${name} ${per(d).toFixed(2)}`)
        .join(', ');
      return {
        ...row,
        queue: {
          // The INFO calls themselves are left out (two per measurement).
          commands: per(after.total - before.total - 2),
          coordinatorRoundTrips: per(s.roundTrips),
          // A worker's round trips are its scripts (EVALSHA: moveToActive, moveToFinished — which
          // also fetches the next box —, extendLock) and its blocking waits for new boxes
          // (BZPOPMIN); the coordinator's addBulk sends one EVALSHA per box inside its one MULTI.
          workerRoundTrips: per(delta('evalsha') + delta('bzpopmin') - (s.boxes - s.reused)),
          eventRoundTrips: per(delta('xread')),
          redisCpuUs: per((after.cpu - before.cpu) * 1e6),
          bytesIn: per(after.bytesIn - before.bytesIn),
          bytesOut: per(after.bytesOut - before.bytesOut),
          payload: s.payloadBytes / s.boxes,
          answer: s.answerBytes / s.boxes,
          busyMsPerBox: busyMs / ids.length,
          hopMs: hopCount === 0 ? 0 : hopMs / hopCount,
          barrierMs: barrierMs / Math.max(1, row.rounds - 1),
          top,
        },
      };
    };
    // The machine is shared: 1 thread against 1 worker process three times, interleaved, best kept.
    const best = <T extends { seconds: number }>(xs: T[]): T =>
      xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const pools1: Omit<Row, 'queue'>[] = [];
    const queues1: Row[] = [];
    for (let k = 0; k < REPEATS; k++) {
      pools1.push(await pool(1));
      queues1.push(await queued(1));
    }
    pools1Seconds.push(...pools1.map((r) => r.seconds));
    queues1Seconds.push(...queues1.map((r) => r.seconds));
    rows.push(best(pools1), await pool(2), best(queues1), await queued(2), await queued(4));
  } finally {
    redis.disconnect();
    redisServer.stop();
    await releaseZ3();
    rmSync(dir, { recursive: true, force: true });
  }
  const reference = rows[0]!.result;
  const allSame = rows.every((r) => same(r.result, reference));

  const out: string[] = [];
  const cpu = cpus();
  out.push(
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} at the end; Redis ${values.redis === undefined ? 'redis-server on 127.0.0.1 (no persistence)' : values.redis}. Pair: PPO seed 2, 20 000 steps, ptq-static; region: the CartPole operating box; --max-boxes ${boxes}, cpu semantics ${CPU}, round size 16 (32 boxes a round). Every run below gave the same leaves, bracket, δ* and ε*: ${allSame ? 'yes' : 'NO'}.`,
    '',
    '| runner | evaluators | boxes | rounds | wall s | boxes/s | boxes/s per evaluator | coordinator CPU µs/box |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows) {
    out.push(
      `| ${r.runner} | ${r.evaluators} | ${r.boxes} | ${r.rounds} | ${r.seconds.toFixed(1)} | ${(r.boxes / r.seconds).toFixed(1)} | ${(r.boxes / r.seconds / r.evaluators).toFixed(1)} | ${r.coordinatorCpuUs.toFixed(0)} |`,
    );
  }
  out.push(
    '',
    '| queue workers | Redis commands/box (server side, incl. inside scripts) | round trips/box: workers · coordinator · event reads | Redis CPU µs/box | bytes into / out of Redis per box | job payload / answer bytes per box | most frequent commands per box |',
    '|---:|---:|---|---:|---:|---:|---|',
  );
  for (const r of rows) {
    if (r.queue === undefined) continue;
    const qd = r.queue;
    out.push(
      `| ${r.evaluators} | ${qd.commands.toFixed(1)} | ${qd.workerRoundTrips.toFixed(2)} · ${qd.coordinatorRoundTrips.toFixed(3)} · ${qd.eventRoundTrips.toFixed(3)} | ${qd.redisCpuUs.toFixed(0)} | ${qd.bytesIn.toFixed(0)} / ${qd.bytesOut.toFixed(0)} | ${qd.payload.toFixed(0)} / ${qd.answer.toFixed(0)} | ${qd.top} |`,
    );
  }
  const pool1 = rows.find((r) => r.runner.startsWith('local') && r.evaluators === 1)!;
  log(
    `1-thread pool runs: ${pools1Seconds.map((x) => x.toFixed(1)).join(', ')} s; 1-worker queue runs: ${queues1Seconds.map((x) => x.toFixed(1)).join(', ')} s`,
  );
  const queue1 = rows.find((r) => r.queue !== undefined && r.evaluators === 1)!;
  const overheadUs = ((queue1.seconds - pool1.seconds) * 1e6) / queue1.boxes;
  const redisUs = Math.max(...rows.filter((r) => r.queue).map((r) => r.queue!.redisCpuUs));
  const boxesPerRound = queue1.boxes / queue1.rounds;
  // The driver's rounds are a barrier: between rounds the coordinator applies the answers, does
  // its own work and adds the next round, while no worker decides anything. From the 1-worker
  // run's box timestamps (ms resolution, averaged over every box): t, a worker's time on a box, from
  // its start to its finish (its hop included: one script call completes a box and starts the
  // next, so h, the gap between them inside a round, is 0 at ms resolution); G, the barrier from a round's last answer to the next round's first start. One
  // round of B boxes on N workers: G(B) + ⌈B/N⌉·(t + h), with G(B) = G + (B − B₀)·c as the
  // coordinator's serial work grows with the round (c its CPU per box, B₀ the measured round).
  const c = queue1.coordinatorCpuUs / 1e6;
  const q1 = queue1.queue!;
  const t = q1.busyMsPerBox / 1000;
  const h = q1.hopMs / 1000;
  const g = q1.barrierMs / 1000;
  const barrier = (b: number): number => g + Math.max(0, b - boxesPerRound) * c;
  const modelled = (n: number, b: number): number =>
    Math.min(b / (barrier(b) + Math.ceil(b / n) * (t + h)), 1e6 / redisUs);
  out.push(
    '',
    `Queue overhead per box, wall clock (best of ${REPEATS}: 1 worker process against the pool with 1 thread, the same boxes): ${overheadUs.toFixed(0)} µs — within this machine's noise. From the 1-worker run's own box timestamps: a worker spends t = ${(t * 1000).toFixed(2)} ms on a box, its hop to the next box included (the gap h between one box's finish and the next one's start inside a round: ${(h * 1e6).toFixed(0)} µs); between rounds G = ${(g * 1000).toFixed(1)} ms pass from the last answer to the next round's first start (event delivery, the coordinator's own work — c = ${(c * 1e6).toFixed(0)} µs of CPU per box — and the add), i.e. ${((g * 1e6) / boxesPerRound).toFixed(0)} µs per box of a ${boxesPerRound.toFixed(0)}-box round.`,
    '',
    `On paper: a round of B boxes on N workers takes G(B) + ⌈B/N⌉·(t + h); the coordinator's work per round grows with B, so throughput tends to 1/c = ${(1 / c).toFixed(0)} boxes/s as rounds grow. Redis spends ${redisUs.toFixed(0)} µs of its one thread per box: a ceiling of ${(1e6 / redisUs).toFixed(0)} boxes/s.`,
    '',
    '| workers | N / (t + h) (no barrier) | rounds of 32 boxes (round size 16, the default) | 256 boxes (round size 128) | 1024 boxes (round size 512) | Redis ops/s at the best of these | what limits it |',
    '|---:|---:|---:|---:|---:|---:|---|',
  );
  const commandsPerBox = queue1.queue!.commands;
  for (const n of [16, 64, 256]) {
    const sizes = [32, 256, 1024];
    const rates = sizes.map((b) => modelled(n, b));
    const top = Math.max(...rates);
    const b = sizes[rates.indexOf(top)]!;
    const limit =
      top >= 1e6 / redisUs - 1e-9
        ? 'Redis CPU'
        : Math.ceil(b / n) * (t + h) < barrier(b)
          ? 'the coordinator: its serial work per round (and the hops)'
          : 'the workers';
    out.push(
      `| ${n} | ${(n / (t + h)).toFixed(0)} | ${rates.map((r) => r.toFixed(0)).join(' | ')} | ${(top * commandsPerBox).toFixed(0)} | ${limit} |`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
