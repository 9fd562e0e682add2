// Per-feature input scales against onnxruntime-node 1.30.0, zero tolerance. onnxruntime's CPU
// QuantizeLinear with a 1-D scale along axis 1 (`quantize_linear.cc` ComputeLoop) calls
// MlasQuantizeLinear once per feature with that feature's scale and zero point — the kernel of the
// per-tensor case — so quant's executor quantises feature i with `quantizeLinear(x_i, s_i, z)`.
// These tests check that claim bit for bit: the kernel alone (QuantizeLinear → DequantizeLinear,
// both per axis) over random values, exact ties of the float32 quotient, saturation, ±0,
// subnormals, NaN and ±Inf; then whole QOperator models (per-axis QuantizeLinear → QGemm) over
// every differential input family, at the level the project runs (`all`).
import {
  dequantizeLinear,
  elementTypeRange,
  quantizeLinear,
  quantizeStatic,
} from '@quantproof/quant';
import type { QMlpStatic, QuantElementType } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { PER_FEATURE_SCHEME } from '@quantproof/test-support/int8-formats';
import { GraphBuilder, intAttr, matrixValueInfo } from '../src/graph-builder.js';
import {
  compareInt8WithOrt,
  createOrtSession,
  DIFFERENTIAL_INPUT_KINDS,
  differentialInputs,
  ortExecutionPath,
  readQMlpOnnx,
  UnsupportedNodeError,
  WRITER_IR_VERSION,
  WRITER_OPSET,
  writeQMlpOnnx,
} from '../src/index.js';
import type { GraphOptimizationLevel } from '../src/index.js';
import { encodeModelProto } from '../src/proto/onnx-schema.js';
import { floatTensorProto, intTensorProto } from '../src/tensor-data.js';
import { CARTPOLE_BOUNDS, calibrationInputs, policyMlp } from './helpers/qmlp-fixtures.js';
import { addInitializers, editNodes } from './helpers/edit-model.js';
import { testRng } from './helpers/prng.js';

/** Per-feature scales of several magnitudes (CartPole-like, tiny, large, a power of two). */
const SCALES = Float32Array.of(0.018_897_6, 0.031_496_1, 0.001_649_6, 0.031_496_1, 3.7, 2 ** -10);

function perAxisQdq(scales: Float32Array, zeroPoint: number, type: QuantElementType): Uint8Array {
  const graph = new GraphBuilder();
  const n = scales.length;
  const s = graph.floatParam('s', scales, true);
  const z = graph.intParam('z', type, new Array<number>(n).fill(zeroPoint), true);
  graph.node('QuantizeLinear', 'q', ['x', s, z], ['xq'], [intAttr('axis', 1)]);
  graph.node('DequantizeLinear', 'dq', ['xq', s, z], ['y'], [intAttr('axis', 1)]);
  return encodeModelProto({
    ir_version: WRITER_IR_VERSION,
    opset_import: [{ domain: '', version: WRITER_OPSET }],
    graph: {
      name: 'per_axis_quantize',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [matrixValueInfo('x', 'N', n)],
      output: [matrixValueInfo('y', 'N', n)],
    },
  });
}

/** Rows of inputs for the kernel: every family, each column drawn for its own scale. */
function kernelInputs(rows: number, zeroPoint: number, type: QuantElementType): Float32Array {
  const rng = testRng(77);
  const next = (): number => rng.next();
  const n = SCALES.length;
  const { qmin, qmax } = elementTypeRange(type);
  const out = new Float32Array(rows * n);
  const specials = [0, -0, NaN, Infinity, -Infinity, 2 ** -149, -(2 ** -149), 2 ** -126, 3e38];
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) {
      const s = SCALES[i]!;
      const k = Math.floor(next() * (qmax - qmin + 4)) + qmin - zeroPoint - 2;
      const family = r % 5;
      out[r * n + i] =
        family === 0
          ? (2 * next() - 1) * s * 200 // random, some saturating
          : family === 1
            ? Math.fround(s * (k + 0.5)) // ties of the float32 quotient (where exact)
            : family === 2
              ? Math.fround(s * (k + 0.5)) * (1 + (next() < 0.5 ? -1 : 1) * 2 ** -23) // next to ties
              : family === 3
                ? s * k * (1 + 1e3 * next()) // saturation
                : specials[Math.floor(next() * specials.length)]!;
    }
  }
  return out;
}

describe('per-axis QuantizeLinear (axis 1) in onnxruntime-node 1.30.0 = quantizeLinear(x_i, s_i, z)', () => {
  it.each([
    ['uint8', 127, 'all'],
    ['uint8', 127, 'disabled'],
    ['uint8', 3, 'all'],
    ['int8', 0, 'all'],
    ['int8', -5, 'disabled'],
  ] as const)('%s, zero point %d, level %s: zero differing bits', async (type, zp, level) => {
    const rows = 20_000;
    const inputs = kernelInputs(rows, zp, type);
    const session = await createOrtSession(perAxisQdq(SCALES, zp, type), {
      graphOptimizationLevel: level as GraphOptimizationLevel,
    });
    const actual = await session.run(inputs, rows);
    await session.release();
    const n = SCALES.length;
    const expected = Float32Array.from(inputs, (x, k) => {
      const s = SCALES[k % n]!;
      return dequantizeLinear(quantizeLinear(x, s, zp, type), s, zp);
    });
    const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
    const b = new Uint32Array(expected.buffer);
    let differing = 0;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) differing++;
    expect(actual.length).toBe(rows * n);
    expect(differing).toBe(0);
    // The inputs reach the clamp and exact ties of the float32 quotient, where rounding half away
    // from zero (a plausible wrong kernel) would differ from ORT.
    expect(expected.some((v, k) => v === dequantizeLinear(qmaxOf(type), SCALES[k % n]!, zp))).toBe(
      true,
    );
    let ties = 0;
    let awayDiffers = 0;
    inputs.forEach((x, k) => {
      const v = Math.fround(x / SCALES[k % n]!);
      if (Math.abs(v) < 100 && v - Math.floor(v) === 0.5) {
        ties++;
        const away = Math.sign(v) * Math.round(Math.abs(v)) + zp;
        if (away !== quantizeLinear(x, SCALES[k % n]!, zp, type)) awayDiffers++;
      }
    });
    expect(ties).toBeGreaterThan(1000);
    expect(awayDiffers).toBeGreaterThan(500);
  });
});

