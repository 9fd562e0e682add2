/**
 * The integer-accumulation semantics of onnxruntime's u8s8 QGEMM (uint8 activations × int8
 * weights) on the CPU that runs the model. `vnni-exact`: every product and sum is exact int32
 * (AVX-512 VNNI / AVX-VNNI `vpdpbusds`, AMX, and the SSE and non-x86 kernels).
 * `avx2-u8s8-saturating`: the AVX2 / AVX-512 Core kernels without VNNI (`vpmaddubsw`) sum adjacent
 * u8·s8 products `(k = 2i, 2i + 1)` into an int16 with saturation before widening to int32.
 */
export type CpuSemantics = 'vnni-exact' | 'avx2-u8s8-saturating';

/** The pinned default: onnxruntime-node 1.30.0 on x86-64 with AVX-512 VNNI. */
export const DEFAULT_CPU_SEMANTICS: CpuSemantics = 'vnni-exact';

/** Which u8s8 QGEMM kernel MLAS selects for a set of CPU flags, and the semantics it implies. */
export interface CpuSemanticsDetection {
  readonly semantics: CpuSemantics;
  /** The MLAS kernel or dispatch `MLAS_PLATFORM` selects (`platform.cpp`). */
  readonly kernel: string;
  /** Why, in words. */
  readonly reason: string;
}

/**
 * Mirrors the u8s8 kernel selection of MLAS's `MLAS_PLATFORM` constructor (`platform.cpp`) for the
 * flags of one `/proc/cpuinfo` `flags` line (e.g. `['avx2', 'fma', 'avx512_vnni', …]`; the caller
 * reads the file — this package cannot). Order, as in MLAS: AVX2+FMA → `GemmU8S8KernelAvx2`
 * (saturating); AVX-VNNI → `AvxVnni` (exact); AVX-512 F+BW+DQ+VL → `Avx512Core` (saturating);
 * AVX-512 VNNI → `Avx512Vnni` (exact); AMX-TILE+AMX-INT8 → the AMX dispatch (exact).
 */
export function cpuSemanticsFromFlags(flags: readonly string[]): CpuSemanticsDetection {
  const has = new Set(flags.map((f) => f.toLowerCase()));
  const isX86 = has.has('sse2') || has.has('avx') || has.has('avx2');
  if (!isX86) {
    return {
      semantics: 'vnni-exact',
      kernel: 'non-x86 dispatch',
      reason:
        'no x86 SIMD flags: the ARM64/other MLAS kernels widen or use dot products without int16 ' +
        'saturation (not confirmed by a differential run)',
    };
  }
  if (!(has.has('avx') && has.has('avx2') && has.has('fma'))) {
    return {
      semantics: 'vnni-exact',
      kernel: 'MlasGemmU8X8DispatchSse / Sse41',
      reason:
        'without AVX2+FMA MLAS uses the SSE kernels, which widen to int16 before pmaddwd (exact)',
    };
  }
  let detection: CpuSemanticsDetection = {
    semantics: 'avx2-u8s8-saturating',
    kernel: 'MlasGemmU8S8KernelAvx2',
    reason: 'AVX2 without VNNI: vpmaddubsw saturates adjacent u8·s8 pair sums to int16',
  };
  if (has.has('avx_vnni')) {
    detection = {
      semantics: 'vnni-exact',
      kernel: 'MlasGemmU8S8KernelAvxVnni',
      reason: 'AVX-VNNI vpdpbusds sums four u8·s8 products exactly into int32',
    };
  }
  const avx512Core =
    has.has('avx512f') && has.has('avx512bw') && has.has('avx512dq') && has.has('avx512vl');
  if (avx512Core) {
    detection = has.has('avx512_vnni')
      ? {
          semantics: 'vnni-exact',
          kernel: 'MlasGemmU8S8KernelAvx512Vnni',
          reason: 'AVX-512 VNNI vpdpbusds sums four u8·s8 products exactly into int32',
        }
      : {
          semantics: 'avx2-u8s8-saturating',
          kernel: 'MlasGemmU8S8KernelAvx512Core',
          reason:
            'AVX-512 Core without VNNI overrides any AVX-VNNI kernel and uses vpmaddubsw, which ' +
            'saturates adjacent u8·s8 pair sums to int16',
        };
  }
  if (has.has('amx_tile') && has.has('amx_int8')) {
    detection = {
      semantics: 'vnni-exact',
      kernel: 'MlasGemmU8S8DispatchAmx',
      reason:
        'AMX-INT8 tdpbusd accumulates exactly into int32 (used when the OS grants AMX state, ' +
        'Linux ≥ 5.16)',
    };
  }
  return detection;
}
