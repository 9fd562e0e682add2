import type { QuantWarning } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { describeWarnings } from './quantize-model.js';

const BOX = { lower: [-2.4, -4, -0.2095, -4], upper: [2.4, 4, 0.2095, 4] };
const uncovered = (feature: number, lower: number, upper: number): QuantWarning => ({
  kind: 'input-range-not-covered',
  feature,
  boxLower: BOX.lower[feature]!,
  boxUpper: BOX.upper[feature]!,
  representableLower: lower,
  representableUpper: upper,
});

describe('describeWarnings', () => {
  it('says in one sentence which inputs one input scale saturates, how much, and the flag that fixes it', () => {
    const text = describeWarnings([
      uncovered(0, -2.3931, 0.4321),
      uncovered(1, -2.3931, 0.4321),
      uncovered(3, -2.3931, 0.4321),
    ]);
    expect(text).toEqual([
      'one input scale covers [−2.39, 0.43] for all 4 inputs: x, ẋ and θ̇ saturate over part of the operating box (x 41 %, ẋ 65 %, θ̇ 65 % of their ranges), because the calibration states never reach there — calibrate on the region (--calibrate-on region)',
    ]);
  });

  it('names a sliver at the faces without asking for a fix', () => {
    const [text] = describeWarnings([uncovered(1, -4.02, 3.98), uncovered(3, -4.02, 3.98)]);
    expect(text).toBe(
      'one input scale covers [−4.02, 3.98] for all 4 inputs: ẋ and θ̇ saturate only in a sliver at the faces of the operating box (ẋ <1 %, θ̇ <1 % of their ranges)',
    );
    expect(text).not.toContain(' — ');
  });

  it('with per-feature input scales names each input’s own range', () => {
    const text = describeWarnings(
      [
        uncovered(2, -0.1, 0.1),
        uncovered(1, -4.02, 3.98),
        uncovered(3, -4.02, 3.98),
        uncovered(0, -2.3999, 2.42),
      ],
      'per-feature',
    );
    expect(text).toEqual([
      'its own input scale covers [−0.10, 0.10] for θ: θ saturates over most of the operating box (θ 52 % of its range), because the calibration states never reach there — calibrate on the region (--calibrate-on region)',
      'per-feature input scales: ẋ, θ̇ and x saturate only in a sliver at the faces of the operating box (ẋ <1 %, θ̇ <1 %, x <1 % of their ranges)',
    ]);
  });

  it('says what an empty per-feature input range became', () => {
    expect(
      describeWarnings([{ kind: 'degenerate-range', tensor: 'input' }], 'per-feature'),
    ).toEqual([
      'the calibrated range of an input is empty, so it took the largest input scale — calibrate on more varied states (--calibrate-on region)',
    ]);
  });
});
