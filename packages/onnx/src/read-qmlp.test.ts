import { keepLayersInFloat32, quantizeDynamic, quantizeStatic } from '@quantproof/quant';
import type { QMlp, QMlpDynamic, QMlpStatic } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { PER_FEATURE_SCHEME } from '@quantproof/test-support/int8-formats';
import {
  addInitializers,
  editNodes,
  replaceInitializer,
  withMetadata,
} from '../test/helpers/edit-model.js';
import { intAttr, node } from '../test/helpers/onnx-objects.js';
import {
  quantizerDynamicGraph,
  quantizerQdqGraph,
  quantizerQOperatorGraph,
} from '../test/helpers/ort-quantizer-graphs.js';
import { CARTPOLE_BOUNDS, calibrationInputs, policyMlp } from '../test/helpers/qmlp-fixtures.js';
import { differentialInputs } from './differential-inputs.js';
import { InvalidQuantParamsError, NotAnOnnxModelError, UnsupportedNodeError } from './errors.js';
import { compareInt8WithOrt } from './int8-ort-comparison.js';
import { ortExecutionPath } from './ort-execution-path.js';
import { floatTensorProto, intTensorProto } from './tensor-data.js';
import { readModelOnnx } from './read-model.js';
import { readQMlpOnnx } from './read-qmlp.js';
import { writeMlpOnnx } from './write-mlp.js';
import { writeQMlpOnnx } from './write-qmlp.js';

const mlp = policyMlp([4, 16, 16, 2], 11);
const calibration = calibrationInputs(4, 300, 12);
const int8 = quantizeStatic(mlp, calibration).model;
const uint8PerChannel = quantizeStatic(mlp, calibration, {
  activationType: 'uint8',
  perChannel: true,
}).model;
const dynamic = quantizeDynamic(mlp).model;

/** ORT on the original bytes vs the executor on the model read from them: zero differing bits. */
async function expectOrtAgrees(model: QMlp, bytes: Uint8Array): Promise<void> {
  for (const kind of ['box', 'ties'] as const) {
    const inputs = differentialInputs(model, kind, 2000, { seed: 5, box: CARTPOLE_BOUNDS });
    const result = await compareInt8WithOrt(model, inputs, { onnx: bytes, batchSize: 500 });
    expect(result.differences).toEqual([]);
  }
}

function withZeroBias(model: QMlpStatic): QMlpStatic {
  return {
    ...model,
    layers: model.layers.map((layer) => ({ ...layer, bias: new Int32Array(layer.outFeatures) })),
  };
}

