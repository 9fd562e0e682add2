// A line chart of one or more series (the training curve), as an SVG string.

import { extent } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { bottomAxis, leftAxis, legend } from './axes.js';
import { escapeXml, plotArea, px, svgFrame } from './svg.js';

/** One series: points with a y value or null (a gap). */
export interface LineSeries {
  readonly name: string;
  readonly color: string;
  /** `line` joins the points (gaps at nulls); `dots` marks each non-null point. */
  readonly style: 'line' | 'dots';
  readonly points: readonly (readonly [number, number | null])[];
}

/** Options of `lineChart`. */
export interface LineChartOptions {
  /** `data-chart` name. */
  readonly chart: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** Default 640 × 300. */
  readonly width?: number;
  readonly height?: number;
}

/** Draws the series on shared linear axes; an empty chart says "no data". */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 300;
  const area = plotArea(width, height, { top: 30, right: 16, bottom: 44, left: 56 });
  const points = options.series.flatMap((s) => s.points.filter((p) => p[1] !== null));
  const frame = { chart: options.chart, title: options.title, width, height };
  if (points.length === 0) {
    return svgFrame(
      frame,
      `<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text>`,
    );
  }
  const [x0, x1] = extent(points, (p) => p[0]) as [number, number];
  const [y0, y1] = extent(points, (p) => p[1] as number) as [number, number];
  const x = scaleLinear()
    .domain([x0, x1 === x0 ? x0 + 1 : x1])
    .range([area.left, area.right])
    .nice();
  const y = scaleLinear()
    .domain([Math.min(0, y0), y1 === y0 ? y0 + 1 : y1])
    .range([area.bottom, area.top])
    .nice();
  const body: string[] = [
    bottomAxis(x, area, { label: options.xLabel }),
    leftAxis(y, area, { label: options.yLabel }),
  ];
  for (const s of options.series) {
    if (s.style === 'line') {
      const path = line<readonly [number, number | null]>()
        .defined((p) => p[1] !== null)
        .x((p) => x(p[0]))
        .y((p) => y(p[1] as number))
        .digits(1)(s.points);
      if (path !== null) {
        body.push(
          `<path class="series" data-series="${escapeXml(s.name)}" d="${path}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`,
        );
      }
    } else {
      const dots = s.points
        .filter((p) => p[1] !== null)
        .map((p) => `<circle cx="${px(x(p[0]))}" cy="${px(y(p[1] as number))}" r="2.6"/>`)
        .join('');
      body.push(
        `<g class="series" data-series="${escapeXml(s.name)}" fill="${s.color}">${dots}</g>`,
      );
    }
  }
  body.push(
    legend(
      options.series.map((s) => ({ name: s.name, color: s.color })),
      area.left,
      14,
    ),
  );
  return svgFrame(frame, body.join(''));
}
