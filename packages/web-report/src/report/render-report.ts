// renderReport: one self-contained HTML page (inline CSS, SVG and a few lines of JS; no request
// leaves it) whose tables and charts read without JavaScript.

import { escapeXml } from '../charts/svg.js';
import { REPORT_SCHEMA_VERSION } from '../schema/common.js';
import type { Run } from '../schema/parse-run.js';
import {
  renderSqnrChart,
  renderTrainingCharts,
  renderVolumeChart,
  renderWeightHistograms,
} from './charts-sections.js';
import { renderCertifiedSection } from './certified-section.js';
import { renderPrecisionFront } from './precision-front.js';
import { renderDecisionMaps } from './decision-maps-section.js';
import { formatMeanStd } from './format.js';
import { renderMapLegend } from './map-legend.js';
import { REPORT_SCRIPT } from './script.js';
import { REPORT_CSS } from './styles.js';
import { renderDiagnoses } from './diagnosis.js';
import { renderMeasurementsTable, renderSummaryTable } from './summary-table.js';
import { renderVerdictLines } from './verdict-lines.js';
import { renderCounterexampleTable, renderRunFacts, renderWarnings } from './tables.js';

/** Options of `renderReport`. */
export interface RenderReportOptions {
  /** Page title; default `quantproof report — seed <seed>`. */
  readonly title?: string;
  /** Where the run came from, shown under the title (e.g. the run directory). */
  readonly source?: string;
}

const SECTIONS = [
  ['answer', 'Answer'],
  ['summary', 'Summary'],
  ['verification', 'Verification'],
  ['certified', 'Certified variant'],
  ['training', 'Training'],
  ['decision-maps', 'Decision maps'],
  ['quantisation', 'Quantisation error'],
  ['counterexamples', 'Counterexamples'],
  ['facts', 'Run facts'],
] as const;

