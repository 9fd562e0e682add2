import { NnShapeError } from './errors.js';

/**
 * Where a loss puts its gradient: it *adds* `scale · d(loss)/d(input)` to `gradient` (same layout
 * as the input), so several terms (policy loss, entropy bonus) can share one buffer. Zero the
 * buffer yourself before the first term. `scale` defaults to 1.
 */
export interface GradientSink {
  readonly gradient: Float64Array;
  readonly scale?: number;
}

/** Checks that `sink` can hold `size` gradient entries; returns its scale. */
export function sinkScale(sink: GradientSink, size: number): number {
  if (sink.gradient.length < size) {
    throw new NnShapeError(
      `the gradient buffer holds ${sink.gradient.length} values; this loss needs ${size}`,
    );
  }
  return sink.scale ?? 1;
}

/** Checks a batch of `n` rows of `k` values against the length of `values`. */
export function checkRows(name: string, values: ArrayLike<number>, n: number, k: number): void {
  if (!(Number.isSafeInteger(n) && n >= 0 && Number.isSafeInteger(k) && k > 0)) {
    throw new NnShapeError(
      `${name}: n must be a non-negative integer and k positive; got ${n}, ${k}`,
    );
  }
  if (values.length < n * k) {
    throw new NnShapeError(`${name}: ${n} rows of ${k} need ${n * k} values; got ${values.length}`);
  }
}

/** Reads the class index for row `s`, checking that it is an integer in [0, k). */
export function classIndex(name: string, classes: ArrayLike<number>, s: number, k: number): number {
  const index = classes[s];
  if (index === undefined || !Number.isInteger(index) || index < 0 || index >= k) {
    throw new NnShapeError(
      `${name}: row ${s} has class ${index}, which is not an integer in [0, ${k})`,
    );
  }
  return index;
}