describe("readQMlpOnnx on onnxruntime's quantiser layouts", () => {
  it('reads QDQ Gemm graphs (int8; uint8 per channel; Relu kept) as onnxruntime runs them', async () => {
    for (const [model, keepRelu] of [
      [int8, false],
      [uint8PerChannel, false],
      [int8, true],
    ] as const) {
      const bytes = quantizerQdqGraph(model, { keepRelu });
      const read = readQMlpOnnx(bytes);
      expect(read.model).toEqual(model);
      expect(read.inputName).toBe('input');
      expect(read.batch).toEqual({ kind: 'symbolic', name: 'batch_size' });
      expect(read.notes.some((n) => n.includes("assumed 'fused-integer'"))).toBe(true);
      expect(read.notes.some((n) => n.includes("read as 'relu'"))).toBe(!keepRelu);
      await expectOrtAgrees(read.model, bytes);
    }
    // With the Relu kept, onnxruntime still fuses every layer into QGemm.
    const report = await ortExecutionPath(quantizerQdqGraph(int8, { keepRelu: true }), 'all');
    expect(report.layers.map((l) => l.node.opType)).toEqual(['QGemm', 'QGemm', 'QGemm']);
  });

  it('reads bias-free QDQ MatMul graphs, which run as QLinearMatMul / MatMulIntegerToFloat', async () => {
    for (const logits of ['dequantize', 'float'] as const) {
      const source = quantizeStatic(mlp, calibration, { perChannel: true, logits }).model;
      const model = withZeroBias(source);
      const bytes = quantizerQdqGraph(model, { matmul: true });
      const read = readQMlpOnnx(bytes);
      expect(read.model).toEqual(model);
      await expectOrtAgrees(read.model, bytes);
      const report = await ortExecutionPath(bytes, 'all');
      expect(report.layers.map((l) => l.node.opType)).toEqual(
        logits === 'float'
          ? ['QLinearMatMul', 'QLinearMatMul', 'MatMulIntegerToFloat']
          : ['QLinearMatMul', 'QLinearMatMul', 'QLinearMatMul'],
      );
    }
  });

  it('reads QOperator QGemm and QLinearMatMul graphs', async () => {
    const qgemm: QMlpStatic = { ...uint8PerChannel, format: 'qoperator' };
    const read = readQMlpOnnx(quantizerQOperatorGraph(qgemm));
    expect(read.model).toEqual(qgemm);
    await expectOrtAgrees(read.model, quantizerQOperatorGraph(qgemm));
    const matmul = withZeroBias({ ...int8, format: 'qoperator' });
    const bytes = quantizerQOperatorGraph(matmul, true);
    expect(readQMlpOnnx(bytes).model).toEqual(matmul);
    await expectOrtAgrees(matmul, bytes);
  });

  it('reads quantize_dynamic graphs, with and without the bias Add', async () => {
    const bytes = quantizerDynamicGraph(dynamic);
    const read = readQMlpOnnx(bytes);
    expect(read.model).toEqual(dynamic);
    await expectOrtAgrees(read.model, bytes);
    const noBias: QMlpDynamic = {
      ...dynamic,
      layers: dynamic.layers.map((layer) => ({
        ...layer,
        bias: new Float32Array(layer.outFeatures),
      })),
    };
    expect(readQMlpOnnx(quantizerDynamicGraph(noBias, false)).model).toEqual(noBias);
  });
});

/**
 * `bytes` with a `Softmax` appended to the graph output: the node that produced the output now
 * produces `pre_softmax`, and the Softmax (with `axis` when given) produces the output.
 */
function withSoftmax(bytes: Uint8Array, axis?: number): Uint8Array {
  const output = readQMlpOnnx(bytes).outputName;
  return editNodes(bytes, (nodes) => [
    ...nodes.map((n) =>
      n.output?.[0] === output
        ? { ...n, output: ['pre_softmax', ...(n.output ?? []).slice(1)] }
        : n,
    ),
    node(
      'Softmax',
      '/head/Softmax',
      ['pre_softmax'],
      [output],
      axis === undefined ? [] : [intAttr('axis', axis)],
    ),
  ]);
}

describe('readQMlpOnnx on a bias scale that underflows float32', () => {
  it('reads a per-channel bias scale fl32(s_in · s_w) = 0, and onnxruntime runs the file as read', async () => {
    // Output channel 0 of the first layer gets a subnormal weight scale (tiny weights), so its bias
    // scale s_in · s_w rounds to +0 in float32; its int32 bias still joins the accumulator.
    const base = quantizeStatic(policyMlp([4, 6, 2], 21), calibrationInputs(4, 200, 22), {
      activationType: 'uint8',
      perChannel: true,
    }).model;
    const first = base.layers[0]!;
    const scales = Float32Array.from(first.weightQuant.scales);
    scales[0] = 1.401298464324817e-45;
    const bias = Int32Array.from(first.bias);
    bias[0] = 12345;
    const model: QMlpStatic = {
      ...base,
      layers: [
        { ...first, bias, weightQuant: { ...first.weightQuant, scales } },
        ...base.layers.slice(1),
      ],
    };
    expect(Math.fround(model.input.scale * scales[0])).toBe(0);
    const bytes = writeQMlpOnnx(model);
    const read = readQMlpOnnx(bytes).model;
    expect(read).toEqual(model);
    if (read.format !== 'qdq' && read.format !== 'qoperator')
      throw new Error('read back as another format');
    // Fused (level 'all': the int32 bias in the accumulator) and unfused (level 'disabled': the
    // bias dequantised with scale 0 adds nothing): both as onnxruntime runs them.
    const unfused: QMlpStatic = {
      ...read,
      executionPath: { kind: 'unfused-float', gemm: 'gemm-transb' },
    };
    for (const kind of ['box', 'ties'] as const) {
      const inputs = differentialInputs(model, kind, 1000, { seed: 6, box: CARTPOLE_BOUNDS });
      expect((await compareInt8WithOrt(read, inputs, { onnx: bytes })).differences).toEqual([]);
      const disabled = await compareInt8WithOrt(unfused, inputs, {
        onnx: bytes,
        level: 'disabled',
        batchSize: 1,
      });
      expect(disabled.differences).toEqual([]);
    }
  });
});

