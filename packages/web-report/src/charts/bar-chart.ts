// Grouped vertical bars (per-layer SQNR per variant) and horizontal stacked bars (verified volume
// by verdict per variant), as SVG strings.

import { max } from 'd3-array';
import { scaleBand, scaleLinear } from 'd3-scale';
import { bandAxis, leftAxis, legend } from './axes.js';
import { escapeXml, plotArea, px, svgFrame } from './svg.js';

/** One series of a grouped bar chart: a value (or null: not finite) per group. */
export interface BarSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

/** Options of `groupedBarChart`. */
export interface GroupedBarChartOptions {
  readonly chart: string;
  readonly title: string;
  /** Category names on the x axis (one group of bars each). */
  readonly groups: readonly string[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly BarSeries[];
  /** How to print a value in its bar's tooltip. */
  readonly format: (value: number) => string;
  /** Label of a null value in tooltips and above its bar; default `∞`. */
  readonly nullLabel?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Bars grouped by category; a null value is drawn as a marker at the top labelled `nullLabel`. */
export function groupedBarChart(options: GroupedBarChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 300;
  const area = plotArea(width, height, { top: 30, right: 16, bottom: 44, left: 56 });
  const nullLabel = options.nullLabel ?? '∞';
  const top =
    max(options.series.flatMap((s) => s.values.filter((v): v is number => v !== null))) ?? 1;
  const x = scaleBand<string>()
    .domain(options.groups)
    .range([area.left, area.right])
    .paddingInner(0.2)
    .paddingOuter(0.1);
  const inner = scaleBand<string>()
    .domain(options.series.map((s) => s.name))
    .range([0, x.bandwidth()])
    .padding(0.08);
  const y = scaleLinear()
    .domain([0, Math.max(top, 1e-9)])
    .range([area.bottom, area.top])
    .nice();
  const body: string[] = [
    bandAxis(x, area, options.xLabel),
    leftAxis(y, area, { label: options.yLabel }),
  ];
  for (const s of options.series) {
    const bars = options.groups.map((group, g) => {
      const value = s.values[g];
      if (value === undefined) return '';
      const bx = (x(group) ?? 0) + (inner(s.name) ?? 0);
      const tip = `${s.name}, ${group}: ${value === null ? nullLabel : options.format(value)}`;
      if (value === null) {
        return `<text x="${px(bx + inner.bandwidth() / 2)}" y="${px(area.top + 10)}" text-anchor="middle" class="bar-null"><title>${escapeXml(tip)}</title>${escapeXml(nullLabel)}</text>`;
      }
      const by = y(Math.max(0, value));
      return `<rect x="${px(bx)}" y="${px(by)}" width="${px(inner.bandwidth())}" height="${px(Math.max(0, area.bottom - by))}"><title>${escapeXml(tip)}</title></rect>`;
    });
    body.push(
      `<g class="series" data-series="${escapeXml(s.name)}" fill="${s.color}">${bars.join('')}</g>`,
    );
  }
  body.push(
    legend(
      options.series.map((s) => ({ name: s.name, color: s.color })),
      area.left,
      14,
    ),
  );
  return svgFrame({ chart: options.chart, title: options.title, width, height }, body.join(''));
}

/** One row of a stacked bar chart: segments in order, each a fraction of the whole. */
export interface StackedRow {
  readonly name: string;
  readonly segments: readonly { readonly key: string; readonly value: number }[];
}

/** Options of `stackedBarChart`. */
export interface StackedBarChartOptions {
  readonly chart: string;
  readonly title: string;
  readonly rows: readonly StackedRow[];
  /** Colour and legend name per segment key, in legend order. */
  readonly keys: readonly { readonly key: string; readonly name: string; readonly color: string }[];
  readonly format: (value: number) => string;
  readonly width?: number;
}

/** Horizontal bars of fractions summing to 1, one per row, labelled with each segment's share. */
export function stackedBarChart(options: StackedBarChartOptions): string {
  const width = options.width ?? 640;
  const rowHeight = 26;
  const height = 40 + rowHeight * options.rows.length + 10;
  const area = plotArea(width, height, { top: 34, right: 16, bottom: 10, left: 150 });
  const x = scaleLinear().domain([0, 1]).range([area.left, area.right]);
  const color = new Map(options.keys.map((k) => [k.key, k.color]));
  const name = new Map(options.keys.map((k) => [k.key, k.name]));
  const body: string[] = [];
  options.rows.forEach((row, r) => {
    const y = area.top + r * rowHeight;
    let at = 0;
    const segments = row.segments.map((s) => {
      const x0 = x(at);
      at += s.value;
      const w = x(at) - x0;
      const label = options.format(s.value);
      const text =
        w > 8 * label.length
          ? `<text x="${px(x0 + w / 2)}" y="${px(y + (rowHeight - 6) / 2)}" dy="0.32em" text-anchor="middle" class="segment-label">${escapeXml(label)}</text>`
          : '';
      return `<g data-segment="${escapeXml(s.key)}"><rect x="${px(x0)}" y="${px(y)}" width="${px(Math.max(0, w))}" height="${rowHeight - 6}" fill="${color.get(s.key) ?? '#888'}"><title>${escapeXml(`${row.name}: ${name.get(s.key) ?? s.key} ${label}`)}</title></rect>${text}</g>`;
    });
    body.push(
      `<g class="row" data-row="${escapeXml(row.name)}"><text class="tick-label" x="${px(area.left - 8)}" y="${px(y + (rowHeight - 6) / 2)}" dy="0.32em" text-anchor="end">${escapeXml(row.name)}</text>${segments.join('')}</g>`,
    );
  });
  body.push(
    legend(
      options.keys.map((k) => ({ name: k.name, color: k.color })),
      area.left,
      14,
    ),
  );
  return svgFrame({ chart: options.chart, title: options.title, width, height }, body.join(''));
}
