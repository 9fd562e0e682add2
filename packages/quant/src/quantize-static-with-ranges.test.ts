import { describe, expect, it } from 'vitest';
import { randomInputs, randomMlp } from '../test/support/models.js';
import type { CalibrationRanges } from './calibration.js';
import { QuantOptionsError } from './errors.js';
import { quantizeStatic, quantizeStaticWithRanges } from './quantize-static.js';

const mlp = randomMlp([4, 8, 8, 2], 11);
const calibration = randomInputs(64, 4, 2, 5);

describe('quantizeStaticWithRanges', () => {
  it.each([
    {},
    { perChannel: true, activationType: 'uint8' as const, weightBits: [4, 8, 3] },
    { logits: 'float' as const, format: 'qoperator' as const },
  ])('equals quantizeStatic given the ranges quantizeStatic calibrated (%j)', (options) => {
    const reference = quantizeStatic(mlp, calibration, options);
    const frozen = quantizeStaticWithRanges(mlp, reference.ranges, options);
    expect(frozen).toEqual(reference);
  });

  it('uses the given ranges, not calibration', () => {
    const { ranges } = quantizeStatic(mlp, calibration);
    const wider: CalibrationRanges = {
      input: { min: 2 * ranges.input.min, max: 2 * ranges.input.max },
      layers: ranges.layers,
    };
    const { model } = quantizeStaticWithRanges(mlp, wider, { calibration: { kind: 'entropy' } });
    const reference = quantizeStatic(mlp, calibration).model;
    expect(model.input.scale).toBe(Math.fround(2 * reference.input.scale));
    expect(model.layers[1]!.output).toEqual(reference.layers[1]!.output);
  });

  it('keeps its own copy of the ranges', () => {
    const { ranges } = quantizeStatic(mlp, calibration);
    const input = { min: ranges.input.min, max: ranges.input.max };
    const result = quantizeStaticWithRanges(mlp, { input, layers: ranges.layers });
    input.min = -100;
    expect(result.ranges).toEqual(ranges);
  });

  it('refuses ranges of the wrong shape or with non-finite or inverted bounds', () => {
    const { ranges } = quantizeStatic(mlp, calibration);
    const bad: unknown[] = [
      { input: ranges.input, layers: ranges.layers.slice(1) },
      { input: { min: NaN, max: 1 }, layers: ranges.layers },
      { input: ranges.input, layers: [ranges.layers[0], { min: 2, max: 1 }, ranges.layers[2]] },
      { input: { min: 0, max: Infinity }, layers: ranges.layers },
      { layers: ranges.layers },
    ];
    for (const r of bad) {
      expect(() => quantizeStaticWithRanges(mlp, r as CalibrationRanges)).toThrow(
        QuantOptionsError,
      );
    }
  });
});
