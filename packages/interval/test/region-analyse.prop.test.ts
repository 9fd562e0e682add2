// The one bound pass of the region driver, against the executors with zero tolerance: a box it
// proves agree or disagree, and every sub-box of its share grid it labels, hold what it says at
// every covered float32 point (forwardFp32 and the int8 executor) and at every corner of a labelled
// sub-box (where the exactly-taken dimension's thresholds sit), and the shares bracket the
// labelled volume.
import { forwardFp32, type Mlp } from '@quantproof/nn';
import { createInt8Executor, decideOutputs, type QMlp } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseBox, createBox, preparePair, type Box } from '../src/index.js';
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

interface Counts {
  labelled: number;
  checked: number;
  corners: number;
}

/** Analyses `box` and checks every label against the executors; adds what it checked to `n`. */
function checkAnalysed(
  mlp: Mlp,
  model: QMlp,
  box: Box,
  cellLimit: number,
  seed: number,
  n: Counts,
): void {
  const pair = preparePair(mlp, model);
  const a = analyseBox(pair, box, { keepShareCells: true, shareGrid: 64, cellLimit });
  expect(a.share.lower).toBeGreaterThanOrEqual(0);
  expect(a.share.lower).toBeLessThanOrEqual(a.share.upper);
  expect(a.share.upper).toBeLessThanOrEqual(1);
  const executor = createInt8Executor(model);
  const cells = a.shareCells ?? [];
  n.labelled += cells.length;
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
      n.corners++;
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
      n.checked++;
      if (c.label === 'agree') expect(fp).toBe(q);
      else expect(fp).not.toBe(q);
    }
  }
}

describe('analyseBox', () => {
  it('labels only what holds at every covered point, and its shares bracket the labels', () => {
    const counts: Counts = { labelled: 0, checked: 0, corners: 0 };
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
          checkAnalysed(mlp, model, box, cellLimit, seed, counts);
        },
      ),
      { numRuns: 150 },
    );
    // The property is not vacuous: grids labelled cells and points fell in them.
    expect(counts.labelled).toBeGreaterThan(0);
    expect(counts.checked).toBeGreaterThan(0);
    expect(counts.corners).toBeGreaterThan(0);
  });

  it('does the same with per-feature input scales, inside and around the narrow features’ range', () => {
    const counts: Counts = { labelled: 0, checked: 0, corners: 0 };
    fc.assert(
      fc.property(
        sizesArb.filter((sizes) => sizes[0]! >= 2),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        quantCaseArb,
        fc.constantFrom(0.05, 0.3),
        // How much narrower the odd features' sides of the box are: 20 (inside their calibrated
        // range), 4, or 1 (far wider: they saturate and often become the exactly-taken dimension).
        fc.constantFrom(20, 4, 1),
        (sizes, seed, quant, radius, shrink) => {
          const mlp = randomMlp(sizes, seed);
          const perFeature = {
            ...quant,
            kind: 'static',
            format: 'qoperator',
            path: 'fused',
          } as const;
          const model = quantize(mlp, { ...perFeature, inputScale: 'per-feature' }, 2, seed + 1);
          // Odd features are calibrated 20× narrower.
          const wide = randomBox(sizes[0]!, 1.5, radius, seed + 2);
          const narrow = (v: number, i: number): number =>
            i % 2 === 1 ? Math.fround(v / shrink) : v;
          const box = createBox(Array.from(wide.lower, narrow), Array.from(wide.upper, narrow));
          // Both shares: on the grid (limit 0) and cell by cell.
          for (const cellLimit of [0, 4096])
            checkAnalysed(mlp, model, box, cellLimit, seed, counts);
        },
      ),
      { numRuns: 150 },
    );
    expect(counts.labelled).toBeGreaterThan(0);
    expect(counts.checked).toBeGreaterThan(0);
    expect(counts.corners).toBeGreaterThan(0);
  });
});
