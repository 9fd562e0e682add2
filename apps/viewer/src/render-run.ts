// One run's column: the same views as the report, with the decision map at the chosen slice,
// position and variant, and a panel that shows the leaf under the pointer.

import {
  dimensionLabel,
  dimensionNames,
  escapeXml,
  formatPercent,
  formatShareBracket,
  formatVector,
  type LeafStatus,
  mapSlices,
  renderCounterexampleTable,
  renderMapLegend,
  renderRunFacts,
  renderDiagnoses,
  renderMeasurementsTable,
  renderSqnrChart,
  renderSummaryTable,
  renderTrainingCharts,
  renderVerdictLines,
  renderVolumeChart,
  renderWarnings,
  renderWeightHistograms,
  type Run,
  slicePlane,
  sliceTitle,
  statusBadge,
  variantDecisionMap,
} from '@quantproof/web-report';
import type { LoadedRun } from './load-run.js';

/** What the controls select, shared by every run shown. */
export interface ViewState {
  /** Slice id (maps.json `slices[].id`). */
  readonly slice: string;
  /** Index into the slice's positions. */
  readonly position: number;
  readonly variant: string;
}

/** The slice with the given id in this run (or its first), and the position clamped to it. */
export function resolveSlice(run: Run, view: ViewState): { index: number; position: number } {
  const slices = mapSlices(run);
  const index = Math.max(
    0,
    slices.findIndex((s) => s.id === view.slice),
  );
  const positions = slices[index]?.positions.length ?? 1;
  return { index, position: Math.min(view.position, positions - 1) };
}

/** The decision map panel of a run for the current view. */
export function renderMap(run: Run, runIndex: number, view: ViewState): string {
  const slices = mapSlices(run);
  const { index, position } = resolveSlice(run, view);
  const slice = slices[index];
  if (slice === undefined) return '<p class="muted">No verified region to draw.</p>';
  if (!run.verify.variants.some((v) => v.variant === view.variant)) {
    return `<p class="muted">This run did not verify ${escapeXml(view.variant)}.</p>`;
  }
  const map = variantDecisionMap(run, {
    slice,
    position,
    variant: view.variant,
    id: `run${runIndex}-map`,
    size: 460,
  });
  const title = sliceTitle(dimensionNames(run), slicePlane(slice, position));
  return `<h3 data-slice-title>${escapeXml(title)}</h3><figure class="map-panel interactive" data-variant="${escapeXml(view.variant)}">${map.svg}<figcaption>${escapeXml(map.caption)}</figcaption></figure>`;
}

/**
 * The details of leaf `index` of `variant`: its status and what decided it, its share of the region,
 * its box, and the listed counterexamples inside it (a mixed leaf's own first).
 */
export function leafDetails(run: Run, variant: string, index: number): string {
  const v = run.verify.variants.find((x) => x.variant === variant);
  const leaf = v?.leaves[index];
  if (v === undefined || leaf === undefined) return '';
  const names = dimensionNames(run);
  const bounds = leaf.lower
    .map(
      (lo, d) =>
        `<tr><th scope="row">${escapeXml(dimensionLabel(names[d] ?? String(d)))}</th><td>${lo.toPrecision(6)}</td><td>${leaf.upper[d]!.toPrecision(6)}</td></tr>`,
    )
    .join('');
  const own = leaf.counterexample === null ? undefined : v.counterexamples[leaf.counterexample];
  const inside = v.counterexamples.filter(
    (c) => c !== own && c.input.every((x, d) => leaf.lower[d]! <= x && x <= leaf.upper[d]!),
  );
  if (own !== undefined) inside.unshift(own);
  const unlisted =
    leaf.counterexample !== null && own === undefined
      ? `<p class="muted">Its counterexample (number ${leaf.counterexample + 1} of ${v.counterexamplesFound} found) is not among those listed.</p>`
      : '';
  const counterexamples =
    inside.length === 0
      ? `<p class="muted">No listed counterexample lies in this leaf.</p>`
      : `<ul class="leaf-counterexamples">${inside
          .map(
            (c) =>
              `<li><span class="mono">x = ${escapeXml(formatVector(c.input))}</span>: FP32 logits <span class="mono">${escapeXml(formatVector(c.fp32Logits))}</span>, int8 <span class="mono">${escapeXml(formatVector(c.int8Logits))}</span>; ${c.replay.confirmed ? 'confirmed' : 'not confirmed'} in ${escapeXml(c.replay.runtime)}</li>`,
          )
          .join('')}</ul>`;
  return `<h4>Leaf ${index} of ${escapeXml(variant)}: ${statusBadge(leaf.status)}</h4><p class="leaf-facts">${escapeXml(`${STATUS_MEANING[leaf.status]}; ${leaf.status === 'open' ? 'why' : 'decided by'}: ${leaf.by}; ${formatPercent(leaf.volume)} of the region${leaf.status === 'mixed' || leaf.status === 'open' ? `; int8 ≠ FP32 on ${formatShareBracket(leaf.share)} of the leaf (certified)` : ''}`)}</p><table class="leaf-box"><thead><tr><th></th><th>lower</th><th>upper</th></tr></thead><tbody>${bounds}</tbody></table>${counterexamples}${unlisted}`;
}

/** What a leaf status says about the leaf, in words. */
const STATUS_MEANING: Readonly<Record<LeafStatus, string>> = {
  agree: "proven: int8 takes FP32's decision at every input in it",
  disagree: "proven: int8's decision differs from FP32's at every input in it",
  mixed: 'both occur in it (it holds a replayed counterexample)',
  open: 'undecided',
};

/** The whole column of one run. */
export function renderRunColumn(loaded: LoadedRun, runIndex: number, view: ViewState): string {
  const { run } = loaded;
  const section = (id: string, heading: string, body: string, open = true): string =>
    `<details class="view" data-view="${id}"${open ? ' open' : ''}><summary>${escapeXml(heading)}</summary>${body}</details>`;
  return `<article class="run" data-run="${runIndex}">
<header class="run-header"><h2>${escapeXml(loaded.name)}</h2><button type="button" class="close" data-close="${runIndex}" aria-label="Close ${escapeXml(loaded.name)}">×</button></header>
${section('answer', 'The answer', renderDiagnoses(run))}
${section('summary', 'Summary', `${renderSummaryTable(run)}${renderMeasurementsTable(run)}`)}
${section('decision-map', 'Decision map', `${renderMapLegend(`run${runIndex}`)}<div class="map-area"><div class="map-slot">${renderMap(run, runIndex, view)}</div><aside class="leaf-details" aria-live="polite"><p class="muted">Hover a leaf to see its status, box and counterexamples.</p></aside></div>`)}
${section('verification', 'Verification', `${renderVerdictLines(run)}<figure>${renderVolumeChart(run)}</figure>`)}
${section('training', 'Training', renderTrainingCharts(run))}
${section('quantisation', 'Quantisation error', `<figure>${renderSqnrChart(run)}</figure>${renderWeightHistograms(run)}`, false)}
${section('counterexamples', 'Counterexamples', renderCounterexampleTable(run), false)}
${section('facts', 'Run facts', `${renderRunFacts(run)}${renderWarnings(run)}`, false)}
</article>`;
}
