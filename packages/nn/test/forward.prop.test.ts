import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardBatchFp32, forwardFp32 } from '../src/forward-fp32.js';
import type { Mlp } from '../src/mlp.js';
import { createTrainingWorkspace, forwardTrain } from '../src/training-workspace.js';
import { mlpWithBatchArbitrary } from './arbitraries.js';

function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

/** A deliberately plain restatement of the documented float32 semantics, layer by layer. */
function referenceForward(mlp: Mlp, x: readonly number[]): readonly number[] {
  let values: readonly number[] = x;
  for (const layer of mlp.layers) {
    const next: number[] = [];
    for (let j = 0; j < layer.outFeatures; j++) {
      const row = Array.from(
        layer.weight.subarray(j * layer.inFeatures, (j + 1) * layer.inFeatures),
      );
      const sum = row.reduce((acc, w, i) => Math.fround(acc + Math.fround(w * values[i]!)), 0);
      const y = Math.fround(sum + layer.bias[j]!);
      next.push(layer.activation === 'relu' ? Math.max(y, 0) : y);
    }
    values = next;
  }
  return values;
}

const arbitrary = mlpWithBatchArbitrary({ maxLayers: 4, maxWidth: 9, range: 4, maxBatch: 6 });

describe('forwardFp32 properties', () => {
  it('equals the plain reference bit for bit', () => {
    fc.assert(
      fc.property(arbitrary, ({ mlp, n, inputs }) => {
        const inSize = mlp.layers[0]!.inFeatures;
        for (let s = 0; s < n; s++) {
          const x = inputs.subarray(s * inSize, (s + 1) * inSize);
          const expected = Float32Array.from(referenceForward(mlp, Array.from(x)));
          expect(bits(forwardFp32(mlp, x))).toEqual(bits(expected));
        }
      }),
    );
  });

  it('batched equals one-at-a-time bit for bit', () => {
    fc.assert(
      fc.property(arbitrary, ({ mlp, n, inputs }) => {
        const inSize = mlp.layers[0]!.inFeatures;
        const batched = forwardBatchFp32(mlp, inputs, n);
        const single = new Float32Array(batched.length);
        const outSize = batched.length / n;
        for (let s = 0; s < n; s++) {
          single.set(forwardFp32(mlp, inputs.subarray(s * inSize, (s + 1) * inSize)), s * outSize);
        }
        expect(bits(batched)).toEqual(bits(single));
      }),
    );
  });

  it('forwardTrain equals forwardBatchFp32 bit for bit on both backends', () => {
    fc.assert(
      fc.property(
        arbitrary,
        fc.constantFrom('wasm' as const, 'js' as const),
        ({ mlp, n, inputs }, backend) => {
          const fp32 = forwardBatchFp32(mlp, inputs, n);
          const train = forwardTrain(createTrainingWorkspace(mlp, n, { backend }), inputs, n);
          expect(bits(train)).toEqual(bits(fp32));
        },
      ),
    );
  });
});
