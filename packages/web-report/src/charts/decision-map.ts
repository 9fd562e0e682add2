// A decision map: one 2-D slice of the box with the FP32 decision boundary, an int8 variant's
// boundary, the cells where they disagree, the verified leaves the slice cuts (coloured by
// status: agree, disagree, mixed, open) and the counterexamples near the slice. Boundaries are d3-contour isolines of the
// action grids computed by the cli (maps.json).

import { contours } from 'd3-contour';
import { scaleLinear } from 'd3-scale';
import { decodeActionGrid } from '../maps/action-rows.js';
import { nearSlice, type SlicePlane, sliceLeaves } from '../maps/slice-leaves.js';
import type { BoxJson } from '../schema/common.js';
import type { CounterexampleJson, LeafJson } from '../schema/verify.js';
import { bottomAxis, leftAxis } from './axes.js';
import {
  DISAGREEMENT_COLOR,
  FP32_COLOR,
  INT8_COLOR,
  LEAF_STATUS_COLORS,
  MIXED_HATCH_COLOR,
} from './palette.js';
import { escapeXml, plotArea, px, svgFrame } from './svg.js';

/** Default cap on the leaves one map draws (the largest in the slice are kept). */
export const DEFAULT_MAX_LEAVES = 2000;

/** Options of `decisionMap`. */
export interface DecisionMapOptions {
  /** Unique within the page: prefixes the clip path id. */
  readonly id: string;
  /** Title drawn above the plot (the variant's name). */
  readonly title: string;
  /** The box whose slice is drawn (the axes span it). */
  readonly box: BoxJson;
  /** Axis labels per dimension (see `dimensionLabel`). */
  readonly dimensionLabels: readonly string[];
  readonly plane: SlicePlane;
  /** Action names by index. */
  readonly actions: readonly string[];
  /** Grid cells per axis of the action rows. */
  readonly resolution: number;
  /** FP32 actions (maps.json rows) or null when the run has no maps. */
  readonly fp32Rows: readonly string[] | null;
  /** The int8 variant's actions, or null. */
  readonly int8Rows: readonly string[] | null;
  /** The verification region (leaves are sliced half-open against its upper faces). */
  readonly region: BoxJson;
  readonly leaves: readonly LeafJson[];
  readonly counterexamples: readonly CounterexampleJson[];
  /** Default `DEFAULT_MAX_LEAVES`. */
  readonly maxLeaves?: number;
  /** Default 300 (square). */
  readonly size?: number;
}

/** The map and what it shows, for captions. */
export interface DecisionMap {
  readonly svg: string;
  readonly leavesDrawn: number;
  readonly leavesInSlice: number;
  readonly counterexamplesNear: number;
  /** Fraction of grid cells where the int8 action differs from FP32's; null without maps. */
  readonly disagreement: number | null;
}

/** Pads a grid by one cell on every side, repeating the edge cells (keeps isolines off the frame). */
function padded(grid: ArrayLike<number>, n: number): number[] {
  const m = n + 2;
  const out = new Array<number>(m * m);
  for (let r = 0; r < m; r++) {
    const rr = Math.min(n - 1, Math.max(0, r - 1));
    for (let c = 0; c < m; c++) {
      const cc = Math.min(n - 1, Math.max(0, c - 1));
      out[r * m + c] = grid[rr * n + cc]!;
    }
  }
  return out;
}

/** The hatch that fills mixed leaves: amber with red stripes (both decisions occur in them). */
export function mixedHatch(id: string): string {
  return `<pattern id="${escapeXml(id)}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${LEAF_STATUS_COLORS.mixed}"/><line x1="0" y1="0" x2="0" y2="6" stroke="${MIXED_HATCH_COLOR}" stroke-width="1.6" stroke-opacity="0.55"/></pattern>`;
}

