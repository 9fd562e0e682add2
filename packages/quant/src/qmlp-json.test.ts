import { describe, expect, it } from 'vitest';
import {
  handDynamicModel,
  handStaticModel,
  randomInputs,
  randomMlp,
} from '../test/support/models.js';
import { InvalidQMlpError, QMlpFormatError } from './errors.js';
import type { QMlp, QMlpStatic } from './qmlp.js';
import { qmlpFromJson } from './qmlp-from-json.js';
import { qmlpToJson, QMLP_JSON_VERSION } from './qmlp-json.js';
import { quantizeStatic } from './quantize-static.js';

const roundTrip = (model: QMlp): QMlp =>
  qmlpFromJson(JSON.parse(JSON.stringify(qmlpToJson(model)))).model;

function expectFormatError(value: unknown, path: string, text?: string): void {
  try {
    qmlpFromJson(value);
  } catch (error) {
    expect(error).toBeInstanceOf(QMlpFormatError);
    expect((error as QMlpFormatError).path).toBe(path);
    if (text !== undefined) expect((error as Error).message).toContain(text);
    return;
  }
  throw new Error(`expected ${path} to be reported`);
}

/** A serialised static model as a plain object. */
function document(): Record<string, unknown> {
  const mlp = randomMlp([3, 4, 2], 7);
  const { model } = quantizeStatic(mlp, randomInputs(20, 3, 1, 2), { perChannel: true });
  return JSON.parse(JSON.stringify(qmlpToJson(model, { seed: 42 }))) as Record<string, unknown>;
}

const DELETE = Symbol('delete');

/** `document()` with the field at `path` set to `value` (or deleted). */
function edited(path: readonly (string | number)[], value: unknown): Record<string, unknown> {
  const doc = document();
  let owner = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) owner = owner[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === DELETE) delete owner[last];
  else owner[last] = value;
  return doc;
}

