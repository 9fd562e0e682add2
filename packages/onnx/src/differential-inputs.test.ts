import { quantizeDynamic, quantizeStatic } from '@quantproof/quant';
import type { QMlpStatic } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { CARTPOLE_BOUNDS, calibrationInputs, policyMlp } from '../test/helpers/qmlp-fixtures.js';
import { DIFFERENTIAL_INPUT_KINDS, differentialInputs } from './differential-inputs.js';
import { InvalidRunInputError } from './errors.js';

const mlp = policyMlp([4, 8, 2], 31);
const model: QMlpStatic = quantizeStatic(mlp, calibrationInputs(4, 200, 32)).model;
const options = { seed: 3, box: CARTPOLE_BOUNDS };

describe('differentialInputs', () => {
  it('is reproducible from its seed and gives float32 rows of the model input size', () => {
    for (const kind of DIFFERENTIAL_INPUT_KINDS) {
      const rows = differentialInputs(model, kind, 50, options);
      expect(rows).toHaveLength(200);
      expect(differentialInputs(model, kind, 50, options)).toEqual(rows);
      expect(differentialInputs(model, kind, 50, { ...options, seed: 4 })).not.toEqual(rows);
    }
  });

  it('box rows lie in the box', () => {
    const rows = differentialInputs(model, 'box', 500, options);
    rows.forEach((x, k) => {
      expect(x).toBeGreaterThanOrEqual(Math.fround(CARTPOLE_BOUNDS.lower[k % 4]!));
      expect(x).toBeLessThanOrEqual(Math.fround(CARTPOLE_BOUNDS.upper[k % 4]!));
    });
  });

  it('ties rows sit on QuantizeLinear ties of the input scale or one ulp from them', () => {
    const rows = differentialInputs(model, 'ties', 500, options);
    const s = model.input.scale;
    let exact = 0;
    for (const x of rows) {
      const q = Math.fround(x / s);
      expect(Math.abs(q - Math.round(q - 0.5) - 0.5)).toBeLessThan(1e-3);
      if (q - Math.floor(q) === 0.5) exact++;
    }
    expect(exact).toBeGreaterThan(rows.length / 4);
  });

  it('dynamic ties rows share their extremes, so one scale serves every row', () => {
    const rows = differentialInputs(quantizeDynamic(mlp).model, 'ties', 100, options);
    for (let r = 0; r < 100; r++) {
      expect([rows[4 * r], rows[4 * r + 1]]).toEqual([rows[0], rows[1]]);
      for (const x of rows.subarray(4 * r + 2, 4 * r + 4)) {
        expect(x).toBeGreaterThanOrEqual(rows[0]!);
        expect(x).toBeLessThanOrEqual(rows[1]!);
      }
    }
  });

  it('special rows hold NaN and infinities for static models, only finite values for dynamic ones', () => {
    const rows = differentialInputs(model, 'special', 200, options);
    expect(rows.some(Number.isNaN)).toBe(true);
    expect(rows.includes(Infinity) && rows.includes(-Infinity)).toBe(true);
    const dynamicRows = differentialInputs(quantizeDynamic(mlp).model, 'special', 200, options);
    expect(dynamicRows.every((x) => Number.isFinite(x) && Math.abs(x) <= 2 ** -126)).toBe(true);
  });

  it('refuses a box of the wrong size and a negative row count', () => {
    const box = { lower: [0, 0], upper: [1, 1] };
    expect(() => differentialInputs(model, 'box', 1, { seed: 1, box })).toThrow(
      InvalidRunInputError,
    );
    expect(() => differentialInputs(model, 'box', -1, { seed: 1 })).toThrow(/rows = -1/);
  });
});
