import { describe, expect, it } from 'vitest';
import { forwardBatchFp32, forwardFp32 } from '../src/forward-fp32.js';
import type { DenseLayer, Mlp } from '../src/mlp.js';
import golden from './fixtures/forward-fp32.golden.json' with { type: 'json' };

// Oracle: C `float` arithmetic (test/fixtures/forward-fp32-reference.c, which says how to
// regenerate the fixture). Floats are stored as uint32 bit patterns.
function floats(bitPatterns: readonly number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bitPatterns).buffer);
}

function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

describe('forwardFp32 against C float arithmetic', () => {
  for (const testCase of golden.cases) {
    const { sizes } = testCase;
    const layers: DenseLayer[] = testCase.layers.map((layer, l) => ({
      inFeatures: sizes[l]!,
      outFeatures: sizes[l + 1]!,
      weight: floats(layer.weight),
      bias: floats(layer.bias),
      activation: l + 1 < testCase.layers.length ? 'relu' : 'identity',
    }));
    const mlp: Mlp = { layers };

    it(`matches bit for bit on ${sizes.join('-')}`, () => {
      for (const sample of testCase.samples) {
        expect(bits(forwardFp32(mlp, floats(sample.input)))).toEqual(sample.output);
      }
      const inputs = floats(testCase.samples.flatMap((s) => s.input));
      expect(bits(forwardBatchFp32(mlp, inputs, testCase.samples.length))).toEqual(
        testCase.samples.flatMap((s) => s.output),
      );
    });
  }
});
