import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/index.js';
import { quantproof } from './support/run-quantproof.js';

// The benchmark's files live with smt-verify's fixtures (see their README for provenance).
const fixtures = fileURLToPath(
  new URL('../../smt-verify/test/fixtures/vnncomp2022-rl/', import.meta.url),
);
const onnx = join(fixtures, 'onnx', 'cartpole.onnx');
const dir = mkdtempSync(join(tmpdir(), 'quantproof-vnnlib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quantproof vnnlib', () => {
  it('answers unsat on a property VNN-COMP 2022 found unsat, first line first', async () => {
    const out = join(dir, 'safe14.txt');
    const vnnlib = join(fixtures, 'vnnlib', 'cartpole_case_safe_14.vnnlib');
    const result = await quantproof(['vnnlib', '--onnx', onnx, '--vnnlib', vnnlib, '--out', out]);
    expect(result.code).toBe(EXIT_CODES.ok);
    expect(result.out.split('\n')[0]).toBe('unsat');
    expect(readFileSync(out, 'utf8')).toBe('unsat\n');
  });

  it('answers sat with a VNN-COMP witness file on a property VNN-COMP 2022 found sat', async () => {
    const out = join(dir, 'unsafe29.txt');
    const vnnlib = join(fixtures, 'vnnlib', 'cartpole_case_unsafe_29.vnnlib');
    const result = await quantproof(['vnnlib', '--onnx', onnx, '--vnnlib', vnnlib, '--out', out]);
    expect(result.out.split('\n')[0]).toBe('sat');
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('sat');
    for (const name of ['X_0', 'X_1', 'X_2', 'X_3', 'Y_0', 'Y_1'])
      expect(text).toMatch(new RegExp(`\\(${name} -?[0-9.e-]+\\)`));
  });

  it('says what is wrong with a missing property file or a bad timeout', async () => {
    const missing = await quantproof([
      'vnnlib',
      '--onnx',
      onnx,
      '--vnnlib',
      join(dir, 'nope.vnnlib'),
    ]);
    expect(missing.code).toBe(EXIT_CODES.input);
    expect(missing.err).toMatch(/cannot read --vnnlib property .*no such file/);
    const bad = await quantproof(['vnnlib', '--onnx', onnx, '--vnnlib', onnx, '--timeout', '-3']);
    expect(bad.code).toBe(EXIT_CODES.usage);
    expect(bad.err).toMatch(/--timeout must be a positive number/);
  });
});