describe('readQMlpOnnx on layers kept in float32', () => {
  const perChannel = quantizeStatic(mlp, calibration, {
    activationType: 'uint8',
    perChannel: true,
  });
  it.each([[[0]], [[2]], [[0, 1]], [[0, 2]], [[1, 2]]])(
    'reads back keep = %j as written, and onnxruntime runs the file as read',
    async (keep) => {
      const model = keepLayersInFloat32(mlp, perChannel.model, keep);
      const bytes = writeQMlpOnnx(model);
      const read = readQMlpOnnx(bytes);
      expect(read.model).toEqual(model);
      expect(read.notes.join(' ')).toMatch(/kept in float32/);
      await expectOrtAgrees(read.model, bytes);
    },
  );

  it("reads onnxruntime's quantiser layout with the first node excluded (Gemm transB = 0, Relu kept)", async () => {
    const model = keepLayersInFloat32(mlp, int8, [0]);
    const first = model.layers[0]!;
    if (first.kind !== 'float') throw new Error('layer 0 is not float');
    // The first Gemm with its weight stored [in, out] (transB = 0), a separate Relu: the same model.
    const transposed = new Float32Array(first.weight.length);
    for (let j = 0; j < first.outFeatures; j++) {
      for (let i = 0; i < first.inFeatures; i++) {
        transposed[i * first.outFeatures + j] = first.weight[j * first.inFeatures + i]!;
      }
    }
    const bytes = replaceInitializer(
      editNodes(writeQMlpOnnx(model), (nodes) =>
        nodes.map((n) =>
          n.name === '/layers.0/Gemm' ? { ...n, attribute: [intAttr('transB', 0)] } : n,
        ),
      ),
      'layers.0.weight',
      floatTensorProto('layers.0.weight', [first.inFeatures, first.outFeatures], transposed),
    );
    expect(readQMlpOnnx(bytes).model).toEqual(model);
    await expectOrtAgrees(model, bytes);
  });
});

