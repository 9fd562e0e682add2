// maps.json: decision maps (FP32 and int8 actions on 2-D slices of the operating box) and weight
// histograms, computed by the cli from the networks because a report cannot run them.

import { z } from 'zod';
import { decodeActionRow } from '../maps/action-rows.js';
import { count, finite, schemaVersionSchema, type ReportSchemaVersion } from './common.js';

/** The actions of one slice position: FP32's and each int8 variant's, as encoded rows. */
export interface DecisionMapPositionJson {
  /** The values of the slice's `fixed` dimensions at this position, in the same order. */
  readonly values: readonly number[];
  /**
   * FP32 action per cell: `resolution` rows of run-length encoded actions (`encodeActionRow`),
   * row 0 at the lower end of the y axis, cell 0 of a row at the lower end of the x axis. Each
   * cell holds the action at its centre, evaluated on the float32-rounded state.
   */
  readonly fp32: readonly string[];
  /** Each int8 variant's actions, same layout, from the executor bit-identical to onnxruntime. */
  readonly int8: Readonly<Record<string, readonly string[]>>;
}

/** A 2-D slice of the box: two dimensions on the axes, the others fixed at each position's values. */
export interface DecisionMapSliceJson {
  /** Stable name, e.g. `theta-theta_dot`. */
  readonly id: string;
  /** Dimension index on the horizontal axis. */
  readonly x: number;
  /** Dimension index on the vertical axis. */
  readonly y: number;
  /** The other dimensions, held at each position's `values`. */
  readonly fixed: readonly number[];
  /** Cells per axis. */
  readonly resolution: number;
  /** The positions computed; the first is the slice through the box centre. */
  readonly positions: readonly DecisionMapPositionJson[];
}

/** Histogram of one layer's weights: FP32 and the int8 weights dequantised, on the same bins. */
export interface LayerHistogramJson {
  readonly layer: number;
  /** Bin edges (bins + 1 values, increasing); a value equal to the last edge counts in the last bin. */
  readonly edges: readonly number[];
  /** FP32 weights of the reference network per bin. */
  readonly fp32: readonly number[];
  /** Dequantised int8 weights (`(q − zeroPoint) · scale`) per bin. */
  readonly int8: readonly number[];
  /** Weight bit width. */
  readonly bits: number;
  /** How many distinct integer weight values the layer uses, of `2^bits`. */
  readonly levelsUsed: number;
}

/** The weight histograms of one int8 variant. */
export interface WeightHistogramsJson {
  readonly variant: string;
  readonly layers: readonly LayerHistogramJson[];
}

/** The contents of maps.json. */
export interface MapsJson {
  readonly schemaVersion: ReportSchemaVersion;
  /** The box the slices cut (the operating box), with the dimension names. */
  readonly box: {
    readonly dimensions: readonly string[];
    readonly lower: readonly number[];
    readonly upper: readonly number[];
  };
  /** Action names by index, e.g. `push left`, `push right`. */
  readonly actions: readonly string[];
  readonly slices: readonly DecisionMapSliceJson[];
  readonly histograms: readonly WeightHistogramsJson[];
}

const rowsSchema = z.array(z.string());

const sliceSchema = z
  .object({
    id: z.string().min(1),
    x: count,
    y: count,
    fixed: z.array(count),
    resolution: z.number().int().min(2).max(1024),
    positions: z
      .array(
        z.object({
          values: z.array(finite),
          fp32: rowsSchema,
          int8: z.record(z.string(), rowsSchema),
        }),
      )
      .min(1),
  })
  .superRefine((slice, ctx) => {
    const check = (rows: readonly string[], path: (string | number)[]): void => {
      if (rows.length !== slice.resolution) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `expected ${slice.resolution} rows (the resolution), got ${rows.length}`,
        });
        return;
      }
      rows.forEach((row, r) => {
        try {
          decodeActionRow(row, slice.resolution);
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: [...path, r], message: (error as Error).message });
        }
      });
    };
    slice.positions.forEach((p, i) => {
      if (p.values.length !== slice.fixed.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['positions', i, 'values'],
          message: `expected one value per fixed dimension (${slice.fixed.length})`,
        });
      }
      check(p.fp32, ['positions', i, 'fp32']);
      for (const [name, rows] of Object.entries(p.int8))
        check(rows, ['positions', i, 'int8', name]);
    });
  });

/** Schema of maps.json. */
export const mapsJsonSchema: z.ZodType<MapsJson> = z.object({
  schemaVersion: schemaVersionSchema,
  box: z.object({
    dimensions: z.array(z.string()).min(2),
    lower: z.array(finite),
    upper: z.array(finite),
  }),
  actions: z.array(z.string()).min(2),
  slices: z.array(sliceSchema),
  histograms: z.array(
    z.object({
      variant: z.string().min(1),
      layers: z.array(
        z.object({
          layer: count,
          edges: z.array(finite).min(2),
          fp32: z.array(count),
          int8: z.array(count),
          bits: z.number().int().min(1).max(8),
          levelsUsed: count,
        }),
      ),
    }),
  ),
});
