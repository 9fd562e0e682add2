// Which int8 arithmetic onnxruntime's CPU kernels perform: on this machine (from /proc/cpuinfo),
// or on the machine the user deploys on (--cpu-semantics).

import { readFile } from 'node:fs/promises';
import {
  type CpuSemantics,
  cpuSemanticsFromFlags,
  type CpuSemanticsDetection,
  DEFAULT_CPU_SEMANTICS,
} from '@quantproof/quant';
import type { CpuSemanticsFlag } from './cpu-semantics-option.js';

export {
  CPU_SEMANTICS_CHOICES,
  type CpuSemanticsFlag,
  cpuSemanticsOption,
} from './cpu-semantics-option.js';

/** The detection for this machine, or null where the cpuinfo file is not readable (not Linux). */
export async function detectCpuSemantics(
  cpuinfo = '/proc/cpuinfo',
): Promise<(CpuSemanticsDetection & { modelled: string; matches: boolean }) | null> {
  let text: string;
  try {
    text = await readFile(cpuinfo, 'utf8');
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

/** The int8 CPU semantics a command assumed, and why: printed, and recorded in its JSON. */
export interface AssumedCpuSemantics {
  readonly semantics: CpuSemantics;
  /**
   * `detected`: this machine's (--cpu-semantics auto); `given`: --cpu-semantics; `default`: auto
   * on a machine that could not be identified, so the pinned default.
   */
  readonly source: 'detected' | 'given' | 'default';
  /** The onnxruntime (MLAS) u8s8 kernel, or kernels, with this arithmetic. */
  readonly kernel: string;
  /** Why this semantics, in words. */
  readonly reason: string;
  /** This machine's semantics (null: not identified): what onnxruntime-node computes here. */
  readonly thisMachine: CpuSemantics | null;
}

const KERNELS: Readonly<Record<CpuSemantics, string>> = {
  'vnni-exact':
    'MlasGemmU8S8KernelAvx512Vnni / AvxVnni / the AMX, SSE and non-x86 kernels (exact int32 sums)',
  'avx2-u8s8-saturating':
    'MlasGemmU8S8KernelAvx2 / Avx512Core (vpmaddubsw: adjacent u8·s8 pair sums saturate to int16)',
};

/** Resolves --cpu-semantics (`auto`: this machine's CPU, read from `cpuinfo`). */
export async function resolveCpuSemantics(
  flag: CpuSemanticsFlag,
  cpuinfo?: string,
): Promise<AssumedCpuSemantics> {
  const detected = await detectCpuSemantics(cpuinfo);
  const thisMachine = detected?.semantics ?? null;
  if (flag !== 'auto') {
    const here =
      detected === null
        ? 'this machine could not be identified'
        : detected.semantics === flag
          ? `this machine runs it too (${detected.kernel})`
          : `this machine runs ${detected.kernel} (${detected.semantics}) instead`;
    return {
      semantics: flag,
      source: 'given',
      kernel: KERNELS[flag],
      reason: `given by --cpu-semantics; ${here}`,
      thisMachine,
    };
  }
  if (detected === null) {
    return {
      semantics: DEFAULT_CPU_SEMANTICS,
      source: 'default',
      kernel: KERNELS[DEFAULT_CPU_SEMANTICS],
      reason: `this machine's CPU could not be identified (no readable /proc/cpuinfo flags): assumed the pinned default ${DEFAULT_CPU_SEMANTICS}; pass --cpu-semantics for the machine you deploy on`,
      thisMachine,
    };
  }
  return {
    semantics: detected.semantics,
    source: 'detected',
    kernel: detected.kernel,
    reason: `detected on this machine: ${detected.reason}`,
    thisMachine,
  };
}

/** One line for a command's text output. */
export function describeCpuSemantics(assumed: AssumedCpuSemantics): string {
  return `int8 CPU semantics: ${assumed.semantics} (${assumed.source}; kernel ${assumed.kernel}; ${assumed.reason})`;
}

/**
 * The study's semantics: the pinned default, whatever this machine runs (run.json records this
 * machine's kernel, and the study's text output warns when they differ).
 */
export async function pinnedCpuSemantics(cpuinfo?: string): Promise<AssumedCpuSemantics> {
  const detected = await detectCpuSemantics(cpuinfo);
  return {
    semantics: DEFAULT_CPU_SEMANTICS,
    source: 'default',
    kernel: KERNELS[DEFAULT_CPU_SEMANTICS],
    reason: `the study verifies for the pinned default ${DEFAULT_CPU_SEMANTICS}; this machine runs ${detected === null ? 'an unidentified kernel' : `${detected.kernel} (${detected.semantics})`}`,
    thisMachine: detected?.semantics ?? null,
  };
}
