// The oracle of one box: what onnxruntime-node computes at the box's sampled float32 points (both
// files) and, on demand, the FP32 network's exact real logits there.
//
// At a float32 point x, d is the FP32 file's decision and c the int8 file's (quant's
// `decideOutputs` of onnxruntime's outputs); y are the exact real logits of the FP32 network
// without its head. When d ≠ c the point is a tie under tolerance τ only if no FP32 output beats
// the int8 action by more than τ (excess(x) = max_j y_j − y_c ≤ τ, the theorem's tie rule) and the
// int8 action does not beat the FP32 file's decision by more than τ either (y_c − y_d ≤ τ: a τ that
// bounds float32 execution cannot let the file decide d then, unless float32 overflowed or a
// Softmax collapsed, where nothing may be proven). Otherwise it is a disagreement. Its FP32 margin,
// the quantity δ* brackets, is the exact first maximal logit over its runner-up (smt-verify's
// `Counterexample.fp32Margin`): FP32's confidence where the int8 action differs.
import { createBox, fp32ExecutionError, maxPairTolerance } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import { exactLogits, type Rational } from '@quantproof/smt-verify';
import { approximately, compareRational, distance, subtract } from './exact.js';
import type { BoxTruth, FloatBox } from './ground-truth.js';
import type { PairFiles } from './model-files.js';

/** Whether float32 point `x` lies in `box` (bounds included). */
export function inside(x: ArrayLike<number>, box: FloatBox): boolean {
  for (let i = 0; i < x.length; i++) {
    if (!(x[i]! >= box.lower[i]! && x[i]! <= box.upper[i]!)) return false;
  }
  return true;
}

/** Values as `[a, b, …]`, each printed exactly. */
export function list(values: ArrayLike<number>): string {
  return `[${Array.from(values, (v) => String(v)).join(', ')}]`;
}

/** What the files and the exact semantics say at one point. */
export interface PointFacts {
  readonly x: Float32Array;
  readonly d: number;
  readonly c: number;
  readonly fp32Outputs: Float32Array;
  readonly int8Outputs: Float32Array;
  readonly int8Logits: Float32Array;
  /** When d ≠ c: max_j y_j − y_c, by how much FP32's best output beats the int8 action; else null. */
  readonly excess: Rational | null;
  /** When d ≠ c: the larger of `excess` and y_c − y_d, what a tie tolerance must cover; else null. */
  readonly margin: Rational | null;
  /** When d ≠ c: the exact first maximal logit over its runner-up (FP32's margin); else null. */
  readonly confidence: Rational | null;
  /** The exact FP32 decision: the first maximal exact logit. */
  readonly exactDecision: number;
  /** By how much that logit beats every other one (0 at a tie). */
  readonly exactMargin: Rational;
  /** max_j |y_j − int8 logit_j|, null when an int8 logit is not finite (no finite distance). */
  readonly logitError: Rational | null;
}

/** The point's facts in one line: both files' outputs and decisions, the exact margins. */
export function describePoint(p: PointFacts): string {
  const m =
    p.margin === null
      ? ''
      : `, exact max_j y_j − y_c ≈ ${approximately(p.excess!)}` +
        (compareRational(p.margin, p.excess!) > 0
          ? `, y_c − y_d ≈ ${approximately(p.margin)} (the file decides d although c is above it)`
          : '') +
        `, FP32 margin (first maximal logit over its runner-up) ≈ ${approximately(p.confidence!)}`;
  return (
    `onnxruntime FP32 outputs ${list(p.fp32Outputs)} → ${p.d}; int8 outputs ` +
    `${list(p.int8Outputs)} → ${p.c}${m}`
  );
}

/** Counts of one box's oracle work. */
export interface OracleCounts {
  exactPoints: number;
}

/** The oracle of one box: the truth there and exact logits on demand (within a budget). */
export class BoxOracle {
  private readonly fp32Logits: Mlp;
  private readonly cache = new Map<number, Rational[]>();
  readonly counts: OracleCounts = { exactPoints: 0 };

  /**
   * `fp32` is the FP32 network as generated (what the file holds); `budget` caps the exact
   * evaluations of sampled points (points the verifier names are always evaluated).
   */
  constructor(
    fp32: Mlp,
    private readonly files: PairFiles,
    readonly truth: BoxTruth,
    private readonly budget: number,
  ) {
    this.fp32Logits = { layers: fp32.layers };
  }

  private exact(x: ArrayLike<number>): Rational[] {
    this.counts.exactPoints++;
    return exactLogits(this.fp32Logits, x);
  }

  /** Row `r` of the sampled points. */
  point(r: number): Float32Array {
    const d = this.truth.box.lower.length;
    return this.truth.points.subarray(r * d, (r + 1) * d);
  }

  private logitsAt(r: number): Rational[] {
    let y = this.cache.get(r);
    if (y === undefined) {
      y = this.exact(this.point(r));
      this.cache.set(r, y);
    }
    return y;
  }

