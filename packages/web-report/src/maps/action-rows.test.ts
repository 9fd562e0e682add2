import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeActionGrid, decodeActionRow, encodeActionRow } from './action-rows.js';

describe('encodeActionRow / decodeActionRow', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 300 })])(
    'decoding an encoded row gives the row back',
    (actions) => {
      const row = encodeActionRow(actions);
      expect(Array.from(decodeActionRow(row, actions.length))).toEqual(actions);
    },
  );

  it('writes runs as action:count', () => {
    expect(encodeActionRow([0, 0, 0, 1, 1, 0])).toBe('0:3,1:2,0:1');
  });

  it('rejects a row of the wrong width or a malformed run', () => {
    expect(() => decodeActionRow('0:3,1:2', 6)).toThrow(/holds 5 cells, not 6/);
    expect(() => decodeActionRow('0:3,1:4', 6)).toThrow(/exactly 6 cells/);
    expect(() => decodeActionRow('0-3', 3)).toThrow(/not a run/);
    expect(() => decodeActionRow('0:0,1:3', 3)).toThrow(/exactly 3 cells/);
  });

  it('decodes a grid row-major, row 0 first', () => {
    expect(Array.from(decodeActionGrid(['0:1,1:1', '1:2'], 2))).toEqual([0, 1, 1, 1]);
  });
});
