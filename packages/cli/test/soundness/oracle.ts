// The oracle of the differential soundness suite: every claim a verifier answer makes about a box,
// checked against onnxruntime-node running both files and the FP32 network's exact real logits
// (box-oracle.ts says what a disagreement and a tie are). Zero tolerance: a claim is wrong when an
// evaluated float32 point contradicts it exactly. One function per condition of failures.ts.
import type { CpuSemantics } from '@quantproof/quant';
import type {
  AgreementResult,
  Counterexample,
  Rational,
  RegionLeaf,
  RegionResult,
} from '@quantproof/smt-verify';
import { addDown, addUp, mulDown, mulUp, subDown } from '@quantproof/interval';
import { type BoxOracle, describePoint, inside, list, type PointFacts } from './box-oracle.js';
import type { RequestedBox } from './boxes.js';
import { approximately, compareRational, compareWithNumber } from './exact.js';
import type { Condition, Failure } from './failures.js';

/**
 * The verifier's verdict on a one-point box {x}: the tie tolerance at the point itself (null when
 * the verifier gives none there). A disagreement that would exclude δ* is confirmed with it.
 */
export type PointVerdict = (x: Float32Array) => Promise<AgreementResult | null>;

/** A disagreement observed at a point: its FP32 margin (`confidence`) and the tolerance there. */
interface Observed {
  readonly facts: PointFacts;
  readonly margin: Rational;
  readonly tolerance: number;
}

/** Records failures of one verifier answer on one box. */
type Fail = (
  condition: Condition,
  point: ArrayLike<number> | null,
  claimed: string,
  truth: string,
) => void;

function failures(
  query: Failure['query'],
  pair: string,
  box: RequestedBox,
): { readonly list: Failure[]; readonly fail: Fail } {
  const found: Failure[] = [];
  return {
    list: found,
    fail: (condition, point, claimed, truth) =>
      found.push({
        condition,
        query,
        pair,
        box,
        point: point === null ? null : Array.from(point),
        claimed,
        truth,
      }),
  };
}

function containing(leaves: readonly RegionLeaf[], x: ArrayLike<number>): RegionLeaf[] {
  return leaves.filter((l) => inside(x, l));
}

const agrees = (l: RegionLeaf): boolean => l.status === 'agree';

function leafText(leaf: RegionLeaf): string {
  return `leaf [${leaf.lower.join(', ')}] … [${leaf.upper.join(', ')}] ${leaf.status} (by ${leaf.by})`;
}

/**
 * Σ of non-negative `values`, widened so that it bounds the float64 sum the verifier may have
 * computed in any order from below (`down`) or above: the exact sum rounded outward after every
 * addition, ∓ 2n·u of it (Higham §2.2: any order lies within γ_n ≤ 2n·u of the exact sum).
 */
function directedSum(values: readonly number[], direction: 'down' | 'up'): number {
  const sum = values.reduce((s, v) => (direction === 'down' ? addDown(s, v) : addUp(s, v)), 0);
  const slack = mulUp(mulUp(2 * values.length, 2 ** -53), sum);
  return direction === 'down' ? subDown(sum, slack) : addUp(sum, slack);
}

/** What is wrong with a counterexample on both files (null when it reproduces). */
function counterexampleProblem(
  facts: PointFacts,
  cex: Counterexample,
  box: { readonly lower: readonly number[]; readonly upper: readonly number[] },
): string | null {
  if (!inside(facts.x, box)) return 'the input lies outside the box';
  if (facts.excess === null) return `both files decide alike: ${describePoint(facts)}`;
  if (facts.c !== cex.int8Action) {
    return `the int8 file decides otherwise: ${describePoint(facts)}`;
  }
  if (compareWithNumber(facts.excess, cex.tieTolerance) <= 0) {
    return `a tie, not a disagreement: ${describePoint(facts)}`;
  }
  return null;
}

/**
 * (g) The verdict follows from the leaves, so does the disagreement bracket (each leaf's share
 * fits its status, the bracket claims no more than the shares, the estimate lies inside it), it
 * states the CPU semantics asked for, and the leaves cover the region.
 */