describe('readQMlpOnnx on a final Softmax', () => {
  const floatLogits = quantizeStatic(mlp, calibration, { logits: 'float' }).model;
  it.each<[string, QMlp, () => Uint8Array]>([
    ['QDQ, dequantised logits', int8, () => quantizerQdqGraph(int8)],
    ['QDQ, float logits', floatLogits, () => quantizerQdqGraph(floatLogits)],
    [
      'QOperator, dequantised logits',
      { ...int8, format: 'qoperator' },
      () => quantizerQOperatorGraph({ ...int8, format: 'qoperator' }),
    ],
    [
      'QOperator, float logits',
      { ...floatLogits, format: 'qoperator' },
      () => quantizerQOperatorGraph({ ...floatLogits, format: 'qoperator' }),
    ],
    ['dynamic', dynamic, () => quantizerDynamicGraph(dynamic)],
  ])('%s: reads it as the softmax head', (_, model, bytes) => {
    for (const axis of [undefined, -1, 1]) {
      expect(readQMlpOnnx(withSoftmax(bytes(), axis)).model).toEqual({ ...model, head: 'softmax' });
    }
  });

  it('refuses a Softmax over the batch, or one that is not the last node', () => {
    const bytes = writeQMlpOnnx(int8);
    expect(() => readQMlpOnnx(withSoftmax(bytes, 0))).toThrow(
      /'\/head\/Softmax' \(Softmax\).*axis = 0 normalises over the batch/,
    );
    const notLast = editNodes(withSoftmax(bytes), (nodes) => [
      ...nodes.map((n) => (n.op_type === 'Softmax' ? { ...n, output: ['p'] } : n)),
      node('Identity', 'id', ['p'], ['logits']),
    ]);
    expect(() => readQMlpOnnx(notLast)).toThrow(UnsupportedNodeError);
    expect(() => readQMlpOnnx(notLast)).toThrow(/Softmax is read only as the last node/);
  });

  it('compares the logits of a Softmax-head model, and refuses a probabilities file to compare', async () => {
    const model: QMlp = { ...int8, head: 'softmax' };
    const inputs = differentialInputs(model, 'box', 200, { seed: 3, box: CARTPOLE_BOUNDS });
    expect((await compareInt8WithOrt(model, inputs)).differences).toEqual([]);
    await expect(compareInt8WithOrt(model, inputs, { onnx: writeQMlpOnnx(model) })).rejects.toThrow(
      /Softmax head/,
    );
  });
});

describe('readModelOnnx', () => {
  it('tells FP32 and int8 files apart', () => {
    const fp32 = readModelOnnx(writeMlpOnnx(mlp));
    expect(fp32.kind).toBe('fp32');
    if (fp32.kind === 'fp32') expect(fp32.mlp).toEqual(mlp);
    const q = readModelOnnx(writeQMlpOnnx(dynamic));
    expect(q.kind).toBe('int8');
    if (q.kind === 'int8') expect(q.model).toEqual(dynamic);
    expect(() => readQMlpOnnx(writeMlpOnnx(mlp))).toThrow(/it is an FP32 model/);
    expect(() => readModelOnnx(Uint8Array.of(1, 2, 3))).toThrow(NotAnOnnxModelError);
  });
});

