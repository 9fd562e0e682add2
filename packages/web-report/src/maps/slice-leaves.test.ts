import { describe, expect, it } from 'vitest';
import type { CounterexampleJson, LeafJson } from '../schema/verify.js';
import { nearSlice, sliceLeaves } from './slice-leaves.js';

const region = { lower: [-1, -1, -1], upper: [1, 1, 1] };
const leaf = (lower: number[], upper: number[]): LeafJson => ({
  lower,
  upper,
  status: 'agree',
  volume: 0,
  by: 'bounds',
  counterexample: null,
  share: { lower: 0, upper: 0 },
  tieTolerance: 0,
});
// Two halves split at z = 0, the upper one split again at x = 0.
const leaves = [
  leaf([-1, -1, -1], [1, 1, 0]),
  leaf([-1, -1, 0], [0, 1, 1]),
  leaf([0, -1, 0], [1, 1, 1]),
];

describe('sliceLeaves', () => {
  it('puts a plane on a shared face in exactly one leaf (half-open boxes)', () => {
    const cut = sliceLeaves(leaves, region, { x: 0, y: 1, fixed: [2], values: [0] });
    expect(cut.leaves.map((l) => l.index)).toEqual([1, 2]);
    expect(sliceLeaves(leaves, region, { x: 0, y: 1, fixed: [2], values: [-0.5] }).total).toBe(1);
  });

  it("keeps the region's upper face", () => {
    const cut = sliceLeaves(leaves, region, { x: 0, y: 1, fixed: [2], values: [1] });
    expect(cut.leaves.map((l) => l.index)).toEqual([1, 2]);
  });

  it('misses leaves the plane does not cut', () => {
    expect(sliceLeaves(leaves, region, { x: 0, y: 1, fixed: [2], values: [2] }).total).toBe(0);
  });

  it('caps at the largest leaves and reports the total', () => {
    const many = [
      leaf([-1, -1, -1], [-0.9, -0.9, 1]),
      leaf([-1, -1, -1], [1, 1, 1]),
      leaf([0, 0, -1], [0.5, 0.5, 1]),
    ];
    const cut = sliceLeaves(many, region, { x: 0, y: 1, fixed: [2], values: [0] }, 2);
    expect(cut.total).toBe(3);
    expect(cut.leaves.map((l) => l.index)).toEqual([1, 2]);
  });
});

describe('nearSlice', () => {
  const at = (z: number): CounterexampleJson => ({
    input: [0, 0, z],
    fp32Logits: [0, 1],
    int8Logits: [1, 0],
    replay: {
      runtime: 'onnxruntime-node',
      fp32Logits: [0, 1],
      int8Logits: [1, 0],
      confirmed: true,
    },
  });
  it('accepts points within 5% of the region width of the plane', () => {
    const plane = { x: 0, y: 1, fixed: [2], values: [0] };
    expect(nearSlice(at(0.1), region, plane)).toBe(true);
    expect(nearSlice(at(-0.1), region, plane)).toBe(true);
    expect(nearSlice(at(0.1001), region, plane)).toBe(false);
  });
});
