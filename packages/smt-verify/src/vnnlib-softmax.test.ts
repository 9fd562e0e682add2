// VNN-LIB properties of a network with a Softmax head, decided on its probabilities. The network
// outputs logits z_0 = −3 + 0.15·(relu(x_0 + x_1) + relu(x_0 − x_1)) ∈ [−3, −2.7] and z_1 = 0 on
// [−1, 1]², so Y_0 = softmax(z)_0 lies in [0.0474, 0.0630] on the whole box, and never above; the
// linear relaxation at the root only shows z_0 ≤ −2.55 (Y_0 ≤ 0.0723). Without a runtime, witnesses are confirmed by
// sound probability bounds at the point; the cli's tests replay them in onnxruntime-node.
import {
  forwardFp32,
  type Mlp,
  type VnnlibLinearConstraint,
  type VnnlibProperty,
} from '@quantproof/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { softmaxFp32 } from '@quantproof/interval';
import { narrowLogits } from '@quantproof/test-support/tiny-nets';
import { verifyVnnlibProperty } from './vnnlib-verify.js';
import { releaseZ3 } from './z3-session.js';

afterAll(releaseZ3);

const logits: Mlp = narrowLogits;
const softmax: Mlp = { ...logits, head: 'softmax' };

/** A decimal as an exact rational (numerator / 10^digits). */
function decimal(text: string): { numerator: bigint; denominator: bigint } {
  const [whole, fraction = ''] = text.split('.');
  return { numerator: BigInt(`${whole}${fraction}`), denominator: 10n ** BigInt(fraction.length) };
}

/** `Σ coefficient·Y_j ≤ bound` with decimal coefficients. */
function constraint(terms: [number, string][], bound: string): VnnlibLinearConstraint {
  return {
    terms: terms.map(([index, c]) => ({ index, coefficient: decimal(c) })),
    bound: decimal(bound),
    strict: false,
  };
}

/** The box [−1, 1]² with one conjunction as the unsafe region. */
function property(...conjunction: VnnlibLinearConstraint[]): VnnlibProperty {
  const bound = (v: string) => ({ exact: decimal(v), value: Number(v), strict: false });
  return {
    inputSize: 2,
    outputSize: 2,
    lower: [bound('-1'), bound('-1')],
    upper: [bound('1'), bound('1')],
    output: [conjunction],
  };
}

/** `Y_j >= v`, as VNN-LIB's `(assert (>= Y_j v))` parses: `−Y_j ≤ −v`. */
const atLeast = (j: number, v: string): VnnlibLinearConstraint => constraint([[j, '-1']], `-${v}`);

describe('verifyVnnlibProperty with a Softmax head: Y_j are probabilities', () => {
  it.each([
    ['Y_0 >= 0', atLeast(0, '0')],
    ['Y_0 >= 0.062 (near the corners only)', atLeast(0, '0.062')],
    [
      'Y_0 - Y_1 <= -0.9 (near the centre only)',
      constraint(
        [
          [0, '1'],
          [1, '-1'],
        ],
        '-0.9',
      ),
    ],
  ])('%s: sat, with a witness whose probabilities meet it', async (_, c) => {
    const result = await verifyVnnlibProperty(softmax, property(c), { timeoutSeconds: 20 });
    expect(result.kind).toBe('sat');
    if (result.kind !== 'sat') return;
    const { input, output, runtimeReplay } = result.counterexample;
    expect(runtimeReplay).toBe('none');
    expect(output).toEqual(softmaxFp32(forwardFp32(softmax, input)));
    const value = c.terms.reduce(
      (s, t) =>
        s +
        (Number(t.coefficient.numerator) / Number(t.coefficient.denominator)) * output[t.index]!,
      0,
    );
    expect(value).toBeLessThanOrEqual(Number(c.bound.numerator) / Number(c.bound.denominator));
  });

  it.each([
    ['Y_0 >= 1.5 (no probability reaches it, refuted on the whole box)', atLeast(0, '1.5'), 1],
    ['Y_0 >= 0.07 (refuted after splitting)', atLeast(0, '0.07'), 2],
    ['Y_1 <= 0.93 (refuted after splitting)', constraint([[1, '1']], '0.93'), 2],
    ['Y_0 >= 0.0631 (refuted after splitting)', atLeast(0, '0.0631'), 2],
  ])('%s: unsat', async (_, c, leastBoxes) => {
    const result = await verifyVnnlibProperty(softmax, property(c), { timeoutSeconds: 20 });
    expect(result.kind).toBe('unsat');
    expect(result.stats.boxes).toBeGreaterThanOrEqual(leastBoxes);
    if (leastBoxes === 1) expect(result.stats.boxes).toBe(1);
  });

  it('differs from the logits reading, which the dropped head used to give', async () => {
    // On logits, Y_0 = z_0 ≤ −2.7 < 0 everywhere: unsat. On probabilities it is sat.
    const p = property(atLeast(0, '0'));
    expect((await verifyVnnlibProperty(logits, p, { timeoutSeconds: 20 })).kind).toBe('unsat');
    expect((await verifyVnnlibProperty(softmax, p, { timeoutSeconds: 20 })).kind).toBe('sat');
  });
});