/** SVG path data of the isolines of `grid` at the given thresholds, through `toX`/`toY`. */
function isolinePath(
  grid: ArrayLike<number>,
  n: number,
  thresholds: readonly number[],
  toX: (c: number) => number,
  toY: (c: number) => number,
): string {
  const generator = contours()
    .size([n + 2, n + 2])
    .thresholds([...thresholds]);
  let d = '';
  for (const multi of generator(padded(grid, n))) {
    for (const polygon of multi.coordinates) {
      for (const ring of polygon) {
        d += `M${ring.map((p) => `${px(toX(p[0]!))},${px(toY(p[1]!))}`).join('L')}Z`;
      }
    }
  }
  return d;
}

/** The decision map of one int8 variant on one slice. */
export function decisionMap(options: DecisionMapOptions): DecisionMap {
  const size = options.size ?? 300;
  const area = plotArea(size, size, { top: 26, right: 10, bottom: 40, left: 48 });
  const { x: dx, y: dy } = options.plane;
  const xScale = scaleLinear()
    .domain([options.box.lower[dx]!, options.box.upper[dx]!])
    .range([area.left, area.right]);
  const yScale = scaleLinear()
    .domain([options.box.lower[dy]!, options.box.upper[dy]!])
    .range([area.bottom, area.top]);
  const n = options.resolution;
  // Contour coordinate c of the padded grid covers cell c − 1 of the map: [c − 1, c] / n of the box.
  const toX = (c: number): number => area.left + ((c - 1) / n) * (area.right - area.left);
  const toY = (c: number): number => area.bottom - ((c - 1) / n) * (area.bottom - area.top);
  const clip = `${options.id}-clip`;
  const hatch = `${options.id}-mixed`;
  const body: string[] = [
    `<defs>${mixedHatch(hatch)}</defs>`,
    `<clipPath id="${escapeXml(clip)}"><rect x="${px(area.left)}" y="${px(area.top)}" width="${px(area.right - area.left)}" height="${px(area.bottom - area.top)}"/></clipPath>`,
    `<rect class="plot-bg" x="${px(area.left)}" y="${px(area.top)}" width="${px(area.right - area.left)}" height="${px(area.bottom - area.top)}" fill="#fafafa"/>`,
  ];
  const layers: string[] = [];

  const sliced = sliceLeaves(
    options.leaves,
    options.region,
    options.plane,
    options.maxLeaves ?? DEFAULT_MAX_LEAVES,
  );
  const rects = sliced.leaves.map(({ index, leaf }) => {
    const x0 = xScale(leaf.lower[dx]!);
    const x1 = xScale(leaf.upper[dx]!);
    const y0 = yScale(leaf.upper[dy]!);
    const y1 = yScale(leaf.lower[dy]!);
    const bounds = leaf.lower
      .map(
        (lo, d) =>
          `${options.dimensionLabels[d] ?? d} ∈ [${lo.toPrecision(3)}, ${leaf.upper[d]!.toPrecision(3)}]`,
      )
      .join('\n');
    const fill =
      leaf.status === 'mixed' ? `url(#${escapeXml(hatch)})` : LEAF_STATUS_COLORS[leaf.status];
    return `<rect data-leaf="${index}" data-status="${leaf.status}" x="${px(x0)}" y="${px(y0)}" width="${px(x1 - x0)}" height="${px(y1 - y0)}" fill="${fill}"><title>${escapeXml(`leaf ${index}: ${leaf.status} (${leaf.by})\n${bounds}`)}</title></rect>`;
  });
  layers.push(`<g class="leaves" stroke="#ffffff" stroke-width="0.6">${rects.join('')}</g>`);

  let disagreement: number | null = null;
  if (options.fp32Rows !== null) {
    const fp32 = decodeActionGrid(options.fp32Rows, n);
    const thresholds = options.actions.slice(1).map((_, a) => a + 0.5);
    if (options.int8Rows !== null) {
      const int8 = decodeActionGrid(options.int8Rows, n);
      const differs = fp32.map((a, i) => (a === int8[i] ? 0 : 1));
      disagreement = differs.reduce((s, v) => s + v, 0) / differs.length;
      if (disagreement > 0) {
        layers.push(
          `<path class="disagreement" d="${isolinePath(differs, n, [0.5], toX, toY)}" fill="${DISAGREEMENT_COLOR}" fill-opacity="0.75" fill-rule="evenodd"/>`,
        );
      }
      layers.push(
        `<path class="boundary-int8" d="${isolinePath(int8, n, thresholds, toX, toY)}" fill="none" stroke="${INT8_COLOR}" stroke-width="1.8" stroke-dasharray="5 3"/>`,
      );
    }
    layers.push(
      `<path class="boundary-fp32" d="${isolinePath(fp32, n, thresholds, toX, toY)}" fill="none" stroke="${FP32_COLOR}" stroke-width="1.6"/>`,
    );
    // Name each FP32 action region at the centre of its cells.
    options.actions.forEach((name, a) => {
      let count = 0;
      let sx = 0;
      let sy = 0;
      fp32.forEach((v, i) => {
        if (v !== a) return;
        count++;
        sx += (i % n) + 0.5;
        sy += Math.floor(i / n) + 0.5;
      });
      if (count < 0.03 * n * n) return;
      layers.push(
        `<text class="action-label" x="${px(toX(sx / count + 1))}" y="${px(toY(sy / count + 1))}" text-anchor="middle" dy="0.32em">${escapeXml(name)}</text>`,
      );
    });
  }

  let near = 0;
  const marks = options.counterexamples.map((c, i) => {
    const isNear = nearSlice(c, options.region, options.plane);
    if (isNear) near++;
    const cx = px(xScale(c.input[dx]!));
    const cy = px(yScale(c.input[dy]!));
    const state = c.input
      .map((v, d) => `${options.dimensionLabels[d] ?? d} ${v.toPrecision(4)}`)
      .join(', ');
    return `<g class="counterexample${isNear ? ' near' : ''}" data-counterexample="${i}" transform="translate(${cx},${cy})"><title>${escapeXml(`counterexample ${i + 1}: ${state}`)}</title><path d="M-3.5,-3.5L3.5,3.5M-3.5,3.5L3.5,-3.5"/></g>`;
  });
  layers.push(`<g class="counterexamples">${marks.join('')}</g>`);

  body.push(`<g clip-path="url(#${escapeXml(clip)})">${layers.join('')}</g>`);
  body.push(
    `<rect class="plot-frame" x="${px(area.left)}" y="${px(area.top)}" width="${px(area.right - area.left)}" height="${px(area.bottom - area.top)}" fill="none"/>`,
    bottomAxis(xScale, area, {
      label: options.dimensionLabels[dx] ?? `dim ${dx}`,
      ticks: 5,
      grid: false,
    }),
    leftAxis(yScale, area, {
      label: options.dimensionLabels[dy] ?? `dim ${dy}`,
      ticks: 5,
      grid: false,
    }),
    `<text class="chart-title" x="${px(area.left)}" y="16">${escapeXml(options.title)}</text>`,
  );
  const fixed = options.plane.fixed
    .map((d, k) => `${options.dimensionLabels[d] ?? d} = ${options.plane.values[k]}`)
    .join(', ');
  const svg = svgFrame(
    {
      chart: 'decision-map',
      title: `${options.title}: decisions on the slice ${fixed}`,
      description:
        'FP32 decision boundary (solid), int8 boundary (dashed), cells where they disagree (red), verified leaves coloured by status (agree green, disagree red, mixed hatched amber, open grey), counterexamples (crosses).',
      width: size,
      height: size,
      className: 'decision-map',
    },
    body.join(''),
  );
  return {
    svg,
    leavesDrawn: sliced.leaves.length,
    leavesInSlice: sliced.total,
    counterexamplesNear: near,
    disagreement,
  };
}