describe('qmlpToJson / qmlpFromJson', () => {
  it('round-trip hand-built static and dynamic models exactly, with metadata', () => {
    for (const model of [handStaticModel(), handDynamicModel()]) {
      expect(roundTrip(model)).toEqual(model);
    }
    const json = qmlpToJson(handStaticModel(), { note: 'demo', bits: [8] });
    expect(qmlpFromJson(JSON.parse(JSON.stringify(json))).metadata).toEqual({
      note: 'demo',
      bits: [8],
    });
    expect(json).toMatchObject({
      format: 'quantproof-qmlp',
      version: 1,
      tensorEncoding: 'le-base64',
      model: { format: 'qdq', executionPath: { kind: 'fused-integer' }, logits: 'dequantize' },
    });
  });

  it('writes the documented layout: little-endian base64 tensors, numbers for scalars', () => {
    const json = qmlpToJson(handStaticModel());
    if (json.model.format !== 'qdq' && json.model.format !== 'qoperator') {
      throw new Error('unreachable');
    }
    const layer = json.model.layers[0]!;
    expect(layer.weight).toBe('Av8BAQ=='); // int8 [2, -1, 1, 1]
    expect(layer.bias).toBe('BAAAAP7///8='); // int32 LE [4, -2]
    expect(layer.weightQuant.scales).toBe('AACAPg=='); // float32 LE 0.25
    expect(layer.weightQuant.zeroPoints).toBe('AAAAAA==');
    expect(json.model.input).toEqual({ scale: 0.5, zeroPoint: 0, elementType: 'int8' });
  });

  it('keeps unfused execution paths and float logits', () => {
    const mlp = randomMlp([3, 5, 2], 4);
    const xs = randomInputs(30, 3, 1, 1);
    for (const options of [
      { executionPath: { kind: 'unfused-float' as const, gemm: 'matmul-add' as const } },
      { logits: 'float' as const, activationType: 'uint8' as const, format: 'qoperator' as const },
      { weightBits: [3, 5] },
    ]) {
      const { model } = quantizeStatic(mlp, xs, options);
      expect(roundTrip(model)).toEqual(model);
    }
  });

  it('keeps the output head when present; documents without one read as before', () => {
    for (const model of [handStaticModel(), handDynamicModel()]) {
      const withHead: QMlp = { ...model, head: 'softmax' };
      expect(qmlpToJson(withHead).model.head).toBe('softmax');
      expect(roundTrip(withHead)).toEqual(withHead);
      expect('head' in qmlpToJson(model).model).toBe(false);
      expect('head' in roundTrip(model)).toBe(false);
    }
    expectFormatError(edited(['model', 'head'], 'sigmoid'), '$.model.head', '"softmax"');
    expect(() => qmlpToJson({ ...handStaticModel(), head: 'sigmoid' as 'softmax' })).toThrow(
      InvalidQMlpError,
    );
  });

  it('refuses to write an invalid model', () => {
    const m = handStaticModel();
    expect(() => qmlpToJson({ ...m, input: { ...m.input, scale: -1 } })).toThrow(InvalidQMlpError);
    const d = handDynamicModel();
    const layer = { ...d.layers[0]!, bias: Float32Array.of(NaN, 0) };
    expect(() => qmlpToJson({ ...d, layers: [layer] })).toThrow(InvalidQMlpError);
  });

  it('reports another format, version or encoding', () => {
    const doc = document();
    expectFormatError({ ...doc, format: 'quantproof-mlp' }, '$.format', 'not a quantproof');
    expectFormatError({ ...doc, version: QMLP_JSON_VERSION + 1 }, '$.version', 'upgrade');
    expectFormatError({ ...doc, version: 0 }, '$.version', 're-export');
    expectFormatError({ ...doc, version: undefined }, '$.version');
    expectFormatError({ ...doc, tensorEncoding: 'hex' }, '$.tensorEncoding');
    expectFormatError({ ...doc, metadata: [] }, '$.metadata');
    expectFormatError([], '$');
    expectFormatError(null, '$');
  });

  it('reports missing, mistyped and mis-sized fields by path', () => {
    const cases: [(string | number)[], unknown, string][] = [
      [['model'], DELETE, '$.model'],
      [['model', 'format'], 'int4', '$.model.format'],
      [['model', 'layers'], [], '$.model.layers'],
      [['model', 'executionPath'], 'fused', '$.model.executionPath'],
      [['model', 'executionPath'], { kind: 'unfused-float' }, '$.model.executionPath.gemm'],
      [['model', 'executionPath'], { kind: 'gpu' }, '$.model.executionPath.kind'],
      [['model', 'input'], DELETE, '$.model.input'],
      [['model', 'input', 'scale'], 'big', '$.model.input.scale'],
      [['model', 'logits'], 'softmax', '$.model.logits'],
      [['model', 'layers', 0, 'inFeatures'], 0, '$.model.layers[0].inFeatures'],
      [['model', 'layers', 1, 'activation'], 'tanh', '$.model.layers[1].activation'],
      [['model', 'layers', 0, 'weight'], 'AAA', '$.model.layers[0].weight'],
      [['model', 'layers', 0, 'weight'], 'AAAA', '$.model.layers[0].weight'],
      [['model', 'layers', 0, 'bias'], 42, '$.model.layers[0].bias'],
      [
        ['model', 'layers', 0, 'weightQuant', 'granularity'],
        'per-row',
        '$.model.layers[0].weightQuant.granularity',
      ],
      [
        ['model', 'layers', 0, 'weightQuant', 'granularity'],
        'per-tensor',
        '$.model.layers[0].weightQuant.scales',
      ],
      [
        ['model', 'layers', 0, 'weightQuant', 'elementType'],
        'int4',
        '$.model.layers[0].weightQuant.elementType',
      ],
      [['model', 'layers', 1, 'output'], DELETE, '$.model.layers[1].output'],
    ];
    for (const [field, value, path] of cases) expectFormatError(edited(field, value), path);
  });

  it('reports invalid quantisation parameters through validateQMlp, located in the document', () => {
    const cases: [(string | number)[], unknown, string][] = [
      [['model', 'input', 'scale'], -0.5, '$.model.input.scale'],
      [['model', 'input', 'scale'], 0.1, '$.model.input.scale'], // not a float32 value
      [['model', 'input', 'zeroPoint'], 300, '$.model.input.zeroPoint'],
      [['model', 'layers', 0, 'output', 'zeroPoint'], 0, '$.model.layers[0].output.zeroPoint'],
      [['model', 'layers', 0, 'weightQuant', 'bits'], 9, '$.model.layers[0].weightQuant.bits'],
      [['model', 'layers', 1, 'inFeatures'], 2, '$.model.layers[1].weight'],
    ];
    for (const [field, value, path] of cases) expectFormatError(edited(field, value), path);
    // A 3-bit layer whose stored weights exceed ±3.
    const model = handStaticModel();
    const layer = model.layers[0]!;
    const threeBit: QMlpStatic = {
      ...model,
      layers: [{ ...layer, weightQuant: { ...layer.weightQuant, bits: 8 } }],
    };
    const json = qmlpToJson(threeBit);
    if (json.model.format !== 'qdq' && json.model.format !== 'qoperator') {
      throw new Error('unreachable');
    }
    const stored = json.model.layers[0]!;
    const doc = {
      ...json,
      model: {
        ...json.model,
        layers: [
          {
            ...stored,
            weight: 'BP8BAQ==', // int8 [4, -1, 1, 1]
            weightQuant: { ...stored.weightQuant, bits: 3 },
          },
        ],
      },
    };
    expectFormatError(doc, '$.model.layers[0].weight[0]');
  });

  it('reports a non-finite dynamic bias', () => {
    const json = qmlpToJson(handDynamicModel());
    const layer = json.model.layers[0]!;
    const doc = {
      ...json,
      model: { ...json.model, layers: [{ ...layer, bias: 'AADAfwAAAAA=' }] }, // float32 LE [NaN, 0]
    };
    expectFormatError(doc, '$.model.layers[0].bias[0]');
  });
});
