import { elementTypeRange, type IntRange, type QuantElementType } from '../element-type.js';
import { QuantOptionsError } from '../errors.js';
import { roundHalfEven } from '../round-half-even.js';

/** The smallest normal float32, numpy's `finfo(float32).tiny`. */
const FLOAT32_TINY = 2 ** -126;

/** How a tensor's integer range is chosen (onnxruntime's `get_qmin_qmax_for_qType`, extended with `bits`). */
export interface RangeSpec {
  /** Symmetric ranges: int8 [-127, 127], uint8 [0, 254]. */
  readonly symmetric: boolean;
  /** The 7-bit ranges: int8 [-64, 64], uint8 [0, 127] (takes precedence over `symmetric`). */
  readonly reduceRange: boolean;
  /**
   * Bit width 2..8. Below 8 only symmetric int8 is allowed and the range is
   * `[-(2^(bits-1) - 1), 2^(bits-1) - 1]`, stored in int8 containers (mixed precision).
   */
  readonly bits: number;
}

/**
 * The integer range `[qmin, qmax]` that a scale is computed for, as onnxruntime's Python
 * quantiser chooses it (`quant_utils.py` `get_qmin_qmax_for_qType`): reduced range first, then the
 * symmetric range, else the full element type. `bits < 8` gives the mixed-precision range.
 */
export function quantizationRange(type: QuantElementType, spec: RangeSpec): IntRange {
  const { bits, symmetric, reduceRange } = spec;
  if (!Number.isInteger(bits) || bits < 2 || bits > 8) {
    throw new QuantOptionsError(`weight bit width must be an integer in 2..8; got ${bits}`);
  }
  if (bits < 8) {
    if (type !== 'int8' || !symmetric || reduceRange) {
      throw new QuantOptionsError(
        `a ${bits}-bit range needs symmetric int8 without reduceRange (got ${type}, ` +
          `symmetric=${symmetric}, reduceRange=${reduceRange}); use int8 symmetric weights`,
      );
    }
    const qmax = 2 ** (bits - 1) - 1;
    return { qmin: -qmax, qmax };
  }
  if (reduceRange) return type === 'int8' ? { qmin: -64, qmax: 64 } : { qmin: 0, qmax: 127 };
  if (symmetric) return type === 'int8' ? { qmin: -127, qmax: 127 } : { qmin: 0, qmax: 254 };
  return elementTypeRange(type);
}

/** A float32 scale and an integer zero point. */
export interface ScaleZeroPoint {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** compute_scale_zp's widened range (0 included; ±absmax when symmetric) and float64 scale. */
function widenedRange(
  rmin: number,
  rmax: number,
  range: IntRange,
  symmetric: boolean,
): { lo: number; scale64: number } {
  let lo = Math.min(Math.fround(rmin), 0);
  let hi = Math.max(Math.fround(rmax), 0);
  if (symmetric) {
    const absmax = Math.max(Math.abs(lo), Math.abs(hi));
    lo = -absmax;
    hi = absmax;
  }
  return { lo, scale64: Math.fround(hi - lo) / (range.qmax - range.qmin) };
}

/**
 * Whether `computeScaleZeroPoint` falls back to `(1, 0)` for this range (its float64 scale is
 * below 2^-126: the range is empty). `rmin`/`rmax` must be finite.
 */
export function isDegenerateRange(
  rmin: number,
  rmax: number,
  range: IntRange,
  symmetric: boolean,
): boolean {
  return widenedRange(rmin, rmax, range, symmetric).scale64 < FLOAT32_TINY;
}

/**
 * onnxruntime's Python `compute_scale_zp` (`quant_utils.py`) for float32 data ranges:
 * widen `[rmin, rmax]` to include 0; if `symmetric`, use `[-absmax, absmax]`; `dr = fl32(rmax - rmin)`
 * (a float32 subtraction), `scale = dr / (qmax - qmin)` in float64; if `scale < 2^-126` the result
 * is `scale = 1, zp = 0`; else `zp = RNE((qmin + qmax) / 2)` when symmetric,
 * `zp = RNE(qmin - rmin / scale)` (float64) otherwise; finally the scale is cast to float32.
 * `rmin`/`rmax` are rounded to float32 first; they must be finite.
 */
export function computeScaleZeroPoint(
  rmin: number,
  rmax: number,
  range: IntRange,
  symmetric: boolean,
): ScaleZeroPoint {
  const { qmin, qmax } = range;
  if (qmin > 0 || qmax < 0 || qmin >= qmax) {
    throw new QuantOptionsError(
      `a quantisation range needs qmin <= 0 <= qmax; got [${qmin}, ${qmax}]`,
    );
  }
  if (!Number.isFinite(rmin) || !Number.isFinite(rmax)) {
    throw new QuantOptionsError(`a data range must be finite; got [${rmin}, ${rmax}]`);
  }
  const { lo, scale64 } = widenedRange(rmin, rmax, range, symmetric);
  if (scale64 < FLOAT32_TINY) return { scale: 1, zeroPoint: 0 };
  const zeroPoint = symmetric
    ? roundHalfEven((qmin + qmax) / 2)
    : roundHalfEven(qmin - lo / scale64);
  const scale = Math.fround(scale64);
  if (!Number.isFinite(scale)) {
    throw new QuantOptionsError(
      `the range [${rmin}, ${rmax}] is too wide for a float32 scale; rescale the data`,
    );
  }
  return { scale, zeroPoint };
}
