import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mlpFromJson, mlpToJson } from '../src/mlp-json.js';
import { mlpArbitrary } from './arbitraries.js';

function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

describe('JSON serialisation', () => {
  it('round-trips any finite float32 network bit for bit through JSON text', () => {
    // range 3.4028234663852886e38 is the largest float32: every finite value is possible.
    const networks = mlpArbitrary({
      maxLayers: 3,
      maxWidth: 6,
      range: 3.4028234663852886e38,
    }).filter((mlp) =>
      mlp.layers.every((l) => l.weight.every(Number.isFinite) && l.bias.every(Number.isFinite)),
    );
    fc.assert(
      fc.property(networks, (mlp) => {
        const back = mlpFromJson(JSON.parse(JSON.stringify(mlpToJson(mlp)))).mlp;
        expect(back.layers.length).toBe(mlp.layers.length);
        back.layers.forEach((layer, l) => {
          const original = mlp.layers[l]!;
          expect(layer.activation).toBe(original.activation);
          expect(bits(layer.weight)).toEqual(bits(original.weight));
          expect(bits(layer.bias)).toEqual(bits(original.bias));
        });
      }),
    );
  });
});
