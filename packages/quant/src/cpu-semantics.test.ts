import { describe, expect, it } from 'vitest';
import { cpuSemanticsFromFlags, DEFAULT_CPU_SEMANTICS } from './cpu-semantics.js';

const AVX2 = ['sse2', 'avx', 'avx2', 'fma'];
const AVX512_CORE = ['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'];

describe('cpuSemanticsFromFlags', () => {
  it('is exact with AVX-512 VNNI (the pinned default machine)', () => {
    const d = cpuSemanticsFromFlags([...AVX2, ...AVX512_CORE, 'avx512_vnni', 'avx_vnni']);
    expect(d.semantics).toBe('vnni-exact');
    expect(d.kernel).toBe('MlasGemmU8S8KernelAvx512Vnni');
    expect(DEFAULT_CPU_SEMANTICS).toBe('vnni-exact');
  });

  it('saturates on AVX2 without VNNI, and on AVX-512 Core without VNNI even with AVX-VNNI', () => {
    expect(cpuSemanticsFromFlags(AVX2).semantics).toBe('avx2-u8s8-saturating');
    expect(cpuSemanticsFromFlags([...AVX2, ...AVX512_CORE]).kernel).toBe(
      'MlasGemmU8S8KernelAvx512Core',
    );
    expect(cpuSemanticsFromFlags([...AVX2, 'avx_vnni', ...AVX512_CORE]).semantics).toBe(
      'avx2-u8s8-saturating',
    );
  });

  it('is exact with AVX-VNNI alone, with AMX, without AVX2, and off x86', () => {
    expect(cpuSemanticsFromFlags([...AVX2, 'avx_vnni']).kernel).toBe('MlasGemmU8S8KernelAvxVnni');
    expect(cpuSemanticsFromFlags([...AVX2, ...AVX512_CORE, 'amx_tile', 'amx_int8']).semantics).toBe(
      'vnni-exact',
    );
    expect(cpuSemanticsFromFlags(['sse2', 'sse4_1']).semantics).toBe('vnni-exact');
    expect(cpuSemanticsFromFlags(['fp', 'asimd', 'asimddp']).semantics).toBe('vnni-exact');
  });
});
