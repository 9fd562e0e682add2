// Writing then reading gives back the same Mlp bit for bit, and writing what was read gives back
// the same bytes, over random shapes, weights (every float32 bit pattern, NaN payloads included),
// output heads (none or a final Softmax) and metadata.
import type { Activation, DenseLayer, Mlp } from '@quantproof/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readMlpOnnx, writeMlpOnnx } from '../src/index.js';
import type { ReadMlpResult, WriteMlpOptions } from '../src/index.js';

function layerArbitrary(inFeatures: number, outFeatures: number): fc.Arbitrary<DenseLayer> {
  const length = inFeatures * outFeatures;
  return fc.record({
    inFeatures: fc.constant(inFeatures),
    outFeatures: fc.constant(outFeatures),
    weight: fc.float32Array({ minLength: length, maxLength: length }),
    bias: fc.float32Array({ minLength: outFeatures, maxLength: outFeatures }),
    activation: fc.constantFrom<Activation>('relu', 'identity'),
  });
}

const mlpArbitrary: fc.Arbitrary<Mlp> = fc
  .array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 5 })
  .chain((sizes) =>
    fc.tuple(
      fc.tuple(...sizes.slice(1).map((out, l) => layerArbitrary(sizes[l] ?? 1, out))),
      fc.boolean(),
    ),
  )
  .map(([layers, softmax]) => (softmax ? { layers, head: 'softmax' as const } : { layers }));

const optionsArbitrary: fc.Arbitrary<WriteMlpOptions> = fc.record(
  {
    inputName: fc.constantFrom('obs', 'input.1', 'x'),
    outputName: fc.constantFrom('logits', 'q_values'),
    batchDimName: fc.constantFrom('N', 'batch_size'),
    metadata: fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' })),
    producerVersion: fc.string({ unit: 'grapheme' }),
  },
  { requiredKeys: [] },
);

/** The bytes of a float32 array: compares bit patterns, so NaN payloads and -0 count. */
function bits(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function optionsOf(read: ReadMlpResult): WriteMlpOptions {
  return {
    inputName: read.inputName,
    outputName: read.outputName,
    ...(read.batch.kind === 'symbolic' ? { batchDimName: read.batch.name } : {}),
    metadata: read.metadata,
    producerVersion: read.producer.version,
  };
}

describe('write → read round trip', () => {
  it('reads back a bit-identical Mlp', () => {
    fc.assert(
      fc.property(mlpArbitrary, optionsArbitrary, (mlp, options) => {
        const read = readMlpOnnx(writeMlpOnnx(mlp, options));
        expect(read.notes).toEqual([]);
        expect(read.mlp.layers).toHaveLength(mlp.layers.length);
        read.mlp.layers.forEach((layer, l) => {
          const original = mlp.layers[l]!;
          expect([layer.inFeatures, layer.outFeatures, layer.activation]).toEqual([
            original.inFeatures,
            original.outFeatures,
            original.activation,
          ]);
          expect(bits(layer.weight)).toEqual(bits(original.weight));
          expect(bits(layer.bias)).toEqual(bits(original.bias));
        });
        expect(read.mlp.head).toBe(mlp.head);
        expect(read.inputName).toBe(options.inputName ?? 'obs');
        expect(read.outputName).toBe(options.outputName ?? 'logits');
        expect(read.batch).toEqual({ kind: 'symbolic', name: options.batchDimName ?? 'N' });
        expect(read.metadata).toEqual(options.metadata ?? {});
        expect(read.producer).toEqual({
          name: 'quantproof',
          version: options.producerVersion ?? '0.0.0',
        });
      }),
    );
  });

  it('write(read(write(m))) is byte-identical to write(m)', () => {
    fc.assert(
      fc.property(mlpArbitrary, optionsArbitrary, (mlp, options) => {
        const bytes = writeMlpOnnx(mlp, options);
        const read = readMlpOnnx(bytes);
        expect(writeMlpOnnx(read.mlp, optionsOf(read))).toEqual(bytes);
      }),
    );
  });
});
