import { describe, expect, it } from 'vitest';
import { createBox, type Box } from '../box.js';
import { refuteRegion, type RefutationStep } from './refute.js';
import { splitAtCellFace } from './split.js';

const root = createBox([0, 0], [1, 1]);
const split = (box: Box) => {
  const wide = box.upper[0]! - box.lower[0]! >= box.upper[1]! - box.lower[1]! ? 0 : 1;
  return splitAtCellFace(null, box, wide) ?? splitAtCellFace(null, box, 1 - wide);
};
const contains = (box: Box, x: readonly number[]): boolean =>
  x.every((v, i) => box.lower[i]! <= v && v <= box.upper[i]!);

describe('refuteRegion', () => {
  it('refutes every leaf of a partition of the root’s float32 points', async () => {
    // A property failing nowhere, whose boxes are refuted only once they are narrow.
    const leaves: Box[] = [];
    const result = await refuteRegion<never>({
      root,
      split,
      evaluate: async (box): Promise<RefutationStep<never>> => {
        if (box.upper[0]! - box.lower[0]! > 0.3) return { kind: 'open' };
        leaves.push(box);
        return { kind: 'refuted' };
      },
    });
    expect(result.kind).toBe('refuted');
    // Every float32 grid point lies in exactly one refuted leaf.
    for (let a = 0; a <= 16; a++) {
      for (let b = 0; b <= 16; b++) {
        const x = [a / 16, b / 16];
        expect(leaves.filter((l) => contains(l, x))).toHaveLength(1);
      }
    }
    expect(result.evaluations).toBe(1 + 2 * (leaves.length - 1));
  });

  it('splits the newest open leaf first (depth first, the lower part first)', async () => {
    const line = createBox([0], [1]);
    const lowers: number[] = [];
    const result = await refuteRegion<never>({
      root: line,
      split: (box) => splitAtCellFace(null, box, 0),
      evaluate: async (box) => {
        lowers.push(box.lower[0]!);
        return box.upper[0]! - box.lower[0]! > 0.25 ? { kind: 'open' } : { kind: 'refuted' };
      },
      roundSize: 1,
    });
    expect(result.kind).toBe('refuted');
    // Breadth first would split [0.5, 1] before [0, 0.5]. (A split's second part starts at the
    // float32 after the middle.)
    expect(lowers.map((v) => Math.round(v * 8) / 8)).toEqual([0, 0.5, 0, 0.25, 0, 0.75, 0.5]);
  });

  it('ends at the first witness', async () => {
    const target = [Math.fround(0.3), Math.fround(0.7)];
    const result = await refuteRegion<number[]>({
      root,
      split,
      evaluate: async (box) => {
        if (!contains(box, target)) return { kind: 'refuted' };
        return box.upper[0]! - box.lower[0]! < 2 ** -10 && box.upper[1]! - box.lower[1]! < 2 ** -10
          ? { kind: 'witness', witness: target }
          : { kind: 'open' };
      },
    });
    expect(result).toMatchObject({ kind: 'witness', witness: target });
    // One path down to width 2^-10 in both dimensions: two evaluations per split.
    expect(result.evaluations).toBeLessThan(100);
  });

  it('reports undecided leaves with their reasons, and stops when told', async () => {
    const undecided = await refuteRegion<never>({
      root,
      split,
      evaluate: async (box) =>
        box.lower[0]! === 0 && box.upper[0]! < 0.3
          ? { kind: 'undecided', reason: 'too hard' }
          : box.upper[0]! - box.lower[0]! > 0.3
            ? { kind: 'open' }
            : { kind: 'refuted' },
    });
    expect(undecided).toMatchObject({ kind: 'undecided', reasons: ['too hard'] });

    let calls = 0;
    const stopped = await refuteRegion<never>({
      root,
      split,
      evaluate: async () => {
        calls++;
        return { kind: 'open' };
      },
      stop: () => calls >= 10,
    });
    expect(stopped).toEqual({ kind: 'stopped', evaluations: 10 });
  });

  it('leaves an open box that cannot be split undecided', async () => {
    const point = createBox([0.5, 0.5], [0.5, 0.5]);
    const result = await refuteRegion<never>({
      root: point,
      split,
      evaluate: async () => ({ kind: 'open' }),
    });
    expect(result).toMatchObject({ kind: 'undecided', reasons: ['unsplittable'] });
  });
});
