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
import { createSeededRng } from '@quantproof/nn';
import {
  compareInt8WithOrt,
  DIFFERENTIAL_INPUT_KINDS,
  differentialInputs,
  type GraphOptimizationLevel,
} from '@quantproof/onnx';
import type { ExecutionPath, QMlp } from '@quantproof/quant';
import {
  DIFFERENTIAL_NETWORKS as NETWORKS,
  DYNAMIC_INT8_FORMATS,
  KEPT_FLOAT_INT8_FORMATS,
  type Int8Format as Format,
  int8Format,
  STATIC_INT8_FORMATS,
} from '@quantproof/test-support/int8-formats';

const INPUTS = Number(process.env['INT8_DIFF_INPUTS'] ?? 1_000_000);
const BOX = { lower: CARTPOLE_OPERATING_BOX.lower, upper: CARTPOLE_OPERATING_BOX.upper };

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

const QDQ_FORMATS = STATIC_INT8_FORMATS.filter((f) => f.layout === 'qdq');
const QOPERATOR_FORMATS = STATIC_INT8_FORMATS.filter((f) => f.layout === 'qoperator');
const QDQ_UINT8 = int8Format('qdq uint8 activations');
const DYNAMIC = int8Format('dynamic');

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
  ...KEPT_FLOAT_INT8_FORMATS.map((format): Run => ({
    format,
    path: "fused-integer, float32 layers, 'all', batches of 4096",
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
  ...DYNAMIC_INT8_FORMATS.flatMap((format): Run[] => [
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
      run.executionPath === undefined ||
      quantized.format === 'dynamic' ||
      quantized.format === 'mixed'
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
