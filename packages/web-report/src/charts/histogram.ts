// A histogram of two series on the same bins (FP32 weights as bars, int8 weights as a step line).

import { max } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { bottomAxis, leftAxis } from './axes.js';
import { escapeXml, plotArea, px, svgFrame } from './svg.js';

/** Options of `histogramChart`. */
export interface HistogramChartOptions {
  readonly chart: string;
  readonly title: string;
  /** Bin edges, increasing (bins + 1 values). */
  readonly edges: readonly number[];
  /** Counts drawn as filled bars. */
  readonly bars: {
    readonly name: string;
    readonly color: string;
    readonly counts: readonly number[];
  };
  /** Counts drawn as a step outline over the bars. */
  readonly steps: {
    readonly name: string;
    readonly color: string;
    readonly counts: readonly number[];
  };
  readonly xLabel: string;
  /** A caption line under the title. */
  readonly note?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Bars for `bars`, a step outline for `steps`, on shared bins. */
export function histogramChart(options: HistogramChartOptions): string {
  const width = options.width ?? 300;
  const height = options.height ?? 200;
  const area = plotArea(width, height, { top: 34, right: 10, bottom: 40, left: 46 });
  const edges = options.edges;
  const first = edges[0] ?? 0;
  const last = edges[edges.length - 1] ?? 1;
  const x = scaleLinear()
    .domain([first, last === first ? first + 1 : last])
    .range([area.left, area.right]);
  const top = max([...options.bars.counts, ...options.steps.counts]) ?? 1;
  const y = scaleLinear()
    .domain([0, Math.max(1, top)])
    .range([area.bottom, area.top])
    .nice();
  const body: string[] = [
    bottomAxis(x, area, { label: options.xLabel, ticks: 4, grid: false }),
    leftAxis(y, area, { label: 'weights', ticks: 4 }),
  ];
  const bars = options.bars.counts.map((c, i) => {
    const x0 = x(edges[i] ?? first);
    const x1 = x(edges[i + 1] ?? last);
    return `<rect x="${px(x0)}" y="${px(y(c))}" width="${px(Math.max(0, x1 - x0))}" height="${px(area.bottom - y(c))}"/>`;
  });
  body.push(
    `<g class="series" data-series="${escapeXml(options.bars.name)}" fill="${options.bars.color}">${bars.join('')}</g>`,
  );
  let d = `M${px(x(first))},${px(area.bottom)}`;
  options.steps.counts.forEach((c, i) => {
    d += `V${px(y(c))}H${px(x(edges[i + 1] ?? last))}`;
  });
  d += `V${px(area.bottom)}`;
  body.push(
    `<path class="series" data-series="${escapeXml(options.steps.name)}" d="${d}" fill="none" stroke="${options.steps.color}" stroke-width="1.4"/>`,
  );
  body.push(`<text class="chart-title" x="${area.left}" y="13">${escapeXml(options.title)}</text>`);
  if (options.note !== undefined) {
    body.push(`<text class="chart-note" x="${area.left}" y="26">${escapeXml(options.note)}</text>`);
  }
  return svgFrame({ chart: options.chart, title: options.title, width, height }, body.join(''));
}