describe('readQMlpOnnx refuses what it cannot represent, naming the node or tensor', () => {
  const bytes = writeQMlpOnnx(int8);

  it('bad scales and zero points', () => {
    for (const scale of [0, -0.5, NaN, Infinity]) {
      const bad = replaceInitializer(
        bytes,
        'input_scale',
        floatTensorProto('', [], Float32Array.of(scale)),
      );
      expect(() => readQMlpOnnx(bad)).toThrow(InvalidQuantParamsError);
      expect(() => readQMlpOnnx(bad)).toThrow(/'input_scale'/);
    }
    // A bias scale of 0 is read only where it is the float32 product s_in · s_w (which underflows).
    const zeroBiasScale = replaceInitializer(
      bytes,
      'layers.0.bias_scale',
      floatTensorProto('', [], Float32Array.of(0)),
    );
    expect(() => readQMlpOnnx(zeroBiasScale)).toThrow(
      /bias scale 0 \(output 0\) differs from s_in · s_w/,
    );
    const outOfRange = replaceInitializer(bytes, 'input_zero_point', {
      dims: [],
      data_type: 2,
      int32_data: [300],
    });
    expect(() => readQMlpOnnx(outOfRange)).toThrow(
      /'input_zero_point'.*300, outside the uint8 range/,
    );
    const perChannel = writeQMlpOnnx(uint8PerChannel);
    const short = replaceInitializer(
      perChannel,
      'layers.1.weight_scale',
      floatTensorProto('', [3], Float32Array.of(0.1, 0.1, 0.1)),
    );
    expect(() => readQMlpOnnx(short)).toThrow(InvalidQuantParamsError);
    const mismatchedZeroPoints = replaceInitializer(
      perChannel,
      'layers.1.weight_zero_point',
      intTensorProto('', [2], 'int8', [0, 0]),
    );
    expect(() => readQMlpOnnx(mismatchedZeroPoints)).toThrow(/2 zero points for 16 scale/);
  });

  it('a bias whose scale is not s_in · s_w', () => {
    const bad = replaceInitializer(
      bytes,
      'layers.1.bias_scale',
      floatTensorProto('', [], Float32Array.of(0.123)),
    );
    expect(() => readQMlpOnnx(bad)).toThrow(UnsupportedNodeError);
    expect(() => readQMlpOnnx(bad)).toThrow(
      /'layers.1.bias_DequantizeLinear' \(DequantizeLinear\).*bias scale/,
    );
  });

  it('a Relu whose output zero point is not the minimum', () => {
    const symmetric: QMlpStatic = {
      ...int8,
      layers: int8.layers.map((layer, l) =>
        l === 0 && layer.output !== null
          ? { ...layer, activation: 'identity', output: { ...layer.output, zeroPoint: 0 } }
          : layer,
      ),
    };
    const withRelu = editNodes(writeQMlpOnnx(symmetric), (nodes) =>
      nodes.flatMap((n) =>
        n.name === '/layers.0/Gemm'
          ? [
              { ...n, output: ['pre'] },
              node('Relu', 'my_relu', ['pre'], ['/layers.0/Gemm_output_0']),
            ]
          : [n],
      ),
    );
    expect(() => readQMlpOnnx(withRelu)).toThrow(/'my_relu' \(Relu\).*zero point is 0/);
  });

  it('operators outside the subset, side branches and float weights', () => {
    const matmul = withZeroBias({ ...int8, format: 'qoperator' });
    const qlinearAdd = editNodes(quantizerQOperatorGraph(matmul, true), (nodes) =>
      nodes.flatMap((n) =>
        n.name === '/fc1/MatMul_quant'
          ? [
              { ...n, output: ['mm'] },
              {
                ...node(
                  'QLinearAdd',
                  '/fc1/Add_quant',
                  ['mm', 'x', 'y', 'b', 'x', 'y', 'x', 'y'],
                  ['/fc1/Gemm_output_0_quantized'],
                ),
                domain: 'com.microsoft',
              },
            ]
          : [n],
      ),
    );
    expect(() => readQMlpOnnx(qlinearAdd)).toThrow(/'\/fc1\/Add_quant' \(QLinearAdd\)/);
    const branch = editNodes(bytes, (nodes) => [
      ...nodes,
      node('Relu', 'extra', ['obs'], ['side']),
    ]);
    expect(() => readQMlpOnnx(branch)).toThrow(/'extra' \(Relu\).*branches/);
    // A float32 Gemm between two int8 layers: onnxruntime quantises its weights itself.
    const sandwich = addInitializers(
      editNodes(bytes, (nodes) =>
        nodes
          .filter((n) => !/^layers\.1\.(weight|bias)_DequantizeLinear$/.test(n.name ?? ''))
          .map((n) =>
            n.name === '/layers.1/Gemm'
              ? { ...n, input: [n.input?.[0] ?? '', 'w_float', 'b_float'] }
              : n,
          ),
      ),
      [
        floatTensorProto('w_float', [16, 16], new Float32Array(256).fill(0.01)),
        floatTensorProto('b_float', [16], new Float32Array(16)),
      ],
    );
    expect(() => readQMlpOnnx(sandwich)).toThrow(/float32 layer between two int8 layers/);
    const mixed = editNodes(writeQMlpOnnx(dynamic), (nodes) => [
      ...nodes,
      node('Gemm', 'float_gemm', ['logits', 'w', 'b'], ['z']),
    ]);
    expect(() => readQMlpOnnx(mixed)).toThrow(/'float_gemm' \(Gemm\)/);
  });

  it('metadata that contradicts the graph', () => {
    const wrongFormat = withMetadata(bytes, { 'quantproof.format': 'dynamic' });
    expect(readQMlpOnnx(wrongFormat).notes[0]).toMatch(/says 'dynamic' but the graph is qdq/);
    // QOperator nodes run integer kernels at every level: the graph decides, the metadata is noted.
    const qoperator = writeQMlpOnnx({ ...int8, format: 'qoperator' });
    const unfused = withMetadata(qoperator, {
      'quantproof.execution-path': '{"kind":"unfused-float","gemm":"gemm-transb"}',
      'quantproof.ort-optimization-level': 'disabled',
    });
    const read = readQMlpOnnx(unfused);
    expect(read.model.executionPath).toEqual({ kind: 'fused-integer' });
    expect(read.notes.join('\n')).toMatch(
      /says 'unfused-float' \(gemm-transb\), but at optimisation level 'disabled' onnxruntime runs this graph as 'fused-integer'; read as what it runs/,
    );
    const badBits = withMetadata(bytes, {
      'quantproof.scheme': JSON.stringify({
        activationType: 'int8',
        logits: 'dequantize',
        layers: int8.layers.map((layer) => ({
          activation: layer.activation,
          weightType: 'int8',
          weightGranularity: 'per-tensor',
          weightBits: 2,
        })),
      }),
    });
    expect(() => readQMlpOnnx(badBits)).toThrow(/2-bit weights/);
  });
});

