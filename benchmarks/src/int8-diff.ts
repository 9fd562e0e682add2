// The full differential count of @quantproof/quant's int8 executor against onnxruntime-node
// 1.30.0: for each int8 format and onnxruntime execution path, at least 1 000 000 inputs (random
// in CartPole's operating box, far outside it, on rounding ties, saturating, ±0, NaN/±∞), each
// model written by writeQMlpOnnx and run by ORT, logits compared on their float32 bits. The CI
// slice of the same check is packages/onnx/test/int8.diff.test.ts.
//
//   pnpm --filter @quantproof/benchmarks bench:int8-diff        (about 10 minutes)
//
// INT8_DIFF_INPUTS sets the inputs per format and path (default 1 000 000). The process exits
// with code 1 when any logit differs.

import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CARTPOLE_OPERATING_BOX } from '@quantproof/env';
import { createMlp, createSeededRng, type Mlp } from '@quantproof/nn';
import {
  compareInt8WithOrt,
  DIFFERENTIAL_INPUT_KINDS,
  differentialInputs,
  type GraphOptimizationLevel,
} from '@quantproof/onnx';
import {
  quantizeDynamic,
  quantizeStatic,
  type ExecutionPath,
  type QMlp,
  type QuantizeStaticOptions,
} from '@quantproof/quant';

const INPUTS = Number(process.env['INT8_DIFF_INPUTS'] ?? 1_000_000);
const BOX = { lower: CARTPOLE_OPERATING_BOX.lower, upper: CARTPOLE_OPERATING_BOX.upper };

/** A createMlp network (orthogonal init) with biases uniform in ±biasRange from the same seed. */
function policyMlp(sizes: readonly number[], seed: number, biasRange = 0.2): Mlp {
  const rng = createSeededRng(seed);
  const mlp = createMlp({ sizes, rng });
  for (const layer of mlp.layers) {
    for (let j = 0; j < layer.bias.length; j++)
      layer.bias[j] = biasRange * (2 * rng.nextFloat64() - 1);
  }
  return mlp;
}

const NETWORKS: readonly Mlp[] = [
  policyMlp([4, 64, 64, 2], 101),
  policyMlp([4, 64, 64, 2], 102),
  policyMlp([4, 64, 64, 2], 103),
  policyMlp([4, 16, 2], 104),
  policyMlp([4, 32, 48, 16, 3], 105, 0.5),
];

function calibration(seed: number): Float32Array {
  const rng = createSeededRng(seed);
  const out = new Float32Array(500 * 4);
  for (let k = 0; k < out.length; k++) {
    const i = k % 4;
    const low = BOX.lower[i]!;
    out[k] = low + (BOX.upper[i]! - low) * rng.nextFloat64();
  }
  return out;
}

interface Format {
  readonly name: string;
  readonly quantize: (mlp: Mlp, calibrationInputs: Float32Array) => QMlp;
}

const staticFormat = (name: string, options: QuantizeStaticOptions): Format => ({
  name,
  quantize: (mlp, data) => quantizeStatic(mlp, data, options).model,
});

const QDQ_INT8 = staticFormat('qdq int8 activations', {});
const QDQ_UINT8 = staticFormat('qdq uint8 activations', { activationType: 'uint8' });
const QDQ_FORMATS: readonly Format[] = [
  QDQ_INT8,
  QDQ_UINT8,
  staticFormat('qdq per-channel (uint8 asymmetric weights)', {
    activationType: 'uint8',
    weightType: 'uint8',
    weightSymmetric: false,
    perChannel: true,
  }),
  staticFormat('qdq float logits, reduced range, per-channel', {
    logits: 'float',
    reduceRange: true,
    perChannel: true,
  }),
  {
    name: 'qdq mixed bit widths (2..8)',
    quantize: (mlp, data) =>
      quantizeStatic(mlp, data, {
        weightBits: mlp.layers.map((_, l) => [4, 6, 2, 8, 3][l % 5] ?? 8),
      }).model,
  },
];
const QOPERATOR_FORMATS: readonly Format[] = [
  staticFormat('qoperator int8', { format: 'qoperator' }),
  staticFormat('qoperator uint8, float logits', {
    format: 'qoperator',
    activationType: 'uint8',
    logits: 'float',
  }),
  staticFormat('qoperator uint8, per-feature input scales, per-channel, float logits', {
    format: 'qoperator',
    activationType: 'uint8',
    perChannel: true,
    logits: 'float',
    inputScale: 'per-feature',
  }),
];
const DYNAMIC: Format = { name: 'dynamic', quantize: (mlp) => quantizeDynamic(mlp).model };
const DYNAMIC_PER_CHANNEL: Format = {
  name: 'dynamic per-channel, 6-bit',
  quantize: (mlp) => quantizeDynamic(mlp, { perChannel: true, weightBits: 6 }).model,
};