function checkVerdict(
  oracle: BoxOracle,
  result: RegionResult,
  cpu: CpuSemantics,
  fail: Fail,
): void {
  const leaves = result.leaves;
  const expected =
    result.counterexamples.length > 0
      ? 'inconsistent'
      : leaves.length > 0 && leaves.every(agrees)
        ? 'consistent'
        : 'unknown';
  if (result.verdict !== expected) {
    const counts = ['agree', 'disagree', 'mixed', 'open'].map(
      (v) => `${leaves.filter((l) => l.status === v).length} ${v}`,
    );
    fail(
      'g',
      null,
      `verdict ${result.verdict}`,
      `${counts.join(', ')} leaves, ${result.counterexamples.length} counterexamples ` +
        `(stop: ${result.stats.stopReason}) imply ${expected}`,
    );
  }
  // Each leaf's certified share fits its status, and the bracket claims no more than the leaves'
  // shares weighted by volume (sums bound the verifier's own float64 sums in its favour). The
  // shares of mixed and open leaves come from bounds on sub-boxes the result does not list, so
  // only their consistency is checked here, not the shares themselves.
  const { lower, upper, estimate } = result.disagreement;
  for (const leaf of leaves) {
    const { lower: sl, upper: su } = leaf.share;
    const fits =
      sl >= 0 &&
      sl <= su &&
      su <= 1 &&
      (leaf.status !== 'agree' || su === 0) &&
      (leaf.status !== 'disagree' || sl === 1);
    if (!fits) {
      fail(
        'g',
        null,
        `${leafText(leaf)}, disagreeing share [${sl}, ${su}]`,
        'a share that does not fit the status',
      );
      break;
    }
  }
  const lowerUp = directedSum(
    leaves.map((l) => mulUp(l.volume, l.share.lower)),
    'up',
  );
  const upperDown = directedSum(
    leaves.map((l) => mulDown(l.volume, l.share.upper)),
    'down',
  );
  const claimed = `disagreeing share ∈ [${lower}, ${upper}]`;
  if (!(lower <= lowerUp)) {
    fail('g', null, claimed, `the leaves' shares prove at most ${lowerUp} disagreeing`);
  }
  if (!(upper >= upperDown)) {
    fail('g', null, claimed, `the leaves' shares leave at least ${upperDown} possibly disagreeing`);
  }
  if (!(lower <= upper)) fail('g', null, claimed, 'the lower end lies above the upper end');
  if (
    estimate !== null &&
    !(
      lower <= estimate.low &&
      estimate.low <= estimate.high &&
      estimate.high <= upper &&
      lower <= estimate.value &&
      estimate.value <= upper
    )
  ) {
    fail(
      'g',
      null,
      `${claimed}, sampled estimate ${estimate.value} in [${estimate.low}, ${estimate.high}]`,
      'the estimate and its interval must lie inside the certified bracket',
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
  const truth = oracle.truth;
  const step = Math.max(1, Math.floor(truth.rows / 4096));
  for (let r = 0; r < truth.rows; r += step) {
    const x = oracle.point(r);
    if (containing(leaves, x).length === 0) {
      fail('g', x, `${leaves.length} leaves partition the region`, 'this point lies in no leaf');
      return;
    }
  }
}

/**
 * (a) and (b): no leaf proven to agree (and no consistent region) holds a disagreement above the
 * tie tolerance it states; a tie an agree leaf relies on is a tie under the float32 error bound
 * computed on that leaf, never one inherited from a larger box. Returns the disagreements seen
 * (for δ*), rows in agree leaves first, then by decreasing float32 margin.
 */
function checkLeaves(oracle: BoxOracle, result: RegionResult, fail: Fail): Observed[] {
  const leaves = result.leaves;
  const inConsistent = (r: number): boolean => containing(leaves, oracle.point(r)).some(agrees);
  const observed: Observed[] = [];
  const ties: { facts: PointFacts; margin: Rational; leaf: RegionLeaf }[] = [];
  const failedLeaves = new Set<RegionLeaf>();
  let regionFailed = false;
  for (const r of oracle.disagreeingRows(inConsistent)) {
    if (oracle.remaining <= 0) break;
    const facts = oracle.rowFacts(r);
    const around = containing(leaves, facts.x);
    const tolerance = around.reduce(
      (t, l) => Math.min(t, l.tieTolerance),
      around.length === 0 ? result.tieTolerance : Infinity,
    );
    const margin = facts.margin!;
    if (compareWithNumber(margin, tolerance) <= 0) {
      const leaf = around.find(agrees);
      if (leaf !== undefined && margin.numerator !== 0n) ties.push({ facts, margin, leaf });
      continue;
    }
    if (compareWithNumber(facts.excess!, tolerance) > 0) {
      observed.push({ facts, margin: facts.confidence!, tolerance });
    }
    for (const leaf of around) {
      if (!agrees(leaf) || failedLeaves.has(leaf)) continue;
      if (compareWithNumber(margin, leaf.tieTolerance) <= 0) continue;
      failedLeaves.add(leaf);
      fail(
        'a',
        facts.x,
        `${leafText(leaf)}, tie tolerance ${leaf.tieTolerance}`,
        describePoint(facts),
      );
    }
    if (result.verdict === 'consistent' && !regionFailed) {
      regionFailed = true;
      fail('b', facts.x, `region consistent, tie tolerance ${tolerance}`, describePoint(facts));
    }
  }
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
      `${leafText(leaf)}, tie tolerance ${leaf.tieTolerance}; the float32 error bound computed ` +
        `on the leaf is ${own}`,
      `a disagreement above the tolerance valid on the leaf: ${describePoint(facts)}`,
    );
  }
  return observed;
}

