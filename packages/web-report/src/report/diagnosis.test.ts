import { describe, expect, it } from 'vitest';
import type { VariantVerificationJson } from '../schema/verify.js';
import { diagnoseVariant } from './diagnosis.js';

const base: VariantVerificationJson = {
  variant: 'ptq-static-qdq',
  verdict: 'inconsistent',
  method: 'linear',
  region: { lower: [-1, -1], upper: [1, 1] },
  volume: { agree: 0.5, disagree: 0.1, mixed: 0.3, open: 0.1 },
  disagreement: {
    lower: 0.12345,
    upper: 0.29601,
    estimate: { value: 0.189, low: 0.184, high: 0.195, samples: 1000, confidence: 0.95 },
  },
  stopReason: 'budget',
  boxes: 10,
  seconds: 1,
  leaves: [],
  counterexamples: [
    {
      input: [0.5, -0.25],
      fp32Logits: [1, 0.2],
      int8Logits: [0.1, 0.3],
      fp32Margin: 0.8,
      replay: {
        runtime: 'onnxruntime-node',
        fp32Logits: [1, 0.2],
        int8Logits: [0.1, 0.3],
        confirmed: true,
      },
    },
    {
      input: [0.1, 0.1],
      fp32Logits: [1, 0.9],
      int8Logits: [0.1, 0.3],
      fp32Margin: 0.1,
      replay: {
        runtime: 'onnxruntime-node',
        fp32Logits: [1, 0.9],
        int8Logits: [0.1, 0.3],
        confirmed: true,
      },
    },
  ],
  counterexamplesFound: 2,
  flipMargin: { lower: 0.8, upper: 0.81, certified: true },
  flipMarginCoverage: { share: 0.972, states: 10000 },
};

describe('diagnoseVariant', () => {
  it('says how much disagrees, the worst counterexample, what δ* covers, and the warning fix as the next step', () => {
    const warning =
      'one input scale covers [−2.39, 0.43] for all 4 inputs: x, ẋ and θ̇ saturate over most of the operating box — calibrate on the region (--calibrate-on region)';
    const d = diagnoseVariant(base, {
      warnings: [warning],
      dimensions: ['x', 'x_dot'],
      actions: ['push left', 'push right'],
    });
    expect(d.sentence).toBe(
      'ptq-static-qdq is inconsistent: int8 decides differently from FP32 on 12.3–29.7 % of the operating box (certified; sampled estimate 18.9 %, not a proof).',
    );
    expect(d.findings[0]).toBe(`quantiser: ${warning}`);
    expect(d.findings[1]).toBe(
      'worst counterexample: at x = 0.5, ẋ = -0.25 FP32 chooses push left by a margin of 0.8 and int8 chooses push right (replayed in onnxruntime-node).',
    );
    expect(d.findings[2]).toBe(
      "δ* ≤ 0.81: int8 provably takes FP32's decision wherever FP32's margin exceeds 0.81 — 97.2 % of the 10000 visited states.",
    );
    expect(d.nextStep).toBe(
      'calibrate on the region (--calibrate-on region), then run the study again.',
    );
    expect(d.findings.join(' ')).not.toMatch(/threshold-unreachable|0\.85390/);
  });

  it('asks for more time where open leaves leave the answer unknown, and for nothing when consistent', () => {
    const unknown = diagnoseVariant(
      { ...base, verdict: 'unknown', counterexamples: [], flipMargin: null },
      { warnings: [], moreTimeFlag: '--timeout' },
    );
    expect(unknown.sentence).toMatch(
      /^ptq-static-qdq is unknown: no counterexample was found, but 50\.0 % /,
    );
    expect(unknown.nextStep).toBe(
      'give the verifier more time (--timeout) to decide the open 10.0 %.',
    );
    // A dynamic model: more time does not close its open band; the next step says what does.
    const dynamic = diagnoseVariant(
      { ...base, variant: 'ptq-dynamic' },
      { warnings: [], moreTimeFlag: '--timeout', dynamic: true },
    );
    expect(dynamic.findings.at(-1)).toMatch(
      /^10\.0 % of the operating box was still open when the budget ran out: the model quantises its activations dynamically/,
    );
    expect(dynamic.nextStep).toMatch(
      /^verify small regions .* --around .* static variant \(ptq-static, qat\)/,
    );
    const consistent = diagnoseVariant(
      {
        ...base,
        verdict: 'consistent',
        volume: { agree: 1, disagree: 0, mixed: 0, open: 0 },
        disagreement: { lower: 0, upper: 0, estimate: null },
        counterexamples: [],
        flipMargin: null,
      },
      { warnings: [] },
    );
    expect(consistent.sentence).toBe(
      "ptq-static-qdq is consistent: int8 takes FP32's decision everywhere in the operating box (proven).",
    );
    expect(consistent.findings).toEqual([]);
  });
});
