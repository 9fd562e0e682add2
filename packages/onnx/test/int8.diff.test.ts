// The differential check of quant's int8 executor against onnxruntime-node 1.30.0 (the oracle),
// CI slice: each format's files as writeQMlpOnnx writes them, run by ORT at the level where it
// takes the model's execution path, compared with the executor on float32 output BITS. Zero
// differing bits is the only passing result. Seeded; the full count (≥ 1 000 000 inputs per format)
// is `pnpm --filter @quantproof/benchmarks bench:int8-diff`.
import { createInt8Executor, quantizeStatic } from '@quantproof/quant';
import type { ExecutionPath, QMlp, QMlpDynamic } from '@quantproof/quant';
import {
  DIFFERENTIAL_NETWORKS as NETWORKS,
  DYNAMIC_INT8_FORMATS as DYNAMIC_FORMATS,
  KEPT_FLOAT_INT8_FORMATS as KEPT_FLOAT_FORMATS,
  type Int8Format as Format,
  int8Format,
  STATIC_INT8_FORMATS as STATIC_FORMATS,
} from '@quantproof/test-support/int8-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { compareInt8WithOrt, DIFFERENTIAL_INPUT_KINDS, differentialInputs } from '../src/index.js';
import type { GraphOptimizationLevel } from '../src/index.js';
import { CARTPOLE_BOUNDS, calibrationInputs } from './helpers/qmlp-fixtures.js';

interface Row {
  readonly format: string;
  readonly path: string;
  inputs: number;
  differing: number;
  seconds: number;
}

const table: Row[] = [];
afterAll(() => {
  console.log(
    ['| format | path | inputs | differing outputs | seconds |', '|---|---|---:|---:|---:|']
      .concat(
        table.map(
          (r) =>
            `| ${r.format} | ${r.path} | ${r.inputs} | ${r.differing} | ${r.seconds.toFixed(2)} |`,
        ),
      )
      .join('\n'),
  );
});

/**
 * Quantises every network with `format` (optionally on `executionPath`), draws `perNetwork` inputs
 * spread over every input family, and compares executor and ORT; records a table row.
 */
async function runDiff(
  format: Format,
  path: string,
  perNetwork: number,
  options: {
    readonly executionPath?: ExecutionPath;
    readonly level?: GraphOptimizationLevel;
    readonly batchSize?: number;
  } = {},
): Promise<Row> {
  const row: Row = { format: format.name, path, inputs: 0, differing: 0, seconds: 0 };
  const perKind = Math.ceil(perNetwork / DIFFERENTIAL_INPUT_KINDS.length);
  for (const [n, mlp] of NETWORKS.entries()) {
    const quantized = format.quantize(mlp, calibrationInputs(4, 500, 200 + n));
    const model: QMlp =
      options.executionPath === undefined ||
      quantized.format === 'dynamic' ||
      quantized.format === 'mixed'
        ? quantized
        : { ...quantized, executionPath: options.executionPath };
    for (const [k, kind] of DIFFERENTIAL_INPUT_KINDS.entries()) {
      const inputs = differentialInputs(model, kind, perKind, {
        seed: 1000 * n + k,
        box: CARTPOLE_BOUNDS,
      });
      const result = await compareInt8WithOrt(model, inputs, {
        ...(options.level === undefined ? {} : { level: options.level }),
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      });
      if (result.differingOutputs > 0) {
        console.log(`${format.name}, ${path}, network ${n}, ${kind}:`, result.differences);
      }
      row.inputs += result.rows;
      row.differing += result.differingOutputs;
      row.seconds += result.ortSeconds + result.executorSeconds;
    }
  }
  table.push(row);
  return row;
}

const FUSED_INPUTS = 4000; // per network: 20 000 per format
const UNFUSED_INPUTS = 600; // per network, one ORT run per row: 3 000 per format and layout

