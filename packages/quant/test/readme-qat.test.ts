// The README's QAT, mixed-precision and serialisation snippets, made runnable: they must keep working.
import { createSeededRng } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import {
  forwardFakeQuant,
  qmlpFromJson,
  qmlpToJson,
  quantizeAwareTrain,
  searchMixedPrecision,
} from '../src/index.js';
import { visitedStates as simulate } from './support/cartpole-teacher.js';
import { randomInputs, randomMlp } from './support/models.js';

describe('README QAT / mixed precision / JSON snippets', () => {
  it('run and report what they claim', () => {
    const teacher = randomMlp([4, 16, 16, 2], 3);
    const visitedStates = simulate(1000, 2);
    const xs = randomInputs(10, 4, 1, 3);
    const qat = quantizeAwareTrain(teacher, visitedStates, {
      rng: createSeededRng(5),
      scheme: { weightBits: 4 },
      boxSamples: { lower: [-2.4, -3, -0.21, -3.5], upper: [2.4, 3, 0.21, 3.5], count: 500 },
      epochs: 2,
    });
    expect(qat.model.layers[0]!.weightQuant.bits).toBe(4);
    expect(forwardFakeQuant(qat.fakeQuant, xs)).toHaveLength(20);

    const search = searchMixedPrecision(teacher, visitedStates, { threshold: 0.9 });
    expect(search.kind).toBe('found');
    expect(search.sizeBits).toBeLessThan(search.startSizeBits);

    const text = JSON.stringify(qmlpToJson(search.model, { scheme: 'qdq-int8' }));
    const { model, metadata } = qmlpFromJson(JSON.parse(text));
    expect(model).toEqual(search.model);
    expect(metadata).toEqual({ scheme: 'qdq-int8' });
  });
});
