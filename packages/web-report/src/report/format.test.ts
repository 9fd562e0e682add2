import { describe, expect, it } from 'vitest';
import { formatBracket, formatEstimate, formatShareBracket, shareBracketEnds } from './format.js';

describe('shareBracketEnds', () => {
  // Exact binary expansions: 0.1 = 0.1000000000000000055…, 0.123 = 0.1229999999999999982…,
  // 0.29 = 0.2899999999999999800…, 0.07 = 0.0700000000000000066…
  it('rounds the lower end down and the upper end up, on the exact value of the double', () => {
    expect(shareBracketEnds({ lower: 0.1, upper: 0.1 })).toEqual(['10.00', '10.01']);
    expect(shareBracketEnds({ lower: 0.123, upper: 0.123 })).toEqual(['12.29', '12.30']);
    expect(shareBracketEnds({ lower: 0.29, upper: 0.07 })).toEqual(['28.99', '7.01']);
    expect(shareBracketEnds({ lower: 0.07, upper: 0.29 }, 1)).toEqual(['7.0', '29.0']);
  });

  it('keeps exactly representable ends and the extremes', () => {
    expect(shareBracketEnds({ lower: 0, upper: 1 })).toEqual(['0.00', '100.00']);
    expect(shareBracketEnds({ lower: 0.5, upper: 0.25 }, 0)).toEqual(['50', '25']);
    expect(shareBracketEnds({ lower: 0.140625, upper: 0.140625 }, 4)).toEqual([
      '14.0625',
      '14.0625',
    ]);
    expect(shareBracketEnds({ lower: Number.MIN_VALUE, upper: Number.MIN_VALUE })).toEqual([
      '0.00',
      '0.01',
    ]);
  });
});

describe('formatShareBracket', () => {
  it('prints a bracket outward, and one number when the ends are equal', () => {
    expect(formatShareBracket({ lower: 0.123, upper: 0.141 })).toBe('[12.29%, 14.10%]');
    expect(formatShareBracket({ lower: 0.1, upper: 0.29 })).toBe('[10.00%, 29.00%]');
    expect(formatShareBracket({ lower: 0, upper: 0 })).toBe('0.00%');
    expect(formatShareBracket({ lower: 0.123, upper: 0.123 })).toBe('12.30%');
  });
});

describe('formatBracket', () => {
  it('prints an upper end without a finite bound as ∞, and marks an uncertified bracket', () => {
    expect(formatBracket({ lower: 30.35, upper: 30.53 })).toBe('[30.35, 30.53]');
    expect(formatBracket({ lower: 0, upper: null, certified: false })).toBe('[0.000, ∞]*');
    expect(formatBracket(null)).toBe('—');
  });
});

describe('formatEstimate', () => {
  it('names the confidence level and the interval; — without an estimate', () => {
    expect(
      formatEstimate({ value: 0.132, low: 0.129, high: 0.135, samples: 4096, confidence: 0.95 }),
    ).toBe('13.20% (95% CI 12.90–13.50%)');
    expect(formatEstimate(null)).toBe('—');
  });
});