/** Points of each disagree leaf checked exactly for (h), the most confident agreements first. */
const DISAGREE_LEAF_POINTS = 8;

/** Points checked exactly for (h) on one box, over all its disagree leaves. */
const DISAGREE_BOX_POINTS = 256;

/**
 * (h) No leaf proven to disagree holds a point where the int8 file takes the exact FP32 decision
 * (the first maximal exact logit) by more than the leaf's tie tolerance over every other logit.
 */
function checkDisagreeLeaves(oracle: BoxOracle, result: RegionResult, fail: Fail): void {
  const disagree = result.leaves.filter((l) => l.status === 'disagree');
  if (disagree.length === 0) return;
  const checked = new Map<RegionLeaf, number>();
  const rows = oracle.agreeingRows((r) => disagree.some((l) => inside(oracle.point(r), l)));
  let evaluated = 0;
  for (const r of rows) {
    if (evaluated >= DISAGREE_BOX_POINTS) break;
    const x = oracle.point(r);
    const open = disagree.filter(
      (l) => inside(x, l) && (checked.get(l) ?? 0) < DISAGREE_LEAF_POINTS,
    );
    if (open.length === 0) continue;
    evaluated++;
    const facts = oracle.rowFacts(r);
    for (const leaf of open) {
      checked.set(leaf, (checked.get(leaf) ?? 0) + 1);
      if (facts.exactDecision !== facts.c) continue;
      if (compareWithNumber(facts.exactMargin, leaf.tieTolerance) <= 0) continue;
      checked.set(leaf, Infinity);
      fail(
        'h',
        x,
        `${leafText(leaf)}, tie tolerance ${leaf.tieTolerance}`,
        `int8 takes the exact FP32 decision ${facts.exactDecision} by ≈ ${approximately(facts.exactMargin)}: ${describePoint(facts)}`,
      );
    }
  }
}

/** (c) Every counterexample reproduces on both files and lies in the region and in its leaf. */
async function checkCounterexamples(
  oracle: BoxOracle,
  result: RegionResult,
  fail: Fail,
): Promise<Observed[]> {
  const observed: Observed[] = [];
  for (const [index, cex] of result.counterexamples.entries()) {
    const facts = await oracle.pointFacts(cex.input);
    const claimed =
      `counterexample ${index}: FP32 ${cex.fp32Action}, int8 ${cex.int8Action}, ` +
      `margin ${cex.fp32Margin}, tie tolerance ${cex.tieTolerance}`;
    const leaf = result.leaves.find((l) => l.counterexample === index);
    if (leaf !== undefined && !inside(facts.x, leaf)) {
      fail(
        'c',
        facts.x,
        claimed,
        `the input lies outside its leaf [${leaf.lower.join(', ')}] … [${leaf.upper.join(', ')}]`,
      );
    }
    const problem = counterexampleProblem(facts, cex, oracle.truth.box);
    if (problem !== null) fail('c', facts.x, claimed, problem);
    else observed.push({ facts, margin: facts.confidence!, tolerance: cex.tieTolerance });
  }
  return observed;
}

/**
 * (d) δ*: no confirmed disagreement lies above the upper end, the lower end is attained at its
 * witness, and on a box evaluated at every float32 point the lower end is attained at one. Outside
 * consistent leaves the tie tolerance at a point is the verifier's own on the one-point box {x}:
 * a disagreement that would exclude δ* is confirmed there first (an unknown point still counts).
 */
