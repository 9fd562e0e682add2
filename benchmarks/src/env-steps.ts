// Steps per second of @quantproof/env's CartPole-v1 on one core, against Gymnasium's anchor.
//
//   pnpm --filter @quantproof/benchmarks bench:env            (about 55 s)
//
// The anchor is measured in the same run when Python with Gymnasium is available (`python3`, or
// GYMNASIUM_PYTHON): gym.make('CartPole-v1') under the same feedback policy, once before and once
// after our methods, so that both see the same load; the ratio divides by the mean of the two.
// Without Gymnasium the ratio is to a quoted figure, and the table says so: the two are never mixed.
//
// Each method runs a feedback policy (push toward the side the pole falls to, the golden file's
// `feedback`) for a warm-up and then a fixed wall-clock window, resetting finished episodes
// (unseeded resets continue each generator, as Gymnasium). Node runs the loop on one thread.

import { spawnSync } from 'node:child_process';
import { cpus, loadavg, platform, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CartPoleVectorBatch } from '@quantproof/env';
import { CartPoleEnv, CartPoleVectorEnv, NpRandom } from '@quantproof/env';

/**
 * A quoted figure, used only when Gymnasium cannot be run here: Gymnasium 1.4.0
 * `gym.make('CartPole-v1')`, 5-second step loop, measured by the project on another occasion (on
 * this machine kind Gymnasium measured 39–69 k steps/s under load: a quoted ratio is not a
 * same-run comparison).
 */
const QUOTED_GYMNASIUM_STEPS_PER_SECOND = 145_000;
const WARMUP_MS = 700;
const WINDOW_MS = Number(process.env['BENCH_WINDOW_MS'] ?? 4000);

interface Measurement {
  readonly method: string;
  readonly steps: number;
  readonly seconds: number;
}

/** Runs `chunk` (which returns the env-steps it took) until `ms` have passed. */
function timed(ms: number, chunk: () => number): { steps: number; seconds: number } {
  let steps = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    steps += chunk();
    now = performance.now();
  }
  return { steps, seconds: (now - start) / 1000 };
}

function measure(method: string, chunk: () => number): Measurement {
  timed(WARMUP_MS, chunk);
  const { steps, seconds } = timed(WINDOW_MS, chunk);
  return { method, steps, seconds };
}

function feedback(theta: number, thetaDot: number): number {
  return theta + 0.5 * thetaDot > 0 ? 1 : 0;
}

function scalarStepInto(): () => number {
  const env = new CartPoleEnv();
  const observation = new Float32Array(4);
  observation.set(env.reset({ seed: 0 }).observation);
  return () => {
    for (let i = 0; i < 4096; i++) {
      const action = feedback(observation[2] as number, observation[3] as number);
      if (env.stepInto(action, observation)) observation.set(env.reset().observation);
    }
    return 4096;
  };
}

function scalarStep(): () => number {
  const env = new CartPoleEnv();
  let observation = env.reset({ seed: 0 }).observation;
  return () => {
    for (let i = 0; i < 4096; i++) {
      const result = env.step(feedback(observation[2] as number, observation[3] as number));
      observation =
        result.terminated || result.truncated ? env.reset().observation : result.observation;
    }
    return 4096;
  };
}

/** 2^16 uniformly random actions from numpy's generator, cycled: a policy that costs nothing. */
function randomActions(): Uint8Array {
  const rng = NpRandom.fromSeed(1);
  return Uint8Array.from({ length: 65536 }, () => (rng.random() < 0.5 ? 1 : 0));
}

function vector(numEnvs: number, policy: 'feedback' | 'random'): () => number {
  const env = new CartPoleVectorEnv({ numEnvs });
  const actions = new Int32Array(numEnvs);
  const coin = randomActions();
  let flip = 0;
  let batch: CartPoleVectorBatch = env.reset({ seed: 0 });
  const calls = Math.max(1, Math.floor(4096 / numEnvs));
  return () => {
    for (let c = 0; c < calls; c++) {
      const o = batch.observations;
      for (let i = 0; i < numEnvs; i++) {
        actions[i] =
          policy === 'feedback'
            ? feedback(o[4 * i + 2] as number, o[4 * i + 3] as number)
            : (coin[flip++ & 0xffff] as number);
      }
      batch = env.step(actions);
    }
    return calls * numEnvs;
  };
}

