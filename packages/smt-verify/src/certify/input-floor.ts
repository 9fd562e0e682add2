// How low δ* can go with a model's input quantisation, whatever the rest of the int8 model does.
//
// A static int8 model quantises its input first, so it takes one decision on every input cell
// (the float32 inputs with the same codes). Where FP32's decision boundary crosses a cell, FP32
// takes different actions at the cell's corners; whatever action a the int8 model takes there, it
// disagrees with FP32 at the corners where another output beats a (the tie rule, judged exactly).
// So δ* ≥ min over a of the largest FP32 margin at such a corner, for every int8 model with this
// input quantisation that decides the cell: a floor that repair, calibration of the other layers or
// more weight bits cannot go below — only a finer input quantisation can. The corners are float32
// points of the region inside one cell; every number is exact (`exactLogits`, `fp32Against`).

import {
  type Box,
  cellAround,
  createBox,
  float32Down,
  float32Up,
  fp32ExecutionError,
  inputQuantizers,
} from '@quantproof/interval';
import { createSeededRng, forwardFp32, type Mlp, mlpHead } from '@quantproof/nn';
import { decideOutputs, type QMlp, hasInputCells } from '@quantproof/quant';
import { exactLogits } from '../exact-fp32.js';
import { approximateDown } from '../rational.js';
import { decisionOf, fp32Against } from '../replay.js';

/** What `inputQuantisationFloor` found. */
export interface InputQuantisationFloor {
  /**
   * A lower bound of δ* over the region for every int8 model with this input quantisation that
   * decides the cell below (0 when no cell the search met shows one).
   */
  readonly flipMargin: number;
  /** The input cell (within the region) that shows it, or null. */
  readonly cell: { readonly lower: number[]; readonly upper: number[] } | null;
  /** Its corners' FP32 actions, exact margins and the action each forces a disagreement against. */
  readonly corners: readonly { readonly input: number[]; readonly fp32Margin: number }[];
  /** Cells crossed by FP32's decision boundary that were examined. */
  readonly cellsExamined: number;
}

/** Options of `inputQuantisationFloor`. */
export interface InputQuantisationFloorOptions {
  /** Points of FP32's decision boundary whose cells are examined. Default 400. */
  readonly cells?: number;
  /** Seed of the random segments that find boundary points. Default 0. */
  readonly seed?: number;
}

const BISECTIONS = 40;
const MAX_CORNER_DIMENSIONS = 8;

/**
 * A lower bound of δ* over `region` that holds for every int8 model with `int8`'s input
 * quantisation (its scales and zero point): see the module comment. Null for a dynamic model
 * (no fixed input cells). Seeded and deterministic.
 */
export function inputQuantisationFloor(
  fp32: Mlp,
  int8: QMlp,
  region: Box,
  options: InputQuantisationFloorOptions = {},
): InputQuantisationFloor | null {
  // No fixed input cells: dynamic models, and a first layer kept in float32.
  if (!hasInputCells(int8)) return null;
  const k = fp32.layers[fp32.layers.length - 1]!.outFeatures;
  // The model's own input cells (interval owns them: per-feature scales, tabulated faces).
  const quantizers = inputQuantizers(int8)!;
  const lo = Float64Array.from(region.lower, float32Up);
  const hi = Float64Array.from(region.upper, float32Down);
  const rng = createSeededRng(options.seed ?? 0);
  const wanted = options.cells ?? 400;
  const softmax = mlpHead(fp32) === 'softmax';
  const decide = (x: Float64Array): number =>
    decideOutputs(forwardFp32(fp32, Float32Array.from(x)));
  let best = 0;
  let bestCell: InputQuantisationFloor['cell'] = null;
  let bestCorners: InputQuantisationFloor['corners'] = [];
  let examined = 0;
  for (let attempt = 0; examined < wanted && attempt < wanted * 50; attempt++) {
    // float32 points of the region (lo and hi are float32, and rounding is monotone).
    const a = Float64Array.from(lo, (l, i) => Math.fround(l + (hi[i]! - l) * rng.nextFloat64()));
    const b = Float64Array.from(lo, (l, i) => Math.fround(l + (hi[i]! - l) * rng.nextFloat64()));
    const da = decide(a);
    if (decide(b) === da) continue;
    // A point next to FP32's boundary: bisect the segment between the two decisions.
    let p = a;
    let q = b;
    for (let s = 0; s < BISECTIONS; s++) {
      const mid = Float64Array.from(p, (v, i) => Math.fround(0.5 * v + 0.5 * q[i]!));
      if (decide(mid) === da) p = mid;
      else q = mid;
    }
    examined++;
    // The input cell of p, clipped to the region: the float32 values with p's codes.
    const cells = quantizers.map((quantize, i) => cellAround(quantize, p[i]!, lo[i]!, hi[i]!));
    const cellLo = cells.map((c) => c.lo);
    const cellHi = cells.map((c) => c.hi);
    const found = cellFloor(fp32, k, softmax, cellLo, cellHi, rng);
    if (found.floor > best) {
      best = found.floor;
      bestCell = { lower: cellLo, upper: cellHi };
      bestCorners = found.corners;
    }
  }
  return { flipMargin: best, cell: bestCell, corners: bestCorners, cellsExamined: examined };
}

/** min over int8 actions a of the largest exact FP32 margin at a corner where a is beaten. */
function cellFloor(
  fp32: Mlp,
  k: number,
  softmax: boolean,
  lower: readonly number[],
  upper: readonly number[],
  rng: ReturnType<typeof createSeededRng>,
): { floor: number; corners: { input: number[]; fp32Margin: number }[] } {
  const d = lower.length;
  const all = d <= MAX_CORNER_DIMENSIONS;
  const count = all ? 1 << d : 256;
  const against = new Array<number>(k).fill(-Infinity);
  const corners: { input: number[]; fp32Margin: number }[] = [];
  for (let m = 0; m < count; m++) {
    const x = Float32Array.from(lower, (l, i) =>
      (all ? (m >> i) & 1 : rng.nextFloat64() < 0.5) ? upper[i]! : l,
    );
    const errors = fp32ExecutionError(fp32, createBox(x, x));
    if (!errors.every((e) => Number.isFinite(e))) continue;
    const y = exactLogits(fp32, x);
    const { action, margin } = decisionOf(y);
    const value = approximateDown(margin);
    let used = false;
    for (let a = 0; a < k; a++) {
      if (fp32Against(y, errors, a, action, softmax).beaten < 0) continue;
      if (value > against[a]!) against[a] = value;
      used = true;
    }
    if (used) corners.push({ input: Array.from(x), fp32Margin: value });
  }
  const floor = Math.max(0, Math.min(...against));
  return { floor, corners: floor > 0 ? corners : [] };
}
