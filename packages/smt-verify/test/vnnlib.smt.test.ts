// VNN-COMP 2022 cartpole instances decided against the competition's reported verdicts.
import { readFileSync } from 'node:fs';
import { forwardFp32 } from '@quantproof/nn';
import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyVnnlib } from '../src/vnnlib-verify.js';
import { releaseZ3 } from '../src/z3-session.js';

afterAll(releaseZ3);

const dir = new URL('./fixtures/vnncomp2022-rl/', import.meta.url);
const expected = new Map(
  readFileSync(new URL('expected-results.csv', dir), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => row.split(',') as [string, string]),
);
const cartpole = readFileSync(new URL('onnx/cartpole.onnx', dir));

describe('verifyVnnlib on VNN-COMP 2022 cartpole', () => {
  for (const name of [
    'cartpole_case_safe_14',
    'cartpole_case_unsafe_13',
    'cartpole_case_unsafe_29',
    'cartpole_case_unsafe_32',
    'cartpole_case_safe_61',
    'cartpole_case_safe_99',
  ]) {
    it(`${name} → ${expected.get(`vnnlib/${name}.vnnlib`)}`, async () => {
      const text = readFileSync(new URL(`vnnlib/${name}.vnnlib`, dir), 'utf8');
      const result = await verifyVnnlib(cartpole, text, { timeoutSeconds: 30 });
      expect(result.kind).toBe(expected.get(`vnnlib/${name}.vnnlib`));
      if (result.kind === 'sat') {
        // The counterexample lies in the box and meets Y_0 ≤ Y_1 in float32 execution.
        const property = parseVnnlib(text);
        const x = result.counterexample.input;
        property.lower.forEach((b, i) => expect(x[i]!).toBeGreaterThanOrEqual(b.value));
        property.upper.forEach((b, i) => expect(x[i]!).toBeLessThanOrEqual(b.value));
        const y = forwardFp32(readMlpOnnx(cartpole).mlp, x);
        expect(y[0]!).toBeLessThanOrEqual(y[1]!);
        expect(result.counterexample.output[0]!).toBeLessThanOrEqual(
          result.counterexample.output[1]!,
        );
      }
    });
  }

  it('parses every property of the benchmark', () => {
    for (const file of expected.keys()) {
      const p = parseVnnlib(readFileSync(new URL(file, dir), 'utf8'));
      expect(p.output.length).toBeGreaterThan(0);
    }
  });
});
