// Golden outputs of onnxruntime-node 1.30.0 (see the fixture's `provenance`): the executor must
// reproduce every logit bit for bit, on every execution path it models.
import { describe, expect, it } from 'vitest';
import { createInt8Executor, type ForwardInt8Options } from '../src/index.js';
import { decodeArray, decodeQMlp } from './support/fixture-codec.js';
import fixture from './fixtures/ort-1.30.0-golden.json' with { type: 'json' };

interface GoldenCase {
  readonly name: string;
  readonly graph: string;
  readonly optimizationLevel: string;
  readonly options: ForwardInt8Options;
  readonly model: unknown;
  readonly inputs: { readonly dtype: 'float32'; readonly hex: string };
  readonly logits: { readonly dtype: 'float32'; readonly hex: string };
}

const cases = fixture.cases as unknown as readonly GoldenCase[];

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

describe('executor vs onnxruntime-node 1.30.0 (golden)', () => {
  it('covers every execution path', () => {
    const names = cases.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'qdq-int8-per-tensor-fused',
        'qdq-uint8-per-channel-fused',
        'qoperator-uint8-float-logits-mixed-4bit',
        'qdq-int8-float-logits-unfused-gemm-transb',
        'qdq-uint8-float-logits-unfused-matmul-add',
        'qdq-uint8-float-logits-unfused-gemm',
        'dynamic-per-tensor',
        'dynamic-per-channel',
        'dynamic-per-batch',
      ]),
    );
  });

  for (const c of cases) {
    it(`${c.name} (level ${c.optimizationLevel}) matches bit for bit`, () => {
      const model = decodeQMlp(c.model);
      const inputs = decodeArray(c.inputs) as Float32Array;
      const expected = decodeArray(c.logits) as Float32Array;
      const logits = createInt8Executor(model, c.options).forwardBatch(inputs);
      expect(bits(logits)).toEqual(bits(expected));
    });
  }
});
