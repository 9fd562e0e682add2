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
// The verifier's leaves are closed float32 boxes: two halves split at z = 0 (the upper one starts
// at the next float32 value, 1.4e-45), the upper one split again at x = 0.
const NEXT_AFTER_0 = 1.401298464324817e-45;
const leaves = [
  leaf([-1, -1, -1], [1, 1, 0]),
  leaf([-1, -1, NEXT_AFTER_0], [0, 1, 1]),
  leaf([NEXT_AFTER_0, -1, NEXT_AFTER_0], [1, 1, 1]),
];

describe('sliceLeaves', () => {
  it('puts a plane at exactly 0 in the closed leaf that ends there', () => {
    const cut = sliceLeaves(leaves, region, { x: 0, y: 1, fixed: [2], values: [0] });
    expect(cut.leaves.map((l) => l.index)).toEqual([0]);
    const next = sliceLeaves(leaves, region, { x: 0, y: 1, fixed: [2], values: [NEXT_AFTER_0] });
    expect(next.leaves.map((l) => l.index)).toEqual([1, 2]);
    expect(sliceLeaves(leaves, region, { x: 0, y: 1, fixed: [2], values: [-0.5] }).total).toBe(1);
    const onX = sliceLeaves(leaves, region, { x: 1, y: 2, fixed: [0], values: [0] });
    expect(onX.leaves.map((l) => l.index)).toEqual([0, 1]);
  });

  it('cuts every leaf a plane crosses when each leaf ends at 0 and the next starts at 1.4e-45', () => {
    // Eight leaves: each dimension split at 0, as the verifier's bisection leaves them.
    const split = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => {
      const lower = [0, 1, 2].map((d) => ((k >> d) & 1 ? NEXT_AFTER_0 : -1));
      const upper = [0, 1, 2].map((d) => ((k >> d) & 1 ? 1 : 0));
      return leaf(lower, upper);
    });
    for (const d of [0, 1, 2]) {
      const [x, y] = [0, 1, 2].filter((e) => e !== d) as [number, number];
      expect(sliceLeaves(split, region, { x, y, fixed: [d], values: [0] }).total).toBe(4);
    }
  });

  it('rounds a plane between float32 values to the float32 input the maps evaluate', () => {
    const f = Math.fround(0.1); // 0.10000000149…, above 0.1
    const next = new Float32Array([f]);
    new Int32Array(next.buffer)[0]! += 1;
    const split = [leaf([-1, -1, -1], [1, 1, f]), leaf([-1, -1, next[0]!], [1, 1, 1])];
    const cut = sliceLeaves(split, region, { x: 0, y: 1, fixed: [2], values: [0.1] });
    expect(cut.leaves.map((l) => l.index)).toEqual([0]);
  });

  it("keeps the region's upper face", () => {
    const cut = sliceLeaves(leaves, region, { x: 0, y: 1, fixed: [2], values: [1] });
    expect(cut.leaves.map((l) => l.index)).toEqual([1, 2]);
  });

  it("finds the leaves of a face that is not a float32 value (2.4's leaves end at 2.3999998)", () => {
    const wide = { lower: [-1, -1, -2.4], upper: [1, 1, 2.4] };
    const inner = leaf([-1, -1, 0], [1, 1, 2.3999998569488525]);
    expect(sliceLeaves([inner], wide, { x: 0, y: 1, fixed: [2], values: [2.4] }).total).toBe(1);
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