async function checkFlipMargin(
  oracle: BoxOracle,
  result: RegionResult,
  observed: Observed[],
  pointVerdict: PointVerdict,
  pointChecks: number,
  fail: Fail,
): Promise<void> {
  observed.sort((a, b) => compareRational(b.margin, a.margin));
  const largest = observed[0] ?? null;
  const firstConfirmed = async (above: number): Promise<Observed | null> => {
    let asked = 0;
    for (const o of observed) {
      if (compareWithNumber(o.margin, above) <= 0 || asked > pointChecks) return null;
      asked++;
      const own = await pointVerdict(o.facts.x);
      if (own === null || own.kind === 'unknown') return o;
      if (compareWithNumber(o.facts.excess!, own.tieTolerance) > 0) return o;
    }
    return null;
  };
  const flip = result.flipMargin;
  if (flip === null) {
    if (result.verdict !== 'consistent') {
      fail(
        'd',
        null,
        `δ* null (no disagreement) with verdict ${result.verdict}`,
        'no proof that no disagreement exists',
      );
      return;
    }
    const seen = await firstConfirmed(-Infinity);
    if (seen !== null)
      fail('d', seen.facts.x, 'δ* null (no disagreement)', describePoint(seen.facts));
    return;
  }
  const claimed = `δ* ∈ [${flip.lower}, ${flip.upper}]${flip.certified ? ' (certified)' : ''}`;
  const above = await firstConfirmed(flip.upper);
  if (above !== null) {
    fail(
      'd',
      above.facts.x,
      claimed,
      `a disagreement above the upper end: ${describePoint(above.facts)}`,
    );
  }
  if (flip.witness !== null) {
    const w = await oracle.pointFacts(flip.witness);
    if (w.confidence === null || compareWithNumber(w.confidence, flip.lower) < 0) {
      fail('d', w.x, `${claimed}, attained at its witness`, describePoint(w));
    }
  }
  if (!oracle.truth.complete) return;
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
      `every float32 point was evaluated; the largest margin: ${describePoint(largest.facts)}`,
    );
  }
}

/**
 * (e) ε* = max |y_j − int8 logit_j| over the region: no evaluated point lies above the upper end,
 * the lower end is attained at its witness, and on a box evaluated at every float32 point it is
 * attained at one.
 */
async function checkErrorBound(oracle: BoxOracle, result: RegionResult, fail: Fail): Promise<void> {
  const error = result.errorBound;
  if (error === null) return;
  const truth = oracle.truth;
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
    if (worst === null || (worst.logitError !== null && compareRational(e, worst.logitError) > 0)) {
      worst = facts;
    }
  }
  const text = (p: PointFacts): string =>
    p.logitError === null
      ? `an int8 logit is not finite: ${list(p.int8Logits)}`
      : `|exact FP32 logit − int8 logit| ≈ ${approximately(p.logitError)} (int8 logits ` +
        `${list(p.int8Logits)})`;
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
      fail('e', worst.x, claimed, `every float32 point was evaluated; the largest: ${text(worst)}`);
    }
  }
  if (error.witness !== null) {
    const w = await oracle.pointFacts(error.witness);
    if (w.logitError !== null && compareWithNumber(w.logitError, error.lower) < 0) {
      fail('e', w.x, `${claimed}, attained at its witness`, text(w));
    }
  }
}

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
  const { list: found, fail } = failures('verifyRegion', pair, requested);
  checkVerdict(oracle, result, cpu, fail);
  const observed = checkLeaves(oracle, result, fail);
  checkDisagreeLeaves(oracle, result, fail);
  observed.push(...(await checkCounterexamples(oracle, result, fail)));
  await checkFlipMargin(oracle, result, observed, pointVerdict, pointChecks, fail);
  await checkErrorBound(oracle, result, fail);
  return found;
}

/** Checks a `checkAgreement` result on one box: (a) for `consistent`, (c) for `inconsistent`. */
export async function checkAgreementClaim(
  oracle: BoxOracle,
  result: AgreementResult,
  requested: RequestedBox,
  pair: string,
): Promise<Failure[]> {
  const { list: found, fail } = failures('checkAgreement', pair, requested);
  if (result.kind === 'consistent') {
    for (const r of oracle.disagreeingRows(() => true)) {
      if (oracle.remaining <= 0) break;
      const facts = oracle.rowFacts(r);
      if (compareWithNumber(facts.margin!, result.tieTolerance) > 0) {
        fail(
          'a',
          facts.x,
          `consistent, tie tolerance ${result.tieTolerance}`,
          describePoint(facts),
        );
        break;
      }
    }
  } else if (result.kind === 'inconsistent') {
    const cex = result.counterexample;
    const facts = await oracle.pointFacts(cex.input);
    const problem = counterexampleProblem(facts, cex, oracle.truth.box);
    if (problem !== null) {
      fail(
        'c',
        facts.x,
        `inconsistent: FP32 ${cex.fp32Action}, int8 ${cex.int8Action}, margin ` +
          `${cex.fp32Margin}, tie tolerance ${cex.tieTolerance}`,
        problem,
      );
    }
  }
  return found;
}
