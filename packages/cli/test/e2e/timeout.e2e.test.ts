// `quantproof vnnlib --timeout` bounds the process even while z3 queries run: on dubinsrejoin (an
// 8-256-256-8 network) every box that bounds leave open goes to z3 at once (--smt-max-unstable
// large, --smt-min-depth 0) — about 1 MB of SMT-LIB each, which z3 neither finishes nor stops at
// its own timeout; the query running at the limit must be cut.

import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { lines, requireBuiltCli, runCli } from './cli-process.js';

beforeAll(() => requireBuiltCli());

// The benchmark's files live with smt-verify's fixtures (see their README for provenance).
const dir = fileURLToPath(
  new URL('../../../smt-verify/test/fixtures/vnncomp2022-rl/', import.meta.url),
);

describe('quantproof vnnlib --timeout (built CLI, subprocess)', () => {
  it('holds for the whole process with a z3 query running at the limit', async () => {
    const limit = 6;
    const started = performance.now();
    const { code, stdout, stderr } = await runCli([
      'vnnlib',
      '--onnx',
      `${dir}onnx/dubinsrejoin.onnx`,
      '--vnnlib',
      `${dir}vnnlib/dubinsrejoin_case_unsafe_66.vnnlib`,
      '--timeout',
      String(limit),
      '--smt-max-unstable',
      '100000',
      '--smt-min-depth',
      '0',
    ]);
    const seconds = (performance.now() - started) / 1000;
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(lines(stdout)[0]).toBe('timeout');
    expect(lines(stdout)[1]).toMatch(/ [1-9]\d* SMT queries$/);
    expect(seconds).toBeLessThanOrEqual(limit);
  });
});
