// Baselines for CI: the certified numbers of a verification (verdict, δ*, ε*, the disagreeing-volume
// bracket) as a JSON document, and their comparison with a new verification. Every metric is a
// certified bracket, and smaller is better; a regression is proved (the new lower end is above the
// baseline's upper end), an inconclusive result is one the new run cannot prove no worse (its upper
// end is above the baseline's), an improvement is proved (its upper end below the baseline's lower).
import { BaselineFormatError, TestingOptionsError } from './errors.js';

/** The `format` field of a baseline document. */
export const BASELINE_FORMAT = 'quantproof-baseline';
/** The version of the baseline document this package writes and reads. */
export const BASELINE_VERSION = 1;

/** A region verdict (smt-verify's `RegionResult.verdict`). */
export type Verdict = 'consistent' | 'unknown' | 'inconsistent';

/** A certified bracket; `upper: null` is +∞ (no finite upper end). */
export interface CertifiedBracket {
  readonly lower: number;
  readonly upper: number | null;
}

/** The certified numbers of one verification of a pair over a box. */
export interface CertifiedNumbers {
  readonly verdict: Verdict;
  /** δ*; null when no disagreement exists (every leaf proved to agree) or none was certified. */
  readonly flipMargin: CertifiedBracket | null;
  /** ε*; null when it was not certified. */
  readonly errorBound: CertifiedBracket | null;
  /** The share of the box where the decisions differ. */
  readonly disagreement: CertifiedBracket;
}

/** A baseline document (`quantproof.baseline.json`). */
export interface Baseline extends CertifiedNumbers {
  readonly format: typeof BASELINE_FORMAT;
  readonly version: typeof BASELINE_VERSION;
  readonly region: { readonly lower: readonly number[]; readonly upper: readonly number[] };
  /** Free-form provenance (model files, budget, tool versions); not compared. */
  readonly provenance?: Readonly<Record<string, string | number>>;
}

/** Anything with the shape of a verification: smt-verify's `RegionResult` or the cli's verify JSON. */
export interface VerificationNumbers {
  readonly verdict: Verdict;
  readonly flipMargin: { readonly lower: number; readonly upper: number | null } | null;
  readonly errorBound: { readonly lower: number; readonly upper: number | null } | null;
  readonly disagreement: { readonly lower: number; readonly upper: number };
}

const bracketOf = (b: {
  readonly lower: number;
  readonly upper: number | null;
}): CertifiedBracket => ({
  lower: b.lower,
  upper: b.upper === null || !Number.isFinite(b.upper) ? null : b.upper,
});

/** The certified numbers of a verification (+∞ upper ends become null). */
export function certifiedNumbers(v: VerificationNumbers): CertifiedNumbers {
  return {
    verdict: v.verdict,
    flipMargin: v.flipMargin === null ? null : bracketOf(v.flipMargin),
    errorBound: v.errorBound === null ? null : bracketOf(v.errorBound),
    disagreement: bracketOf(v.disagreement),
  };
}

/** A baseline document for `numbers` over `region`. */
export function createBaseline(
  numbers: CertifiedNumbers,
  region: { readonly lower: readonly number[]; readonly upper: readonly number[] },
  provenance?: Readonly<Record<string, string | number>>,
): Baseline {
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    region: { lower: [...region.lower], upper: [...region.upper] },
    ...certifiedNumbers(numbers as VerificationNumbers),
    ...(provenance === undefined ? {} : { provenance }),
  };
}

/** The baseline as the JSON text written to a file (two-space indented, final newline). */
export function serializeBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}

function bracketField(value: unknown, path: string, nullable: boolean): CertifiedBracket | null {
  if (value === null && nullable) return null;
  const b = value as { lower?: unknown; upper?: unknown } | null;
  if (
    typeof b !== 'object' ||
    b === null ||
    typeof b.lower !== 'number' ||
    !(b.upper === null || typeof b.upper === 'number')
  ) {
    throw new BaselineFormatError(
      `${path} must be {"lower": number, "upper": number or null}${nullable ? ' or null' : ''}; regenerate the baseline with quantproof check --update-baseline`,
    );
  }
  return { lower: b.lower, upper: b.upper as number | null };
}

/** Parses a baseline document; throws `BaselineFormatError` saying what is wrong and what to do. */
export function parseBaseline(text: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BaselineFormatError(
      `the baseline is not JSON (${(error as Error).message}); regenerate it with quantproof check --update-baseline`,
    );
  }
  const d = data as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || d['format'] !== BASELINE_FORMAT) {
    throw new BaselineFormatError(
      `the file is not a quantproof baseline (no "format": "${BASELINE_FORMAT}"); regenerate it with quantproof check --update-baseline`,
    );
  }
  if (d['version'] !== BASELINE_VERSION) {
    throw new BaselineFormatError(
      `the baseline has version ${String(d['version'])}; this quantproof reads version ${BASELINE_VERSION}: regenerate it with quantproof check --update-baseline`,
    );
  }
  const verdict = d['verdict'];
  if (verdict !== 'consistent' && verdict !== 'unknown' && verdict !== 'inconsistent') {
    throw new BaselineFormatError(
      `verdict is ${JSON.stringify(verdict)}; it must be "consistent", "unknown" or "inconsistent"`,
    );
  }
  const region = d['region'] as { lower?: unknown; upper?: unknown } | undefined;
  const numbers = (v: unknown): v is number[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'number');
  if (typeof region !== 'object' || !numbers(region.lower) || !numbers(region.upper)) {
    throw new BaselineFormatError('region must be {"lower": [numbers], "upper": [numbers]}');
  }
  const disagreement = bracketField(d['disagreement'], 'disagreement', false)!;
  const provenance = d['provenance'] as Record<string, string | number> | undefined;
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    region: { lower: region.lower, upper: region.upper },
    verdict,
    flipMargin: bracketField(d['flipMargin'] ?? null, 'flipMargin', true),
    errorBound: bracketField(d['errorBound'] ?? null, 'errorBound', true),
    disagreement,
    ...(provenance === undefined ? {} : { provenance }),
  };
}

