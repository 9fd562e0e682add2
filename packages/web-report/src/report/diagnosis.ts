// The answer of a study, per int8 variant, in words: the verdict as a sentence, the findings that
// explain it (the quantiser's warnings, the worst counterexample, what δ* covers, what is still
// open) and the next step. The report opens with it and `quantproof run` prints it first.

import { escapeXml } from '../charts/svg.js';
import type { Run } from '../schema/parse-run.js';
import type { VariantVerificationJson } from '../schema/verify.js';
import { dimensionSymbol, shareBracketEnds } from './format.js';
import { verdictBadge } from './summary-table.js';

/** One variant's answer in words. */
export interface VariantDiagnosis {
  readonly variant: string;
  readonly verdict: VariantVerificationJson['verdict'];
  /** The verdict and how much of the region disagrees, in one sentence. */
  readonly sentence: string;
  /** Why: each a plain sentence (quantiser warnings first). */
  readonly findings: readonly string[];
  /** What to do next, in one sentence. */
  readonly nextStep: string;
}

/** What `diagnoseVariant` needs besides the verification. */
export interface DiagnosisContext {
  /** The quantiser's warnings for the variant (metrics.json), in plain words with their fix. */
  readonly warnings: readonly string[];
  /** Input dimension names (maps.json `box.dimensions`); default `x0, x1, …`. */
  readonly dimensions?: readonly string[];
  /** Action names (maps.json `actions`); default `action 0, action 1, …`. */
  readonly actions?: readonly string[];
  /** The flag that gives the verification more time; default `--verify-seconds` (`run`'s). */
  readonly moreTimeFlag?: string;
  /** What the region is called; default `the operating box`. */
  readonly region?: string;
  /**
   * The int8 model quantises its activations dynamically (metrics.json `format: 'dynamic'`): its
   * rounding error does not shrink with the box, so more time does not close its open band.
   */
  readonly dynamic?: boolean;
}

