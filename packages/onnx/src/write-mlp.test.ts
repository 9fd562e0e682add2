import { readFileSync } from 'node:fs';
import type { Mlp } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { InvalidMlpError, InvalidWriteOptionsError } from './errors.js';
import { decodeModelProto } from './proto/onnx-schema.js';
import { PRODUCER_VERSION, WRITER_IR_VERSION, WRITER_OPSET, writeMlpOnnx } from './write-mlp.js';

const tiny: Mlp = {
  layers: [
    {
      inFeatures: 3,
      outFeatures: 2,
      weight: Float32Array.of(1, 2, 3, 4, 5, 6),
      bias: Float32Array.of(0.5, -0.5),
      activation: 'relu',
    },
    {
      inFeatures: 2,
      outFeatures: 2,
      weight: Float32Array.of(1, 0, 0, -1),
      bias: Float32Array.of(0, 0),
      activation: 'identity',
    },
  ],
};

describe('writeMlpOnnx', () => {
  it('writes Gemm(transB=1) + Relu per layer with a symbolic batch dimension', () => {
    const model = decodeModelProto(
      writeMlpOnnx(tiny, { metadata: { seed: '42', config: '{"a":1}' } }),
    );
    expect(model.ir_version).toBe(WRITER_IR_VERSION);
    expect(model.opset_import).toEqual([{ domain: '', version: WRITER_OPSET }]);
    expect(model.producer_name).toBe('quantproof');
    expect(model.metadata_props).toEqual([
      { key: 'seed', value: '42' },
      { key: 'config', value: '{"a":1}' },
    ]);
    const graph = model.graph ?? {};
    expect((graph.node ?? []).map((n) => [n.name, n.op_type, n.input, n.output])).toEqual([
      [
        '/layers.0/Gemm',
        'Gemm',
        ['obs', 'layers.0.weight', 'layers.0.bias'],
        ['/layers.0/Gemm_output_0'],
      ],
      ['/layers.0/Relu', 'Relu', ['/layers.0/Gemm_output_0'], ['/layers.0/Relu_output_0']],
      [
        '/layers.1/Gemm',
        'Gemm',
        ['/layers.0/Relu_output_0', 'layers.1.weight', 'layers.1.bias'],
        ['logits'],
      ],
    ]);
    expect(graph.node?.[0]?.attribute).toMatchObject([
      { name: 'alpha', type: 1, f: 1 },
      { name: 'beta', type: 1, f: 1 },
      { name: 'transB', type: 2, i: 1 },
    ]);
    expect(graph.input).toMatchObject([
      {
        name: 'obs',
        type: {
          tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'N' }, { dim_value: 3 }] } },
        },
      },
    ]);
    expect(graph.output?.[0]?.type?.tensor_type?.shape?.dim).toEqual([
      { dim_param: 'N' },
      { dim_value: 2 },
    ]);
    const weight = graph.initializer?.[0];
    expect(weight?.name).toBe('layers.0.weight');
    expect(weight?.dims).toEqual([2, 3]);
    expect(weight?.data_type).toBe(1);
    // Little-endian float32: 1.0f is 00 00 80 3f.
    expect([...(weight?.raw_data ?? []).slice(0, 4)]).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(weight?.float_data).toEqual([]);
  });

  it('names the output of a final Relu after the output', () => {
    const reluLast: Mlp = { layers: [{ ...tiny.layers[0]!, activation: 'relu' }] };
    const nodes = decodeModelProto(writeMlpOnnx(reluLast, { outputName: 'q' })).graph?.node ?? [];
    expect(nodes.map((n) => n.output?.[0])).toEqual(['/layers.0/Gemm_output_0', 'q']);
  });

  it('rejects inconsistent layers with InvalidMlpError', () => {
    const layer = tiny.layers[0]!;
    expect(() => writeMlpOnnx({ layers: [] })).toThrow(InvalidMlpError);
    expect(() => writeMlpOnnx({ layers: [{ ...layer, weight: new Float32Array(5) }] })).toThrow(
      /weight has 5 values/,
    );
    expect(() => writeMlpOnnx({ layers: [{ ...layer, bias: new Float32Array(3) }] })).toThrow(
      /bias has 3 values/,
    );
    expect(() => writeMlpOnnx({ layers: [layer, layer] })).toThrow(
      /layer 1 takes 3 inputs but layer 0 produces 2/,
    );
  });

  it('rejects clashing tensor names with InvalidWriteOptionsError', () => {
    expect(() => writeMlpOnnx(tiny, { inputName: 'x', outputName: 'x' })).toThrow(
      InvalidWriteOptionsError,
    );
    expect(() => writeMlpOnnx(tiny, { inputName: 'layers.1.weight' })).toThrow(
      InvalidWriteOptionsError,
    );
    expect(() => writeMlpOnnx(tiny, { batchDimName: '' })).toThrow(InvalidWriteOptionsError);
  });

  it('writes the package version as producer_version by default', () => {
    const pkg: unknown = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    );
    expect(pkg).toMatchObject({ version: PRODUCER_VERSION });
    expect(decodeModelProto(writeMlpOnnx(tiny)).producer_version).toBe(PRODUCER_VERSION);
  });
});
