import { describe, expect, it } from 'vitest';
import {
  BoxDimensionError,
  boxFromCentre,
  boxFromOperatingBox,
  certifyDecision,
  createBox,
  differenceBounds,
  ibpFp32,
  ibpInt8,
  IntervalError,
  IntervalOptionsError,
  InvalidBoxError,
  linearBoundsFp32,
  ModelMismatchError,
  searchCounterexamples,
} from '../src/index.js';
import { splitBox } from '../src/box.js';
import { quantize, randomMlp } from './support/random-models.js';

const mlp = randomMlp([2, 4, 2], 1);
const model = quantize(
  mlp,
  {
    kind: 'static',
    activationType: 'int8',
    perChannel: false,
    format: 'qdq',
    path: 'fused',
    logits: 'dequantize',
    bits: 8,
  },
  1,
  2,
);

describe('typed errors for bad inputs', () => {
  it('rejects malformed boxes with InvalidBoxError', () => {
    expect(() => createBox([0, NaN], [1, 1])).toThrow(InvalidBoxError);
    expect(() => createBox([2], [1])).toThrow(/lower 2 > upper 1/);
    expect(() => createBox([0, 0], [1])).toThrow(InvalidBoxError);
    expect(() => createBox([], [])).toThrow(InvalidBoxError);
    expect(() => createBox([-Infinity], [0])).toThrow(/unbounded/);
    expect(() => boxFromCentre([0, 0], -1)).toThrow(InvalidBoxError);
    expect(() => boxFromCentre([0, 0], [1])).toThrow(InvalidBoxError);
    expect(() => boxFromOperatingBox({ lower: [0, 1], upper: [1, 0] })).toThrow(InvalidBoxError);
    expect(() => splitBox(createBox([0], [1]), 0, 2)).toThrow(InvalidBoxError);
    expect(new InvalidBoxError('x')).toBeInstanceOf(IntervalError);
  });

  it('rejects a box of the wrong dimension with BoxDimensionError', () => {
    const box = createBox([0, 0, 0], [1, 1, 1]);
    expect(() => ibpFp32(mlp, box)).toThrow(BoxDimensionError);
    expect(() => ibpInt8(model, box)).toThrow(BoxDimensionError);
    expect(() => linearBoundsFp32(mlp, box)).toThrow(BoxDimensionError);
    expect(() => differenceBounds(mlp, model, box)).toThrow(BoxDimensionError);
    expect(() => certifyDecision(mlp, model, box)).toThrow(/3 dimensions but the network takes 2/);
    expect(() => splitBox(box, 3)).toThrow(BoxDimensionError);
  });

  it('rejects networks of different shapes with ModelMismatchError', () => {
    const other = randomMlp([2, 5, 2], 1);
    expect(() => certifyDecision(other, model, createBox([0, 0], [1, 1]))).toThrow(
      ModelMismatchError,
    );
  });

  it('rejects bad options with IntervalOptionsError', () => {
    const box = createBox([0, 0], [1, 1]);
    expect(() => certifyDecision(mlp, model, box, { method: 'smt' as unknown as 'ibp' })).toThrow(
      IntervalOptionsError,
    );
    expect(() => searchCounterexamples(mlp, model, box, { samples: -1 })).toThrow(
      IntervalOptionsError,
    );
    expect(() => searchCounterexamples(mlp, model, box, { maxCounterexamples: 0 })).toThrow(
      IntervalOptionsError,
    );
  });
});
