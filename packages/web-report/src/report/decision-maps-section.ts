// Decision maps of the run: which slices exist, one map per (slice, position, variant), captions.

import { decisionMap, type DecisionMap } from '../charts/decision-map.js';
import type { SlicePlane } from '../maps/slice-leaves.js';
import type { DecisionMapSliceJson } from '../schema/maps.js';
import type { Run } from '../schema/parse-run.js';
import { escapeXml } from '../charts/svg.js';
import { dimensionLabel, dimensionSymbol, formatPercent } from './format.js';

/** The dimension names of the run's box (maps.json's, else `dim 0`, `dim 1`, …). */
export function dimensionNames(run: Run): readonly string[] {
  if (run.maps !== null) return run.maps.box.dimensions;
  const n = run.verify.variants[0]?.region.lower.length ?? 0;
  return Array.from({ length: n }, (_, d) => `dim ${d}`);
}

/**
 * The slices of the run: maps.json's, or — for a run without maps — the last two dimensions
 * against each other and the first two, through the centre of the verified region, without grids.
 */
export function mapSlices(run: Run): readonly DecisionMapSliceJson[] {
  if (run.maps !== null) return run.maps.slices;
  const region = run.verify.variants[0]?.region;
  if (region === undefined || region.lower.length < 2) return [];
  const n = region.lower.length;
  const centre = (d: number): number => (region.lower[d]! + region.upper[d]!) / 2;
  const pairs =
    n >= 4
      ? [
          [n - 2, n - 1],
          [0, 1],
        ]
      : [[0, 1]];
  return pairs.map(([x, y]) => {
    const fixed = Array.from({ length: n }, (_, d) => d).filter((d) => d !== x && d !== y);
    return {
      id: `dim${x}-dim${y}`,
      x: x!,
      y: y!,
      fixed,
      resolution: 2,
      positions: [{ values: fixed.map(centre), fp32: [], int8: {} }],
    };
  });
}

/** A slice's plane at one of its positions. */
export function slicePlane(slice: DecisionMapSliceJson, position: number): SlicePlane {
  const values = slice.positions[position]?.values ?? slice.positions[0]!.values;
  return { x: slice.x, y: slice.y, fixed: slice.fixed, values };
}

/** `θ against θ̇ at x = 0, ẋ = 0`. */
export function sliceTitle(names: readonly string[], plane: SlicePlane): string {
  const at = plane.fixed
    .map((d, k) => `${dimensionSymbol(names[d] ?? String(d))} = ${plane.values[k]}`)
    .join(', ');
  return `${dimensionSymbol(names[plane.y] ?? '')} against ${dimensionSymbol(names[plane.x] ?? '')} at ${at}`;
}

/** Options of `variantDecisionMap`. */
export interface VariantDecisionMapOptions {
  readonly slice: DecisionMapSliceJson;
  /** Index into the slice's positions (0: through the box centre). */
  readonly position: number;
  readonly variant: string;
  /** Unique id within the page. */
  readonly id: string;
  readonly size?: number;
  readonly maxLeaves?: number;
}

/** The decision map of one variant at one slice position, and a one-line caption of what it shows. */
export function variantDecisionMap(
  run: Run,
  options: VariantDecisionMapOptions,
): DecisionMap & { readonly caption: string } {
  const names = dimensionNames(run);
  const verification = run.verify.variants.find((v) => v.variant === options.variant);
  const plane = slicePlane(options.slice, options.position);
  const position = options.slice.positions[options.position] ?? options.slice.positions[0]!;
  const hasMaps = run.maps !== null && position.fp32.length > 0;
  const region = verification?.region ?? run.maps?.box ?? { lower: [], upper: [] };
  const map = decisionMap({
    id: options.id,
    title: options.variant,
    box: run.maps?.box ?? region,
    dimensionLabels: names.map(dimensionLabel),
    plane,
    actions: run.maps?.actions ?? ['0', '1'],
    resolution: options.slice.resolution,
    fp32Rows: hasMaps ? position.fp32 : null,
    int8Rows: hasMaps ? (position.int8[options.variant] ?? null) : null,
    region,
    leaves: verification?.leaves ?? [],
    counterexamples: verification?.counterexamples ?? [],
    ...(options.size === undefined ? {} : { size: options.size }),
    ...(options.maxLeaves === undefined ? {} : { maxLeaves: options.maxLeaves }),
  });
  const parts = [
    map.leavesDrawn === map.leavesInSlice
      ? `${map.leavesInSlice} leaves in the slice`
      : `${map.leavesInSlice} leaves in the slice, the ${map.leavesDrawn} largest drawn`,
    `${map.counterexamplesNear} of ${verification?.counterexamples.length ?? 0} counterexamples within 5% of the slice`,
  ];
  if (map.disagreement !== null)
    parts.push(`int8 ≠ FP32 on ${formatPercent(map.disagreement)} of the slice`);
  return { ...map, caption: parts.join(' · ') };
}

/** Every slice of the run at its first position, one map per verified variant. */
export function renderDecisionMaps(run: Run): string {
  const names = dimensionNames(run);
  const slices = mapSlices(run);
  if (slices.length === 0) return '<p class="muted">No verified region to draw.</p>';
  return slices
    .map((slice, s) => {
      const panels = run.verify.variants.map((v, i) => {
        const map = variantDecisionMap(run, {
          slice,
          position: 0,
          variant: v.variant,
          id: `map-${s}-${i}`,
        });
        return `<figure class="map-panel" data-variant="${escapeXml(v.variant)}">${map.svg}<figcaption>${escapeXml(map.caption)}</figcaption></figure>`;
      });
      return `<h3>${escapeXml(sliceTitle(names, slicePlane(slice, 0)))}</h3><div class="map-grid" data-slice="${escapeXml(slice.id)}">${panels.join('')}</div>`;
    })
    .join('');
}
