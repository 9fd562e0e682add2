// The boxes of the differential soundness suite: inside and far outside the calibrated input
// range, on quantisation-cell faces, huge (±1e6, ±1e30, ±max float32), degenerate, a few ulps wide,
// and invalid ones (no float32 inside, bounds beyond float32, inverted).
import { createSeededRng, type SeededRng } from '@quantproof/nn';
import {
  inputFeatureQuant,
  type QMlp,
  type QMlpMixed,
  type QMlpStatic,
  hasInputCells,
} from '@quantproof/quant';
import { cellInterval, inputCells } from '@quantproof/smt-verify';
import { float32Step, MAX_FLOAT32 } from './exact.js';

/** What a requested box is meant to exercise. */
export type BoxKind =
  'calibrated' | 'cell-faces' | 'saturating' | 'huge' | 'degenerate' | 'ulps' | 'invalid';

/** A box as a user would request it (bounds are float64; `invalid` ones hold no float32 box). */
export interface RequestedBox {
  readonly kind: BoxKind;
  readonly lower: number[];
  readonly upper: number[];
}

/** A box request, resolved against the int8 model's input quantisation. */
export interface BoxSpec {
  readonly kind: BoxKind;
  readonly seed: number;
}

/** Float32 faces of the input quantisation: `faces[k]` is the first float32 of cell qmin + k + 1. */
function inputFaces(model: QMlpStatic | QMlpMixed, i: number): number[] {
  const cells = inputCells(-MAX_FLOAT32, MAX_FLOAT32, inputFeatureQuant(model, i));
  const faces: number[] = [];
  for (let q = cells.qLow + 1; q <= cells.qHigh; q++) faces.push(cellInterval(cells, q).lo);
  return faces;
}

function pick<T>(rng: SeededRng, items: readonly T[]): T {
  return items[Math.floor(rng.nextFloat64() * items.length)]!;
}

/** One dimension of a box of `kind`. */
function boxDimension(
  kind: BoxKind,
  rng: SeededRng,
  faces: readonly number[] | null,
  range: { lo: number; hi: number },
  maxCells: number,
): [number, number] {
  const width = range.hi - range.lo || 1;
  const within = (): number => Math.fround(range.lo + width * rng.nextFloat64());
  switch (kind) {
    case 'calibrated': {
      const a = within();
      const cellWidth = faces === null ? width / 64 : width / 256;
      const b = Math.fround(a + cellWidth * maxCells * rng.nextFloat64());
      return [a, b];
    }
    case 'cell-faces': {
      if (faces === null || faces.length < 2)
        return boxDimension('calibrated', rng, faces, range, maxCells);
      const start = Math.floor(rng.nextFloat64() * (faces.length - 1));
      const span = 1 + Math.floor(rng.nextFloat64() * Math.min(maxCells, faces.length - 1 - start));
      const upperFace = faces[Math.min(start + span, faces.length - 1)]!;
      // The upper bound on a face (the next cell's first float32) or just below it.
      const upper = rng.nextFloat64() < 0.5 ? upperFace : float32Step(upperFace, -1);
      return [faces[start]!, Math.max(upper, faces[start]!)];
    }
    case 'saturating': {
      const far = pick(rng, [10, 1e3, 1e5, 1e7]) * (rng.nextFloat64() < 0.5 ? -1 : 1);
      const centre = Math.fround(far * (Math.abs(range.hi) + Math.abs(range.lo) + 1));
      const half = Math.fround(Math.abs(centre) * pick(rng, [1e-3, 0.1, 1]));
      return [Math.fround(centre - half), Math.fround(centre + half)];
    }
    case 'huge': {
      const r = pick(rng, [1e6, MAX_FLOAT32, 1e30]);
      return rng.nextFloat64() < 0.3 ? [0, r] : [-r, r];
    }
    case 'degenerate': {
      const at = pick(rng, [
        0,
        within(),
        faces === null || faces.length === 0 ? 0 : pick(rng, faces),
        MAX_FLOAT32,
        -MAX_FLOAT32,
        2 ** -149,
      ]);
      return [at, at];
    }
    case 'ulps': {
      const at =
        faces !== null && faces.length > 0 && rng.nextFloat64() < 0.5 ? pick(rng, faces) : within();
      const below = Math.floor(rng.nextFloat64() * 8);
      const above = Math.floor(rng.nextFloat64() * 8);
      return [float32Step(at, -below), float32Step(at, above)];
    }
    case 'invalid':
      return pick<[number, number]>(rng, [
        [0.1, 0.1],
        [-1e39, 1e39],
        [1, -1],
      ]);
  }
}

/**
 * Resolves a box spec against the pair: `range` is the calibrated input range, `maxCells` the
 * most quantisation cells per dimension of `calibrated` and `cell-faces` boxes, and the cell faces
 * are those of a static model's input quantisation.
 */
export function buildBox(
  spec: BoxSpec,
  inputs: number,
  int8: QMlp,
  range: { lo: number; hi: number },
  maxCells: number,
): RequestedBox {
  const rng = createSeededRng(spec.seed);
  const lower: number[] = [];
  const upper: number[] = [];
  for (let i = 0; i < inputs; i++) {
    // Each dimension's own faces (per-feature input scales).
    const faces = hasInputCells(int8) ? inputFaces(int8, i) : null;
    const [lo, hi] = boxDimension(spec.kind, rng, faces, range, maxCells);
    lower.push(lo);
    upper.push(hi);
  }
  return { kind: spec.kind, lower, upper };
}
