// The one bound pass of the region driver, against the executors with zero tolerance: a box it
// proves agree or disagree, and every sub-box of its share grid it labels, hold what it says at
// every covered float32 point (forwardFp32 and the int8 executor) and at every corner of a labelled
// sub-box (where the exactly-taken dimension's thresholds sit), and the shares bracket the
// labelled volume.
import { forwardFp32 } from '@quantproof/nn';
import { createInt8Executor, decideOutputs } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseBox, preparePair, type Box } from '../src/index.js';
import {
  coveredPoints,
  quantCaseArb,
  quantize,
  randomBox,
  randomMlp,
  sizesArb,
} from './support/random-models.js';

function inside(box: { lower: Float64Array; upper: Float64Array }, x: Float32Array): boolean {
  return Array.from(x).every((v, i) => v >= box.lower[i]! && v <= box.upper[i]!);
}

describe('analyseBox', () => {
  it('labels only what holds at every covered point, and its shares bracket the labels', () => {
    let labelled = 0;
    let checked = 0;
    let corners = 0;
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        quantCaseArb,
        fc.constantFrom(0.01, 0.05, 0.3),
        // Share on the grid of sub-boxes, or cell by cell where the box meets few enough cells.
        fc.constantFrom(0, 4096),
        (sizes, seed, quant, radius, cellLimit) => {
          const mlp = randomMlp(sizes, seed);
          const model = quantize(mlp, quant, 2, seed + 1);
          const box: Box = randomBox(sizes[0]!, 1.5, radius, seed + 2);
          const pair = preparePair(mlp, model);
          const a = analyseBox(pair, box, { keepShareCells: true, shareGrid: 64, cellLimit });
          expect(a.share.lower).toBeGreaterThanOrEqual(0);
          expect(a.share.lower).toBeLessThanOrEqual(a.share.upper);
          expect(a.share.upper).toBeLessThanOrEqual(1);
          const executor = createInt8Executor(model);
          const cells = a.shareCells ?? [];
          labelled += cells.length;
          // Every corner of every labelled sub-box (its bounds as judged: float32), where the
          // exact dimension's thresholds sit.
          for (const c of cells) {
            const d = c.lower.length;
            if (d > 6) continue;
            for (let m = 0; m < 2 ** d; m++) {
              const x = Float32Array.from({ length: d }, (_, i) =>
                (m >> i) & 1 ? c.upper[i]! : c.lower[i]!,
              );
              if (!inside(box, x)) continue;
              corners++;
              const fp = decideOutputs(forwardFp32(mlp, x));
              const q = decideOutputs(executor.forward(x));
              if (c.label === 'agree') expect(fp).toBe(q);
              else expect(fp).not.toBe(q);
            }
          }
          for (const x of coveredPoints(box, 400, seed + 3)) {
            const fp = decideOutputs(forwardFp32(mlp, x));
            const q = decideOutputs(executor.forward(x));
            if (a.proven === 'agree') expect(fp).toBe(q);
            if (a.proven === 'disagree') expect(fp).not.toBe(q);
            for (const c of cells) {
              if (!inside(c, x)) continue;
              checked++;
              if (c.label === 'agree') expect(fp).toBe(q);
              else expect(fp).not.toBe(q);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
    // The property is not vacuous: grids labelled cells and points fell in them.
    expect(labelled).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(0);
    expect(corners).toBeGreaterThan(0);
  });
});
