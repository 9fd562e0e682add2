// int8 inference latency: the reference executor against onnxruntime-node on the same models, at
// batch 1 and 256, as ratios in one run.
//
//   pnpm --filter @quantproof/benchmarks bench:int8-latency        (about 1 minute)

import { cpus, loadavg } from 'node:os';
import { CARTPOLE_OPERATING_BOX, CartPoleEnv, rollout } from '@quantproof/env';
import { createSeededRng } from '@quantproof/nn';
import { createOrtSession, writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import { createInt8Executor, type QMlp, quantizeDynamic, quantizeStatic } from '@quantproof/quant';
import { greedyPolicy, trainPpo } from '@quantproof/rl';
import { microsecondsPerCall } from './timing.js';

const policy = trainPpo({ seed: 0 }).policy;
const states: number[] = [];
for (let i = 0; i < 20; i++) {
  const t = rollout(new CartPoleEnv(), greedyPolicy(policy), { seed: 2_000_000 + i });
  states.push(...t.observations.subarray(0, t.length * 4));
}
const calibration = Float32Array.from(states);
const rng = createSeededRng(9);
const { lower, upper } = CARTPOLE_OPERATING_BOX;
const batch = Float32Array.from({ length: 256 * 4 }, (_, i) => {
  const d = i % 4;
  return lower[d]! + (upper[d]! - lower[d]!) * rng.nextFloat64();
});
const one = batch.subarray(0, 4);
const models: [string, QMlp][] = [
  ['PTQ static QDQ (int8 act.)', quantizeStatic(policy, calibration).model],
  [
    'PTQ static QOperator (uint8 act.)',
    quantizeStatic(policy, calibration, { format: 'qoperator', activationType: 'uint8' }).model,
  ],
  ['PTQ dynamic', quantizeDynamic(policy).model],
];
console.log(
  `Machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical CPUs), Node ${process.version}, ${new Date().toISOString()}, load ${loadavg()[0]!.toFixed(2)}\n`,
);
console.log(
  '| model | ORT b1 µs | executor b1 µs | × ORT | ORT b256 µs | executor b256 µs | × ORT |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const fp32 = await createOrtSession(writeMlpOnnx(policy), { intraOpNumThreads: 1 });
const f1 = await microsecondsPerCall(1500, () => fp32.run(one, 1));
const f256 = await microsecondsPerCall(1500, () => fp32.run(batch, 256));
console.log(`| FP32 in ORT (reference) | ${f1.toFixed(2)} | | | ${f256.toFixed(1)} | | |`);
await fp32.release();
for (const [name, model] of models) {
  const session = await createOrtSession(writeQMlpOnnx(model), { intraOpNumThreads: 1 });
  const executor = createInt8Executor(model, { dynamicRange: 'per-batch' });
  const out = new Float32Array(512);
  const o1 = await microsecondsPerCall(1500, () => session.run(one, 1));
  const e1 = await microsecondsPerCall(1500, () => executor.forward(one));
  const o256 = await microsecondsPerCall(1500, () => session.run(batch, 256));
  const e256 = await microsecondsPerCall(1500, () => executor.forwardBatch(batch, out));
  console.log(
    `| ${name} | ${o1.toFixed(2)} | ${e1.toFixed(2)} | ${(o1 / e1).toFixed(2)} | ${o256.toFixed(1)} | ${e256.toFixed(1)} | ${(o256 / e256).toFixed(2)} |`,
  );
  await session.release();
}
console.log('\n(× ORT > 1: the executor is faster than onnxruntime-node.)');
