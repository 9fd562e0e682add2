import { NnOptionsError, NnShapeError } from './errors.js';
import { type Rng, standardNormal } from './rng.js';

/**
 * Householder QR of the m×k row-major matrix `a` (m ≥ k, overwritten). Returns the thin Q (m×k,
 * row-major) with each column multiplied by the sign of the matching diagonal entry of R, which
 * makes the factorisation unique (R with a positive diagonal), as torch.nn.init.orthogonal_ does.
 */
function signCorrectedQ(a: Float64Array, m: number, k: number): Float64Array {
  const reflectors: Float64Array[] = [];
  const rDiagonal = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const v = new Float64Array(m - c);
    let norm = 0;
    for (let r = c; r < m; r++) {
      const value = a[r * k + c] ?? 0;
      v[r - c] = value;
      norm += value * value;
    }
    norm = Math.sqrt(norm);
    const x0 = v[0] ?? 0;
    const alpha = x0 >= 0 ? -norm : norm;
    v[0] = x0 - alpha;
    let vNorm = 0;
    for (let r = 0; r < v.length; r++) vNorm += (v[r] ?? 0) * (v[r] ?? 0);
    vNorm = Math.sqrt(vNorm);
    if (vNorm > 0) {
      for (let r = 0; r < v.length; r++) v[r] = (v[r] ?? 0) / vNorm;
      // A[c:, c:] -= 2 v (vᵀ A[c:, c:])
      for (let col = c; col < k; col++) {
        let dot = 0;
        for (let r = c; r < m; r++) dot += (v[r - c] ?? 0) * (a[r * k + col] ?? 0);
        dot *= 2;
        for (let r = c; r < m; r++) a[r * k + col] = (a[r * k + col] ?? 0) - dot * (v[r - c] ?? 0);
      }
    }
    rDiagonal[c] = a[c * k + c] ?? 0;
    reflectors.push(v);
  }
  // Q = H_0 H_1 … H_{k-1} applied to the first k columns of the identity.
  const q = new Float64Array(m * k);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  for (let c = k - 1; c >= 0; c--) {
    const v = reflectors[c] ?? new Float64Array(0);
    for (let col = 0; col < k; col++) {
      let dot = 0;
      for (let r = c; r < m; r++) dot += (v[r - c] ?? 0) * (q[r * k + col] ?? 0);
      dot *= 2;
      if (dot === 0) continue;
      for (let r = c; r < m; r++) q[r * k + col] = (q[r * k + col] ?? 0) - dot * (v[r - c] ?? 0);
    }
  }
  for (let col = 0; col < k; col++) {
    if ((rDiagonal[col] ?? 0) >= 0) continue;
    for (let r = 0; r < m; r++) q[r * k + col] = -(q[r * k + col] ?? 0);
  }
  return q;
}

/**
 * Fills the row-major `rows`×`cols` matrix `weight` with a (semi-)orthogonal matrix times `gain`,
 * as torch.nn.init.orthogonal_: draw a rows×cols standard normal matrix G (row-major order, see
 * `standardNormal`), take the QR factorisation of G (or of Gᵀ when rows < cols) with R's diagonal
 * made positive, and use Q (or Qᵀ). Afterwards WᵀW = gain²·I when rows ≥ cols and WWᵀ = gain²·I
 * when rows < cols, up to float32 rounding of the stored entries.
 */
export function orthogonalInit(
  weight: Float32Array,
  rows: number,
  cols: number,
  gain: number,
  rng: Rng,
): void {
  if (weight.length !== rows * cols) {
    throw new NnShapeError(
      `orthogonalInit: weight has ${weight.length} entries, expected ${rows}×${cols} = ${rows * cols}`,
    );
  }
  if (!Number.isFinite(gain)) {
    throw new NnOptionsError(`orthogonalInit: gain must be finite; got ${gain}`);
  }
  const g = new Float64Array(rows * cols);
  for (let i = 0; i < g.length; i++) g[i] = standardNormal(rng);
  if (rows >= cols) {
    const q = signCorrectedQ(g, rows, cols);
    for (let i = 0; i < weight.length; i++) weight[i] = gain * (q[i] ?? 0);
    return;
  }
  const transposed = new Float64Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) transposed[c * rows + r] = g[r * cols + c] ?? 0;
  }
  const q = signCorrectedQ(transposed, cols, rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) weight[r * cols + c] = gain * (q[c * rows + r] ?? 0);
  }
}