/** Gymnasium's CartPole-v1 under the same feedback policy, warm-up and window, in Python. */
function gymnasiumStepsPerSecond(): { version: string; rate: number } | null {
  const script = `
import time, gymnasium as gym
env = gym.make('CartPole-v1')
obs, _ = env.reset(seed=0)
def run(seconds):
    global obs
    steps = 0
    start = time.perf_counter()
    while True:
        for _ in range(4096):
            action = 1 if obs[2] + 0.5 * obs[3] > 0 else 0
            obs, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                obs, _ = env.reset()
        steps += 4096
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return steps / elapsed
run(${WARMUP_MS / 1000})
print(gym.__version__, run(${WINDOW_MS / 1000}))
`;
  const run = spawnSync(process.env['GYMNASIUM_PYTHON'] ?? 'python3', ['-c', script], {
    encoding: 'utf8',
  });
  if (run.status !== 0) return null;
  const [version, rate] = run.stdout.trim().split(/\s+/);
  return version === undefined || rate === undefined ? null : { version, rate: Number(rate) };
}

const loadAtStart = loadavg()[0] ?? 0;
const gymBefore = gymnasiumStepsPerSecond();
const results: Measurement[] = [
  measure('CartPoleEnv.stepInto (reused observation buffer)', scalarStepInto()),
  measure('CartPoleEnv.step (fresh observation per step)', scalarStep()),
  measure('CartPoleVectorEnv N=8', vector(8, 'feedback')),
  measure('CartPoleVectorEnv N=64', vector(64, 'feedback')),
  measure('CartPoleVectorEnv N=64, random actions (episodes ~22 steps)', vector(64, 'random')),
];

const gymAfter = gymBefore === null ? null : gymnasiumStepsPerSecond();
const measured = gymBefore !== null && gymAfter !== null;
const anchor = measured ? (gymBefore.rate + gymAfter.rate) / 2 : QUOTED_GYMNASIUM_STEPS_PER_SECOND;
const fmt = (rate: number): string => Math.round(rate).toLocaleString('en-US');

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  `Machine: ${cpu} (${cpus().length} logical CPUs), ${platform()} ${release()}, Node ${process.version}`,
  `Date: ${new Date().toISOString()}; 1-minute load average at start ${loadAtStart.toFixed(2)} (other processes share the CPUs)`,
  `Window: ${WINDOW_MS / 1000} s per method after ${WARMUP_MS / 1000} s warm-up, one thread.`,
  measured
    ? `Anchor: Gymnasium ${gymBefore.version} gym.make('CartPole-v1') measured in this run under the same policy and window: ${fmt(gymBefore.rate)} steps/s before our methods, ${fmt(gymAfter.rate)} after; the ratio divides by their mean, ${fmt(anchor)}.`
    : `Anchor: Gymnasium could not be run here (no python3 with gymnasium; set GYMNASIUM_PYTHON), so the ratio is to a QUOTED figure, ${fmt(anchor)} steps/s (Gymnasium 1.4.0, measured on another occasion), not a same-run measurement.`,
  '',
  `| method | env-steps/s | ${measured ? '× Gymnasium (same run)' : '× quoted Gymnasium figure'} |`,
  '| --- | ---: | ---: |',
  measured
    ? `| Gymnasium ${gymBefore.version} CartPole-v1 (anchor, mean of before and after) | ${fmt(anchor)} | 1.0 |`
    : `| Gymnasium 1.4.0 CartPole-v1 (quoted, not measured in this run) | ${fmt(anchor)} | 1.0 |`,
  ...results.map((r) => {
    const rate = r.steps / r.seconds;
    return `| ${r.method} | ${fmt(rate)} | ${(rate / anchor).toFixed(1)} |`;
  }),
];
console.log(lines.join('\n'));
