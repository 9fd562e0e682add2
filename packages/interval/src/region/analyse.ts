// One bound pass on one box, shared by every question the region driver asks about it: is the
// int8 decision FP32's everywhere (agree), is it different everywhere (disagree), how large can the
// FP32 margin of a disagreement be (δ*'s upper bound), how large the logit error (ε*'s). IBP, then
// CROWN-style linear bounds of each network, then (when asked for, or when the int8 proof needs
// it) the joint difference bounds; every bound is sound for float32 execution (interval's error
// model) and for the real-number FP32 network.

import { forwardFp32 } from '@quantproof/nn';
import {
  decideOutputs,
  elementTypeRange,
  inputFeatureQuants,
  type QMlp,
  hasInputCells,
} from '@quantproof/quant';
import { boxCentre, type Box, type Bounds } from '../box.js';
import type { LinearForm } from '../back-substitution.js';
import { headMarginFloor } from '../certify.js';
import {
  analyseDifference,
  jointDifferenceSpecLowerForm,
  jointInt8SpecLowerForm,
  type JointAnalysis,
} from '../difference-bounds.js';
import { fp32BoxState } from '../fp32-network.js';
import { int8BoxState } from '../int8-bounds.js';
import { refineNetwork, specLowerForm, type RefinedNetwork } from '../linear-bounds.js';
import { addDown, addUp, mulDown, nextDownFloat32, subDown, subUp } from '../outward.js';
import type { PreparedPair } from '../pair.js';
import { boundsFinite } from '../real-network.js';
import { halfLine, intersect, type LineVariable, type Span } from './half-line.js';
import { cellCount, firstFloat32AtLeast, inputQuantizers } from './split.js';

/** What one bound pass proved on a box, and the bounds δ* and ε* use there. */
export interface BoxAnalysis {
  /**
   * `agree`: FP32 and int8 take `fp32Action` at every float32 input of the box; `disagree`: the
   * int8 model takes `int8Action` everywhere and some FP32 output beats it everywhere (so FP32's
   * decision is never int8's); null: neither was proven.
   */
  readonly proven: 'agree' | 'disagree' | null;
  /** FP32's and int8's decisions at the box centre (the candidates the proofs try). */
  readonly fp32Action: number;
  readonly int8Action: number;
  /**
   * Per input dimension, |coefficient| × width of the weakest unproven margin's linear bound: how
   * much each dimension limits the proof (the split policy's guide); null when nothing limits it.
   */
  readonly influence: Float64Array | null;
  /**
   * An upper bound of the FP32 margin (FP32's top output over its runner-up, exact real
   * arithmetic) at any input of the box where the int8 decision is not FP32's; −Infinity when
   * there is none (proven agree), +Infinity when the bounds overflowed.
   */
  readonly flipUpper: number;
  /** The box corner where the bound behind `flipUpper` is largest (a place to look for δ*). */
  readonly flipVertex: Float64Array | null;
  /** |coefficient| × width of the bound behind `flipUpper` per dimension (where to split for δ*). */
  readonly flipInfluence: Float64Array | null;
  /** An upper bound of max_j |int8_j − FP32_j| (logits before any head) over the box. */
  readonly errorUpper: number;
  /** The box corner where the bound behind `errorUpper` is largest. */
  readonly errorVertex: Float64Array | null;
  /**
   * The certified share of the box's volume where the two decisions differ: at least `lower`, at
   * most `upper` ([0, 0] when proven agree, [1, 1] when proven disagree). For a box neither proven,
   * the linear bounds of both networks are evaluated on a grid of sub-boxes: a sub-box counts as
   * disagreeing when they prove the int8 action constant and some FP32 output above it, as
   * agreeing when they prove both decisions equal.
   */
  readonly share: { readonly lower: number; readonly upper: number };
  /** The decided sub-boxes behind `share` (with `keepShareCells`; else null). */
  readonly shareCells: readonly ShareCell[] | null;
  /** The int8 action when the bounds prove it constant on the box (children may pass it on). */
  readonly int8Constant: number | null;
}

/** How much of the pass to run. */
export interface AnalyseOptions {
  /**
   * Compute the joint difference bounds even when the decision does not need them (δ*'s and ε*'s
   * upper bounds are tighter with them). Default true.
   */
  readonly joint?: boolean;
  /**
   * Sub-boxes of the grid behind `share`, spread over the most influential dimensions after the
   * one taken exactly. Default 512.
   */
  readonly shareGrid?: number;
  /** Also return the grid's sub-boxes the bounds decided (`shareCells`; for tests and maps). */
  readonly keepShareCells?: boolean;
  /**
   * A box of a model with fixed input cells that meets at most this many of them has its share
   * computed cell by cell, with the int8 decision of each cell exact (the executor where the int8
   * bounds do not settle it). 0 turns it off. Default 2048.
   */
  readonly cellLimit?: number;
  /**
   * The int8 action, when the caller has proven it constant on the box (a parent box whose int8
   * bounds proved it). Without `joint`, the int8 model is then not bounded again: only the FP32
   * side is (ε*'s bound is then +Infinity — keep the parent's).
   */
  readonly int8Action?: number;
}

