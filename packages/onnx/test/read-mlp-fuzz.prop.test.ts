// Whatever bytes it is given, readMlpOnnx returns an Mlp or throws one of this package's typed
// errors: never a TypeError or a protobufjs error that would reach a CLI user as a stack trace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OnnxError, readMlpOnnx, writeMlpOnnx } from '../src/index.js';
import { TORCH_FIXTURES, makeTorchMatMulAdd } from './fixtures/make-torch-style.js';
import { heUniformMlp } from './helpers/mlp-fixtures.js';

function readsOrThrowsTyped(bytes: Uint8Array): void {
  try {
    const read = readMlpOnnx(bytes);
    expect(read.mlp.layers.length).toBeGreaterThan(0);
  } catch (error) {
    expect(error).toBeInstanceOf(OnnxError);
  }
}

const valid = [writeMlpOnnx(heUniformMlp([4, 3, 2], 1)), makeTorchMatMulAdd()];

describe(`readMlpOnnx on corrupted bytes (${TORCH_FIXTURES.matMulAdd} and our writer's)`, () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), readsOrThrowsTyped));
  });

  it('valid models with bytes overwritten or cut', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.option(fc.nat()),
        (model, edits, cut) => {
          const bytes = model.slice(0, cut === null ? model.length : cut % (model.length + 1));
          for (const [position, value] of edits) {
            if (bytes.length > 0) bytes[position % bytes.length] = value;
          }
          readsOrThrowsTyped(bytes);
        },
      ),
      { numRuns: 500 },
    );
  });
});
