// The int32 accumulator of onnxruntime's integer GEMMs (QGemm, QLinearMatMul, MatMulInteger,
// MatMulIntegerToFloat) for one output: `acc = bias + Σ_k (a_k - zpA)(b_k - zpB)`.
//
// MLAS (`mlas/lib/qgemm.h`, `MlasGemmQuantOperation`) never forms (a - zpA)(b - zpB); it computes
// Σ a·b on the raw bytes and adds correction terms prepared outside the kernel:
//   RowSum[m]    = (Σ_k a_k − K·zpA) · (−zpB)      (zpB per matrix; per column inside the kernel)
//   ColumnSum[n] = (Σ_k b_k) · (−zpA)
//   acc          = C(bias, accumulate mode) + RowSum + ColumnSum + Σ_k a_k·b_k
// In exact int32 arithmetic that equals bias + Σ (a − zpA)(b − zpB). On AVX2 / AVX-512 Core
// without VNNI, the u8s8 kernels (`QgemmU8X8KernelAvx2.S`, `MultiplyAccumulateRowU8S8Avx2`) pack
// K in groups of four (PackedK = 4, zero padded) and compute Σ a·b with vpmaddubsw, which
// saturates each adjacent pair a_{2i}·b_{2i} + a_{2i+1}·b_{2i+1} to int16, then vpmaddwd (exact
// int32) and vpaddd (wrapping int32). Only the raw Σ a·b saturates; the corrections are exact.

/** Saturates an integer to the int16 range, as vpmaddubsw does to each pair sum. */
function saturateInt16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/**
 * Exact accumulator `bias + Σ_k (a[aOffset + k] - zpA) · centred[wOffset + k]` where `centred`
 * holds `b - zpB`. The caller guarantees (by a bound) that no partial sum leaves the int32 range.
 */
export function accumulateExact(
  a: Int32Array,
  aOffset: number,
  zpA: number,
  centred: Int32Array,
  wOffset: number,
  k: number,
  bias: number,
): number {
  let sum = bias;
  for (let i = 0; i < k; i++) sum += (a[aOffset + i]! - zpA) * centred[wOffset + i]!;
  return sum;
}

/**
 * The AVX2 u8s8 accumulator: `bias + Σ_i sat16(a_{2i}·b_{2i} + a_{2i+1}·b_{2i+1})
 * − zpB·(Σ a − K·zpA) − zpA·Σ b`, wrapped to int32 like vpaddd. `a` holds raw uint8 values, `raw`
 * raw int8 weights, `columnSum` is `Σ_k raw[wOffset + k]`.
 */
export function accumulateAvx2Saturating(
  a: Int32Array,
  aOffset: number,
  zpA: number,
  raw: Int32Array,
  wOffset: number,
  k: number,
  zpB: number,
  columnSum: number,
  bias: number,
): number {
  let products = 0;
  let sumA = 0;
  for (let i = 0; i < k; i += 2) {
    const a0 = a[aOffset + i]!;
    let pair = a0 * raw[wOffset + i]!;
    sumA += a0;
    if (i + 1 < k) {
      const a1 = a[aOffset + i + 1]!;
      pair += a1 * raw[wOffset + i + 1]!;
      sumA += a1;
    }
    products += saturateInt16(pair);
  }
  const total = bias + products - zpB * (sumA - k * zpA) - zpA * columnSum;
  return total | 0;
}
