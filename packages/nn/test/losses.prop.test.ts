import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanEntropy, softmaxCrossEntropy } from '../src/categorical.js';
import { distillationKl } from '../src/distillation.js';
import type { GradientSink } from '../src/gradient-sink.js';
import { logSoftmax, logSoftmaxBackward } from '../src/log-softmax.js';
import { meanSquaredError } from '../src/mean-squared-error.js';
import { ppoClippedSurrogate } from '../src/ppo-surrogate.js';

// Gradient checks of every loss w.r.t. its input against float64 central differences (smooth
// functions, so the tolerance only has to cover O(h²) truncation and round-off). Each sink starts
// non-zero to check that gradients are *added*, scaled.
const H = 1e-5;

interface Case {
  readonly n: number;
  readonly k: number;
  readonly logits: Float64Array;
  readonly other: Float64Array;
  readonly classes: number[];
  readonly advantages: number[];
  readonly scale: number;
}

const caseArbitrary: fc.Arbitrary<Case> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 5 }))
  .chain(([n, k]) =>
    fc.record({
      n: fc.constant(n),
      k: fc.constant(k),
      logits: fc.float64Array({ minLength: n * k, maxLength: n * k, min: -4, max: 4, noNaN: true }),
      other: fc.float64Array({ minLength: n * k, maxLength: n * k, min: -4, max: 4, noNaN: true }),
      classes: fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: n, maxLength: n }),
      advantages: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), {
        minLength: n,
        maxLength: n,
      }),
      scale: fc.double({ min: -2, max: 2, noNaN: true }),
    }),
  );

function checkGradient(
  input: Float64Array,
  scale: number,
  evaluate: (values: Float64Array, sink?: GradientSink) => number,
): void {
  const initial = Float64Array.from(input, (_, i) => (i % 3) - 1);
  const gradient = Float64Array.from(initial);
  evaluate(input, { gradient, scale });
  for (let i = 0; i < input.length; i++) {
    const saved = input[i]!;
    input[i] = saved + H;
    const plus = evaluate(input);
    input[i] = saved - H;
    const minus = evaluate(input);
    input[i] = saved;
    const numeric = (scale * (plus - minus)) / (2 * H);
    const analytic = gradient[i]! - initial[i]!;
    expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(
      1e-7 + 1e-6 * Math.max(Math.abs(analytic), Math.abs(numeric)),
    );
  }
}

describe('loss gradients match central differences', () => {
  it('softmax cross-entropy', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ n, k, logits, classes, scale }) =>
        checkGradient(logits, scale, (z, sink) => softmaxCrossEntropy(z, classes, n, k, sink)),
      ),
    );
  });

  it('mean entropy', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ n, k, logits, scale }) =>
        checkGradient(logits, scale, (z, sink) => meanEntropy(z, n, k, sink)),
      ),
    );
  });

  it('log-softmax vector–Jacobian product', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ n, k, logits, other, scale }) =>
        checkGradient(logits, scale, (z, sink) => {
          if (sink !== undefined) logSoftmaxBackward(z, other, n, k, sink);
          const logProbs = logSoftmax(z, n, k, new Float64Array(n * k));
          return logProbs.reduce((sum, value, i) => sum + value * other[i]!, 0);
        }),
      ),
    );
  });

  it('mean squared error', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ n, k, logits, other, scale }) =>
        checkGradient(logits, scale, (y, sink) => meanSquaredError(y, other, n * k, sink)),
      ),
    );
  });

  it('distillation KL at temperatures 1 and 3', () => {
    fc.assert(
      fc.property(
        caseArbitrary,
        fc.constantFrom(1, 3),
        ({ n, k, logits, other, scale }, temperature) =>
          checkGradient(logits, scale, (z, sink) =>
            distillationKl(z, other, n, k, { temperature }, sink),
          ),
      ),
    );
  });

  it('PPO clipped surrogate away from the clip boundaries', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ n, k, logits, other, classes, advantages, scale }) => {
        // Old log-probabilities: the current ones shifted by up to ±0.5, so rows fall on both
        // sides of the clip range.
        const current = logSoftmax(logits, n, k, new Float64Array(n * k));
        const oldLogProbs = classes.map((a, s) => current[s * k + a]! + other[s * k]! / 8);
        const clipRange = 0.2;
        for (let s = 0; s < n; s++) {
          const ratio = Math.exp(current[s * k + classes[s]!]! - oldLogProbs[s]!);
          fc.pre(Math.abs(Math.abs(ratio - 1) - clipRange) > 1e-3);
        }
        checkGradient(
          logits,
          scale,
          (z, sink) =>
            ppoClippedSurrogate(
              { logits: z, actions: classes, oldLogProbs, advantages, clipRange, n, k },
              sink,
            ).loss,
        );
      }),
    );
  });
});