/** A number with four significant digits, without trailing exponent noise for ordinary values. */
function num(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

/** A share as a percentage with one decimal: `18.9 %`. */
function pct(share: number): string {
  const text = (100 * share).toFixed(1);
  return share > 0 && Number(text) === 0 ? '<0.1 %' : `${text} %`;
}

/** A certified share bracket rounded outward: `7.7–38.2 %`, one number where both ends are equal. */
function bracket(b: { readonly lower: number; readonly upper: number }): string {
  const [lower, upper] = shareBracketEnds(b, 1);
  return lower === upper ? `${lower} %` : `${lower}–${upper} %`;
}

/** The fix a warning names after its dash (`… — calibrate on the region (--flag)`), if any. */
function fixOf(warning: string): string | null {
  const at = warning.lastIndexOf(' — ');
  return at < 0 ? null : warning.slice(at + 3);
}

/** The answer of one verified variant in words. */
export function diagnoseVariant(
  v: VariantVerificationJson,
  context: DiagnosisContext,
): VariantDiagnosis {
  const region = context.region ?? 'the operating box';
  const moreTime = context.moreTimeFlag ?? '--verify-seconds';
  const d = v.disagreement;
  const estimate =
    d.estimate === null ? '' : `; sampled estimate ${pct(d.estimate.value)}, not a proof`;
  const sentence =
    v.verdict === 'consistent'
      ? `${v.variant} is consistent: int8 takes FP32's decision everywhere in ${region} (proven).`
      : v.verdict === 'inconsistent'
        ? `${v.variant} is inconsistent: int8 decides differently from FP32 on ${bracket(d)} of ${region} (certified${estimate}).`
        : `${v.variant} is unknown: no counterexample was found, but ${pct(1 - v.volume.agree)} of ${region} is not proven to agree, so int8 may decide differently on up to ${bracket({ lower: d.upper, upper: d.upper })} of it.`;

  const findings: string[] = [...context.warnings.map((w) => `quantiser: ${w}`)];
  const worst = [...v.counterexamples]
    .filter((c) => c.fp32Margin !== undefined)
    .sort((a, b) => b.fp32Margin! - a.fp32Margin!)[0];
  if (worst !== undefined) {
    const name = (i: number): string => context.actions?.[i] ?? `action ${i}`;
    const first = (logits: readonly number[]): number =>
      logits.reduce((best, x, i) => (x > logits[best]! ? i : best), 0);
    const state = worst.input
      .map((x, i) => {
        const dim = context.dimensions?.[i];
        return `${dim === undefined ? `x${i}` : dimensionSymbol(dim)} = ${num(x)}`;
      })
      .join(', ');
    findings.push(
      `worst counterexample: at ${state} FP32 chooses ${name(first(worst.fp32Logits))} by a margin of ${num(worst.fp32Margin!)} and int8 chooses ${name(first(worst.int8Logits))}${worst.replay.confirmed ? ' (replayed in onnxruntime-node)' : ''}.`,
    );
  }
  const delta = v.flipMargin;
  if (v.flipMarginTheorem !== undefined) {
    findings.push(`theorem: ${v.flipMarginTheorem}.`);
    if (v.inputFloor !== undefined) {
      findings.push(
        `input quantisation floor: every int8 model with these input cells has δ* ≥ ${num(v.inputFloor.flipMargin)}, so no repair covers more than ${pct(v.inputFloor.coverage)} of the visited states without a finer input quantisation.`,
      );
    }
  } else if (delta !== null && delta !== undefined && v.verdict !== 'consistent') {
    const upper = delta.upper === null ? '∞' : num(delta.upper);
    const coverage = v.flipMarginCoverage;
    findings.push(
      delta.upper === null
        ? `δ* is not bounded yet: no FP32 margin is known to be safe from flips.`
        : `δ* ≤ ${upper}: int8 provably takes FP32's decision wherever FP32's margin exceeds ${upper}${coverage === undefined ? '' : ` — ${pct(coverage.share)} of the ${coverage.states} visited states`}.`,
    );
  }
  if (v.volume.open > 0) {
    findings.push(
      `${pct(v.volume.open)} of ${region} was still open when the budget ran out${
        context.dynamic === true
          ? ': the model quantises its activations dynamically, so its rounding error does not shrink with the box, and a band along FP32’s decision boundary stays open at any practical budget.'
          : '.'
      }`,
    );
  }

  const fix = context.warnings.map(fixOf).find((f) => f !== null);
  const nextStep =
    v.verdict === 'consistent'
      ? 'nothing to fix for this region; verify a wider region to learn more.'
      : fix !== undefined && fix !== null
        ? `${fix}, then run the study again.`
        : context.dynamic === true && v.volume.open > 0
          ? 'verify small regions around the states you care about (quantproof verify --around x1,x2,… --radius r), where a dynamic model is decided, or use a static variant (ptq-static, qat), whose certificates close.'
          : v.volume.open > 0.05 || v.verdict === 'unknown'
            ? `give the verifier more time (${moreTime}) to decide the open ${pct(v.volume.open)}.`
            : 'the flips sit where FP32 is nearly undecided (margins below δ*): try quantisation-aware training (qat) or per-channel weights (mixed), and compare their brackets.';
  return { variant: v.variant, verdict: v.verdict, sentence, findings, nextStep };
}

/** Every verified variant's answer, with the run's warnings, dimension and action names. */
export function diagnoseRun(run: Run, moreTimeFlag?: string): VariantDiagnosis[] {
  return run.verify.variants.map((v) =>
    diagnoseVariant(v, {
      warnings: run.metrics.warnings[v.variant] ?? [],
      dynamic: run.metrics.variants.some((m) => m.name === v.variant && m.format === 'dynamic'),
      ...(run.maps === null
        ? {}
        : { dimensions: run.maps.box.dimensions, actions: run.maps.actions }),
      ...(moreTimeFlag === undefined ? {} : { moreTimeFlag }),
    }),
  );
}

/** The answer section: per variant its verdict badge and sentence, the findings, the next step. */
export function renderDiagnoses(run: Run): string {
  const items = diagnoseRun(run).map(
    (d) =>
      `<article class="diagnosis" data-variant="${escapeXml(d.variant)}" data-verdict="${d.verdict}"><p class="verdict-sentence">${verdictBadge(d.verdict)} ${escapeXml(d.sentence)}</p>${d.findings.length === 0 ? '' : `<ul>${d.findings.map((f) => `<li>${escapeXml(f)}</li>`).join('')}</ul>`}<p class="next-step"><strong>Next step:</strong> ${escapeXml(d.nextStep)}</p></article>`,
  );
  return items.length === 0 ? '<p class="muted">No variant was verified.</p>' : items.join('');
}
