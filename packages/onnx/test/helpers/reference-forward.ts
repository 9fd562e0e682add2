import type { Mlp } from '@quantproof/nn';

const f = Math.fround;

/**
 * Float32 forward of `batch` rows, in the order @quantproof/nn documents for forwardFp32: for
 * each output j, acc = 0; acc = f(acc + f(w[j,i] · x[i])) over i in order; y = f(acc + b[j]);
 * then the activation. Rounds after every operation, so it is exactly float32 arithmetic.
 */
export function referenceForwardFp32(mlp: Mlp, input: Float32Array, batch: number): Float32Array {
  let rows = input;
  for (const layer of mlp.layers) {
    const { inFeatures: n, outFeatures: m, weight, bias } = layer;
    const next = new Float32Array(batch * m);
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < m; j++) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          acc = f(acc + f((weight[j * n + i] ?? 0) * (rows[r * n + i] ?? 0)));
        }
        const y = f(acc + (bias[j] ?? 0));
        next[r * m + j] = layer.activation === 'relu' && y < 0 ? 0 : y;
      }
    }
    rows = next;
  }
  return rows;
}

/** Index of the largest of `k` values starting at `offset` (the first one on a tie). */
export function argmaxRow(values: Float32Array, offset: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) {
    if ((values[offset + j] ?? -Infinity) > (values[offset + best] ?? -Infinity)) best = j;
  }
  return best;
}

/** Difference between the largest and second largest of `k` values starting at `offset`. */
export function marginRow(values: Float32Array, offset: number, k: number): number {
  let first = -Infinity;
  let second = -Infinity;
  for (let j = 0; j < k; j++) {
    const v = values[offset + j] ?? -Infinity;
    if (v > first) {
      second = first;
      first = v;
    } else if (v > second) {
      second = v;
    }
  }
  return first - second;
}
