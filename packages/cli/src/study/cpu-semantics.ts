// Which int8 arithmetic onnxruntime's CPU kernels perform on this machine, from /proc/cpuinfo.

import { readFile } from 'node:fs/promises';
import {
  cpuSemanticsFromFlags,
  type CpuSemanticsDetection,
  DEFAULT_CPU_SEMANTICS,
} from '@quantproof/quant';

/** The detection for this machine, or null where /proc/cpuinfo is not readable (not Linux). */
export async function detectCpuSemantics(): Promise<
  (CpuSemanticsDetection & { modelled: string; matches: boolean }) | null
> {
  let text: string;
  try {
    text = await readFile('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
  const line = text.split('\n').find((l) => l.startsWith('flags'));
  if (line === undefined) return null;
  const flags = line
    .slice(line.indexOf(':') + 1)
    .trim()
    .split(/\s+/);
  const detection = cpuSemanticsFromFlags(flags);
  return {
    ...detection,
    modelled: DEFAULT_CPU_SEMANTICS,
    matches: detection.semantics === DEFAULT_CPU_SEMANTICS,
  };
}