  private factsOf(
    x: Float32Array,
    y: Rational[],
    d: number,
    c: number,
    fp32Outputs: Float32Array,
    int8Outputs: Float32Array,
    int8Logits: Float32Array,
  ): PointFacts {
    let logitError: Rational | null = null;
    let finite = true;
    y.forEach((v, j) => {
      const e = distance(v, int8Logits[j]!);
      if (e === null) finite = false;
      else if (logitError === null || compareRational(e, logitError) > 0) logitError = e;
    });
    let excess: Rational | null = null;
    let margin: Rational | null = null;
    let confidence: Rational | null = null;
    let top = 0;
    for (let j = 1; j < y.length; j++) if (compareRational(y[j]!, y[top]!) > 0) top = j;
    let exactMargin: Rational | null = null;
    for (let j = 0; j < y.length; j++) {
      if (j === top) continue;
      const m = subtract(y[top]!, y[j]!);
      if (exactMargin === null || compareRational(m, exactMargin) < 0) exactMargin = m;
    }
    if (d !== c) {
      confidence = exactMargin;
      excess = y.reduce(
        (best, v) => {
          const e = subtract(v, y[c]!);
          return compareRational(e, best) > 0 ? e : best;
        },
        subtract(y[c]!, y[c]!),
      );
      const reverse = subtract(y[c]!, y[d]!);
      margin = compareRational(reverse, excess) > 0 ? reverse : excess;
    }
    return {
      x,
      d,
      c,
      fp32Outputs,
      int8Outputs,
      int8Logits,
      excess,
      margin,
      confidence,
      exactDecision: top,
      exactMargin: exactMargin ?? subtract(y[top]!, y[top]!),
      logitError: finite ? logitError : null,
    };
  }

  /** The facts at sampled row `r` (exact logits computed once). */
  rowFacts(r: number): PointFacts {
    const e = this.truth.evaluation;
    const k = this.files.outputs;
    return this.factsOf(
      this.point(r),
      this.logitsAt(r),
      e.fp32Decisions[r]!,
      e.int8Decisions[r]!,
      e.fp32Outputs.subarray(r * k, (r + 1) * k),
      e.int8Outputs.subarray(r * k, (r + 1) * k),
      e.int8Logits.subarray(r * k, (r + 1) * k),
    );
  }

  /** The facts at a point the verifier names, run alone (batch 1) through both files. */
  async pointFacts(input: ArrayLike<number>): Promise<PointFacts> {
    const x = Float32Array.from(input);
    const e = await this.files.evaluate(x, 1);
    return this.factsOf(
      x,
      this.exact(x),
      e.fp32Decisions[0]!,
      e.int8Decisions[0]!,
      e.fp32Outputs,
      e.int8Outputs,
      e.int8Logits,
    );
  }

  /**
   * Sampled rows where the files decide differently, those matching `first` ahead, each group by
   * decreasing float32 margin (max_j fp32 logit_j − fp32 logit_c, or fp32 logit_c − fp32 logit_d;
   * non-finite first).
   */
  disagreeingRows(first: (r: number) => boolean): number[] {
    const e = this.truth.evaluation;
    const k = this.files.outputs;
    const rows: { r: number; key: number; first: boolean }[] = [];
    for (let r = 0; r < this.truth.rows; r++) {
      const d = e.fp32Decisions[r]!;
      const c = e.int8Decisions[r]!;
      if (d === c) continue;
      const yc = e.fp32Logits[r * k + c]!;
      let m = yc - e.fp32Logits[r * k + d]!;
      for (let j = 0; j < k; j++) m = Math.max(m, e.fp32Logits[r * k + j]! - yc);
      rows.push({ r, key: Number.isFinite(m) ? m : Infinity, first: first(r) });
    }
    rows.sort((a, b) => (a.first !== b.first ? (a.first ? -1 : 1) : b.key - a.key));
    return rows.map((row) => row.r);
  }

  /**
   * Sampled rows where the files decide alike and `within` holds, by decreasing float32 margin of
   * that decision over the runner-up (where int8 most clearly takes FP32's decision first).
   */
  agreeingRows(within: (r: number) => boolean): number[] {
    const e = this.truth.evaluation;
    const k = this.files.outputs;
    const rows: { r: number; key: number }[] = [];
    for (let r = 0; r < this.truth.rows; r++) {
      const c = e.int8Decisions[r]!;
      if (e.fp32Decisions[r] !== c || !within(r)) continue;
      let m = Infinity;
      for (let j = 0; j < k; j++) {
        if (j !== c) m = Math.min(m, e.fp32Logits[r * k + c]! - e.fp32Logits[r * k + j]!);
      }
      rows.push({ r, key: Number.isNaN(m) ? -Infinity : m });
    }
    rows.sort((a, b) => b.key - a.key);
    return rows.map((row) => row.r);
  }

  /** Rows where ε* is most likely attained: per logit the largest float32 errors, and spread rows. */
  errorRows(count: number): number[] {
    const e = this.truth.evaluation;
    const k = this.files.outputs;
    const chosen = new Set<number>();
    const perLogit = Math.max(1, Math.floor(count / (2 * k)));
    for (let j = 0; j < k; j++) {
      const order = Array.from({ length: this.truth.rows }, (_, r) => r);
      const err = (r: number): number => {
        const v = Math.abs(e.fp32Logits[r * k + j]! - e.int8Logits[r * k + j]!);
        return Number.isNaN(v) ? Infinity : v;
      };
      order.sort((a, b) => err(b) - err(a));
      for (const r of order.slice(0, perLogit)) chosen.add(r);
    }
    const stride = Math.max(1, Math.floor(this.truth.rows / Math.max(1, count - chosen.size)));
    for (let r = 0; r < this.truth.rows && chosen.size < count; r += stride) chosen.add(r);
    return [...chosen];
  }

  /**
   * The largest tie tolerance the project's float32 error model (interval's
   * `fp32ExecutionError`, the owner of every tie tolerance) gives on `box`, computed there.
   */
  toleranceOn(box: FloatBox): number {
    return maxPairTolerance(fp32ExecutionError(this.fp32Logits, createBox(box.lower, box.upper)));
  }

  /** Exact evaluations of sampled rows still allowed. */
  get remaining(): number {
    // A box evaluated at every float32 point is judged at every one of them exactly.
    return (
      (this.truth.complete ? Math.max(this.budget, this.truth.rows) : this.budget) - this.cache.size
    );
  }
}
