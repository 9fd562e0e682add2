// The quantisation cells of the int8 network's input: per input dimension, the float32 values that
// QuantizeLinear maps to each integer. Their faces are found exactly by searching float32 values
// with quant's `quantizeLinear` (the semantics owner), so the encoding is exact on float32 inputs.
import { quantizeLinear, type TensorQuant } from '@quantproof/quant';
import { firstFloat32AtLeast } from '@quantproof/interval';
import { nextFloat32 } from './rational.js';

/** The quantised values one input dimension takes over [lower, upper] and the cell faces. */
export interface InputCells {
  /** Float32 bounds of the dimension inside the box (inward-rounded). */
  readonly lower: number;
  readonly upper: number;
  /** quantizeLinear(lower) and quantizeLinear(upper): the range of q. */
  readonly qLow: number;
  readonly qHigh: number;
  /**
   * For q = qLow + 1 … qHigh: `firstAt[q − qLow − 1]` is the smallest float32 x in the box with
   * quantizeLinear(x) ≥ q. The cell of q is [firstAt(q), pred(firstAt(q + 1))] ∩ box.
   */
  readonly firstAt: readonly number[];
}

function q(x: number, t: TensorQuant): number {
  return quantizeLinear(x, t.scale, t.zeroPoint, t.elementType);
}

export { firstFloat32AtLeast };

/** The cells of one dimension over float32 values in [lower, upper] (both float32). */
export function inputCells(lower: number, upper: number, quant: TensorQuant): InputCells {
  const qOf = (x: number): number => q(x, quant);
  const qLow = qOf(lower);
  const qHigh = qOf(upper);
  const firstAt: number[] = [];
  let from = lower;
  for (let k = qLow + 1; k <= qHigh; k++) {
    from = firstFloat32AtLeast(qOf, from, upper, k);
    firstAt.push(from);
  }
  return { lower, upper, qLow, qHigh, firstAt };
}

/** The float32 interval [lo, hi] of dimension cell `qv` inside the box. */
export function cellInterval(cells: InputCells, qv: number): { lo: number; hi: number } {
  const lo = qv === cells.qLow ? cells.lower : cells.firstAt[qv - cells.qLow - 1]!;
  const hi = qv === cells.qHigh ? cells.upper : nextFloat32(cells.firstAt[qv - cells.qLow]!, false);
  return { lo, hi };
}
