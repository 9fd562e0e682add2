// The cli's in-process suites run the program as `quantproof argv…` would, with stderr not a
// terminal, and look at what it printed and its exit code.
import { runProgram } from '../../src/index.js';

/** What one run printed, and its exit code. */
export interface QuantproofRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `quantproof argv…` in this process and collects its stdout and stderr. */
export async function quantproof(argv: string[]): Promise<QuantproofRun> {
  let out = '';
  let err = '';
  const code = await runProgram(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    stderrIsTTY: false,
  });
  return { code, out, err };
}
