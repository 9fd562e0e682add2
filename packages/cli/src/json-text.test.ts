import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readableJson } from './json-text.js';

describe('readableJson', () => {
  it('reads back to exactly what JSON.stringify writes, at every inline width', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 120 }), (value, width) => {
        expect(JSON.parse(readableJson(value, width))).toEqual(
          JSON.parse(JSON.stringify(value) ?? 'null'),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('follows JSON.stringify: toJSON, omitted undefined, null for non-finite numbers', () => {
    const value = {
      when: new Date(0),
      gone: undefined,
      list: [1, undefined, Infinity, NaN, -0],
      nested: { f: () => 1, x: 'y'.repeat(50) },
    };
    expect(JSON.parse(readableJson(value, 10))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('writes each short element of a long list on its own line, indented', () => {
    const leaf = (i: number) => ({ lower: [i, -1], upper: [i + 1, 1], status: 'agree' });
    const text = readableJson({ verdict: 'consistent', leaves: [leaf(0), leaf(1)] }, 60);
    expect(text).toBe(
      [
        '{',
        '  "verdict": "consistent",',
        '  "leaves": [',
        '    {"lower":[0,-1],"upper":[1,1],"status":"agree"},',
        '    {"lower":[1,-1],"upper":[2,1],"status":"agree"}',
        '  ]',
        '}',
      ].join('\n'),
    );
  });

  it('refuses a value with no JSON form', () => {
    expect(() => readableJson(undefined)).toThrow(TypeError);
  });
});
