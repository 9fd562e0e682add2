// The independent exact oracle for small boxes: enumerate the quantisation cells the box meets
// (the product of each dimension's q-range), evaluate the int8 executor once per cell (its action
// is constant on a cell), and decide the FP32 side on each cell box — by bounds when they suffice,
// else by z3 on the FP32 network alone (or a caller-supplied decider).
import { addUp, createBox, fp32LinearUpperBound, ibpFp32 } from '@quantproof/interval';
import { decideLogits, forwardInt8 } from '@quantproof/quant';
import type { Mlp } from '@quantproof/nn';
import {
  boxTolerance,
  fp32HeadGap,
  fp32MayOverrule,
  pointOptions,
  type PreparedBox,
  type QueryOptions,
  runQuery,
  type SearchResult,
  type UnknownReason,
} from './disagreement-query.js';
import { encodeFp32 } from './fp32-encoding.js';
import { cellInterval } from './input-cells.js';
import { toFloat32 } from './rational.js';
import { judgePoint, replayCandidate } from './replay.js';
import { realOf, SmtScript } from './smtlib.js';

/** One cell: its float32 box and the int8 action there (null: a Softmax head may collapse it). */
export interface Cell {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly int8Action: number | null;
}

/**
 * Decides whether at some real x of `cell` the FP32 model may overrule `c` (the int8 action) with
 * tie tolerance `threshold` (`fp32MayOverrule`): returns a float32 candidate inside the cell, null
 * for "no", or 'unknown'.
 */
export type Fp32CellDecider = (
  mlp: Mlp,
  cell: Cell,
  c: number,
  threshold: number,
) => Promise<Float32Array | null | 'unknown'>;

/** The cells of a prepared box, in lexicographic order of their q vectors. */
export function enumerateCells(p: PreparedBox): Cell[] {
  const cells: Cell[] = [];
  const d = p.cells.length;
  const q = p.cells.map((c) => c.qLow);
  for (;;) {
    const lower = new Float64Array(d);
    const upper = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const { lo, hi } = cellInterval(p.cells[i]!, q[i]!);
      lower[i] = lo;
      upper[i] = hi;
    }
    const int8 = decideLogits(
      forwardInt8(p.model, Float32Array.from(lower), cpuOf(p)),
      p.model.head,
    );
    const int8Action = int8.kind === 'action' ? int8.action : null;
    cells.push({ lower, upper, int8Action });
    let i = d - 1;
    while (i >= 0 && q[i] === p.cells[i]!.qHigh) {
      q[i] = p.cells[i]!.qLow;
      i--;
    }
    if (i < 0) return cells;
    q[i] = q[i]! + 1;
  }
}

/** The default FP32 cell decider: bounds, then z3 on the FP32 network restricted to the cell. */
export function smtCellDecider(options: QueryOptions): Fp32CellDecider {
  return async (mlp, cell, c, threshold) => {
    const script = new SmtScript();
    const inputs = Array.from(cell.lower, (lo, i) => {
      const x = script.real(`x${i}`, true);
      script.assert(`(<= ${realOf(lo)} ${x})`);
      script.assert(`(<= ${x} ${realOf(cell.upper[i]!)})`);
      return x;
    });
    const bounds = ibpFp32(mlp, createBox(cell.lower, cell.upper));
    const { logits } = encodeFp32(script, mlp, bounds, inputs);
    script.assert(fp32MayOverrule(logits, c, threshold, fp32HeadGap(mlp)));
    const result = await runQuery(script, options, 'QF_LRA');
    if (result.kind === 'unsat') return null;
    if (result.kind === 'unknown') return 'unknown';
    return Float32Array.from(inputs, (x, i) => {
      const v = toFloat32(result.reals.get(x)!, 'nearest');
      return Math.min(Math.max(v, cell.lower[i]!), cell.upper[i]!);
    });
  };
}

/**
 * Decides a prepared box cell by cell, each cell with the tie tolerance computed on that cell. With
 * `decider` omitted, FP32 questions go to z3 (FP32 network only); tests pass an independent exact
 * decider instead.
 */
export async function decideByCells(
  p: PreparedBox,
  options: QueryOptions,
  decider: Fp32CellDecider = smtCellDecider(options),
): Promise<SearchResult> {
  const outputs = p.mlp.layers[p.mlp.layers.length - 1]!.outFeatures;
  let unknown: UnknownReason | null = null;
  for (const cell of enumerateCells(p)) {
    const c = cell.int8Action;
    if (c === null) {
      unknown ??= 'int8-softmax-collapse';
      continue;
    }
    const tolerance = boxTolerance(p.mlp, cell.lower, cell.upper, options.tieTolerance);
    if (tolerance === null) {
      unknown ??= 'float32-overflow';
      continue;
    }
    const region = createBox(cell.lower, cell.upper);
    const bounds = ibpFp32(p.mlp, region);
    // FP32 may overrule c only if some y_j − y_c can exceed the tolerance (or, with a Softmax
    // head and j < c, reach −(tolerance + gap)).
    const gap = fp32HeadGap(p.mlp);
    const possible = Array.from({ length: outputs }, (_, j) => j).some((j) => {
      if (j === c) return false;
      const diff = new Float64Array(outputs);
      diff[j] = 1;
      diff[c] = -1;
      const upper = fp32LinearUpperBound(p.mlp, region, bounds, diff);
      return gap > 0 && j < c ? !(upper < -addUp(tolerance, gap)) : !(upper <= tolerance);
    });
    if (!possible) continue;
    const candidate = await decider(p.mlp, cell, c, tolerance);
    if (candidate === null) continue;
    if (candidate === 'unknown') {
      unknown ??= 'timeout';
      continue;
    }
    const cex = await replayCandidate(
      p.mlp,
      p.model,
      candidate,
      options.replay,
      pointOptions(options),
    );
    if (cex !== null) return { kind: 'found', counterexample: cex };
    // A real witness without a float32 one: leave the verdict open, saying why.
    const judged = judgePoint(p.mlp, p.model, candidate, pointOptions(options));
    unknown ??= judged.kind === 'undetermined' ? judged.reason : 'replay-failed';
  }
  return unknown !== null ? { kind: 'unknown', reason: unknown } : { kind: 'none' };
}

function cpuOf(p: PreparedBox): { cpu?: NonNullable<QueryOptions['cpu']> } {
  return p.cpu === undefined ? {} : { cpu: p.cpu };
}
