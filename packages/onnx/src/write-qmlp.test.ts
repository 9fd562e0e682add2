import { InvalidQMlpError, quantizeDynamic, quantizeStatic } from '@quantproof/quant';
import type { QMlpStatic } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { calibrationInputs, policyMlp } from '../test/helpers/qmlp-fixtures.js';
import { InvalidWriteOptionsError } from './errors.js';
import { decodeModelProto, TensorDataType } from './proto/onnx-schema.js';
import type { ModelProtoObject } from './proto/onnx-schema.js';
import { WRITER_IR_VERSION, WRITER_OPSET } from './write-mlp.js';
import { writeQMlpOnnx } from './write-qmlp.js';

const mlp = policyMlp([4, 8, 2], 1);
const calibration = calibrationInputs(4, 200, 2);
const qdq = quantizeStatic(mlp, calibration).model;

function decoded(bytes: Uint8Array): ModelProtoObject {
  return decodeModelProto(bytes);
}

function opTypes(proto: ModelProtoObject): string[] {
  return (proto.graph?.node ?? []).map((n) =>
    n.domain ? `${n.domain}.${n.op_type}` : (n.op_type ?? ''),
  );
}

describe('writeQMlpOnnx', () => {
  it('writes the QDQ layout of quantize_static with metadata on format, path and scheme', () => {
    const proto = decoded(writeQMlpOnnx(qdq, { metadata: { seed: '7' } }));
    expect(proto.ir_version).toBe(WRITER_IR_VERSION);
    expect(proto.opset_import).toEqual([{ domain: '', version: WRITER_OPSET }]);
    expect(proto.producer_name).toBe('quantproof');
    expect(opTypes(proto)).toEqual([
      'QuantizeLinear',
      'DequantizeLinear',
      'DequantizeLinear',
      'DequantizeLinear',
      'Gemm',
      'QuantizeLinear',
      'DequantizeLinear',
      'DequantizeLinear',
      'DequantizeLinear',
      'Gemm',
      'QuantizeLinear',
      'DequantizeLinear',
    ]);
    const graph = proto.graph ?? {};
    expect(graph.node?.[4]).toMatchObject({
      name: '/layers.0/Gemm',
      input: ['input_dequantized', 'layers.0.weight_dequantized', 'layers.0.bias_dequantized'],
      attribute: [{ name: 'transB', i: 1 }],
    });
    const weight = graph.initializer?.find((t) => t.name === 'layers.0.weight_quantized');
    expect(weight).toMatchObject({ dims: [8, 4], data_type: TensorDataType.INT8 });
    expect(graph.initializer?.find((t) => t.name === 'layers.0.bias_quantized')).toMatchObject({
      dims: [8],
      data_type: TensorDataType.INT32,
    });
    expect(graph.initializer?.find((t) => t.name === 'input_scale')?.dims ?? []).toEqual([]);
    expect(graph.output?.[0]?.name).toBe('logits');
    expect(proto.metadata_props).toEqual([
      { key: 'quantproof.format', value: 'qdq' },
      { key: 'quantproof.execution-path', value: '{"kind":"fused-integer"}' },
      { key: 'quantproof.ort-optimization-level', value: 'all' },
      {
        key: 'quantproof.scheme',
        value: JSON.stringify({
          activationType: 'int8',
          logits: 'dequantize',
          layers: [
            {
              activation: 'relu',
              weightType: 'int8',
              weightGranularity: 'per-tensor',
              weightBits: 8,
            },
            {
              activation: 'identity',
              weightType: 'int8',
              weightGranularity: 'per-tensor',
              weightBits: 8,
            },
          ],
        }),
      },
      { key: 'seed', value: '7' },
    ]);
  });

  it('writes per-channel weights with axis 0 and per-channel bias scales', () => {
    const model = quantizeStatic(mlp, calibration, { perChannel: true }).model;
    const graph = decoded(writeQMlpOnnx(model)).graph ?? {};
    const weightDq = graph.node?.find((n) => n.name === 'layers.0.weight_DequantizeLinear');
    expect(weightDq?.attribute).toMatchObject([{ name: 'axis', i: 0 }]);
    expect(graph.initializer?.find((t) => t.name === 'layers.0.bias_scale')?.dims).toEqual([8]);
  });

  it('writes MatMul + Add or Gemm(transB = 0) for the unfused layouts that need them', () => {
    const matmul: QMlpStatic = {
      ...qdq,
      executionPath: { kind: 'unfused-float', gemm: 'matmul-add' },
    };
    expect(opTypes(decoded(writeQMlpOnnx(matmul)))).toContain('MatMul');
    const gemm: QMlpStatic = { ...qdq, executionPath: { kind: 'unfused-float', gemm: 'gemm' } };
    const graph = decoded(writeQMlpOnnx(gemm)).graph ?? {};
    expect(graph.node?.find((n) => n.op_type === 'Gemm')?.attribute).toMatchObject([
      { name: 'transB', i: 0 },
    ]);
    expect(graph.initializer?.find((t) => t.name === 'layers.0.weight_quantized')?.dims).toEqual([
      4, 8,
    ]);
  });

  it('writes QOperator as com.microsoft QGemm, float logits without y_scale', () => {
    const model = quantizeStatic(mlp, calibration, { format: 'qoperator', logits: 'float' }).model;
    const proto = decoded(writeQMlpOnnx(model));
    expect(proto.opset_import).toEqual([
      { domain: '', version: WRITER_OPSET },
      { domain: 'com.microsoft', version: 1 },
    ]);
    expect(opTypes(proto)).toEqual([
      'QuantizeLinear',
      'com.microsoft.QGemm',
      'com.microsoft.QGemm',
    ]);
    expect(proto.graph?.node?.[2]?.input).toHaveLength(7);
    expect(proto.graph?.node?.[2]?.output).toEqual(['logits']);
  });

  it("writes dynamic models as quantize_dynamic's MatMulInteger chain", () => {
    const model = quantizeDynamic(mlp).model;
    expect(opTypes(decoded(writeQMlpOnnx(model)))).toEqual([
      ...['DynamicQuantizeLinear', 'MatMulInteger', 'Mul', 'Cast', 'Mul', 'Add', 'Relu'],
      ...['DynamicQuantizeLinear', 'MatMulInteger', 'Mul', 'Cast', 'Mul', 'Add'],
    ]);
  });

  it('is deterministic', () => {
    expect(writeQMlpOnnx(qdq)).toEqual(writeQMlpOnnx(qdq));
  });

  it('refuses invalid models, clashing names and reserved metadata keys', () => {
    const broken: QMlpStatic = { ...qdq, input: { ...qdq.input, scale: 0 } };
    expect(() => writeQMlpOnnx(broken)).toThrow(InvalidQMlpError);
    expect(() => writeQMlpOnnx(qdq, { inputName: 'input_scale' })).toThrow(
      InvalidWriteOptionsError,
    );
    expect(() => writeQMlpOnnx(qdq, { outputName: 'layers.0.weight_quantized' })).toThrow(
      /'layers.0.weight_quantized' is also the name/,
    );
    expect(() => writeQMlpOnnx(qdq, { inputName: 'x', outputName: 'x' })).toThrow(
      InvalidWriteOptionsError,
    );
    expect(() => writeQMlpOnnx(qdq, { metadata: { 'quantproof.format': 'qoperator' } })).toThrow(
      /reserved/,
    );
  });
});
