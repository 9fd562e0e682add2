// The oracle of the differential soundness suite: every claim a verifier result makes about a box,
// checked against onnxruntime-node running both files and the FP32 network's exact real logits.
// Zero tolerance: a claim is wrong when an evaluated float32 point contradicts it exactly.
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
import type { CpuSemantics } from '@quantproof/quant';
import {
  type AgreementResult,
  exactLogits,
  type Rational,
  type RegionLeaf,
  type RegionResult,
} from '@quantproof/smt-verify';
import { approximately, compareRational, compareWithNumber, distance, subtract } from './exact.js';
import type { RequestedBox } from './generators.js';
import type { BoxTruth, FloatBox } from './ground-truth.js';
import type { PairFiles } from './model-files.js';

/** The failure conditions of the suite. */
export type Condition = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';

/** What each condition means. */
export const CONDITIONS: Readonly<Record<Condition, string>> = {
  a: 'a consistent leaf holds a disagreement above its tie tolerance',
  b: 'a consistent region holds a disagreement above the tie tolerance',
  c: 'a counterexample does not reproduce in onnxruntime-node on both files',
  d: 'the δ* bracket excludes the truth',
  e: 'the ε* bracket excludes the truth',
  f: 'the verifier threw on an input it must answer',
  g: 'the verdict does not follow from the leaves, or the leaves do not cover the region',
};

/** One wrong claim, with everything needed to reproduce it. */
export interface Failure {
  readonly condition: Condition;
  readonly query: 'verifyRegion' | 'checkAgreement';
  readonly pair: string;
  readonly box: RequestedBox;
  readonly point: readonly number[] | null;
  readonly claimed: string;
  readonly truth: string;
}

/**
 * A failure's class, for counting: its condition and what was claimed and seen, numbers left out
 * (`(f) AccumulatorOverflowError: layer N, output N: …`, `(d) δ* ∈ [N, N], attained at its witness`).
 */
export function failureKind(f: Failure): string {
  const words = (text: string): string =>
    text
      .split('\n')[0]!
      .replace(/-?(\d+\.?\d*(e[+-]?\d+)?|Infinity)/g, 'N')
      .replace(/\[[^\]]*\]/g, '[…]')
      .slice(0, 140);
  const seen =
    f.condition === 'f' ? words(f.truth.replace(/^threw /, '')) : words(f.truth.split(':')[0]!);
  return `(${f.condition}) ${f.query}: ${f.condition === 'f' ? '' : `${words(f.claimed)} — `}${seen}`;
}

/** A failure in one paragraph. */
export function formatFailure(f: Failure): string {
  return [
    `(${f.condition}) ${CONDITIONS[f.condition]} — ${f.query}`,
    `  pair: ${f.pair}`,
    `  box (${f.box.kind}): lower [${f.box.lower.join(', ')}] upper [${f.box.upper.join(', ')}]`,
    ...(f.point === null ? [] : [`  point: [${f.point.join(', ')}]`]),
    `  claimed: ${f.claimed}`,
    `  truth: ${f.truth}`,
  ].join('\n');
}

function inside(x: ArrayLike<number>, box: FloatBox): boolean {
  for (let i = 0; i < x.length; i++) {
    if (!(x[i]! >= box.lower[i]! && x[i]! <= box.upper[i]!)) return false;
  }
  return true;
}

function list(values: ArrayLike<number>): string {
  return `[${Array.from(values, (v) => String(v)).join(', ')}]`;
}

/** What the files and the exact semantics say at one point. */
interface PointFacts {
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
  /** max_j |y_j − int8 logit_j|, null when an int8 logit is not finite (no finite distance). */
  readonly logitError: Rational | null;
}