describe('readQMlpOnnx: the graph and the session level decide the execution path, not metadata', () => {
  const unfused: QMlpStatic = {
    ...int8,
    executionPath: { kind: 'unfused-float', gemm: 'gemm-transb' },
  };
  /** The file's metadata with `entries` changed (the other entries kept). */
  const relabel = (bytes: Uint8Array, entries: Record<string, string>): Uint8Array =>
    withMetadata(bytes, { ...readQMlpOnnx(bytes).metadata, ...entries });

  it('reads a file whose metadata says fused but which runs unfused as what it runs', async () => {
    // Float logits: the unfused float32 Gemm and the fused fl32(acc)·M differ in the last bits.
    const floatLogits = quantizeStatic(mlp, calibration, { logits: 'float' }).model;
    const source: QMlpStatic = { ...floatLogits, executionPath: unfused.executionPath };
    // Written for level 'disabled', where onnxruntime runs DequantizeLinear → Gemm → QuantizeLinear.
    const lying = relabel(writeQMlpOnnx(source), {
      'quantproof.execution-path': '{"kind":"fused-integer"}',
    });
    const read = readQMlpOnnx(lying);
    expect(read.ortLevel).toBe('disabled');
    expect(read.model.executionPath).toEqual(unfused.executionPath);
    expect(read.notes.join('\n')).toMatch(
      /says 'fused-integer', but at optimisation level 'disabled' onnxruntime runs this graph as 'unfused-float' \(gemm-transb\); read as what it runs/,
    );
    const report = await ortExecutionPath(lying, read.ortLevel);
    expect(report.executionPath).toEqual(read.model.executionPath);
    // The model as read reproduces onnxruntime on the file's own bytes, bit for bit; the model the
    // metadata describes does not.
    const inputs = differentialInputs(read.model, 'box', 300, { seed: 9, box: CARTPOLE_BOUNDS });
    const options = { onnx: lying, level: read.ortLevel, batchSize: 1 };
    expect((await compareInt8WithOrt(read.model, inputs, options)).differences).toEqual([]);
    const trusted: QMlpStatic = { ...source, executionPath: { kind: 'fused-integer' } };
    const wrong = await compareInt8WithOrt(trusted, inputs, options);
    expect(wrong.differingOutputs).toBeGreaterThan(100);
  });

  it('reads a file whose metadata says unfused but which runs at level all as fused', async () => {
    const lying = relabel(writeQMlpOnnx(unfused), { 'quantproof.ort-optimization-level': 'all' });
    const read = readQMlpOnnx(lying);
    expect(read.ortLevel).toBe('all');
    expect(read.model.executionPath).toEqual({ kind: 'fused-integer' });
    expect(read.notes.join('\n')).toMatch(
      /runs this graph as 'fused-integer'; read as what it runs/,
    );
    expect((await ortExecutionPath(lying, 'all')).executionPath).toEqual({ kind: 'fused-integer' });
    await expectOrtAgrees(read.model, lying);
  });

  it("takes the level from the file, else onnxruntime's default; an unknown level is noted", () => {
    expect(readQMlpOnnx(writeQMlpOnnx(int8)).ortLevel).toBe('all');
    expect(readQMlpOnnx(quantizerQdqGraph(int8)).ortLevel).toBe('all');
    const odd = relabel(writeQMlpOnnx(int8), { 'quantproof.ort-optimization-level': 'max' });
    const read = readQMlpOnnx(odd);
    expect(read.ortLevel).toBe('all');
    expect(read.notes.join('\n')).toMatch(/ignored quantproof.ort-optimization-level = 'max'/);
    // A MatMul + Add graph at level 'basic' runs as Gemm (transB = 0).
    const matmul: QMlpStatic = {
      ...int8,
      executionPath: { kind: 'unfused-float', gemm: 'matmul-add' },
    };
    const basic = relabel(writeQMlpOnnx(matmul), { 'quantproof.ort-optimization-level': 'basic' });
    expect(readQMlpOnnx(basic).model.executionPath).toEqual({
      kind: 'unfused-float',
      gemm: 'gemm',
    });
  });
});

