// VNN-COMP 2022 cartpole instances decided against the competition's reported verdicts, through
// the cli's verifyVnnlib (onnx reads the network and the property, smt-verify decides, counterexamples
// are confirmed in onnxruntime-node). Moved here from smt-verify, which imports no onnx.
import { readFileSync } from 'node:fs';
import { forwardFp32 } from '@quantproof/nn';
import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import { releaseZ3 } from '@quantproof/smt-verify';
import { afterAll, describe, expect, it } from 'vitest';
import { ORT_REPLAY_NAME } from '../src/study/ort-replay.js';
import { verifyVnnlib } from '../src/study/vnnlib.js';

afterAll(releaseZ3);

// The benchmark's files live with smt-verify's fixtures (see their README for provenance).
const dir = new URL('../../smt-verify/test/fixtures/vnncomp2022-rl/', import.meta.url);
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
        // The output is onnxruntime-node's on the original file.
        expect(result.counterexample.runtimeReplay).toBe(ORT_REPLAY_NAME);
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

describe('verifyVnnlib on VNN-COMP 2022 dubinsrejoin (8-256-256-8, OR-of-AND argmax properties)', () => {
  const dubinsrejoin = readFileSync(new URL('onnx/dubinsrejoin.onnx', dir));
  // unsat: refuted by back-substitution bounds with one condition of the conjunction folded in;
  // sat: a witness replayed in onnxruntime-node, checked here against the property.
  for (const name of [
    'dubinsrejoin_case_unsafe_83',
    'dubinsrejoin_case_safe_0',
    'dubinsrejoin_case_unsafe_24',
    'dubinsrejoin_case_unsafe_80',
  ]) {
    it(`${name} → ${expected.get(`vnnlib/${name}.vnnlib`)}`, async () => {
      const text = readFileSync(new URL(`vnnlib/${name}.vnnlib`, dir), 'utf8');
      const result = await verifyVnnlib(dubinsrejoin, text, { timeoutSeconds: 30 });
      expect(result.kind).toBe(expected.get(`vnnlib/${name}.vnnlib`));
      if (result.kind === 'sat') {
        expect(result.counterexample.runtimeReplay).toBe(ORT_REPLAY_NAME);
        const property = parseVnnlib(text);
        const y = result.counterexample.output;
        const meets = property.output.some((conjunction) =>
          conjunction.every((c) => {
            const lhs = c.terms.reduce(
              (sum, t) =>
                sum +
                (Number(t.coefficient.numerator) / Number(t.coefficient.denominator)) * y[t.index]!,
              0,
            );
            const bound = Number(c.bound.numerator) / Number(c.bound.denominator);
            return c.strict ? lhs < bound : lhs <= bound;
          }),
        );
        expect(meets).toBe(true);
      }
    });
  }
});
