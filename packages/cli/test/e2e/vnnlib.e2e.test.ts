// `quantproof vnnlib` on VNN-COMP 2022 cartpole instances through the built command: the verdict
// first, and the VNN-COMP result file; a sat witness is checked here in onnxruntime-node.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrtSession, parseVnnlib, vnnlibRationalToNumber } from '@quantproof/onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/index.js';
import { FIXTURES, lines, requireBuiltCli, runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'quantproof-e2e-vnnlib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => requireBuiltCli());

const vnnlib = (property: string, out: string): ReturnType<typeof runCli> =>
  runCli(['vnnlib', '--onnx', FIXTURES.vnncompCartpole, '--vnnlib', property, '--out', out], {
    cwd: dir,
  });

describe('quantproof vnnlib on VNN-COMP 2022 cartpole (built CLI, subprocess)', () => {
  it('prints unsat first and writes the result file for cartpole_case_safe_14', async () => {
    const { code, stdout, stderr } = await vnnlib(FIXTURES.vnnlibUnsat, 'safe14.txt');
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(lines(stdout)[0]).toBe('unsat');
    expect(lines(stdout)[1]).toMatch(/^\d+\.\d{3} s, \d+ boxes, \d+ SMT queries$/);
    expect(readFileSync(join(dir, 'safe14.txt'), 'utf8')).toBe('unsat\n');
  });

  it('prints sat first and writes a witness that onnxruntime confirms for cartpole_case_unsafe_29', async () => {
    const { code, stdout, stderr } = await vnnlib(FIXTURES.vnnlibSat, 'unsafe29.txt');
    expect(code, stderr).toBe(EXIT_CODES.ok);
    expect(lines(stdout)[0]).toBe('sat');
    const text = readFileSync(join(dir, 'unsafe29.txt'), 'utf8');
    expect(lines(text)[0]).toBe('sat');
    const value = (name: string): number => {
      const match = new RegExp(`\\(${name} (\\S+)\\)`).exec(text);
      expect(match, `${name} in ${text}`).not.toBeNull();
      return Number(match?.[1]);
    };
    const x = [0, 1, 2, 3].map((i) => value(`X_${i}`));
    expect(x.every(Number.isFinite)).toBe(true);
    // The witness lies in the property's input box (float64 rounding is monotone, so comparing
    // with the nearest doubles of the exact bounds is exact for a double witness) ...
    const property = parseVnnlib(readFileSync(FIXTURES.vnnlibSat, 'utf8'));
    x.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(property.lower[i]!.value);
      expect(v).toBeLessThanOrEqual(property.upper[i]!.value);
    });
    // ... and onnxruntime-node's outputs there meet the property's output condition.
    const session = await createOrtSession(new Uint8Array(readFileSync(FIXTURES.vnncompCartpole)));
    const y = await session.run(Float32Array.from(x), 1);
    await session.release();
    const holds = property.output.some((conjunction) =>
      conjunction.every((c) => {
        const lhs = c.terms.reduce(
          (sum, t) => sum + vnnlibRationalToNumber(t.coefficient) * y[t.index]!,
          0,
        );
        const bound = vnnlibRationalToNumber(c.bound);
        return c.strict ? lhs < bound : lhs <= bound;
      }),
    );
    expect(holds, `Y = [${Array.from(y).join(', ')}]`).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