describe('int8 executor vs onnxruntime-node 1.30.0: zero differing bits', () => {
  it.each(STATIC_FORMATS)('$name, fused-integer at level all (batches of 4096)', async (format) => {
    const row = await runDiff(format, "fused-integer, 'all', batched", FUSED_INPUTS);
    expect(row.inputs).toBeGreaterThanOrEqual(20_000);
    expect(row.differing).toBe(0);
  });

  it.each(STATIC_FORMATS.filter((f) => f.layout === 'qdq'))(
    '$name, unfused-float Gemm(transB = 1) at level disabled (batch 1)',
    async (format) => {
      const row = await runDiff(
        format,
        "unfused-float gemm-transb, 'disabled', batch 1",
        UNFUSED_INPUTS,
        {
          executionPath: { kind: 'unfused-float', gemm: 'gemm-transb' },
        },
      );
      expect(row.differing).toBe(0);
    },
  );

  it.each([
    ['gemm', 'disabled'],
    ['gemm', 'basic'],
    ['matmul-add', 'disabled'],
  ] as const)('qdq uint8, unfused-float %s at level %s (batch 1)', async (gemm, level) => {
    const format = int8Format('qdq uint8 activations');
    const row = await runDiff(
      format,
      `unfused-float ${gemm}, '${level}', batch 1`,
      UNFUSED_INPUTS,
      {
        executionPath: { kind: 'unfused-float', gemm },
        level,
      },
    );
    expect(row.differing).toBe(0);
  });

  it.each(KEPT_FLOAT_FORMATS)(
    '$name, fused-integer at level all (batches of 4096)',
    async (format) => {
      const row = await runDiff(
        format,
        "fused-integer, float32 layers, 'all', batched",
        FUSED_INPUTS,
      );
      expect(row.inputs).toBeGreaterThanOrEqual(20_000);
      expect(row.differing).toBe(0);
    },
  );

  it.each(KEPT_FLOAT_FORMATS)('$name, fused-integer at level all (batch 1)', async (format) => {
    const row = await runDiff(
      format,
      "fused-integer, float32 layers, 'all', batch 1",
      UNFUSED_INPUTS,
      {
        batchSize: 1,
      },
    );
    expect(row.differing).toBe(0);
  });

  it.each(DYNAMIC_FORMATS)(
    '$name at levels all and disabled, per-batch ranges over batches of 4096',
    async (format) => {
      for (const level of ['all', 'disabled'] as const) {
        const row = await runDiff(format, `per-batch range, '${level}', batched`, FUSED_INPUTS, {
          level,
        });
        expect(row.inputs).toBeGreaterThanOrEqual(20_000);
        expect(row.differing).toBe(0);
      }
    },
  );

  it('dynamic, per-sample ranges (batch 1)', async () => {
    const row = await runDiff(
      DYNAMIC_FORMATS[0]!,
      "per-sample range, 'all', batch 1",
      UNFUSED_INPUTS,
      {
        batchSize: 1,
      },
    );
    expect(row.differing).toBe(0);
  });

  it('dynamic ReLU passes NaN and -0 through, as onnxruntime does', async () => {
    const model: QMlpDynamic = {
      format: 'dynamic',
      executionPath: { kind: 'fused-integer' },
      layers: [
        {
          inFeatures: 2,
          outFeatures: 2,
          weight: Int8Array.of(1, 2, 3, -1),
          weightQuant: {
            elementType: 'int8',
            granularity: 'per-tensor',
            scales: Float32Array.of(1e-10),
            zeroPoints: Int32Array.of(0),
            bits: 8,
          },
          bias: Float32Array.of(-0, -0),
          activation: 'relu',
        },
      ],
    };
    // Row 1: max − min overflows the range to +∞, the scale to +∞, 0 · ∞ makes the layer NaN.
    // Rows 2, 3: the scale product underflows to 0, a negative accumulator gives -0, plus bias -0.
    const inputs = Float32Array.of(
      3.4028234663852886e38,
      -3.4028234663852886e38,
      -1e-38,
      -2e-38,
      1e-38,
      -1e-38,
    );
    for (const level of ['all', 'disabled'] as const) {
      const result = await compareInt8WithOrt(model, inputs, { level, batchSize: 1 });
      expect(result.differences).toEqual([]);
    }
  });

  it('the check can fail: fused and unfused semantics differ where ORT says they do', async () => {
    // Inputs on which the executor's fused-integer and unfused-float semantics disagree (hidden
    // activations near rounding ties): ORT at level 'disabled' must side with the unfused one.
    const fused = quantizeStatic(NETWORKS[0]!, calibrationInputs(4, 500, 200), {
      activationType: 'uint8',
    }).model;
    const unfused: QMlp = {
      ...fused,
      executionPath: { kind: 'unfused-float', gemm: 'gemm-transb' },
    };
    const many = differentialInputs(fused, 'box', 30_000, { seed: 9, box: CARTPOLE_BOUNDS });
    const a = new Uint32Array(createInt8Executor(fused).forwardBatch(many).buffer);
    const b = new Uint32Array(createInt8Executor(unfused).forwardBatch(many).buffer);
    const rows: number[] = [];
    for (let r = 0; r < 30_000 && rows.length < 40; r++) {
      if (a[2 * r] !== b[2 * r] || a[2 * r + 1] !== b[2 * r + 1]) rows.push(r);
    }
    expect(rows.length).toBeGreaterThan(0);
    const picked = Float32Array.from(rows.flatMap((r) => [...many.subarray(4 * r, 4 * r + 4)]));
    const wrong = await compareInt8WithOrt(fused, picked, { level: 'disabled', batchSize: 1 });
    expect(wrong.differingOutputs).toBeGreaterThan(0);
    const right = await compareInt8WithOrt(unfused, picked);
    expect(right.differences).toEqual([]);
  });
});