/** How one metric compares with the baseline. */
export type MetricStatus = 'improved' | 'unchanged' | 'inconclusive' | 'regressed';

/** One metric's comparison. */
export interface MetricComparison {
  readonly metric: 'verdict' | 'flipMargin' | 'errorBound' | 'disagreement';
  readonly status: MetricStatus;
  /** One line: the baseline's value, the new one and what it means. */
  readonly detail: string;
}

/** The comparison of a verification with a baseline. */
export interface BaselineComparison {
  /** `regressed` if any metric regressed, else `inconclusive` if any is, else `pass`. */
  readonly kind: 'pass' | 'inconclusive' | 'regressed';
  readonly metrics: readonly MetricComparison[];
}

/** Options of `compareWithBaseline`. */
export interface CompareOptions {
  /**
   * Relative slack of the bracket comparisons (δ*, ε*): `a` is above `b` only when
   * a > b·(1 + tolerance). Default 0.01, the verifier's default precision of δ* and ε*.
   */
  readonly tolerance?: number;
  /** Absolute slack of the disagreeing-volume bracket (a share of the box). Default 1e-9. */
  readonly volumeTolerance?: number;
}

const VERDICT_RANK: Readonly<Record<Verdict, number>> = {
  consistent: 0,
  unknown: 1,
  inconsistent: 2,
};

const show = (b: CertifiedBracket | null): string =>
  b === null
    ? 'none'
    : `[${b.lower.toPrecision(5)}, ${b.upper === null ? '∞' : b.upper.toPrecision(5)}]`;

function compareBracket(
  metric: MetricComparison['metric'],
  before: CertifiedBracket | null,
  after: CertifiedBracket | null,
  above: (a: number, b: number) => boolean,
): MetricComparison {
  const text = `baseline ${show(before)}, now ${show(after)}`;
  if (before === null && after === null) return { metric, status: 'unchanged', detail: text };
  if (after === null) {
    return { metric, status: 'improved', detail: `${text} (no longer exists or certified)` };
  }
  if (before === null) {
    // A δ* (or ε*) where the baseline had none: the verdict says whether a disagreement appeared.
    return {
      metric,
      status: after.lower > 0 ? 'regressed' : 'inconclusive',
      detail: `${text} (the baseline had none)`,
    };
  }
  const beforeUpper = before.upper ?? Infinity;
  const afterUpper = after.upper ?? Infinity;
  if (beforeUpper !== Infinity && above(after.lower, beforeUpper)) {
    return { metric, status: 'regressed', detail: `${text}: proved larger` };
  }
  if (afterUpper !== Infinity && above(before.lower, afterUpper)) {
    return { metric, status: 'improved', detail: `${text}: proved smaller` };
  }
  if (afterUpper === Infinity ? beforeUpper !== Infinity : above(afterUpper, beforeUpper)) {
    return {
      metric,
      status: 'inconclusive',
      detail: `${text}: not proved no larger (a larger budget narrows the brackets; a --max-boxes budget makes them reproducible)`,
    };
  }
  return { metric, status: 'unchanged', detail: `${text}: no larger than the baseline's bound` };
}

/**
 * Compares a new verification with the baseline, metric by metric (smaller is better for all):
 * the verdict (consistent < unknown < inconsistent; a new inconsistency is a regression), δ*, ε*
 * and the disagreeing-volume bracket. Throws `TestingOptionsError` for a negative tolerance.
 */
export function compareWithBaseline(
  baseline: CertifiedNumbers,
  current: CertifiedNumbers,
  options: CompareOptions = {},
): BaselineComparison {
  const tolerance = options.tolerance ?? 0.01;
  const volumeTolerance = options.volumeTolerance ?? 1e-9;
  if (!(tolerance >= 0) || !(volumeTolerance >= 0)) {
    throw new TestingOptionsError('the tolerances must be numbers ≥ 0');
  }
  const relative = (a: number, b: number): boolean => a > b * (1 + tolerance) + 1e-12;
  const absolute = (a: number, b: number): boolean => a > b + volumeTolerance;
  const rankBefore = VERDICT_RANK[baseline.verdict];
  const rankAfter = VERDICT_RANK[current.verdict];
  const verdictText = `baseline ${baseline.verdict}, now ${current.verdict}`;
  const verdict: MetricComparison = {
    metric: 'verdict',
    status:
      rankAfter < rankBefore
        ? 'improved'
        : rankAfter === rankBefore
          ? 'unchanged'
          : current.verdict === 'inconsistent'
            ? 'regressed'
            : 'inconclusive',
    detail:
      current.verdict === 'inconsistent' && baseline.verdict !== 'inconsistent'
        ? `${verdictText}: a replayed counterexample exists where the baseline had none`
        : verdictText,
  };
  const metrics = [
    verdict,
    compareBracket('flipMargin', baseline.flipMargin, current.flipMargin, relative),
    compareBracket('errorBound', baseline.errorBound, current.errorBound, relative),
    compareBracket('disagreement', baseline.disagreement, current.disagreement, absolute),
  ];
  const kind = metrics.some((m) => m.status === 'regressed')
    ? 'regressed'
    : metrics.some((m) => m.status === 'inconclusive')
      ? 'inconclusive'
      : 'pass';
  return { kind, metrics };
}
