// Decision maps for the report: the FP32 and each int8 variant's greedy action on grids over 2-D
// slices of the operating box (maps.json), since a report in a browser cannot run the networks.

import { CARTPOLE_OPERATING_BOX, type ObservationBox } from '@quantproof/env';
import {
  createForwardFp32Workspace,
  forwardBatchFp32,
  type Mlp,
  mlpOutputSize,
} from '@quantproof/nn';
import { argmaxFirst, createInt8Executor, type QMlp } from '@quantproof/quant';
import {
  type DecisionMapPositionJson,
  type DecisionMapSliceJson,
  encodeActionRow,
  type MapsJson,
  REPORT_SCHEMA_VERSION,
} from '@quantproof/web-report';
import { weightHistograms } from './weight-histograms.js';

/** A slice to map: the dimensions on the axes (the others are fixed) and where it moves. */
export interface SliceSpec {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  /**
   * Positions besides the centre: each fixed dimension moved alone to each of these offsets, as
   * fractions of the box's half-width from its centre (the other fixed dimensions at the centre).
   */
  readonly offsets: readonly number[];
}

/**
 * CartPole's slices: θ̇ against θ (the decisive pair; also at x = ±1.2 and ẋ = ±2), ẋ against x and
 * θ̇ against ẋ (through the centre). Seven grids in all: the int8 executor's exact arithmetic costs
 * about 15 µs per state, so every grid of 100 × 100 cells and six networks takes about a second.
 */
export const CARTPOLE_SLICES: readonly SliceSpec[] = [
  { id: 'theta-theta_dot', x: 2, y: 3, offsets: [-0.5, 0.5] },
  { id: 'x-x_dot', x: 0, y: 1, offsets: [] },
  { id: 'x_dot-theta_dot', x: 1, y: 3, offsets: [] },
];

/** Options of `decisionMaps`. */
export interface DecisionMapsOptions {
  /** Cells per axis; default 100. */
  readonly resolution?: number;
  /** Default the CartPole operating box. */
  readonly box?: ObservationBox;
  /** Default `CARTPOLE_SLICES`. */
  readonly slices?: readonly SliceSpec[];
  /** Action names; default CartPole's `push left`, `push right`. */
  readonly actions?: readonly string[];
}

/** An int8 variant to map. */
export interface MappedVariant {
  readonly name: string;
  readonly model: QMlp;
}

/** The centre (all zero), then each of `k` dimensions moved alone to each offset. */
function positionOffsets(offsets: readonly number[], k: number): number[][] {
  const out: number[][] = [new Array<number>(k).fill(0)];
  for (let d = 0; d < k; d++) {
    for (const o of offsets) out.push(Array.from({ length: k }, (_, i) => (i === d ? o : 0)));
  }
  return out;
}

/**
 * The greedy action grids of `fp32` and every int8 variant on each slice and position, and the
 * weight histograms: the contents of maps.json. Each cell holds the action at its centre, as
 * float32, with FP32 in `forwardFp32` semantics and int8 in the executor bit-identical to
 * onnxruntime-node (first index on ties).
 */
export function decisionMaps(
  fp32: Mlp,
  variants: readonly MappedVariant[],
  options: DecisionMapsOptions = {},
): MapsJson {
  const n = options.resolution ?? 100;
  const box = options.box ?? CARTPOLE_OPERATING_BOX;
  const dims = box.lower.length;
  const outputs = mlpOutputSize(fp32);
  const executors = variants.map((v) => ({ name: v.name, executor: createInt8Executor(v.model) }));
  const workspace = createForwardFp32Workspace(fp32);
  const states = new Float32Array(n * n * dims);
  const fp32Logits = new Float32Array(n * n * outputs);
  const int8Logits = new Float32Array(n * n * outputs);
  const rowsOf = (action: (cell: number) => number): string[] => {
    const rows: string[] = [];
    const row = new Uint8Array(n);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) row[c] = action(r * n + c);
      rows.push(encodeActionRow(row));
    }
    return rows;
  };
  const slices: DecisionMapSliceJson[] = (options.slices ?? CARTPOLE_SLICES).map((spec) => {
    const fixed = Array.from({ length: dims }, (_, d) => d).filter(
      (d) => d !== spec.x && d !== spec.y,
    );
    const centre = (d: number): number => (box.lower[d]! + box.upper[d]!) / 2;
    const half = (d: number): number => (box.upper[d]! - box.lower[d]!) / 2;
    const positions: DecisionMapPositionJson[] = positionOffsets(spec.offsets, fixed.length).map(
      (combo) => {
        const values = fixed.map((d, k) => centre(d) + combo[k]! * half(d));
        for (let r = 0; r < n; r++) {
          for (let c = 0; c < n; c++) {
            const s = (r * n + c) * dims;
            fixed.forEach((d, k) => (states[s + d] = values[k]!));
            states[s + spec.x] =
              box.lower[spec.x]! + ((c + 0.5) / n) * (box.upper[spec.x]! - box.lower[spec.x]!);
            states[s + spec.y] =
              box.lower[spec.y]! + ((r + 0.5) / n) * (box.upper[spec.y]! - box.lower[spec.y]!);
          }
        }
        forwardBatchFp32(fp32, states, n * n, { workspace, out: fp32Logits });
        const fp32Rows = rowsOf((cell) =>
          argmaxFirst(fp32Logits.subarray(cell * outputs, (cell + 1) * outputs)),
        );
        const int8: Record<string, string[]> = {};
        for (const { name, executor } of executors) {
          executor.forwardBatch(states, int8Logits);
          int8[name] = rowsOf((cell) =>
            argmaxFirst(int8Logits.subarray(cell * outputs, (cell + 1) * outputs)),
          );
        }
        return { values, fp32: fp32Rows, int8 };
      },
    );
    return { id: spec.id, x: spec.x, y: spec.y, fixed, resolution: n, positions };
  });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    box: { dimensions: [...box.dimensions], lower: [...box.lower], upper: [...box.upper] },
    actions: [...(options.actions ?? ['push left', 'push right'])],
    slices,
    histograms: weightHistograms(fp32, variants),
  };
}
