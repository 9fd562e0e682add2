// The input quantisation floor of δ*: on planted pairs whose FP32 margin is |w·x − b| exactly, the
// floor is positive and at most one cell's margin span Σ|w_i|·s_i; the cell it names is one input
// cell of the int8 model (the executor takes one action at every corner), where that action is
// beaten at a corner whose exact margin is at least the floor — so the model's own δ* is at least
// the floor, and the region verifier's certified upper end of δ* is too.
import { createBox, float32Range } from '@quantproof/interval';
import {
  decideOutputs,
  forwardInt8,
  inputFeatureQuant,
  quantizeDynamic,
  quantizeLinear,
} from '@quantproof/quant';
import { plantedPair } from '@quantproof/test-support/planted';
import { afterAll, describe, expect, it } from 'vitest';
import { inputQuantisationFloor } from '../src/certify/input-floor.js';
import { approximateDown } from '../src/rational.js';
import { judgePoint } from '../src/replay.js';
import { releaseZ3, verifyRegion } from '../src/index.js';

afterAll(() => releaseZ3());

describe('inputQuantisationFloor', () => {
  it.each([
    { w: [1, 1], b: 0.3, seed: 1 },
    { w: [2, -0.5, 1], b: -0.2, seed: 2 },
    { w: [0.7, 1.3], b: 0.05, seed: 3 },
  ])(
    'bounds δ* from below for every model with the input cells of %o',
    async ({ w, b, seed }) => {
      const { fp32, int8 } = plantedPair(w, b, seed);
      const d = w.length;
      const region = createBox(new Array<number>(d).fill(-2), new Array<number>(d).fill(2));
      const floor = inputQuantisationFloor(fp32, int8, region, { cells: 60, seed })!;
      expect(floor.cellsExamined).toBe(60);
      const span = w.reduce((s, wi, i) => s + Math.abs(wi) * inputFeatureQuant(int8, i).scale, 0);
      expect(floor.flipMargin).toBeGreaterThan(0);
      expect(floor.flipMargin).toBeLessThanOrEqual(span * (1 + 1e-6));
      const cell = floor.cell!;
      // One input cell: the int8 model takes one action at every corner.
      const corners = floor.corners.map((c) => Float32Array.from(c.input));
      expect(corners.length).toBeGreaterThan(1);
      const actions = new Set(corners.map((x) => decideOutputs(forwardInt8(int8, x))));
      expect(actions.size).toBe(1);
      const codes = new Set(
        corners.map((x) =>
          Array.from(x, (v, i) => {
            const t = inputFeatureQuant(int8, i);
            return quantizeLinear(v, t.scale, t.zeroPoint, t.elementType);
          }).join(','),
        ),
      );
      expect(codes.size).toBe(1);
      for (const x of corners) {
        x.forEach((v, i) => {
          expect(v).toBeGreaterThanOrEqual(cell.lower[i]!);
          expect(v).toBeLessThanOrEqual(cell.upper[i]!);
        });
      }
      // Whatever that action is, a corner disagrees with FP32 at a margin of at least the floor.
      const margins = corners.flatMap((x) => {
        const j = judgePoint(fp32, int8, x);
        return j.kind === 'disagree' ? [j] : [];
      });
      expect(margins.length).toBeGreaterThan(0);
      const best = Math.max(...margins.map((j) => approximateDown(j.fp32Margin)));
      expect(best).toBeGreaterThanOrEqual(floor.flipMargin);
      // The verifier's certified upper end of δ* cannot be below a lower bound of δ*.
      const r = await verifyRegion(fp32, int8, float32Range(region), {
        seconds: 60,
        maxBoxes: 200,
        workers: 0,
      });
      expect(r.flipMargin).not.toBeNull();
      expect(r.flipMargin!.upper).toBeGreaterThanOrEqual(floor.flipMargin);
    },
    60_000,
  );

  it('has nothing to say about a dynamic model (no fixed input cells)', () => {
    const { fp32 } = plantedPair([1, 1], 0);
    const { model } = quantizeDynamic(fp32, {});
    expect(inputQuantisationFloor(fp32, model, createBox([-1, -1], [1, 1]))).toBeNull();
  });
});
