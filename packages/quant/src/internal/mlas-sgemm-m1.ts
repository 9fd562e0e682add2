// Float32 emulation of MLAS's M = 1 SGEMM kernels on x86-64, the ones `MlasSgemmOperation`
// (`mlas/lib/sgemm.cpp`) calls when M = 1, TransA = NoTrans, alpha = 1, beta ∈ {0, 1} and B is not
// prepacked — the case of an unfused QDQ layer run on one sample, whose B input is the output of
// a DequantizeLinear node rather than a constant. AVX instructions, no FMA: every product and sum
// is a separate float32 rounding. `MLAS_PLATFORM` keeps the AVX versions of both routines on
// AVX2 and AVX-512 machines.

const fround = Math.fround;

/**
 * `MlasSgemmKernelM1TransposeBAvx` (`x86_64/SgemmKernelM1TransposeBAvx.S`): `C[n] = A · B[n] (+ C[n])`
 * with B stored as rows of length K (`Gemm(transB = 1)`). Each row keeps eight lane accumulators,
 * lane `l` summing `fl(a[k] · b[n][k])` for `k ≡ l (mod 8)` in increasing k (a K tail is loaded
 * masked, adding `+0` to the unused lanes). The lanes are reduced by a tree that depends on
 * which block the row falls in — rows in groups of four, then a pair, then a single row — and
 * `C[n]` is added last when `beta = 1`.
 */
export function sgemmM1TransposeB(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  k: number,
  n: number,
  c: Float32Array,
  cOffset: number,
  beta: 0 | 1,
  lanes: Float64Array = new Float64Array(8),
): void {
  const fourBlocks = Math.floor(n / 4) * 4;
  const pairEnd = fourBlocks + (n - fourBlocks >= 2 ? 2 : 0);
  for (let row = 0; row < n; row++) {
    lanes.fill(0);
    const base = row * k;
    const fullChunks = Math.floor(k / 8) * 8;
    for (let kk = 0; kk < fullChunks; kk += 8) {
      for (let l = 0; l < 8; l++) {
        lanes[l] = fround(lanes[l]! + fround(a[aOffset + kk + l]! * b[base + kk + l]!));
      }
    }
    if (fullChunks < k) {
      for (let l = 0; l < 8; l++) {
        const kk = fullChunks + l;
        const product = kk < k ? fround(a[aOffset + kk]! * b[base + kk]!) : 0;
        lanes[l] = fround(lanes[l]! + product);
      }
    }
    const x0 = lanes[0]!;
    const x1 = lanes[1]!;
    const x2 = lanes[2]!;
    const x3 = lanes[3]!;
    const x4 = lanes[4]!;
    const x5 = lanes[5]!;
    const x6 = lanes[6]!;
    const x7 = lanes[7]!;
    let sum: number;
    if (row < fourBlocks) {
      // vunpck{l,h}ps/pd transpose, then ((x0 + x1) + x2) + x3 per 128-bit half, halves added.
      const low = fround(fround(fround(x0 + x1) + x2) + x3);
      const high = fround(fround(fround(x4 + x5) + x6) + x7);
      sum = fround(low + high);
    } else if (row < pairEnd) {
      // unpckhps + unpcklps, 256 → 128 fold, then vmovhlps fold.
      const even = fround(fround(x0 + x2) + fround(x4 + x6));
      const odd = fround(fround(x1 + x3) + fround(x5 + x7));
      sum = fround(even + odd);
    } else {
      // vhaddps twice, then vaddss of the two 128-bit halves.
      const low = fround(fround(x0 + x1) + fround(x2 + x3));
      const high = fround(fround(x4 + x5) + fround(x6 + x7));
      sum = fround(low + high);
    }
    // vandnps with the beta mask: beta = 0 adds +0, beta = 1 adds the old C.
    c[cOffset + row] = fround(sum + (beta === 1 ? c[cOffset + row]! : 0));
  }
}

/**
 * `MlasSgemmKernelM1Avx` (`x86_64/SgemmKernelM1Avx.S`): `C[n] = A · B[:, n] (+ C[n])` with B stored
 * as K rows of length N (`MatMul`). K is consumed four rows at a time,
 * `t = ((p0 + p1) + p2) + p3; C = t + C`, then a remaining pair `t = p0 + p1; C = t + C`, then a
 * single row `C = p0 + C`, where `p_i = fl(a[k + i] · b[k + i][n])`. With `beta = 0` the first
 * step adds `+0` instead of the old C.
 */