function qmaxOf(type: QuantElementType): number {
  return elementTypeRange(type).qmax;
}

const NETWORKS = [
  policyMlp([4, 64, 64, 2], 301),
  policyMlp([4, 64, 64, 2], 302),
  policyMlp([4, 16, 2], 303),
  policyMlp([4, 32, 48, 16, 3], 304, 0.5),
];

const CERTIFIED = PER_FEATURE_SCHEME;

function perFeatureModels(): QMlpStatic[] {
  return NETWORKS.flatMap((mlp, n) => [
    quantizeStatic(mlp, calibrationInputs(4, 500, 400 + n), CERTIFIED).model,
    quantizeStatic(mlp, calibrationInputs(4, 500, 500 + n), {
      ...CERTIFIED,
      activationType: 'int8',
      logits: 'dequantize',
    }).model,
  ]);
}

describe('QOperator models with per-feature input scales vs onnxruntime-node 1.30.0', () => {
  const models = perFeatureModels();

  it('run as per-axis QuantizeLinear → QGemm at level all, and read back unchanged', async () => {
    for (const model of models) {
      const onnx = writeQMlpOnnx(model);
      const report = await ortExecutionPath(onnx, 'all');
      expect(report.executionPath).toEqual({ kind: 'fused-integer' });
      expect(report.inputScale).toBe('per-feature');
      expect(report.layers.every((l) => l.node.opType === 'QGemm')).toBe(true);
      expect(readQMlpOnnx(onnx).model).toEqual(model);
    }
  });

  it('every differential input family: zero differing output bits', async () => {
    let rows = 0;
    for (const [m, model] of models.entries()) {
      for (const [k, kind] of DIFFERENTIAL_INPUT_KINDS.entries()) {
        const inputs = differentialInputs(model, kind, 2000, {
          seed: 100 * m + k,
          box: CARTPOLE_BOUNDS,
        });
        const result = await compareInt8WithOrt(model, inputs);
        if (result.differingOutputs > 0) console.log(m, kind, result.differences);
        expect(result.differingOutputs).toBe(0);
        rows += result.rows;
      }
    }
    expect(rows).toBe(models.length * DIFFERENTIAL_INPUT_KINDS.length * 2000);
  });

  it('the check can fail: an executor that quantised with one scale differs from ORT', async () => {
    const model = models[0]!;
    const { inputScales: _per, ...oneScale } = model;
    const inputs = differentialInputs(model, 'box', 2000, { seed: 5, box: CARTPOLE_BOUNDS });
    const wrong = await compareInt8WithOrt(oneScale, inputs, { onnx: writeQMlpOnnx(model) });
    // Same weights, same file: only the executor's input quantisation differs.
    expect(wrong.differingOutputs).toBeGreaterThan(0);
  });
});

describe('a QDQ file with a per-axis input QuantizeLinear/DequantizeLinear pair', () => {
  const perTensor = quantizeStatic(NETWORKS[0]!, calibrationInputs(4, 500, 600), {
    activationType: 'uint8',
    perChannel: true,
  }).model;
  const scales = Float32Array.of(0.0189, 0.0315, 0.00165, 0.0315);
  const file = editNodes(
    addInitializers(writeQMlpOnnx(perTensor), [
      floatTensorProto('input_feature_scale', [4], scales),
      intTensorProto('input_feature_zero_point', [4], 'uint8', [127, 127, 127, 127]),
    ]),
    (nodes) =>
      nodes.map((node) =>
        node.name === 'input_QuantizeLinear' || node.name === 'input_DequantizeLinear'
          ? {
              ...node,
              input: [node.input![0]!, 'input_feature_scale', 'input_feature_zero_point'],
              attribute: [intAttr('axis', 1)],
            }
          : node,
      ),
  );

  it('runs its first layer as a float Gemm at level all (a mixed path), so it is not read', async () => {
    const report = await ortExecutionPath(file, 'all');
    expect(report.inputScale).toBe('per-feature');
    expect(report.layers.map((l) => l.executionPath)).toEqual([
      { kind: 'unfused-float', gemm: 'gemm-transb' },
      { kind: 'fused-integer' },
      { kind: 'fused-integer' },
    ]);
    expect(report.executionPath).toBeNull();
    expect(() => readQMlpOnnx(file)).toThrow(UnsupportedNodeError);
    expect(() => readQMlpOnnx(file)).toThrow(/--format qoperator --input-scale per-feature/);
  });
});
