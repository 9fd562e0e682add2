import { describe, expect, it } from 'vitest';
import { randomInputs, randomMlp } from '../test/support/models.js';
import { quantizeStatic, quantizeStaticWithRanges } from './quantize-static.js';
import { staticRangesOf, staticSchemeOf } from './static-model-scheme.js';
import type { QuantizeStaticOptions } from './scheme.js';

const mlp = randomMlp([4, 12, 12, 2], 5);
const states = randomInputs(300, 4, 1.5, 11);

describe('staticRangesOf and staticSchemeOf', () => {
  const schemes: QuantizeStaticOptions[] = [
    {},
    { format: 'qoperator', activationType: 'uint8' },
    { perChannel: true, weightBits: [8, 3, 5] },
    { logits: 'float', weightBits: 4 },
  ];
  it.each(schemes)('convert the same network back to the same model (%o)', (scheme) => {
    const { model } = quantizeStatic(mlp, states, scheme);
    const again = quantizeStaticWithRanges(mlp, staticRangesOf(model), staticSchemeOf(model));
    expect(again.model).toEqual(model);
  });
});
