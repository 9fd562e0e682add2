// One decision rule: nn's `argmax` (training, evaluation) and quant's `decideOutputs` (executor,
// bounds, encodings, replay) pick the same index on every vector — ties, ±0, ±Inf and NaN included.
import { argmax } from '@quantproof/nn';
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { decideOutputs } from '../src/decision.js';

const value = fc.oneof(
  fc.float(),
  fc.constantFrom(0, -0, Infinity, -Infinity, Number.NaN, 1, 1),
  fc.integer({ min: -3, max: 3 }),
);

test.prop([fc.array(value, { minLength: 1, maxLength: 9 })], { numRuns: 2000 })(
  'nn.argmax equals decideOutputs',
  (values) => {
    const row = Float64Array.from(values);
    expect(argmax(row, 0, row.length)).toBe(decideOutputs(row));
    const f32 = Float32Array.from(values);
    expect(argmax(f32, 0, f32.length)).toBe(decideOutputs(f32));
  },
);
