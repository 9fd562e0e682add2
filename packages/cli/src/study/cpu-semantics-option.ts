// The --cpu-semantics flag, apart from its resolution (cpu-semantics.ts) so that declaring a
// command does not load the int8 code.

import type { CpuSemantics } from '@quantproof/quant';
import { Option } from 'commander';

/** The values of --cpu-semantics: a semantics, or `auto` (this machine's). */
export type CpuSemanticsFlag = CpuSemantics | 'auto';

/** The choices of --cpu-semantics, in the order help lists them. */
export const CPU_SEMANTICS_CHOICES: readonly CpuSemanticsFlag[] = [
  'auto',
  'vnni-exact',
  'avx2-u8s8-saturating',
];

/** The --cpu-semantics option of `verify`, `vnnlib` and `eval`. */
export function cpuSemanticsOption(): Option {
  return new Option(
    '--cpu-semantics <name>',
    "the int8 arithmetic of the CPU the model is deployed on: vnni-exact (AVX-512 VNNI, AVX-VNNI, AMX, SSE, ARM), avx2-u8s8-saturating (AVX2 or AVX-512 without VNNI: onnxruntime's u8s8 kernel saturates adjacent product pairs to int16), or auto (this machine's, from /proc/cpuinfo)",
  )
    .choices([...CPU_SEMANTICS_CHOICES])
    .default('auto');
}
