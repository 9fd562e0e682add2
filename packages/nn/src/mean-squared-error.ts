import { NnShapeError } from './errors.js';
import { type GradientSink, sinkScale } from './gradient-sink.js';

/**
 * `mean_i (predictions[i] - targets[i])²` over the first `count` entries (PyTorch's `mse_loss`);
 * with a `sink`, adds `scale · 2 (predictions[i] - targets[i]) / count`.
 */
export function meanSquaredError(
  predictions: Float32Array | Float64Array,
  targets: ArrayLike<number>,
  count: number,
  sink?: GradientSink,
): number {
  if (!(Number.isSafeInteger(count) && count >= 0)) {
    throw new NnShapeError(`meanSquaredError: count must be a non-negative integer; got ${count}`);
  }
  if (predictions.length < count || targets.length < count) {
    throw new NnShapeError(
      `meanSquaredError: ${count} entries needed; predictions have ${predictions.length}, targets ${targets.length}`,
    );
  }
  if (count === 0) return 0;
  const scale = sink === undefined ? 0 : (2 * sinkScale(sink, count)) / count;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const difference = predictions[i]! - targets[i]!;
    total += difference * difference;
    if (sink !== undefined) sink.gradient[i] = sink.gradient[i]! + scale * difference;
  }
  return total / count;
}
