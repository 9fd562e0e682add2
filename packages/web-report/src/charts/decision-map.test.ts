import { describe, expect, it } from 'vitest';
import { encodeActionRow } from '../maps/action-rows.js';
import type { CounterexampleJson, LeafJson } from '../schema/verify.js';
import { decisionMap, type DecisionMapOptions } from './decision-map.js';

// A 4 × 4 grid over [-1, 1]²: FP32 takes action 1 on the right half; the int8 network also on
// one cell of the left half (row 3, column 1).
const fp32Rows = [0, 1, 2, 3].map(() => encodeActionRow([0, 0, 1, 1]));
const int8Rows = [0, 1, 2]
  .map(() => encodeActionRow([0, 0, 1, 1]))
  .concat(encodeActionRow([0, 1, 1, 1]));
const box = { lower: [-1, -1, -1], upper: [1, 1, 1] };
const counterexample = (z: number): CounterexampleJson => ({
  input: [-0.25, 0.75, z],
  fp32Logits: [1, 0],
  int8Logits: [0, 1],
  replay: { runtime: 'onnxruntime-node', fp32Logits: [1, 0], int8Logits: [0, 1], confirmed: true },
});
const leaf = (
  lower: number[],
  upper: number[],
  status: LeafJson['status'],
  counterexample: number | null = null,
): LeafJson => ({
  lower,
  upper,
  status,
  volume: 0.25,
  by: 'test',
  share: { lower: 0, upper: 1 },
  counterexample,
  tieTolerance: 0,
});
const leaves: LeafJson[] = [
  leaf([-1, -1, -1], [0, 1, 1], 'mixed', 0),
  leaf([0, -1, -1], [1, 1, 1], 'agree'),
  leaf([0, 0, -1], [1, 1, -0.5], 'open'),
];
const options: DecisionMapOptions = {
  id: 'test',
  title: 'qat',
  box,
  dimensionLabels: ['x', 'y', 'z'],
  plane: { x: 0, y: 1, fixed: [2], values: [0] },
  actions: ['left', 'right'],
  resolution: 4,
  fp32Rows,
  int8Rows,
  region: box,
  leaves,
  counterexamples: [counterexample(0), counterexample(0.9)],
};

/** The points of a path's d attribute. */
function points(d: string): [number, number][] {
  return [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

function pathData(svg: string, className: string): string {
  const match = new RegExp(`class="${className}" d="([^"]*)"`).exec(svg);
  if (match === null) throw new Error(`no ${className} path`);
  return match[1]!;
}

describe('decisionMap', () => {
  const map = decisionMap(options);
  // Plot area of the default 300 px map: x in [48, 290], y in [26, 260].
  const inside = ([x, y]: [number, number]): boolean => x > 48 && x < 290 && y > 26 && y < 260;

  it('draws the FP32 boundary where the grid changes action, and only there', () => {
    const drawn = points(pathData(map.svg, 'boundary-fp32')).filter(inside);
    expect(drawn.length).toBeGreaterThan(0);
    for (const [x] of drawn) expect(x).toBe(169);
  });

  it('fills the cells where int8 differs, and measures them exactly', () => {
    expect(map.disagreement).toBe(1 / 16);
    const cell = points(pathData(map.svg, 'disagreement')).filter(inside);
    expect(cell.length).toBeGreaterThan(0);
    // Column 1 of the top row: x in [108.5, 169], y in [26, 84.5] (the isoline cuts corners).
    for (const [x, y] of cell) {
      expect(x).toBeGreaterThanOrEqual(108.5);
      expect(x).toBeLessThanOrEqual(169);
      expect(y).toBeGreaterThanOrEqual(26);
      expect(y).toBeLessThanOrEqual(84.5);
    }
  });

  it('draws the leaves the slice cuts, coloured by status, and counts them', () => {
    expect(map.leavesInSlice).toBe(2);
    expect(
      [...map.svg.matchAll(/data-leaf="(\d+)" data-status="(\w+)"/g)].map((m) => [m[1], m[2]]),
    ).toEqual([
      ['0', 'mixed'],
      ['1', 'agree'],
    ]);
  });

  it('gives each of the four statuses its own fill, and hatches mixed leaves', () => {
    const statuses = ['agree', 'disagree', 'mixed', 'open'] as const;
    const all = decisionMap({
      ...options,
      leaves: statuses.map((status, i) => leaf([-1 + i / 2, -1, -1], [-0.5 + i / 2, 1, 1], status)),
    });
    const fills = [...all.svg.matchAll(/data-status="(\w+)"[^>]* fill="([^"]+)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(fills.map(([status]) => status)).toEqual([...statuses]);
    expect(new Set(fills.map(([, fill]) => fill)).size).toBe(4);
    expect(Object.fromEntries(fills)['mixed']).toBe('url(#test-mixed)');
    expect(all.svg).toContain('<pattern id="test-mixed"');
  });

  it('caps the leaves drawn', () => {
    const capped = decisionMap({ ...options, maxLeaves: 1 });
    expect([capped.leavesDrawn, capped.leavesInSlice]).toEqual([1, 2]);
  });

  it('marks counterexamples, strongly those near the slice', () => {
    expect(map.counterexamplesNear).toBe(1);
    expect(map.svg.match(/class="counterexample near"/g)).toHaveLength(1);
    expect(map.svg.match(/class="counterexample( near)?"/g)).toHaveLength(2);
  });

  it('draws leaves without boundaries when the run has no maps', () => {
    const bare = decisionMap({ ...options, fp32Rows: null, int8Rows: null });
    expect(bare.disagreement).toBeNull();
    expect(bare.svg).not.toContain('boundary-fp32');
    expect(bare.leavesDrawn).toBe(2);
  });
});