/** The report of a validated run as one self-contained HTML document. */
export function renderReport(run: Run, options: RenderReportOptions = {}): string {
  const title = options.title ?? `quantproof report — seed ${run.run.seed}`;
  const fp32 = run.metrics.variants.find((v) => v.kind === 'fp32');
  const counts = (['inconsistent', 'unknown', 'consistent'] as const)
    .map(
      (verdict) =>
        [verdict, run.verify.variants.filter((v) => v.verdict === verdict).length] as const,
    )
    .filter(([, n]) => n > 0)
    .map(([verdict, n]) => `${n} ${verdict}`)
    .join(', ');
  const verdicts = `${run.verify.variants.length} int8 variants verified over the operating box${counts === '' ? '' : `: ${counts}`} (the answer per variant is below)`;
  const section = (id: string, heading: string, body: string): string =>
    `<section id="${id}" data-section="${id}"><h2>${escapeXml(heading)}</h2>${body}</section>`;
  const body = [
    section(
      'answer',
      'The answer',
      `<p>Per int8 variant: the verdict over the whole operating box, what explains it, and what to do next.</p>${renderDiagnoses(run)}`,
    ),
    section(
      'summary',
      'Summary',
      `<p>The region verification of every int8 variant over the whole operating box: its verdict; the share of the box where int8's decision differs from FP32's, certified to lie in a bracket (at least the volume proven to disagree, at most the volume not proven to agree); a sampled estimate of that share with its confidence interval (uniform samples over the mixed and open leaves; not a proof); the volume by leaf status; δ* (the largest FP32 margin at which the int8 action still differs) and ε* (the largest |FP32 − int8| logit), certified brackets [lower, upper] around the exact value (* where the budget ended before they were within 1 %; — where there is none or it was not computed); and the verification time.</p>${renderSummaryTable(run)}<h3>Measurements</h3><p>Size, onnxruntime-node latency (one thread), greedy reward, how often the greedy action equals FP32's (on visited states and on uniform samples of the operating box) and the largest logit difference.</p>${renderMeasurementsTable(run)}`,
    ),
    section(
      'verification',
      'Verification of the operating box',
      `${renderVerdictLines(run)}<p>The operating box is split into leaves. A leaf <em>agrees</em> when int8 is proven to take FP32's decision at every input in it, <em>disagrees</em> when the two decisions are proven to differ at every input in it, is <em>mixed</em> when both occur (it holds a counterexample replayed in onnxruntime-node), and is <em>open</em> when it is undecided (time budget, or a reason such as float32 overflow). So the share of the box where int8 disagrees is certified to lie in a bracket: at least the volume proven to disagree, at most the volume not proven to agree (the verifier may narrow it inside mixed and open leaves); the sampled estimate inside that bracket is not a proof. A region is consistent when every leaf agrees, inconsistent when a replayed counterexample exists, else unknown.</p><figure>${renderVolumeChart(run)}</figure>`,
    ),
    section(
      'certified',
      'The certified variant',
      `<p>A theorem over the whole operating box that holds even where the int8 and FP32 decisions differ somewhere: wherever the FP32 margin exceeds the certified δ*, the int8 policy takes the FP32 action.</p>${renderCertifiedSection(run)}${
        run.verify.precisionFront === undefined
          ? ''
          : `<h3>Certified mixed precision: the Pareto front</h3><p>The certified variant's scheme at a few weight bit widths, each verified over the operating box: weight size against δ*'s certified upper end and the certified share of the box where the decisions differ. The line joins the models no other beats in all three at once.</p>${renderPrecisionFront(run.verify.precisionFront)}`
      }`,
    ),
    section(
      'training',
      'Training',
      `<p>The FP32 policy's training (${escapeXml(run.run.training.algorithm)}): mean return of recent training episodes and greedy evaluations, against environment steps and against wall time.</p>${renderTrainingCharts(run)}`,
    ),
    section(
      'decision-maps',
      'Decision maps',
      `<p>Two-dimensional slices of the operating box. In each panel: the FP32 decision boundary, the int8 variant's boundary, the cells where the two disagree (from evaluating both networks on a grid of cell centres), the verification leaves the slice cuts coloured by status, and the counterexamples projected onto the slice. Up to ties (FP32 margins within a leaf's tie tolerance), a grid cell whose centre lies in a leaf proven to agree is never red, and one whose centre lies in a leaf proven to disagree always is.</p>${renderMapLegend()}${renderDecisionMaps(run)}`,
    ),
    section(
      'quantisation',
      'Quantisation error',
      `<p>Signal-to-quantisation-noise ratio of each layer's int8 output against FP32 over visited states, and each layer's weights: FP32 (grey bars) against the int8 weights dequantised (outline), on the same bins.</p><figure>${renderSqnrChart(run)}</figure><h3>Weight histograms</h3>${renderWeightHistograms(run)}`,
    ),
    section('counterexamples', 'Counterexamples', renderCounterexampleTable(run)),
    section(
      'facts',
      'Run facts',
      `${renderRunFacts(run)}<h3>Quantiser warnings</h3>${renderWarnings(run)}`,
    ),
  ].join('\n');
  const lead =
    fp32 === undefined ? '' : `FP32 reward ${formatMeanStd(fp32.reward.mean, fp32.reward.std)}; `;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="@quantproof/web-report (schema version ${REPORT_SCHEMA_VERSION})">
<title>${escapeXml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header class="report-header"><h1>${escapeXml(title)}</h1>
<p class="muted">${escapeXml(`${lead}verification: ${verdicts}.`)}${options.source === undefined ? '' : ` Run: <code>${escapeXml(options.source)}</code>.`}</p>
<nav class="toc">${SECTIONS.map(([id, name]) => `<a href="#${id}">${name}</a>`).join('')}</nav>
</header>
${body}
<footer>Generated by @quantproof/web-report from run.json, metrics.json, verify.json${run.maps === null ? '' : ' and maps.json'} (schema version ${REPORT_SCHEMA_VERSION}). Self-contained: no request leaves this page.</footer>
</main>
<div id="tooltip" role="tooltip"></div>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
