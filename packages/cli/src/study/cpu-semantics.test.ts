import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCpuSemantics } from './cpu-semantics.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-cpuinfo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A /proc/cpuinfo with one processor and these flags. */
function cpuinfo(name: string, flags: string): string {
  const path = join(dir, name);
  writeFileSync(path, `processor\t: 0\nmodel name\t: test\nflags\t\t: ${flags}\n\n`);
  return path;
}

const AVX2 = cpuinfo('avx2', 'fpu sse2 avx avx2 fma');
const VNNI = cpuinfo(
  'vnni',
  'fpu sse2 avx avx2 fma avx512f avx512bw avx512dq avx512vl avx512_vnni',
);

describe('resolveCpuSemantics', () => {
  it('auto takes this machine’s kernel, in words', async () => {
    expect(await resolveCpuSemantics('auto', AVX2)).toEqual({
      semantics: 'avx2-u8s8-saturating',
      source: 'detected',
      kernel: 'MlasGemmU8S8KernelAvx2',
      reason:
        'detected on this machine: AVX2 without VNNI: vpmaddubsw saturates adjacent u8·s8 pair sums to int16',
      thisMachine: 'avx2-u8s8-saturating',
    });
    expect(await resolveCpuSemantics('auto', VNNI)).toMatchObject({
      semantics: 'vnni-exact',
      source: 'detected',
      kernel: 'MlasGemmU8S8KernelAvx512Vnni',
    });
  });

  it('auto on a machine that cannot be identified assumes the pinned default and says so', async () => {
    const assumed = await resolveCpuSemantics('auto', join(dir, 'missing'));
    expect(assumed).toMatchObject({
      semantics: 'vnni-exact',
      source: 'default',
      thisMachine: null,
    });
    expect(assumed.reason).toMatch(/could not be identified.*pass --cpu-semantics/);
  });

  it('a given semantics wins, and the reason says what this machine runs', async () => {
    const given = await resolveCpuSemantics('avx2-u8s8-saturating', VNNI);
    expect(given).toMatchObject({
      semantics: 'avx2-u8s8-saturating',
      source: 'given',
      thisMachine: 'vnni-exact',
    });
    expect(given.reason).toBe(
      'given by --cpu-semantics; this machine runs MlasGemmU8S8KernelAvx512Vnni (vnni-exact) instead',
    );
    expect((await resolveCpuSemantics('avx2-u8s8-saturating', AVX2)).reason).toBe(
      'given by --cpu-semantics; this machine runs it too (MlasGemmU8S8KernelAvx2)',
    );
  });
});
