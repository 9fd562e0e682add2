/**
 * The decision rule shared by the executor, the bounds and the encodings: the index of the first
 * maximal value (ONNX ArgMax with `select_last_index = 0`, numpy's `argmax`), so int8 ties go to
 * the lower index. A NaN counts as maximal, as in numpy (dequantised int8 logits are never NaN).
 * Throws `RangeError` for an empty array.
 */
export function argmaxFirst(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError('argmaxFirst needs at least one value');
  let best = 0;
  let bestValue = values[0]!;
  if (Number.isNaN(bestValue)) return 0;
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return i;
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}