/** A sub-box of the share grid the bounds decided: every input in it agrees, or every one disagrees. */
export interface ShareCell {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly label: 'agree' | 'disagree';
}

function proves(lower: (j: number) => number, k: number, action: number, floor: number): boolean {
  for (let j = 0; j < k; j++) {
    if (j === action) continue;
    const m = lower(j);
    if (floor > 0 ? !(m > floor) : j < action ? !(m > 0) : !(m >= 0)) return false;
  }
  return true;
}

/** The box corner where a linear lower form is smallest (its bounded quantity most extreme). */
function corner(box: Box, form: LinearForm): Float64Array {
  return Float64Array.from(box.lower, (l, i) => (form.coefficients[i]! > 0 ? l : box.upper[i]!));
}

function influenceOf(form: LinearForm, box: Box): Float64Array {
  return Float64Array.from(
    form.coefficients,
    (c, i) => Math.abs(c) * (box.upper[i]! - box.lower[i]!),
  );
}

/** One bound pass on a closed float32 box of a prepared pair (see `BoxAnalysis`). */
export function analyseBox(
  pair: PreparedPair,
  box: Box,
  options: AnalyseOptions = {},
): BoxAnalysis {
  const k = pair.outputSize;
  const wantJoint = options.joint ?? true;
  if (options.int8Action !== undefined && !wantJoint) {
    return analyseWithInt8Known(pair, box, options.int8Action, options);
  }
  const centre = Float32Array.from(boxCentre(box));
  const fp32Action = decideOutputs(forwardFp32(pair.fp32, centre));
  const int8Action = decideOutputs(pair.executor.forward(centre));
  const fpFloor = headMarginFloor(pair.fp32);
  const intFloor = headMarginFloor(pair.int8);
  const fpState = fp32BoxState(pair.fpNet, box);
  const intState = int8BoxState(pair.intNet, box);
  const finite = boundsFinite(fpState.logits) && boundsFinite(intState.logits);
  // Tighter bounds are computed only when the cheaper ones do not settle the question: IBP, then
  // linear bounds of FP32, then of int8, then the joint difference bounds.
  let fp: RefinedNetwork | null = null;
  let int: ReturnType<typeof refineNetwork<typeof intState>> | null = null;
  let joint: JointAnalysis | null = null;
  const spec = new Float64Array(k);
  const pairSpec = (i: number, j: number): Float64Array => {
    spec.fill(0);
    spec[i] = 1;
    spec[j] = -1;
    return spec;
  };
  // Lower bounds of y_i − y_j (FP32) and q_i − q_j (int8), with the forms that gave them.
  const fpForms = new Map<number, LinearForm>();
  const fpLower = (i: number, j: number): number => {
    const ibp = subDown(fpState.logits.lower[i]!, fpState.logits.upper[j]!);
    if (fp === null) return ibp;
    const key = i * k + j;
    let form = fpForms.get(key);
    if (form === undefined) {
      form = specLowerForm(fp, pairSpec(i, j));
      fpForms.set(key, form);
    }
    return Math.max(form.lower, ibp);
  };
  const intForms = new Map<number, LinearForm>();
  const intLower = (i: number, j: number): number => {
    const ibp = subDown(intState.logits.lower[i]!, intState.logits.upper[j]!);
    if (int === null) return ibp;
    const key = i * k + j;
    let form = intForms.get(key);
    if (form === undefined) {
      form = specLowerForm(int, pairSpec(i, j));
      if (joint !== null) {
        const jf = jointInt8SpecLowerForm(joint, pairSpec(i, j));
        if (jf.lower > form.lower) form = jf;
      }
      intForms.set(key, form);
    }
    return Math.max(form.lower, ibp);
  };
  const refineFp = (): void => {
    fp ??= refineNetwork(pair.fpNet, fpState);
  };
  const refineInt = (): void => {
    int ??= refineNetwork(pair.intNet, intState);
  };
  const withJoint = (): void => {
    if (joint !== null) return;
    refineFp();
    refineInt();
    joint = analyseDifference(pair, box, fp!, int!);
    intForms.clear();
  };
  const fpAgrees = (): boolean => proves((j) => fpLower(fp32Action, j), k, fp32Action, fpFloor);
  const intAgrees = (): boolean => proves((j) => intLower(fp32Action, j), k, fp32Action, intFloor);
  const intTakes = (c: number): boolean => proves((j) => intLower(c, j), k, c, intFloor);
  const fpBeats = (c: number): boolean => {
    for (let j = 0; j < k; j++) if (j !== c && fpLower(j, c) > fpFloor) return true;
    return false;
  };
  const differs = fp32Action !== int8Action;

  let proven: BoxAnalysis['proven'] = null;
  if (finite) {
    for (let level = 0; level < 4 && proven === null; level++) {
      if (level === 1) refineFp();
      if (level === 2) {
        // The int8 side only matters once the FP32 side is proven either way.
        if (!fpAgrees() && !(differs && fpBeats(int8Action))) break;
        refineInt();
      }
      if (level === 3) withJoint();
      if (fpAgrees() && intAgrees()) proven = 'agree';
      else if (differs && fpBeats(int8Action) && intTakes(int8Action)) proven = 'disagree';
    }
  }
  if (wantJoint && finite) withJoint();

  let influence: Float64Array | null = null;
  if (finite && proven === null) {
    refineFp();
    // The weakest unproven margin of the agreement proof guides the split.
    let weakest = Infinity;
    const consider = (m: number, form: LinearForm | undefined): void => {
      if (form !== undefined && m < weakest) {
        weakest = m;
        influence = influenceOf(form, box);
      }
    };
    for (let j = 0; j < k; j++) {
      if (j === fp32Action) continue;
      const m = fpLower(fp32Action, j);
      const ok = fpFloor > 0 ? m > fpFloor : j < fp32Action ? m > 0 : m >= 0;
      if (!ok) consider(m, fpForms.get(fp32Action * k + j));
    }
    if (influence === null && int !== null) {
      for (let j = 0; j < k; j++) {
        if (j === fp32Action) continue;
        const m = intLower(fp32Action, j);
        const ok = intFloor > 0 ? m > intFloor : j < fp32Action ? m > 0 : m >= 0;
        if (!ok) consider(m, intForms.get(fp32Action * k + j));
      }
    }
  }

  // ε*: bounds of d = int8 − FP32 logits.
  let errorUpper = 0;
  let errorVertex: Float64Array | null = null;
  const dLower = new Float64Array(k);
  const dUpper = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    dLower[j] = subDown(intState.logits.lower[j]!, fpState.logits.upper[j]!);
    dUpper[j] = subUp(intState.logits.upper[j]!, fpState.logits.lower[j]!);
  }
  const dForms: LinearForm[] = [];
  if (joint !== null) {
    for (let j = 0; j < k; j++) {
      spec.fill(0);
      spec[j] = 1;
      const low = jointDifferenceSpecLowerForm(joint, spec);
      spec[j] = -1;
      const up = jointDifferenceSpecLowerForm(joint, spec);
      if (low.lower > dLower[j]!) dLower[j] = low.lower;
      if (-up.lower < dUpper[j]!) dUpper[j] = -up.lower;
      dForms.push(low, up);
    }
  }
  for (let j = 0; j < k; j++) {
    const lo = Math.abs(dLower[j]!);
    const hi = Math.abs(dUpper[j]!);
    const m = Math.max(lo, hi);
    if (Number.isNaN(m) || m > errorUpper) {
      errorUpper = Number.isNaN(m) ? Infinity : m;
      const form = dForms[2 * j + (hi >= lo ? 1 : 0)];
      errorVertex = form === undefined ? null : corner(box, form);
    }
  }
  if (!finite) errorUpper = Infinity;

  // δ*: where int8 takes c and FP32 does not, FP32's margin ≤ y_j − y_c for its top output j, and
  // y_j − y_c = (q_j − d_j) − (q_c − d_c) ≤ d_c − d_j + (the int8 head's collapse gap).
  let flipUpper = -Infinity;
  let flipVertex: Float64Array | null = null;
  let flipInfluence: Float64Array | null = null;
  if (!finite) flipUpper = Infinity;
  else if (proven !== 'agree') {
    const possible =
      proven === 'disagree' || intTakes(int8Action)
        ? [int8Action]
        : Array.from({ length: k }, (_, j) => j);
    for (const c of possible) {
      for (let j = 0; j < k; j++) {
        if (j === c) continue;
        // FP32's top output j: its margin is at most y_j − y_b for every other b (c included).
        const cap = addUp(subUp(dUpper[c]!, dLower[j]!), intFloor);
        let m = Math.min(-fpLower(c, j), cap);
        for (let b = 0; b < k; b++) if (b !== j && b !== c) m = Math.min(m, -fpLower(b, j));
        if (Number.isNaN(m)) {
          flipUpper = Infinity;
          continue;
        }
        if (m > flipUpper) {
          flipUpper = m;
          const form = fpForms.get(c * k + j);
          flipVertex = form === undefined ? null : corner(box, form);
          flipInfluence = form === undefined ? null : influenceOf(form, box);
        }
      }
    }
  }
  let share = { lower: proven === 'disagree' ? 1 : 0, upper: proven === 'agree' ? 0 : 1 };
  const shareCells: ShareCell[] | null = options.keepShareCells === true ? [] : null;
  if (finite && proven === null) {
    refineFp();
    refineInt();
    const fpPairForms: LinearForm[] = [];
    const intPairForms: LinearForm[] = [];
    const jointPairForms: LinearForm[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (i === j) continue;
        fpLower(i, j);
        fpPairForms[i * k + j] = fpForms.get(i * k + j)!;
        intPairForms[i * k + j] = specLowerForm(int!, pairSpec(i, j));
        if (joint !== null)
          jointPairForms[i * k + j] = jointInt8SpecLowerForm(joint, pairSpec(i, j));
      }
    }
    const cells = options.cellLimit ?? DEFAULT_CELL_LIMIT;
    share =
      cells > 0 && cellCount(pair.int8, box) <= cells
        ? cellShare(pair, box, k, fpFloor, intFloor, {
            fpForms: fpPairForms,
            intForms: intPairForms,
            fp: fpState.logits,
            keep: shareCells,
          })
        : gridShare(pair.int8, box, k, fpFloor, intFloor, {
            fpForms: fpPairForms,
            intForms: intPairForms,
            jointForms: joint === null ? null : jointPairForms,
            fp: fpState.logits,
            int: intState.logits,
            cells: options.shareGrid ?? 512,
            keep: shareCells,
          });
  }
  return {
    proven,
    fp32Action,
    int8Action,
    influence,
    flipUpper,
    flipVertex,
    flipInfluence,
    errorUpper,
    errorVertex,
    share,
    shareCells,
    int8Constant:
      proven === 'agree' ? fp32Action : finite && intTakes(int8Action) ? int8Action : null,
  };
}

