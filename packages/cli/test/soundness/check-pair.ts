// One pair through the whole differential check: write both files, read them back, verify every
// box with the region verifier (and small boxes with checkAgreement) on what was read, replaying in
// onnxruntime-node on the original bytes, then check every claim against the ground truth.
import { createSeededRng } from '@quantproof/nn';
import {
  type AgreementResult,
  checkAgreement,
  type RegionResult,
  SmtVerifyError,
  verifyRegion,
} from '@quantproof/smt-verify';
import { IntervalError } from '@quantproof/interval';
import { OnnxError } from '@quantproof/onnx';
import { type CpuSemantics, DEFAULT_CPU_SEMANTICS, QuantError } from '@quantproof/quant';
import { detectCpuSemantics } from '../../src/study/cpu-semantics.js';
import { MAX_FLOAT32 } from './exact.js';
import type { RequestedBox } from './boxes.js';
import type { SoundnessPair } from './generators.js';
import { boxTruth, float32Inside, type SamplingOptions } from './ground-truth.js';
import { openPairFiles, PairRefusedError, type PairFiles } from './model-files.js';
import { BoxOracle } from './box-oracle.js';
import type { Failure } from './failures.js';
import { checkAgreementClaim, checkRegion } from './oracle.js';

/** Budgets of the verifier calls and of the oracle. */
export interface CheckOptions extends SamplingOptions {
  /** `verifyRegion`'s wall-clock budget per box, seconds. */
  readonly seconds: number;
  /** `verifyRegion`'s box budget (δ* and ε* come from the same leaves). */
  readonly maxBoxes: number;
  /** z3 time limit per query, seconds. */
  readonly smtTimeoutSeconds: number;
  /** Boxes meeting at most this many quantisation cells are also given to `checkAgreement`. */
  readonly agreementCells: number;
  /** Exact evaluations of sampled points per box. */
  readonly exactBudget: number;
  /** Disagreements re-verified as one-point boxes before they count against δ*, per box. */
  readonly pointChecks: number;
  /** Seed of the samples. */
  readonly seed: number;
}

/** The claims the verifier's answers made (each one checked), by kind. */
export interface ClaimCounts {
  /** `verifyRegion` verdicts. */
  consistentRegions: number;
  inconsistentRegions: number;
  unknownRegions: number;
  /** Leaves proven to agree and leaves proven to disagree (each a proof over its box). */
  agreeLeaves: number;
  disagreeLeaves: number;
  /** Counterexamples replayed on both files. */
  counterexamples: number;
  /** δ* and ε* brackets (null δ*: a claim that no disagreement exists). */
  flipBrackets: number;
  errorBrackets: number;
  /** `checkAgreement` verdicts other than unknown. */
  agreementConsistent: number;
  agreementInconsistent: number;
}

/** No claims yet. */
export function noClaims(): ClaimCounts {
  return {
    consistentRegions: 0,
    inconsistentRegions: 0,
    unknownRegions: 0,
    agreeLeaves: 0,
    disagreeLeaves: 0,
    counterexamples: 0,
    flipBrackets: 0,
    errorBrackets: 0,
    agreementConsistent: 0,
    agreementInconsistent: 0,
  };
}

/** What one pair's check did. */
export interface PairReport {
  /** The writer or reader refused the pair (typed); nothing was verified. */
  readonly refused: string | null;
  readonly boxes: number;
  readonly cells: number;
  readonly points: number;
  readonly exactPoints: number;
  readonly verifierCalls: number;
  readonly claims: ClaimCounts;
  readonly failures: readonly Failure[];
}

let machine: Promise<CpuSemantics> | null = null;

/**
 * The int8 arithmetic of onnxruntime's kernels on this machine (the ground truth runs here), as
 * `verify --cpu-semantics auto` detects it; the pinned default where the CPU is not identified.
 */
function thisMachine(): Promise<CpuSemantics> {
  machine ??= detectCpuSemantics().then((d) => d?.semantics ?? DEFAULT_CPU_SEMANTICS);
  return machine;
}

/** An error a caller can cause, named by the package that refuses the input. */
function typed(error: unknown): boolean {
  return (
    error instanceof SmtVerifyError ||
    error instanceof IntervalError ||
    error instanceof QuantError ||
    error instanceof OnnxError
  );
}

/**
 * Whether `error` is an acceptable answer: a typed refusal of a box with no float32 value or with
 * bounds beyond float32, or of two networks whose layer sizes differ (the project verifies a
 * network against its own quantisation).
 */
function refusalAllowed(pair: SoundnessPair, box: RequestedBox, error: unknown): boolean {
  if (!typed(error)) return false;
  if (!answerable(box)) return true;
  return pair.shapesDiffer && (error as Error).name === 'ModelMismatchError';
}

/** A box the verifier must answer: finite float32 bounds with a float32 value between them. */
function answerable(box: RequestedBox): boolean {
  const finite = (v: number): boolean => Number.isFinite(v) && Math.abs(v) <= MAX_FLOAT32;
  return (
    box.lower.every(finite) &&
    box.upper.every(finite) &&
    float32Inside(box.lower, box.upper) !== null
  );
}

