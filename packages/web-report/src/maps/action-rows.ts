// The row encoding of decision maps in maps.json: run lengths of actions, one string per grid row.

import { WebReportError } from '../errors.js';

/**
 * Encodes one grid row of actions as runs `action:count` joined by `,`, e.g. `0:37,1:123` for 37
 * cells of action 0 followed by 123 of action 1.
 */
export function encodeActionRow(actions: ArrayLike<number>): string {
  const runs: string[] = [];
  let i = 0;
  while (i < actions.length) {
    const action = actions[i]!;
    let j = i + 1;
    while (j < actions.length && actions[j] === action) j++;
    runs.push(`${action}:${j - i}`);
    i = j;
  }
  return runs.join(',');
}

/** Decodes a row written by `encodeActionRow` into `width` actions; throws if it does not hold exactly `width` cells. */
export function decodeActionRow(row: string, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let at = 0;
  for (const run of row.split(',')) {
    const match = /^(\d+):(\d+)$/.exec(run);
    if (match === null) throw new WebReportError(`"${run}" is not a run (write action:count)`);
    const action = Number(match[1]);
    const length = Number(match[2]);
    if (action > 255 || length === 0 || at + length > width) {
      throw new WebReportError(`row "${row}" does not hold exactly ${width} cells`);
    }
    out.fill(action, at, at + length);
    at += length;
  }
  if (at !== width) throw new WebReportError(`row "${row}" holds ${at} cells, not ${width}`);
  return out;
}

/** Decodes every row of a map into a row-major `[rows][width]` grid (row 0 at the lower end of the y axis). */
export function decodeActionGrid(rows: readonly string[], width: number): Uint8Array {
  const grid = new Uint8Array(rows.length * width);
  rows.forEach((row, r) => grid.set(decodeActionRow(row, width), r * width));
  return grid;
}