export function sgemmM1(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  k: number,
  n: number,
  c: Float32Array,
  cOffset: number,
  beta: 0 | 1,
): void {
  for (let col = 0; col < n; col++) {
    let acc = beta === 1 ? c[cOffset + col]! : 0;
    let kk = 0;
    const product = (r: number): number => fround(a[aOffset + r]! * b[r * n + col]!);
    for (; kk + 4 <= k; kk += 4) {
      const t = fround(
        fround(fround(product(kk) + product(kk + 1)) + product(kk + 2)) + product(kk + 3),
      );
      acc = fround(t + acc);
    }
    if (k - kk >= 2) {
      acc = fround(fround(product(kk) + product(kk + 1)) + acc);
      kk += 2;
    }
    if (kk < k) acc = fround(product(kk) + acc);
    c[cOffset + col] = acc;
  }
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The float32 next to `r` (a finite float32) in the direction of `toward` (≠ r). */
function float32Neighbour(r: number, toward: number): number {
  if (r === 0) return toward > 0 ? 2 ** -149 : -(2 ** -149);
  F32[0] = r;
  // Away from zero: larger magnitude, one more in the bit pattern; towards zero: one less.
  U32[0] = U32[0]! + (toward > r === r > 0 ? 1 : -1);
  return F32[0]!;
}

/**
 * `fmaf(a, b, c)` on float32 values: `a · b + c` rounded once to float32 (round half to even), as
 * `vfmadd231ps` computes it. `a · b` is exact in float64 (48 significant bits); the sum is split
 * into its float64 rounding `s` and the exact remainder `e` (TwoSum), and the remainder decides the
 * one case the double rounding gets wrong: `s` exactly halfway between two float32 values.
 */
export function fmaFloat32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = fround(s);
  if (!Number.isFinite(s)) return r;
  const bp = s - c;
  const e = p - bp + (c - (s - bp));
  if (e === 0 || r === s) return r;
  if (!Number.isFinite(r)) {
    // s rounds to ±inf: only the overflow threshold itself (max + half an ulp) is a tie.
    const threshold = Math.sign(s) * (2 ** 128 - 2 ** 103);
    return s === threshold && Math.sign(e) !== Math.sign(s)
      ? Math.sign(s) * 3.4028234663852886e38
      : r;
  }
  const other = float32Neighbour(r, s);
  if (s - r !== other - s) return r; // not a tie: s rounds as the exact sum does
  // A tie in s: the exact sum lies on the side of e.
  return e > 0 === other > r ? other : r;
}

/** `MLAS_SGEMM_PACKED_STRIDEK`: the K slice of a prepacked B. */
const PACKED_STRIDE_K = 256;

/**
 * MLAS's SGEMM on a prepacked B (`MlasSgemmPackedOperation`, the path a `Gemm` with a constant
 * float32 B takes once onnxruntime has prepacked it), for one row of A, alpha = 1, beta = 1 (the
 * bias broadcast into C first): per K slice of `PACKED_STRIDE_K`, each output accumulates
 * `acc = fma(a[k], b[n][k], acc)` from +0 in increasing k (the FMA3/AVX-512F kernels), and the
 * slice is added to C with one more fused step, `C = fma(acc, alpha, C)`. B is stored as rows of
 * length K (`Gemm(transB = 1)`).
 */
export function sgemmPackedTransposeB(
  a: Float32Array,
  aOffset: number,
  b: Float32Array,
  k: number,
  n: number,
  c: Float32Array,
  cOffset: number,
): void {
  for (let start = 0; start < k; start += PACKED_STRIDE_K) {
    const end = Math.min(k, start + PACKED_STRIDE_K);
    for (let row = 0; row < n; row++) {
      const base = row * k;
      let acc = 0;
      for (let kk = start; kk < end; kk++) acc = fmaFloat32(a[aOffset + kk]!, b[base + kk]!, acc);
      c[cOffset + row] = fmaFloat32(acc, 1, c[cOffset + row]!);
    }
  }
}