function thrown(pair: string, box: RequestedBox, query: Failure['query'], error: unknown): Failure {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}\n${error.stack ?? ''}`
      : String(error);
  return {
    condition: 'f',
    query,
    pair,
    box,
    point: null,
    claimed: 'an answer (consistent, inconsistent or unknown)',
    truth: `threw ${text.split('\n').slice(0, 6).join('\n    ')}`,
  };
}

function countRegion(claims: ClaimCounts, region: RegionResult): void {
  if (region.verdict === 'consistent') claims.consistentRegions++;
  else if (region.verdict === 'inconsistent') claims.inconsistentRegions++;
  else claims.unknownRegions++;
  claims.agreeLeaves += region.leaves.filter((l) => l.status === 'agree').length;
  claims.disagreeLeaves += region.leaves.filter((l) => l.status === 'disagree').length;
  claims.counterexamples += region.counterexamples.length;
  claims.flipBrackets++;
  if (region.errorBound !== null) claims.errorBrackets++;
}

async function checkBox(
  pair: SoundnessPair,
  files: PairFiles,
  box: RequestedBox,
  index: number,
  options: CheckOptions,
  report: {
    cells: number;
    points: number;
    exactPoints: number;
    verifierCalls: number;
    claims: ClaimCounts;
    failures: Failure[];
  },
): Promise<void> {
  let region: RegionResult | null = null;
  const cpu = await thisMachine();
  report.verifierCalls++;
  try {
    region = await verifyRegion(files.fp32, files.int8, box, {
      cpuSemantics: cpu,
      workers: 0,
      seconds: options.seconds,
      maxBoxes: options.maxBoxes,
      smtTimeoutSeconds: options.smtTimeoutSeconds,
      seed: index,
      replay: files.replay,
    });
  } catch (error) {
    if (!refusalAllowed(pair, box, error)) {
      report.failures.push(thrown(pair.label, box, 'verifyRegion', error));
    }
  }
  const floatBox = float32Inside(box.lower, box.upper);
  if (floatBox === null) return;
  const truth = await boxTruth(
    files,
    pair.int8,
    floatBox,
    createSeededRng(options.seed * 7919 + index),
    options,
  );
  report.cells += truth.cells;
  report.points += truth.rows;
  if (region !== null) {
    countRegion(report.claims, region);
    const oracle = new BoxOracle(pair.fp32, files, truth, options.exactBudget);
    const pointVerdict = async (x: Float32Array): Promise<AgreementResult | null> => {
      report.verifierCalls++;
      try {
        return await checkAgreement(
          files.fp32,
          files.int8,
          { lower: x, upper: x },
          {
            cpu,
            timeoutSeconds: options.smtTimeoutSeconds,
            replay: files.replay,
          },
        );
      } catch (error) {
        const point: RequestedBox = {
          kind: 'degenerate',
          lower: Array.from(x),
          upper: Array.from(x),
        };
        if (!refusalAllowed(pair, point, error)) {
          report.failures.push(thrown(pair.label, point, 'checkAgreement', error));
        }
        return null;
      }
    };
    report.failures.push(
      ...(await checkRegion(
        oracle,
        region,
        box,
        pair.label,
        pointVerdict,
        options.pointChecks,
        cpu,
      )),
    );
    report.exactPoints += oracle.counts.exactPoints;
  }
  if (truth.cells > 0 && truth.cells <= options.agreementCells) {
    report.verifierCalls++;
    try {
      const agreement = await checkAgreement(files.fp32, files.int8, box, {
        cpu,
        timeoutSeconds: options.smtTimeoutSeconds,
        replay: files.replay,
      });
      if (agreement.kind === 'consistent') report.claims.agreementConsistent++;
      if (agreement.kind === 'inconsistent') report.claims.agreementInconsistent++;
      const oracle = new BoxOracle(pair.fp32, files, truth, options.exactBudget);
      report.failures.push(...(await checkAgreementClaim(oracle, agreement, box, pair.label)));
      report.exactPoints += oracle.counts.exactPoints;
    } catch (error) {
      if (!refusalAllowed(pair, box, error)) {
        report.failures.push(thrown(pair.label, box, 'checkAgreement', error));
      }
    }
  }
}

/** Checks every box of `pair`. */
export async function checkPair(pair: SoundnessPair, options: CheckOptions): Promise<PairReport> {
  let files: PairFiles;
  try {
    files = await openPairFiles(pair.fp32, pair.int8);
  } catch (error) {
    if (!(error instanceof PairRefusedError)) throw error;
    return {
      refused: error.message,
      boxes: 0,
      cells: 0,
      points: 0,
      exactPoints: 0,
      verifierCalls: 0,
      claims: noClaims(),
      failures: [],
    };
  }
  const report = {
    cells: 0,
    points: 0,
    exactPoints: 0,
    verifierCalls: 0,
    claims: noClaims(),
    failures: [] as Failure[],
  };
  try {
    for (const [index, box] of pair.boxes.entries()) {
      await checkBox(pair, files, box, index, options, report);
    }
  } finally {
    await files.release();
  }
  return { refused: null, boxes: pair.boxes.length, ...report };
}
