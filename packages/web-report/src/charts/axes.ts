// Axes drawn as SVG text from d3-scale's ticks: a linear axis at the bottom or the left, and a
// band axis for categories.

import type { ScaleBand, ScaleLinear } from 'd3-scale';
import { escapeXml, type PlotArea, px } from './svg.js';

/** Options of the linear axes. */
export interface AxisOptions {
  readonly label: string;
  /** Approximate tick count (d3's `ticks(count)`); default 5. */
  readonly ticks?: number;
  /** Tick label formatter; default d3's `tickFormat` for the scale. */
  readonly format?: (value: number) => string;
  /** Draw grid lines across the plot area; default true. */
  readonly grid?: boolean;
}

/** A bottom axis for `scale` along the plot area's bottom edge, with a centred label. */
export function bottomAxis(
  scale: ScaleLinear<number, number>,
  area: PlotArea,
  options: AxisOptions,
): string {
  const count = options.ticks ?? 5;
  const format = options.format ?? scale.tickFormat(count);
  const parts: string[] = [
    `<line class="axis" x1="${px(area.left)}" x2="${px(area.right)}" y1="${px(area.bottom)}" y2="${px(area.bottom)}"/>`,
  ];
  for (const t of scale.ticks(count)) {
    const x = px(scale(t));
    if (options.grid !== false) {
      parts.push(
        `<line class="grid" x1="${x}" x2="${x}" y1="${px(area.top)}" y2="${px(area.bottom)}"/>`,
      );
    }
    parts.push(
      `<line class="tick" x1="${x}" x2="${x}" y1="${px(area.bottom)}" y2="${px(area.bottom + 4)}"/>`,
    );
    parts.push(
      `<text class="tick-label" x="${x}" y="${px(area.bottom + 15)}" text-anchor="middle">${escapeXml(format(t))}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${px((area.left + area.right) / 2)}" y="${px(area.bottom + 32)}" text-anchor="middle">${escapeXml(options.label)}</text>`,
  );
  return `<g class="axis-bottom">${parts.join('')}</g>`;
}

/** A left axis for `scale` along the plot area's left edge, with a rotated label. */
export function leftAxis(
  scale: ScaleLinear<number, number>,
  area: PlotArea,
  options: AxisOptions,
): string {
  const count = options.ticks ?? 5;
  const format = options.format ?? scale.tickFormat(count);
  const parts: string[] = [
    `<line class="axis" x1="${px(area.left)}" x2="${px(area.left)}" y1="${px(area.top)}" y2="${px(area.bottom)}"/>`,
  ];
  for (const t of scale.ticks(count)) {
    const y = px(scale(t));
    if (options.grid !== false) {
      parts.push(
        `<line class="grid" x1="${px(area.left)}" x2="${px(area.right)}" y1="${y}" y2="${y}"/>`,
      );
    }
    parts.push(
      `<line class="tick" x1="${px(area.left - 4)}" x2="${px(area.left)}" y1="${y}" y2="${y}"/>`,
    );
    parts.push(
      `<text class="tick-label" x="${px(area.left - 6)}" y="${y}" dy="0.32em" text-anchor="end">${escapeXml(format(t))}</text>`,
    );
  }
  const cy = px((area.top + area.bottom) / 2);
  parts.push(
    `<text class="axis-label" transform="translate(${px(area.left - 40)},${cy}) rotate(-90)" text-anchor="middle">${escapeXml(options.label)}</text>`,
  );
  return `<g class="axis-left">${parts.join('')}</g>`;
}

/** A bottom axis of category names under a band scale. */
export function bandAxis(scale: ScaleBand<string>, area: PlotArea, label: string): string {
  const parts: string[] = [
    `<line class="axis" x1="${px(area.left)}" x2="${px(area.right)}" y1="${px(area.bottom)}" y2="${px(area.bottom)}"/>`,
  ];
  for (const name of scale.domain()) {
    const x = px((scale(name) ?? 0) + scale.bandwidth() / 2);
    parts.push(
      `<text class="tick-label" x="${x}" y="${px(area.bottom + 15)}" text-anchor="middle">${escapeXml(name)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${px((area.left + area.right) / 2)}" y="${px(area.bottom + 32)}" text-anchor="middle">${escapeXml(label)}</text>`,
  );
  return `<g class="axis-bottom">${parts.join('')}</g>`;
}

/** A horizontal legend: one swatch and name per entry, from `(x, y)`. */
export function legend(
  entries: readonly { readonly name: string; readonly color: string; readonly dashed?: boolean }[],
  x: number,
  y: number,
): string {
  let at = x;
  const parts: string[] = [];
  for (const e of entries) {
    parts.push(
      `<line x1="${px(at)}" x2="${px(at + 16)}" y1="${px(y)}" y2="${px(y)}" stroke="${e.color}" stroke-width="3"${e.dashed === true ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text class="legend-label" x="${px(at + 20)}" y="${px(y)}" dy="0.32em">${escapeXml(e.name)}</text>`,
    );
    at += 28 + 6.5 * e.name.length;
  }
  return `<g class="legend">${parts.join('')}</g>`;
}