/**
 * `analyseBox` for a box whose int8 action `c` is already proven constant: FP32 bounds only. The
 * decisions differ exactly where FP32's is not c.
 */
function analyseWithInt8Known(
  pair: PreparedPair,
  box: Box,
  c: number,
  options: AnalyseOptions,
): BoxAnalysis {
  const k = pair.outputSize;
  const centre = Float32Array.from(boxCentre(box));
  const fp32Action = decideOutputs(forwardFp32(pair.fp32, centre));
  const fpFloor = headMarginFloor(pair.fp32);
  const fpState = fp32BoxState(pair.fpNet, box);
  const base = {
    fp32Action,
    int8Action: c,
    errorUpper: Infinity,
    errorVertex: null,
    int8Constant: c,
  };
  if (!boundsFinite(fpState.logits)) {
    return {
      ...base,
      proven: null,
      influence: null,
      flipUpper: Infinity,
      flipVertex: null,
      flipInfluence: null,
      share: { lower: 0, upper: 1 },
      shareCells: options.keepShareCells === true ? [] : null,
    };
  }
  const fp = refineNetwork(pair.fpNet, fpState);
  const spec = new Float64Array(k);
  const forms: LinearForm[] = [];
  const lower = (i: number, j: number): number => {
    let form = forms[i * k + j];
    if (form === undefined) {
      spec.fill(0);
      spec[i] = 1;
      spec[j] = -1;
      form = specLowerForm(fp, spec);
      forms[i * k + j] = form;
    }
    return Math.max(form.lower, subDown(fpState.logits.lower[i]!, fpState.logits.upper[j]!));
  };
  if (proves((j) => lower(c, j), k, c, fpFloor)) {
    return {
      ...base,
      proven: 'agree',
      influence: null,
      flipUpper: -Infinity,
      flipVertex: null,
      flipInfluence: null,
      share: { lower: 0, upper: 0 },
      shareCells: options.keepShareCells === true ? [] : null,
    };
  }
  let beaten = false;
  for (let j = 0; j < k && !beaten; j++) if (j !== c && lower(j, c) > fpFloor) beaten = true;
  // δ*: FP32's margin where it does not take c is at most y_j − y_b for its top output j and
  // every other output b.
  let flipUpper = -Infinity;
  let flipVertex: Float64Array | null = null;
  let flipInfluence: Float64Array | null = null;
  for (let j = 0; j < k; j++) {
    if (j === c) continue;
    let m = -lower(c, j);
    for (let b = 0; b < k; b++) if (b !== j && b !== c) m = Math.min(m, -lower(b, j));
    if (Number.isNaN(m) || m > flipUpper) {
      flipUpper = Number.isNaN(m) ? Infinity : m;
      flipVertex = corner(box, forms[c * k + j]!);
      flipInfluence = influenceOf(forms[c * k + j]!, box);
    }
  }
  if (beaten) {
    return {
      ...base,
      proven: 'disagree',
      influence: null,
      flipUpper,
      flipVertex,
      flipInfluence,
      share: { lower: 1, upper: 1 },
      shareCells: options.keepShareCells === true ? [] : null,
    };
  }
  // The weakest margin of c against the others guides the split.
  let influence: Float64Array | null = null;
  let weakest = Infinity;
  for (let j = 0; j < k; j++) {
    if (j === c) continue;
    const m = lower(c, j);
    if (m < weakest) {
      weakest = m;
      influence = influenceOf(forms[c * k + j]!, box);
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) lower(i, j);
  const shareCells: ShareCell[] | null = options.keepShareCells === true ? [] : null;
  const share = gridShare(pair.int8, box, k, fpFloor, 0, {
    fpForms: forms,
    intForms: null,
    jointForms: null,
    knownInt8: c,
    fp: fpState.logits,
    int: null,
    cells: options.shareGrid ?? 512,
    keep: shareCells,
  });
  return {
    ...base,
    proven: null,
    influence,
    flipUpper,
    flipVertex,
    flipInfluence,
    share,
    shareCells,
  };
}

/**
 * The minimum of a linear form over a box given by per-dimension ranges, dimension `skip` left
 * out (rounded down): the form is then at least `coefficient[skip]·v + this` for the skipped
 * dimension's value v.
 */
function formMinExcept(form: LinearForm, lo: Float64Array, hi: Float64Array, skip: number): number {
  let s = form.constant;
  const c = form.coefficients;
  for (let i = 0; i < c.length; i++) {
    const ci = c[i]!;
    if (ci !== 0 && i !== skip) s = addDown(s, mulDown(ci, ci > 0 ? lo[i]! : hi[i]!));
  }
  return s;
}

/**
 * The certified disagreeing share of a box from the two networks' pairwise linear lower forms
 * (`fpForms[i·k + j]` ≤ y_i − y_j over the input; `intForms[i·k + j]` ≤ q_i − q_j over the
 * dequantised input of models with fixed input cells, else the float32 input; `jointForms` the
 * same over the float32 input). The dimension that moves the margins most is taken exactly: on
 * each sub-box of a grid over the next three, every condition (int8 takes c, FP32 takes c, FP32's
 * output j beats c) holds on an interval of it, computed with directed rounding and float32 /
 * cell-face thresholds. A real input x is judged at fl(x): each sub-box's ranges cover both.
 */
function gridShare(
  model: QMlp,
  box: Box,
  k: number,
  fpFloor: number,
  intFloor: number,
  grid: {
    readonly fpForms: readonly LinearForm[];
    /** Null when the int8 action is known (`knownInt8`). */
    readonly intForms: readonly LinearForm[] | null;
    readonly jointForms: readonly LinearForm[] | null;
    readonly knownInt8?: number;
    readonly fp: Bounds;
    readonly int: Bounds | null;
    readonly cells: number;
    readonly keep: ShareCell[] | null;
  },
): { lower: number; upper: number } {
  const { fpForms, intForms, jointForms } = grid;
  const d = box.lower.length;
  const score = new Float64Array(d);
  for (const form of [...fpForms, ...(intForms ?? [])]) {
    if (form === undefined) continue;
    for (let i = 0; i < d; i++) {
      const v = Math.abs(form.coefficients[i]!) * (box.upper[i]! - box.lower[i]!);
      if (v > score[i]!) score[i] = v;
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  // The exact dimension, and a grid over the next ones that move the margins.
  const p = order[0]!;
  const total = Math.max(1, Math.floor(grid.cells));
  const parts = new Array<number>(d).fill(1);
  const gridDims = order.slice(1, 4).filter((i) => score[i]! > 0);
  const side = Math.max(1, Math.floor(Math.pow(total, 1 / Math.max(1, gridDims.length)) + 1e-9));
  for (const i of gridDims) parts[i] = side;
  const edges = Array.from({ length: d }, (_, i) => {
    const n = parts[i]!;
    const l = box.lower[i]!;
    const u = box.upper[i]!;
    return Array.from({ length: n + 1 }, (_, t) =>
      t === 0 ? l : t === n ? u : l + ((u - l) * t) / n,
    );
  });
  const quantizers = inputQuantizers(model);
  // No fixed input cells: dynamic models, and a first layer kept in float32, read x itself.
  const featureQuants = hasInputCells(model) ? inputFeatureQuants(model) : null;
  // Each dimension dequantised with its own input scale.
  const dequantized =
    quantizers === null || featureQuants === null
      ? null
      : (x: number, i: number): number =>
          featureQuants[i]!.scale * (quantizers[i]!(x) - featureQuants[i]!.zeroPoint);
  const quantizer = quantizers?.[p] ?? null;
  const input = featureQuants?.[p] ?? null;
  const lp = box.lower[p]!;
  const up = box.upper[p]!;
  const floatLine: LineVariable = { lo: lp, hi: up, cells: null };
  const intLine: LineVariable =
    quantizer === null || input === null
      ? floatLine
      : {
          lo: lp,
          hi: up,
          cells: {
            q: quantizer,
            scale: input.scale,
            zeroPoint: input.zeroPoint,
            qmin: quantizer(-Infinity),
            qmax: quantizer(Infinity),
          },
        };
  const widthP = up - lp;
  const measure = (s: Span): number => {
    if (!(s.a <= s.b)) return 0;
    if (!(widthP > 0)) return 1;
    return Math.max(0, Math.min(1, (s.b - s.a) / widthP));
  };
  const lo = new Float64Array(d);
  const hi = new Float64Array(d);
  const index = new Array<number>(d).fill(0);
  const all: Span = { a: lp, b: up };
  // Each form's minimum over a sub-box without the exact dimension, without re-multiplying: the
  // dimensions the grid does not cut summed once, the grid's tabulated per grid index (each term
  // and sum rounded down, so any order gives a lower bound).
  const cut = gridDims; // never the exact dimension
  const variables = (kind: 'x' | 'f' | 'q', i: number, t: number): [number, number] => {
    const l = edges[i]![t]!;
    const u = edges[i]![t + 1]!;
    const fl = Math.fround(l);
    const fu = Math.fround(u);
    if (kind === 'x') return [Math.min(l, fl), Math.max(u, fu)];
    if (kind === 'f' || dequantized === null) return [fl, fu];
    return [dequantized(fl, i), dequantized(fu, i)];
  };
  interface FormTable {
    readonly base: number;
    readonly tables: readonly Float64Array[];
  }
  const tabulate = (form: LinearForm, kind: 'x' | 'f' | 'q'): FormTable => {
    const c = form.coefficients;
    let base = form.constant;
    for (let i = 0; i < d; i++) {
      const ci = c[i]!;
      if (i === p || ci === 0 || cut.includes(i)) continue;
      const [l, u] = variables(kind, i, 0);
      base = addDown(base, mulDown(ci, ci > 0 ? l : u));
    }
    const tables = cut.map((i) => {
      const ci = c[i]!;
      return Float64Array.from({ length: parts[i]! }, (_, t) => {
        if (ci === 0) return 0;
        const [l, u] = variables(kind, i, t);
        return mulDown(ci, ci > 0 ? l : u);
      });
    });
    return { base, tables };
  };
  const minOf = (table: FormTable): number => {
    let v = table.base;
    for (let g = 0; g < cut.length; g++) v = addDown(v, table.tables[g]![index[cut[g]!]!]!);
    return v;
  };
  const fpTables = fpForms.map((f) => (f === undefined ? null : tabulate(f, 'x')));
  const intTables = intForms?.map((f) => (f === undefined ? null : tabulate(f, 'q'))) ?? null;
  const jointTables = jointForms?.map((f) => (f === undefined ? null : tabulate(f, 'f'))) ?? null;
  const none: Span = { a: Infinity, b: -Infinity };
  // The certified interval of one pairwise condition: the widest of what the bounds give.
  const best = (spans: readonly Span[]): Span => {
    let out = none;
    let w = -1;
    for (const s of spans) {
      const m = s.a <= s.b ? s.b - s.a : -1;
      if (m > w) {
        w = m;
        out = s;
      }
    }
    return out;
  };
  const rule = (floor: number, i: number, j: number): { theta: number; strict: boolean } =>
    floor > 0 ? { theta: floor, strict: true } : { theta: 0, strict: j < i };
  const fpCond: Span[] = new Array<Span>(k * k);
  const intCond: Span[] = new Array<Span>(k * k);
  let agree = 0;
  let disagree = 0;
  const cellsTotal = parts.reduce((a, b) => a * b, 1);
  for (let n = 0; n < cellsTotal; n++) {
    let vol = 1;
    for (let i = 0; i < d; i++) {
      const e = edges[i]!;
      lo[i] = e[index[i]!]!;
      hi[i] = e[index[i]! + 1]!;
      const w = box.upper[i]! - box.lower[i]!;
      if (i !== p) vol *= w > 0 ? (hi[i]! - lo[i]!) / w : 1 / parts[i]!;
    }
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (i === j) continue;
        const at = i * k + j;
        // FP32: y_i − y_j > θ (the decision rule for i over j), or y_i − y_j > the head floor.
        const fr = rule(fpFloor, i, j);
        const ff = fpForms[at]!;
        const fpIbp = subDown(grid.fp.lower[i]!, grid.fp.upper[j]!);
        fpCond[at] = best([
          halfLine(ff.coefficients[p]!, minOf(fpTables[at]!), fr.theta, fr.strict, floatLine),
          (fr.strict ? fpIbp > fr.theta : fpIbp >= fr.theta) ? all : none,
        ]);
        if (intForms !== null && grid.int !== null) {
          const ir = rule(intFloor, i, j);
          const inf = intForms[at]!;
          const spans = [
            halfLine(inf.coefficients[p]!, minOf(intTables![at]!), ir.theta, ir.strict, intLine),
          ];
          if (jointForms !== null) {
            const jf = jointForms[at]!;
            spans.push(
              halfLine(
                jf.coefficients[p]!,
                minOf(jointTables![at]!),
                ir.theta,
                ir.strict,
                floatLine,
              ),
            );
          }
          const intIbp = subDown(grid.int.lower[i]!, grid.int.upper[j]!);
          spans.push((ir.strict ? intIbp > ir.theta : intIbp >= ir.theta) ? all : none);
          intCond[at] = best(spans);
        }
      }
    }
    // Per int8 action c: where the int8 model certainly takes c (the sets are disjoint), and there
    // where FP32 certainly takes c (agree) or some FP32 output certainly beats c (disagree).
    const beatFloor = { theta: fpFloor, strict: true };
    for (let c = 0; c < k; c++) {
      let takes: Span;
      if (grid.knownInt8 !== undefined) takes = c === grid.knownInt8 ? all : none;
      else {
        takes = all;
        for (let j = 0; j < k; j++) if (j !== c) takes = intersect(takes, intCond[c * k + j]!);
      }
      if (!(takes.a <= takes.b)) continue;
      let fpTakes = takes;
      for (let j = 0; j < k; j++) if (j !== c) fpTakes = intersect(fpTakes, fpCond[c * k + j]!);
      if (fpTakes.a <= fpTakes.b) {
        agree += vol * measure(fpTakes);
        keepCell(grid.keep, lo, hi, p, fpTakes, 'agree');
      }
      // FP32's output j beats c: y_j − y_c > the head floor (strictly).
      let beaten = none;
      let bw = -1;
      for (let j = 0; j < k; j++) {
        if (j === c) continue;
        const ff = fpForms[j * k + c]!;
        const fpIbp = subDown(grid.fp.lower[j]!, grid.fp.upper[c]!);
        const s = intersect(
          takes,
          best([
            halfLine(
              ff.coefficients[p]!,
              minOf(fpTables[j * k + c]!),
              beatFloor.theta,
              true,
              floatLine,
            ),
            fpIbp > beatFloor.theta ? all : none,
          ]),
        );
        const m = s.a <= s.b ? s.b - s.a : -1;
        if (m > bw) {
          bw = m;
          beaten = s;
        }
      }
      if (beaten.a <= beaten.b) {
        disagree += vol * measure(beaten);
        keepCell(grid.keep, lo, hi, p, beaten, 'disagree');
      }
    }
    for (let i = 0; i < d; i++) {
      index[i]!++;
      if (index[i]! < parts[i]!) break;
      index[i] = 0;
    }
  }
  // Shares are float64 sums of widths: clamp away the rounding.
  return { lower: Math.min(1, Math.max(0, disagree)), upper: Math.min(1, Math.max(0, 1 - agree)) };
}

/** Codes per input-quantisation element type (8 bits) and the cell cache's size limit. */
const CODE_RADIX = 256;
const CELL_CACHE_LIMIT = 1 << 20;

/** Cells up to which `analyseBox` computes a box's share cell by cell (`cellLimit`). */
const DEFAULT_CELL_LIMIT = 2048;

/**
 * The certified disagreeing share of a box of a model with fixed input cells, cell by cell: the
 * int8 decision is constant on a cell (the input is quantised first), so it is taken exactly —
 * from the int8 pairwise forms at the cell's dequantised point when they prove it, else from the
 * executor at one float32 point of the cell. FP32's conditions (takes c; some output beats c) are
 * then intervals of the dimension that moves FP32's margins most, within each cell.
 */
function cellShare(
  pair: PreparedPair,
  box: Box,
  k: number,
  fpFloor: number,
  intFloor: number,
  forms: {
    readonly fpForms: readonly LinearForm[];
    readonly intForms: readonly LinearForm[];
    readonly fp: Bounds;
    readonly keep: ShareCell[] | null;
  },
): { lower: number; upper: number } {
  const model = pair.int8;
  const quantizers = inputQuantizers(model);
  if (quantizers === null || !hasInputCells(model))
    throw new Error('cellShare: a model without input cells');
  const featureQuants = inputFeatureQuants(model);
  const d = box.lower.length;
  const { fpForms, intForms } = forms;
  // The exact dimension: the one that moves FP32's margins most.
  let p = 0;
  let pScore = -1;
  for (let i = 0; i < d; i++) {
    let v = 0;
    for (const form of fpForms) {
      if (form === undefined) continue;
      v = Math.max(v, Math.abs(form.coefficients[i]!) * (box.upper[i]! - box.lower[i]!));
    }
    if (v > pScore) {
      pScore = v;
      p = i;
    }
  }
  // Per dimension: each cell's float32 range within the box, its dequantised value, its share.
  const faces = Array.from({ length: d }, (_, i) => {
    const q = quantizers[i]!;
    const { scale, zeroPoint } = featureQuants[i]!;
    const l = box.lower[i]!;
    const u = box.upper[i]!;
    const w = u - l;
    const first = q(l);
    const last = q(u);
    const out: { lo: number; hi: number; v: number; share: number; code: number }[] = [];
    let start = l;
    for (let code = first; code <= last; code++) {
      const next = code === last ? Infinity : firstFloat32AtLeast(q, start, u, code + 1);
      const end = code === last ? u : nextDownFloat32(next);
      out.push({
        lo: start,
        hi: end,
        v: scale * (code - zeroPoint),
        code,
        share: w > 0 ? (end - start) / w : 1,
      });
      start = next;
    }
    return out;
  });
  // Cells are cached by their codes packed into one integer below 2^53.
  const codeMin = elementTypeRange(model.input.elementType).qmin;
  const packable = d * Math.log2(CODE_RADIX) <= 52;
  const lo = new Float64Array(d);
  const hi = new Float64Array(d);
  const point = new Float64Array(d);
  const at = new Float32Array(d);
  const index = new Array<number>(d).fill(0);
  const total = faces.reduce((a, f) => a * f.length, 1);
  const none: Span = { a: Infinity, b: -Infinity };
  let agree = 0;
  let disagree = 0;
  for (let n = 0; n < total; n++) {
    let vol = 1;
    for (let i = 0; i < d; i++) {
      const f = faces[i]![index[i]!]!;
      lo[i] = f.lo;
      hi[i] = f.hi;
      point[i] = f.v;
      at[i] = f.lo;
      if (i !== p) vol *= f.share;
    }
    // The cell's int8 decision: its forms at the dequantised point, else the executor.
    let c = -1;
    for (let a = 0; a < k && c < 0; a++)
      if (proves((j) => formMinExcept(intForms[a * k + j]!, point, point, -1), k, a, intFloor))
        c = a;
    if (c < 0) {
      // The executor's action of this cell, cached by its codes (children of a box meet its cells again).
      let key = packable ? 0 : -1;
      for (let i = 0; i < d && packable; i++)
        key = key * CODE_RADIX + (faces[i]![index[i]!]!.code - codeMin);
      const known = key >= 0 ? pair.cellActions.get(key) : undefined;
      if (known !== undefined) c = known;
      else {
        c = decideOutputs(pair.executor.forward(at));
        if (key >= 0) {
          if (pair.cellActions.size >= CELL_CACHE_LIMIT) pair.cellActions.clear();
          pair.cellActions.set(key, c);
        }
      }
    }
    const line: LineVariable = { lo: lo[p]!, hi: hi[p]!, cells: null };
    const all: Span = { a: lo[p]!, b: hi[p]! };
    const pw = box.upper[p]! - box.lower[p]!;
    const measure = (s: Span): number =>
      !(s.a <= s.b) ? 0 : pw > 0 ? Math.max(0, (s.b - s.a) / pw) : 1;
    const condition = (i: number, j: number, theta: number, strict: boolean): Span => {
      const form = fpForms[i * k + j]!;
      const ibp = subDown(forms.fp.lower[i]!, forms.fp.upper[j]!);
      if (strict ? ibp > theta : ibp >= theta) return all;
      return halfLine(form.coefficients[p]!, formMinExcept(form, lo, hi, p), theta, strict, line);
    };
    let takes = all;
    for (let j = 0; j < k; j++) {
      if (j === c) continue;
      const r = fpFloor > 0 ? { theta: fpFloor, strict: true } : { theta: 0, strict: j < c };
      takes = intersect(takes, condition(c, j, r.theta, r.strict));
    }
    if (takes.a <= takes.b) {
      agree += vol * measure(takes);
      keepCell(forms.keep, lo, hi, p, takes, 'agree');
    }
    let beaten = none;
    let bw = -1;
    for (let j = 0; j < k; j++) {
      if (j === c) continue;
      const s = condition(j, c, fpFloor, true);
      const m = s.a <= s.b ? s.b - s.a : -1;
      if (m > bw) {
        bw = m;
        beaten = s;
      }
    }
    if (beaten.a <= beaten.b) {
      disagree += vol * measure(beaten);
      keepCell(forms.keep, lo, hi, p, beaten, 'disagree');
    }
    for (let i = 0; i < d; i++) {
      index[i]!++;
      if (index[i]! < faces[i]!.length) break;
      index[i] = 0;
    }
  }
  return { lower: Math.min(1, Math.max(0, disagree)), upper: Math.min(1, Math.max(0, 1 - agree)) };
}

function keepCell(
  keep: ShareCell[] | null,
  lo: Float64Array,
  hi: Float64Array,
  p: number,
  span: Span,
  label: ShareCell['label'],
): void {
  if (keep === null || !(span.a <= span.b)) return;
  const lower = lo.slice();
  const upper = hi.slice();
  lower[p] = span.a;
  upper[p] = span.b;
  keep.push({ lower, upper, label });
}
