// Wall-clock time of one child process, for the suites that run the built CLI the way a user (or
// VNN-COMP's harness) does: one process per call.

import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** What one process did: its wall seconds, exit code (null if killed) and output. */
export interface TimedProcess {
  readonly seconds: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node ...args` to completion (killed after `killAfterSeconds`) and times it. */
export function timeNode(args: readonly string[], killAfterSeconds = 600): TimedProcess {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  const started = performance.now();
  const run = spawnSync(process.execPath, [...args], {
    encoding: 'utf8',
    env,
    timeout: killAfterSeconds * 1000,
    killSignal: 'SIGKILL',
  });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, code: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
