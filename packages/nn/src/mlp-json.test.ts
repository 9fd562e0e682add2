import { describe, expect, it } from 'vitest';
import { encodeBase64 } from './base64.js';
import { createMlp } from './create-mlp.js';
import { NnFormatError, NnShapeError } from './errors.js';
import type { Mlp } from './mlp.js';
import { MLP_JSON_VERSION, mlpFromJson, mlpToJson } from './mlp-json.js';
import { createSeededRng } from './rng.js';

function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

function tensor(values: number[]): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return encodeBase64(bytes);
}

/** A valid document for a 2-1 identity layer, as plain JSON data, to be broken in tests. */
function document(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      format: 'quantproof-mlp',
      version: 1,
      tensorEncoding: 'float32-le-base64',
      metadata: { seed: 1 },
      layers: [
        {
          inFeatures: 2,
          outFeatures: 1,
          activation: 'identity',
          weight: tensor([1, 2]),
          bias: tensor([3]),
        },
      ],
    }),
  ) as Record<string, unknown>;
}

function layer0(doc: Record<string, unknown>): Record<string, unknown> {
  return (doc['layers'] as Record<string, unknown>[])[0]!;
}

function expectFormatError(value: unknown, path: string, message: RegExp): void {
  let caught: unknown;
  try {
    mlpFromJson(value);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(NnFormatError);
  expect((caught as NnFormatError).path).toBe(path);
  expect((caught as NnFormatError).message).toMatch(message);
}

describe('mlpToJson / mlpFromJson', () => {
  it('round-trips a trained-size network bit for bit through JSON text, with metadata', () => {
    const mlp = createMlp({ sizes: [4, 64, 64, 2], rng: createSeededRng(17) });
    mlp.layers[2]!.bias.set([0.1, -0.2]);
    const metadata = { seed: 17, env: 'CartPole-v1', scores: [500, 499.5], nested: { ok: true } };
    const text = JSON.stringify(mlpToJson(mlp, metadata));
    const back = mlpFromJson(JSON.parse(text));
    expect(back.metadata).toEqual(metadata);
    expect(back.mlp.layers.map((l) => [l.inFeatures, l.outFeatures, l.activation])).toEqual(
      mlp.layers.map((l) => [l.inFeatures, l.outFeatures, l.activation]),
    );
    back.mlp.layers.forEach((l, i) => {
      expect(bits(l.weight)).toEqual(bits(mlp.layers[i]!.weight));
      expect(bits(l.bias)).toEqual(bits(mlp.layers[i]!.bias));
    });
  });

  it('keeps -0, subnormals and the extremes of float32', () => {
    const special = [-0, 0, 1.401298464324817e-45, -1.1754942106924411e-38, 3.4028234663852886e38];
    const mlp: Mlp = {
      layers: [
        {
          inFeatures: 5,
          outFeatures: 1,
          weight: Float32Array.from(special),
          bias: Float32Array.of(-0),
          activation: 'relu',
        },
      ],
    };
    const back = mlpFromJson(JSON.parse(JSON.stringify(mlpToJson(mlp)))).mlp;
    expect(bits(back.layers[0]!.weight)).toEqual(bits(mlp.layers[0]!.weight));
    expect(Object.is(back.layers[0]!.bias[0], -0)).toBe(true);
    expect(mlpFromJson(document()).mlp.layers[0]!.weight).toEqual(Float32Array.of(1, 2));
  });

  it('refuses to write a malformed network or non-finite weights', () => {
    const mlp = createMlp({ sizes: [2, 2], rng: createSeededRng(1) });
    mlp.layers[0]!.bias[1] = Number.NaN;
    expect(() => mlpToJson(mlp)).toThrow(NnFormatError);
    expect(() => mlpToJson(mlp)).toThrow(/layers\[0\]\.bias\[1\]/);
    expect(() => mlpToJson({ layers: [] })).toThrow(NnShapeError);
  });

  it('keeps the output head when present and reads files without one as before', () => {
    const mlp = createMlp({ sizes: [3, 4, 2], rng: createSeededRng(5) });
    for (const head of ['softmax', 'logits'] as const) {
      const json = mlpToJson({ ...mlp, head });
      expect(json.head).toBe(head);
      const back = mlpFromJson(JSON.parse(JSON.stringify(json))).mlp;
      expect(back.head).toBe(head);
      back.layers.forEach((l, i) => expect(bits(l.weight)).toEqual(bits(mlp.layers[i]!.weight)));
    }
    expect('head' in mlpToJson(mlp)).toBe(false);
    expect('head' in mlpFromJson(document()).mlp).toBe(false);
    expectFormatError({ ...document(), head: 'sigmoid' }, '$.head', /not a known output head/);
  });

  it('defaults missing metadata to {}', () => {
    const doc = document();
    delete doc['metadata'];
    expect(mlpFromJson(doc).metadata).toEqual({});
  });

  it.each<[string, (doc: Record<string, unknown>) => unknown, string, RegExp]>([
    ['a non-object', () => [1, 2], '$', /JSON object written by mlpToJson/],
    [
      'another format',
      (d) => ({ ...d, format: 'onnx' }),
      '$.format',
      /not a quantproof network file/,
    ],
    [
      'a newer version',
      (d) => ({ ...d, version: MLP_JSON_VERSION + 1 }),
      '$.version',
      /upgrade quantproof/,
    ],
    ['an older version', (d) => ({ ...d, version: 0 }), '$.version', /re-export/],
    ['a missing version', (d) => ({ ...d, version: undefined }), '$.version', /reads version 1/],
    [
      'another tensor encoding',
      (d) => ({ ...d, tensorEncoding: 'json-numbers' }),
      '$.tensorEncoding',
      /float32-le-base64/,
    ],
    ['non-object metadata', (d) => ({ ...d, metadata: 'x' }), '$.metadata', /object/],
    ['no layers', (d) => ({ ...d, layers: [] }), '$.layers', /non-empty array/],
    ['a non-object layer', (d) => ({ ...d, layers: [7] }), '$.layers[0]', /must be an object/],
    [
      'a zero width',
      (d) => ((layer0(d)['inFeatures'] = 0), d),
      '$.layers[0].inFeatures',
      /positive integer/,
    ],
    [
      'a string width',
      (d) => ((layer0(d)['outFeatures'] = '1'), d),
      '$.layers[0].outFeatures',
      /positive integer/,
    ],
    [
      'an unknown activation',
      (d) => ((layer0(d)['activation'] = 'tanh'), d),
      '$.layers[0].activation',
      /"tanh" is not a known activation/,
    ],
    [
      'a weight given as numbers',
      (d) => ((layer0(d)['weight'] = [1, 2]), d),
      '$.layers[0].weight',
      /base64 string of 2/,
    ],
    [
      'broken base64',
      (d) => ((layer0(d)['weight'] = 'A==='), d),
      '$.layers[0].weight',
      /not valid padded base64/,
    ],
    [
      'a tensor of the wrong size',
      (d) => ((layer0(d)['weight'] = tensor([1, 2, 3])), d),
      '$.layers[0].weight',
      /holds 12 bytes but the layer's shape needs 2 float32 values/,
    ],
    [
      'a NaN weight',
      (d) => ((layer0(d)['weight'] = tensor([1, Number.NaN])), d),
      '$.layers[0].weight[1]',
      /must be finite/,
    ],
    [
      'an infinite bias',
      (d) => ((layer0(d)['bias'] = tensor([-Infinity])), d),
      '$.layers[0].bias[0]',
      /-Infinity/,
    ],
    [
      'layers that do not chain',
      (d) => ({
        ...d,
        layers: [
          layer0(d),
          {
            inFeatures: 2,
            outFeatures: 1,
            activation: 'identity',
            weight: tensor([1, 1]),
            bias: tensor([0]),
          },
        ],
      }),
      '$.layers[1].inFeatures',
      /layer 0 produces 1 outputs/,
    ],
  ])('rejects %s with a typed error', (_name, breakIt, path, message) => {
    expectFormatError(breakIt(document()), path, message);
  });
});
