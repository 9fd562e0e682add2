// The FP32 policy's benchmark: PPO (and REINFORCE) training wall time per seed, and FP32 inference
// latency at batch 1 and 256 — forwardFp32 / forwardTrain against onnxruntime-node, same model,
// same run, reported as ratios.
//
//   pnpm --filter @quantproof/benchmarks bench:fp32        (about 1–2 minutes)

import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import {
  createForwardFp32Workspace,
  createSeededRng,
  createTrainingWorkspace,
  forwardBatchFp32,
  forwardFp32Into,
  forwardTrain,
  type Mlp,
} from '@quantproof/nn';
import { createOrtSession, writeMlpOnnx } from '@quantproof/onnx';
import { evaluate, trainPpo, trainReinforce } from '@quantproof/rl';
import { microsecondsPerCall } from './timing.js';

const SEEDS = [0, 1, 2, 3, 4];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function trainingTable(): Mlp {
  console.log(
    '\n### Training wall time per seed (defaults, early stop at a greedy 20-episode mean of 500)\n',
  );
  console.log(
    '| algorithm | seed | wall s | env steps | stop | greedy mean ± std (100 episodes) | min |',
  );
  console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: |');
  let policy: Mlp | undefined;
  for (const [name, train] of [
    ['PPO', (seed: number) => trainPpo({ seed })],
    ['REINFORCE', (seed: number) => trainReinforce({ seed })],
  ] as const) {
    const times: number[] = [];
    for (const seed of SEEDS) {
      const start = performance.now();
      const result = train(seed);
      const seconds = (performance.now() - start) / 1000;
      times.push(seconds);
      const evaluation = evaluate(result.policy);
      if (name === 'PPO' && seed === 0) policy = result.policy;
      console.log(
        `| ${name} | ${seed} | ${seconds.toFixed(2)} | ${result.steps} | ${result.stopReason} | ${evaluation.mean.toFixed(2)} ± ${evaluation.std.toFixed(2)} | ${evaluation.min} |`,
      );
    }
    console.log(`| ${name} | **median** | **${median(times).toFixed(2)}** | | | | |`);
  }
  return policy!;
}

function boxInputs(n: number, seed: number): Float32Array {
  const rng = createSeededRng(seed);
  const { lower, upper } = CARTPOLE_OPERATING_BOX;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n * 4; i++) {
    const d = i % 4;
    out[i] = lower[d]! + (upper[d]! - lower[d]!) * rng.nextFloat64();
  }
  return out;
}

async function latencyTable(policy: Mlp): Promise<void> {
  const session = await createOrtSession(writeMlpOnnx(policy), { intraOpNumThreads: 1 });
  const one = boxInputs(1, 1);
  const batch = boxInputs(256, 2);
  const out1 = new Float32Array(2);
  const out256 = new Float32Array(512);
  const fp32Workspace = createForwardFp32Workspace(policy);
  const train1 = createTrainingWorkspace(policy, 1);
  const train256 = createTrainingWorkspace(policy, 256);
  const rows: [string, number, number][] = [];
  const ms = 2000;
  const ort1 = await microsecondsPerCall(ms, () => session.run(one, 1));
  const ort256 = await microsecondsPerCall(ms, () => session.run(batch, 256));
  rows.push(['onnxruntime-node 1.30.0 (level all, 1 thread)', ort1, ort256]);
  rows.push([
    'forwardFp32 (float32 reference loop)',
    await microsecondsPerCall(ms, () => forwardFp32Into(policy, one, out1, fp32Workspace)),
    await microsecondsPerCall(ms, () =>
      forwardBatchFp32(policy, batch, 256, { out: out256, workspace: fp32Workspace }),
    ),
  ]);
  rows.push([
    'forwardTrain (WASM SIMD, bitwise = forwardFp32)',
    await microsecondsPerCall(ms, () => forwardTrain(train1, one, 1)),
    await microsecondsPerCall(ms, () => forwardTrain(train256, batch, 256)),
  ]);
  await session.release();
  console.log('\n### FP32 inference latency, 4-64-64-2 PPO policy (seed 0), µs per call\n');
  console.log('| engine | batch 1 | × ORT | batch 256 | × ORT |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, b1, b256] of rows) {
    console.log(
      `| ${name} | ${b1.toFixed(2)} | ${(ort1 / b1).toFixed(2)} | ${b256.toFixed(1)} | ${(ort256 / b256).toFixed(2)} |`,
    );
  }
  console.log('\n(× ORT > 1 means faster than onnxruntime-node.)');
}

console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical CPUs), Node ${process.version}, ${new Date().toISOString()}, load ${loadavg()[0]!.toFixed(2)}`,
);
const policy = trainingTable();
await latencyTable(policy);
