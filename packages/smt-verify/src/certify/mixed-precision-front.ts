// Certified mixed precision: the smallest per-layer weight bit widths (2..8) whose certified δ*
// meets a target, found by a greedy descent in which every candidate is certified by
// `verifyRegion`, and the Pareto front (weight size against certified δ* and the
// disagreeing-volume bracket) of every model certified on the way.
import type { Mlp } from '@quantproof/nn';
import {
  type CalibrationRanges,
  type QuantizeStaticOptions,
  quantizeStaticWithRanges,
} from '@quantproof/quant';
import type { InputBox } from '../box.js';
import { SmtVerifyOptionsError } from '../errors.js';
import { type RegionOptions, verifyRegion } from '../region/verify-region.js';
import { type CertifiedNumbers, certifiedNumbers, flipMarginUpper } from './certified-numbers.js';

/** Options of `certifyMixedPrecision`. */
export interface CertifiedMixedPrecisionOptions {
  /** The δ* every chosen model must be certified to meet (upper end ≤ target). */
  readonly targetDelta: number;
  readonly ranges: CalibrationRanges;
  /** The static scheme; its `weightBits` is what the search sets. */
  readonly scheme?: QuantizeStaticOptions;
  /** Lowest bit width tried, 2..8. Default 2. */
  readonly minBits?: number;
  /** Options of each model's `verifyRegion`. */
  readonly verify?: RegionOptions;
  readonly onModel?: (point: PrecisionPoint) => void;
}

/** One certified model: its bit widths, weight size and certified numbers. */
export interface PrecisionPoint {
  readonly bits: readonly number[];
  /** Σ weight count · bits (int32 biases excluded), as quant's mixed-precision search counts it. */
  readonly sizeBits: number;
  readonly numbers: CertifiedNumbers;
  /** Whether its certified δ* upper end is ≤ the target. */
  readonly meetsTarget: boolean;
}

/** What `certifyMixedPrecision` returns. */
export interface CertifiedMixedPrecisionResult {
  readonly targetDelta: number;
  /** The smallest model found that meets the target, or null when 8 bits everywhere does not. */
  readonly chosen: PrecisionPoint | null;
  /** Every model certified, in the order certified. */
  readonly points: readonly PrecisionPoint[];
  /**
   * The Pareto front of `points`: no other point is at most as large with a δ* upper end at most
   * as large and a disagreement upper end at most as large, one of them strictly; by size.
   */
  readonly front: readonly PrecisionPoint[];
}

/** Whether `a` dominates `b` (size, δ* upper end, disagreement upper end: all ≤, one <). */
function dominates(a: PrecisionPoint, b: PrecisionPoint): boolean {
  const ka = [a.sizeBits, flipMarginUpper(a.numbers), a.numbers.disagreement.upper];
  const kb = [b.sizeBits, flipMarginUpper(b.numbers), b.numbers.disagreement.upper];
  return ka.every((v, i) => v <= kb[i]!) && ka.some((v, i) => v < kb[i]!);
}

/**
 * Greedy certified descent: from 8 bits everywhere, each round certifies every single-layer
 * one-bit reduction and keeps the one with the smallest certified δ* upper end (ties: the smaller
 * size, then the lower layer) among those meeting the target; it stops when none does. The
 * result meets the target and no single one-bit reduction of it is certified to (a local minimum).
 */
export async function certifyMixedPrecision(
  fp32: Mlp,
  box: InputBox,
  options: CertifiedMixedPrecisionOptions,
): Promise<CertifiedMixedPrecisionResult> {
  const target = options.targetDelta;
  if (!(target >= 0) || !Number.isFinite(target)) {
    throw new SmtVerifyOptionsError(`targetDelta must be a finite number ≥ 0; got ${target}`);
  }
  const minBits = options.minBits ?? 2;
  if (!Number.isInteger(minBits) || minBits < 2 || minBits > 8) {
    throw new SmtVerifyOptionsError(`minBits must be an integer in 2..8; got ${minBits}`);
  }
  const points: PrecisionPoint[] = [];
  const seen = new Map<string, PrecisionPoint>();
  const certify = async (bits: readonly number[]): Promise<PrecisionPoint> => {
    const known = seen.get(bits.join());
    if (known !== undefined) return known;
    const model = quantizeStaticWithRanges(fp32, options.ranges, {
      ...options.scheme,
      weightBits: bits,
    }).model;
    const numbers = certifiedNumbers(await verifyRegion(fp32, model, box, options.verify));
    let sizeBits = 0;
    fp32.layers.forEach((layer, l) => (sizeBits += layer.weight.length * bits[l]!));
    const point = { bits, sizeBits, numbers, meetsTarget: flipMarginUpper(numbers) <= target };
    points.push(point);
    seen.set(bits.join(), point);
    options.onModel?.(point);
    return point;
  };
  let current = await certify(fp32.layers.map(() => 8));
  let chosen: PrecisionPoint | null = current.meetsTarget ? current : null;
  while (chosen !== null) {
    let next: PrecisionPoint | null = null;
    for (let l = 0; l < fp32.layers.length; l++) {
      if (current.bits[l]! <= minBits) continue;
      const candidate = await certify(current.bits.map((b, k) => (k === l ? b - 1 : b)));
      if (!candidate.meetsTarget) continue;
      const better =
        next === null ||
        flipMarginUpper(candidate.numbers) < flipMarginUpper(next.numbers) ||
        (flipMarginUpper(candidate.numbers) === flipMarginUpper(next.numbers) &&
          candidate.sizeBits < next.sizeBits);
      if (better) next = candidate;
    }
    if (next === null) break;
    current = next;
    chosen = next;
  }
  return { targetDelta: target, chosen, points, front: paretoFront(points) };
}

/**
 * The Pareto front of certified models: those no other model dominates in weight size, δ*'s
 * certified upper end and the disagreeing share's certified upper end at once; by size.
 */
export function paretoFront(points: readonly PrecisionPoint[]): PrecisionPoint[] {
  return points
    .filter((p) => !points.some((q) => q !== p && dominates(q, p)))
    .sort((a, b) => a.sizeBits - b.sizeBits);
}

/**
 * Certifies the given bit-width assignments (e.g. a uniform sweep) over `box` and returns every
 * point with their Pareto front: the bounded-cost form of `certifyMixedPrecision`.
 */
export async function certifyBitWidths(
  fp32: Mlp,
  box: InputBox,
  assignments: readonly (readonly number[])[],
  options: Omit<CertifiedMixedPrecisionOptions, 'minBits'>,
): Promise<CertifiedMixedPrecisionResult> {
  const points: PrecisionPoint[] = [];
  for (const bits of assignments) {
    const model = quantizeStaticWithRanges(fp32, options.ranges, {
      ...options.scheme,
      weightBits: bits,
    }).model;
    const numbers = certifiedNumbers(await verifyRegion(fp32, model, box, options.verify));
    let sizeBits = 0;
    fp32.layers.forEach((layer, l) => (sizeBits += layer.weight.length * bits[l]!));
    const point = {
      bits,
      sizeBits,
      numbers,
      meetsTarget: flipMarginUpper(numbers) <= options.targetDelta,
    };
    points.push(point);
    options.onModel?.(point);
  }
  const meeting = points.filter((p) => p.meetsTarget).sort((a, b) => a.sizeBits - b.sizeBits);
  return {
    targetDelta: options.targetDelta,
    chosen: meeting[0] ?? null,
    points,
    front: paretoFront(points),
  };
}
