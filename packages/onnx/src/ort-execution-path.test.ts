import { quantizeDynamic, quantizeStatic } from '@quantproof/quant';
import type { ExecutionPath, QMlp } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { calibrationInputs, policyMlp } from '../test/helpers/qmlp-fixtures.js';
import { ortExecutionPath } from './ort-execution-path.js';
import type { GraphOptimizationLevel } from './ort-session.js';
import { expectedOrtLevel } from './qmlp-metadata.js';
import { writeMlpOnnx } from './write-mlp.js';
import { writeQMlpOnnx } from './write-qmlp.js';

const mlp = policyMlp([4, 16, 16, 2], 21);
const calibration = calibrationInputs(4, 300, 22);
const unfused = (gemm: 'gemm-transb' | 'gemm' | 'matmul-add'): ExecutionPath => ({
  kind: 'unfused-float',
  gemm,
});

const FUSED: ExecutionPath = { kind: 'fused-integer' };

/** [name, model, level, the linear kernels ORT runs, the path they compute] — measured here. */
const CASES: readonly [string, QMlp, GraphOptimizationLevel, string, ExecutionPath][] = [
  ['qdq int8', quantizeStatic(mlp, calibration).model, 'all', 'QGemm', FUSED],
  ['qdq int8', quantizeStatic(mlp, calibration).model, 'extended', 'QGemm', FUSED],
  ['qdq int8', quantizeStatic(mlp, calibration).model, 'basic', 'Gemm', unfused('gemm-transb')],
  ['qdq int8', quantizeStatic(mlp, calibration).model, 'disabled', 'Gemm', unfused('gemm-transb')],
  [
    'qdq uint8 per-channel',
    quantizeStatic(mlp, calibration, { activationType: 'uint8', perChannel: true }).model,
    'all',
    'QGemm',
    FUSED,
  ],
  [
    'qdq int8 float logits',
    quantizeStatic(mlp, calibration, { logits: 'float' }).model,
    'all',
    'QGemm',
    FUSED,
  ],
  [
    'qdq MatMul + Add',
    quantizeStatic(mlp, calibration, { executionPath: unfused('matmul-add') }).model,
    'all',
    'QGemm',
    FUSED,
  ],
  [
    'qdq MatMul + Add',
    quantizeStatic(mlp, calibration, { executionPath: unfused('matmul-add') }).model,
    'basic',
    'Gemm',
    unfused('gemm'),
  ],
  [
    'qdq MatMul + Add',
    quantizeStatic(mlp, calibration, { executionPath: unfused('matmul-add') }).model,
    'disabled',
    'MatMul',
    unfused('matmul-add'),
  ],
  [
    'qdq Gemm(transB = 0)',
    quantizeStatic(mlp, calibration, { executionPath: unfused('gemm') }).model,
    'disabled',
    'Gemm',
    unfused('gemm'),
  ],
  [
    'qoperator',
    quantizeStatic(mlp, calibration, { format: 'qoperator' }).model,
    'all',
    'QGemm',
    FUSED,
  ],
  [
    'qoperator',
    quantizeStatic(mlp, calibration, { format: 'qoperator' }).model,
    'disabled',
    'QGemm',
    FUSED,
  ],
  ['dynamic', quantizeDynamic(mlp).model, 'all', 'DynamicQuantizeMatMul', FUSED],
  ['dynamic', quantizeDynamic(mlp).model, 'disabled', 'MatMulInteger', FUSED],
];

describe('ortExecutionPath', () => {
  it.each(CASES)('%s at level %s runs %s', async (_name, model, level, kernel, path) => {
    const report = await ortExecutionPath(writeQMlpOnnx(model), level);
    expect(report.level).toBe(level);
    expect(report.layers.map((layer) => layer.node.opType)).toEqual([kernel, kernel, kernel]);
    expect(report.executionPath).toEqual(path);
  });

  it('confirms the path each written file declares, at the level it declares', async () => {
    for (const [, model] of CASES) {
      const report = await ortExecutionPath(
        writeQMlpOnnx(model),
        expectedOrtLevel(model.executionPath),
      );
      expect(report.executionPath).toEqual(model.executionPath);
    }
  });

  it('lists every node; the FusedGemm of an FP32 graph at level all is a float Gemm', async () => {
    const report = await ortExecutionPath(writeMlpOnnx(mlp), 'all');
    expect(report.nodes.map((n) => `${n.domain}:${n.opType}`)).toEqual([
      'com.microsoft:FusedGemm',
      'com.microsoft:FusedGemm',
      ':Gemm',
    ]);
    expect(report.executionPath).toEqual(unfused('gemm-transb'));
  });
});