interface Run {
  readonly format: Format;
  readonly path: string;
  readonly executionPath?: ExecutionPath;
  readonly level?: GraphOptimizationLevel;
  readonly batchSize?: number;
}

const unfused = (gemm: 'gemm-transb' | 'gemm' | 'matmul-add'): ExecutionPath => ({
  kind: 'unfused-float',
  gemm,
});

const RUNS: readonly Run[] = [
  ...[...QDQ_FORMATS, ...QOPERATOR_FORMATS].map((format): Run => ({
    format,
    path: "fused-integer, 'all', batches of 4096",
  })),
  ...QDQ_FORMATS.map((format): Run => ({
    format,
    path: "unfused-float gemm-transb, 'disabled', batch 1",
    executionPath: unfused('gemm-transb'),
  })),
  {
    format: QDQ_UINT8,
    path: "unfused-float gemm, 'disabled', batch 1",
    executionPath: unfused('gemm'),
  },
  {
    format: QDQ_UINT8,
    path: "unfused-float gemm, 'basic', batch 1",
    executionPath: unfused('gemm'),
    level: 'basic',
  },
  {
    format: QDQ_UINT8,
    path: "unfused-float matmul-add, 'disabled', batch 1",
    executionPath: unfused('matmul-add'),
  },
  ...[DYNAMIC, DYNAMIC_PER_CHANNEL].flatMap((format): Run[] => [
    { format, path: "per-batch range, 'all', batches of 4096", level: 'all' },
    { format, path: "per-batch range, 'disabled', batches of 4096", level: 'disabled' },
  ]),
  { format: DYNAMIC, path: "per-sample range, 'all', batch 1", batchSize: 1 },
];

async function measure(run: Run): Promise<{ inputs: number; differing: number; seconds: number }> {
  const perKind = Math.ceil(INPUTS / NETWORKS.length / DIFFERENTIAL_INPUT_KINDS.length);
  let inputs = 0;
  let differing = 0;
  const start = performance.now();
  for (const [n, mlp] of NETWORKS.entries()) {
    const quantized = run.format.quantize(mlp, calibration(200 + n));
    const model: QMlp =
      run.executionPath === undefined || quantized.format === 'dynamic'
        ? quantized
        : { ...quantized, executionPath: run.executionPath };
    for (const [k, kind] of DIFFERENTIAL_INPUT_KINDS.entries()) {
      const rows = differentialInputs(model, kind, perKind, {
        seed: 1_000_000 + 1000 * n + k,
        box: BOX,
      });
      const result = await compareInt8WithOrt(model, rows, {
        ...(run.level === undefined ? {} : { level: run.level }),
        ...(run.batchSize === undefined ? {} : { batchSize: run.batchSize }),
      });
      inputs += result.rows;
      differing += result.differingOutputs;
      if (result.differingOutputs > 0) {
        console.error(
          `${run.format.name}, ${run.path}, network ${n}, ${kind}:`,
          result.differences,
        );
      }
    }
  }
  return { inputs, differing, seconds: (performance.now() - start) / 1000 };
}

console.log(
  `\n### int8 executor vs onnxruntime-node 1.30.0, float32 logit bits (${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)})\n`,
);
console.log(
  `Networks: 3 × 4-64-64-2, 4-16-2, 4-32-48-16-3; inputs per format and path split evenly over ` +
    `them and over the families ${DIFFERENTIAL_INPUT_KINDS.join(', ')}.\n`,
);
console.log('| format | path | inputs | differing outputs | seconds |');
console.log('| --- | --- | ---: | ---: | ---: |');
let total = 0;
for (const run of RUNS) {
  const { inputs, differing, seconds } = await measure(run);
  total += differing;
  console.log(
    `| ${run.format.name} | ${run.path} | ${inputs} | ${differing} | ${seconds.toFixed(1)} |`,
  );
}
if (total > 0) process.exitCode = 1;