function describe(p: PointFacts): string {
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
    if (d !== c) {
      let top = 0;
      for (let j = 1; j < y.length; j++) if (compareRational(y[j]!, y[top]!) > 0) top = j;
      for (let j = 0; j < y.length; j++) {
        if (j === top) continue;
        const m = subtract(y[top]!, y[j]!);
        if (confidence === null || compareRational(m, confidence) < 0) confidence = m;
      }
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

/** A disagreement observed at a point: its FP32 margin (`confidence`) and the tolerance there. */
interface Observed {
  readonly facts: PointFacts;
  readonly margin: Rational;
  readonly tolerance: number;
}

function containing(leaves: readonly RegionLeaf[], x: ArrayLike<number>): RegionLeaf[] {
  return leaves.filter((l) => inside(x, l));
}

/**
 * The verifier's verdict on a one-point box {x}: the tie tolerance at the point itself (null when
 * the verifier gives none there). A disagreement that would exclude δ* is confirmed with it.
 */
export type PointVerdict = (x: Float32Array) => Promise<AgreementResult | null>;

/** Checks every claim of a `verifyRegion` result on one box. */
export async function checkRegion(
  oracle: BoxOracle,
  result: RegionResult,
  requested: RequestedBox,
  pair: string,
  pointVerdict: PointVerdict,
  pointChecks: number,
  cpu: CpuSemantics,
): Promise<Failure[]> {
  const failures: Failure[] = [];
  const fail = (
    condition: Condition,
    point: ArrayLike<number> | null,
    claimed: string,
    truth: string,
  ): void => {
    failures.push({
      condition,
      query: 'verifyRegion',
      pair,
      box: requested,
      point: point === null ? null : Array.from(point),
      claimed,
      truth,
    });
  };
  const truth = oracle.truth;
  const leaves = result.leaves;
  const consistent = (l: RegionLeaf): boolean => l.verdict === 'consistent';

  // (g) The verdict follows from the leaves; the leaves cover the region.
  const expected =
    result.counterexamples.length > 0
      ? 'inconsistent'
      : leaves.length > 0 && leaves.every(consistent)
        ? 'consistent'
        : 'unknown';
  if (result.verdict !== expected) {
    const counts = ['consistent', 'inconsistent', 'unknown'].map(
      (v) => `${leaves.filter((l) => l.verdict === v).length} ${v}`,
    );
    fail(
      'g',
      null,
      `verdict ${result.verdict}`,
      `${counts.join(', ')} leaves, ${result.counterexamples.length} counterexamples ` +
        `(stop: ${result.stats.stopReason}) imply ${expected}`,
    );
  }
  if (result.cpuSemantics !== cpu) {
    fail(
      'g',
      null,
      `proofs for CPU semantics ${result.cpuSemantics}`,
      `asked for ${cpu}, what onnxruntime runs here`,
    );
  }
  const step = Math.max(1, Math.floor(truth.rows / 4096));
  for (let r = 0; r < truth.rows; r += step) {
    const x = oracle.point(r);
    if (containing(leaves, x).length === 0) {
      fail('g', x, `${leaves.length} leaves partition the region`, 'this point lies in no leaf');
      break;
    }
  }

  // Disagreements: rows in consistent leaves first (they decide (a) and (b)), then the rest.
  const inConsistent = (r: number): boolean => containing(leaves, oracle.point(r)).some(consistent);
  const candidates = oracle.disagreeingRows(inConsistent);
  const observed: Observed[] = [];
  const ties: { facts: PointFacts; margin: Rational; leaf: RegionLeaf }[] = [];
  const failedLeaves = new Set<RegionLeaf>();
  let regionFailed = false;
  for (const r of candidates) {
    if (oracle.remaining <= 0) break;
    const facts = oracle.rowFacts(r);
    const around = containing(leaves, facts.x);
    const tolerance = around.reduce(
      (t, l) => Math.min(t, l.tieTolerance),
      around.length === 0 ? result.tieTolerance : Infinity,
    );
    const margin = facts.margin!;
    if (compareWithNumber(margin, tolerance) <= 0) {
      const leaf = around.find(consistent);
      if (leaf !== undefined && margin.numerator !== 0n) ties.push({ facts, margin, leaf });
      continue;
    }
    if (compareWithNumber(facts.excess!, tolerance) > 0) {
      observed.push({ facts, margin: facts.confidence!, tolerance });
    }
    for (const leaf of around) {
      if (!consistent(leaf) || failedLeaves.has(leaf)) continue;
      const t = leaf.tieTolerance;
      if (compareWithNumber(margin, t) <= 0) continue;
      failedLeaves.add(leaf);
      fail(
        'a',
        facts.x,
        `leaf [${leaf.lower.join(', ')}] … [${leaf.upper.join(', ')}] consistent (by ${leaf.by}), tie tolerance ${t}`,
        describe(facts),
      );
    }
    if (result.verdict === 'consistent' && !regionFailed) {
      regionFailed = true;
      fail('b', facts.x, `region consistent, tie tolerance ${tolerance}`, describe(facts));
    }
  }

  // A disagreement a consistent leaf counts as a tie must be a tie under a tolerance computed on
  // that leaf (the float32 error model's bound there), never one inherited from a larger box.
  ties.sort((a, b) => compareRational(b.margin, a.margin));
  const onLeaf = new Map<RegionLeaf, number>();
  for (const { facts, margin, leaf } of ties) {
    if (failedLeaves.has(leaf)) continue;
    let own = onLeaf.get(leaf);
    if (own === undefined) {
      own = oracle.toleranceOn(leaf);
      onLeaf.set(leaf, own);
    }
    if (compareWithNumber(margin, own) <= 0) continue;
    failedLeaves.add(leaf);
    fail(
      'a',
      facts.x,
      `leaf [${leaf.lower.join(', ')}] … [${leaf.upper.join(', ')}] consistent (by ${leaf.by}), tie ` +
        `tolerance ${leaf.tieTolerance}; the float32 error bound computed on the leaf is ${own}`,
      `a disagreement above the tolerance valid on the leaf: ${describe(facts)}`,
    );
  }

  // (c) Every counterexample reproduces on both files; it lies in the region and in its leaf.
  for (const [index, cex] of result.counterexamples.entries()) {
    const facts = await oracle.pointFacts(cex.input);
    const tolerance = cex.tieTolerance;
    const claimed = `counterexample ${index}: FP32 ${cex.fp32Action}, int8 ${cex.int8Action}, margin ${cex.fp32Margin}, tie tolerance ${tolerance}`;
    if (!inside(facts.x, truth.box)) {
      fail('c', facts.x, claimed, 'the input lies outside the region');
      continue;
    }
    const leaf = leaves.find((l) => l.counterexample === index);
    if (leaf !== undefined && !inside(facts.x, leaf)) {
      fail(
        'c',
        facts.x,
        claimed,
        `the input lies outside its leaf [${leaf.lower.join(', ')}] … [${leaf.upper.join(', ')}]`,
      );
    }
    if (facts.excess === null) {
      fail('c', facts.x, claimed, `both files decide alike: ${describe(facts)}`);
    } else if (facts.c !== cex.int8Action) {
      fail('c', facts.x, claimed, `the int8 file decides otherwise: ${describe(facts)}`);
    } else if (compareWithNumber(facts.excess, tolerance) <= 0) {
      fail('c', facts.x, claimed, `a tie, not a disagreement: ${describe(facts)}`);
    } else {
      observed.push({ facts, margin: facts.confidence!, tolerance });
    }
  }

  // (d) δ*: the largest FP32 margin at which the int8 decision differs. Outside consistent leaves
  // the tie tolerance at a point is the verifier's own on the one-point box {x}: a disagreement
  // that excludes δ* is confirmed there before it counts (an unknown point still counts).
  observed.sort((a, b) => compareRational(b.margin, a.margin));
  const largest = observed[0] ?? null;
  const firstConfirmed = async (above: number): Promise<Observed | null> => {
    let asked = 0;
    for (const o of observed) {
      if (compareWithNumber(o.margin, above) <= 0 || asked >= pointChecks + 1) return null;
      asked++;
      const own = await pointVerdict(o.facts.x);
      if (own === null || own.kind === 'unknown') return o;
      if (compareWithNumber(o.facts.excess!, own.tieTolerance) > 0) return o;
    }
    return null;
  };
  const flip = result.flipMargin;
  if (flip === null) {
    const seen = result.verdict === 'consistent' ? await firstConfirmed(-Infinity) : null;
    if (result.verdict !== 'consistent') {
      fail(
        'd',
        null,
        `δ* null (no disagreement) with verdict ${result.verdict}`,
        'no proof that no disagreement exists',
      );
    } else if (seen !== null) {
      fail('d', seen.facts.x, 'δ* null (no disagreement)', describe(seen.facts));
    }
  } else {
    const claimed = `δ* ∈ [${flip.lower}, ${flip.upper}]${flip.certified ? ' (certified)' : ''}`;
    const above = await firstConfirmed(flip.upper);
    if (above !== null) {
      fail(
        'd',
        above.facts.x,
        claimed,
        `a disagreement above the upper end: ${describe(above.facts)}`,
      );
    }
    if (flip.witness !== null) {
      const w = await oracle.pointFacts(flip.witness);
      if (w.confidence === null || compareWithNumber(w.confidence, flip.lower) < 0) {
        fail('d', w.x, `${claimed}, attained at its witness`, describe(w));
      }
    }
    if (truth.complete) {
      if (largest === null && (flip.lower > 0 || flip.witness !== null)) {
        fail(
          'd',
          null,
          claimed,
          'every float32 point of the box was evaluated: no disagreement above the tolerance',
        );
      } else if (largest !== null && compareWithNumber(largest.margin, flip.lower) < 0) {
        fail(
          'd',
          largest.facts.x,
          claimed,
          `every float32 point was evaluated; the largest margin: ${describe(largest.facts)}`,
        );
      }
    }
  }

  // (e) ε*: max |y_j − int8 logit_j| over the region.
  const error = result.errorBound;
  if (error !== null) {
    const claimed = `ε* ∈ [${error.lower}, ${error.upper}]${error.certified ? ' (certified)' : ''}`;
    const rows = truth.complete
      ? Array.from({ length: truth.rows }, (_, r) => r)
      : oracle.errorRows(Math.max(8, Math.min(64, oracle.remaining)));
    let worst: PointFacts | null = null;
    for (const r of rows) {
      const facts = oracle.rowFacts(r);
      const e = facts.logitError;
      if (e === null) {
        worst = facts;
        break;
      }
      if (worst === null || (worst.logitError !== null && compareRational(e, worst.logitError) > 0))
        worst = facts;
    }
    const text = (p: PointFacts): string =>
      p.logitError === null
        ? `an int8 logit is not finite: ${list(p.int8Logits)}`
        : `|exact FP32 logit − int8 logit| ≈ ${approximately(p.logitError)} (int8 logits ${list(p.int8Logits)})`;
    if (worst !== null) {
      const above =
        worst.logitError === null
          ? error.upper !== Infinity
          : compareWithNumber(worst.logitError, error.upper) > 0;
      if (above) fail('e', worst.x, claimed, text(worst));
      if (
        truth.complete &&
        worst.logitError !== null &&
        compareWithNumber(worst.logitError, error.lower) < 0
      ) {
        fail(
          'e',
          worst.x,
          claimed,
          `every float32 point was evaluated; the largest: ${text(worst)}`,
        );
      }
    }
    if (error.witness !== null) {
      const w = await oracle.pointFacts(error.witness);
      const below = w.logitError !== null && compareWithNumber(w.logitError, error.lower) < 0;
      if (below) fail('e', w.x, `${claimed}, attained at its witness`, text(w));
    }
  }
  return failures;
}

/** Checks a `checkAgreement` result on one box. */
export async function checkAgreementClaim(
  oracle: BoxOracle,
  result: AgreementResult,
  requested: RequestedBox,
  pair: string,
): Promise<Failure[]> {
  const failures: Failure[] = [];
  if (result.kind === 'unknown') return failures;
  const base = { query: 'checkAgreement' as const, pair, box: requested };
  if (result.kind === 'consistent') {
    for (const r of oracle.disagreeingRows(() => true)) {
      if (oracle.remaining <= 0) break;
      const facts = oracle.rowFacts(r);
      if (compareWithNumber(facts.margin!, result.tieTolerance) > 0) {
        failures.push({
          ...base,
          condition: 'a',
          point: Array.from(facts.x),
          claimed: `consistent, tie tolerance ${result.tieTolerance}`,
          truth: describe(facts),
        });
        break;
      }
    }
    return failures;
  }
  const cex = result.counterexample;
  const facts = await oracle.pointFacts(cex.input);
  const tolerance = cex.tieTolerance;
  const claimed = `inconsistent: FP32 ${cex.fp32Action}, int8 ${cex.int8Action}, margin ${cex.fp32Margin}, tie tolerance ${tolerance}`;
  const wrong = !inside(facts.x, oracle.truth.box)
    ? 'the input lies outside the box'
    : facts.excess === null
      ? `both files decide alike: ${describe(facts)}`
      : facts.c !== cex.int8Action
        ? `the int8 file decides otherwise: ${describe(facts)}`
        : compareWithNumber(facts.excess, tolerance) <= 0
          ? `a tie, not a disagreement: ${describe(facts)}`
          : null;
  if (wrong !== null) {
    failures.push({ ...base, condition: 'c', point: Array.from(facts.x), claimed, truth: wrong });
  }
  return failures;
}
