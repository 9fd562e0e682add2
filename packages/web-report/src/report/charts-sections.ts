// The report's charts built from the run: verified volume by leaf status, training curves,
// per-layer SQNR and weight histograms.

import { groupedBarChart, stackedBarChart } from '../charts/bar-chart.js';
import { histogramChart } from '../charts/histogram.js';
import { lineChart } from '../charts/line-chart.js';
import { FP32_COLOR, LEAF_STATUS_STRONG_COLORS, seriesColor } from '../charts/palette.js';
import { escapeXml } from '../charts/svg.js';
import type { Run } from '../schema/parse-run.js';
import { LEAF_STATUSES, type LeafStatus } from '../schema/verify.js';
import { formatDb, formatPercent } from './format.js';

/** The colour of a variant: its position in metrics.json (FP32 in ink). */
export function variantColor(run: Run, name: string): string {
  const index = run.metrics.variants.findIndex((v) => v.name === name);
  return name === 'fp32' ? FP32_COLOR : seriesColor(Math.max(0, index - 1));
}

/** What each leaf status means, as the volume chart's legend says it. */
const STATUS_NAMES: Readonly<Record<LeafStatus, string>> = {
  agree: 'proven agree',
  disagree: 'proven disagree',
  mixed: 'mixed (both occur)',
  open: 'open',
};

/**
 * Stacked bars, one per int8 variant: the share of the operating box in leaves proven to agree,
 * proven to disagree, mixed (holding a replayed counterexample) and open.
 */
export function renderVolumeChart(run: Run): string {
  return stackedBarChart({
    chart: 'verified-volume',
    title: 'Verified volume of the operating box per int8 variant',
    rows: run.verify.variants.map((v) => ({
      name: v.variant,
      segments: LEAF_STATUSES.map((status) => ({ key: status, value: v.volume[status] })),
    })),
    keys: LEAF_STATUSES.map((status) => ({
      key: status,
      name: STATUS_NAMES[status],
      color: LEAF_STATUS_STRONG_COLORS[status],
    })),
    format: formatPercent,
  });
}

/** Two line charts of the training return: against environment steps and against wall time. */
export function renderTrainingCharts(run: Run): string {
  const curve = run.run.trainingCurve;
  const charts = (
    [
      ['training-steps', 'environment steps', (p: (typeof curve)[number]) => p.steps],
      ['training-time', 'wall time (s)', (p: (typeof curve)[number]) => p.seconds],
    ] as const
  ).map(([chart, xLabel, at]) =>
    lineChart({
      chart,
      title: `Training return against ${xLabel}`,
      xLabel,
      yLabel: 'return',
      series: [
        {
          name: 'mean training return (last 100 episodes)',
          color: seriesColor(0),
          style: 'line',
          points: curve.map((p) => [at(p), p.meanReturn] as const),
        },
        {
          name: 'greedy evaluation',
          color: seriesColor(1),
          style: 'dots',
          points: curve.map((p) => [at(p), p.evalMeanReturn] as const),
        },
      ],
    }),
  );
  return `<div class="chart-row">${charts.map((c) => `<figure>${c}</figure>`).join('')}</div>`;
}

/** Grouped bars of the per-layer SQNR of every int8 variant. */
export function renderSqnrChart(run: Run): string {
  const int8 = run.metrics.variants.filter((v) => v.sqnrDb !== null);
  const layers = Math.max(0, ...int8.map((v) => v.sqnrDb?.length ?? 0));
  return groupedBarChart({
    chart: 'sqnr',
    title: 'Per-layer SQNR of the int8 outputs against FP32 (higher is better)',
    groups: Array.from({ length: layers }, (_, l) => `layer ${l + 1}`),
    xLabel: 'layer (output of the dense layer, after its activation)',
    yLabel: 'SQNR (dB)',
    series: int8.map((v) => ({
      name: v.name,
      color: variantColor(run, v.name),
      values: v.sqnrDb ?? [],
    })),
    format: formatDb,
  });
}

/** Small multiples: FP32 weights (bars) and dequantised int8 weights (outline) per variant and layer. */
export function renderWeightHistograms(run: Run): string {
  if (run.maps === null) {
    return '<p class="muted">This run has no maps.json, so no weight histograms.</p>';
  }
  const rows = run.maps.histograms.map((h) => {
    const charts = h.layers.map((layer) =>
      histogramChart({
        chart: 'weight-histogram',
        title: `${h.variant} · layer ${layer.layer + 1}`,
        note: `${layer.levelsUsed} of ${2 ** layer.bits} int${layer.bits} levels used`,
        edges: layer.edges,
        bars: { name: 'FP32', color: '#c9c9c9', counts: layer.fp32 },
        steps: {
          name: 'int8 (dequantised)',
          color: variantColor(run, h.variant),
          counts: layer.int8,
        },
        xLabel: 'weight value',
      }),
    );
    return `<div class="histogram-row" data-variant="${escapeXml(h.variant)}">${charts.map((c) => `<figure>${c}</figure>`).join('')}</div>`;
  });
  return rows.join('');
}