describe('readQMlpOnnx on a per-axis input QuantizeLinear (per-feature input scales)', () => {
  const perFeature = quantizeStatic(mlp, calibration, PER_FEATURE_SCHEME).model;
  const bytes = writeQMlpOnnx(perFeature);
  const withQuantizeNode = (attribute: ReturnType<typeof intAttr>[]): Uint8Array =>
    editNodes(bytes, (nodes) =>
      nodes.map((n) => (n.name === 'input_QuantizeLinear' ? { ...n, attribute } : n)),
    );

  it('reads the writer’s file back (the axis attribute may be left at its default 1)', () => {
    expect(readQMlpOnnx(bytes).model).toEqual(perFeature);
    expect(readQMlpOnnx(withQuantizeNode([])).model).toEqual(perFeature);
    expect(readQMlpOnnx(withQuantizeNode([intAttr('axis', -1)])).model).toEqual(perFeature);
  });

  it('rejects another axis, blocked quantisation and differing zero points with typed errors', () => {
    expect(() => readQMlpOnnx(withQuantizeNode([intAttr('axis', 0)]))).toThrow(/axis 0/);
    expect(() => readQMlpOnnx(withQuantizeNode([intAttr('block_size', 2)]))).toThrow(
      UnsupportedNodeError,
    );
    const zeros = replaceInitializer(
      bytes,
      'input_feature_zero_point',
      intTensorProto('input_feature_zero_point', [4], 'uint8', [127, 127, 120, 127]),
    );
    expect(() => readQMlpOnnx(zeros)).toThrow(/share one zero point/);
    const three = replaceInitializer(
      replaceInitializer(
        bytes,
        'input_feature_scale',
        floatTensorProto('input_feature_scale', [3], Float32Array.of(0.1, 0.1, 0.1)),
      ),
      'input_feature_zero_point',
      intTensorProto('input_feature_zero_point', [3], 'uint8', [127, 127, 127]),
    );
    expect(() => readQMlpOnnx(three)).toThrow(/3 per-feature scales/);
  });
});
