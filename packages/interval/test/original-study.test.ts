import { describe, expect, it } from 'vitest';
import { createBox, originalStudyCheck } from '../src/index.js';
import { quantize, randomMlp } from './support/random-models.js';

describe('originalStudyCheck', () => {
  it('answers the study’s question (probabilities inside logit intervals) and the right one', () => {
    // A network with large logits, as a trained policy has: the probabilities (in (0, 1)) cannot
    // lie in its narrow logit intervals, whatever the decisions do.
    const mlp = randomMlp([2, 8, 2], 21, 6);
    const model = quantize(
      mlp,
      {
        kind: 'static',
        activationType: 'int8',
        perChannel: false,
        format: 'qdq',
        path: 'fused',
        logits: 'dequantize',
        bits: 8,
      },
      2,
      22,
    );
    const box = createBox([0.5, 0.5], [0.501, 0.501]);
    const check = originalStudyCheck(mlp, model, box);
    const sum = check.fp32Probabilities.reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    expect(check.softmaxInsideLogitInterval).toBe(false);
    expect(check.corrected.kind).toBe('consistent');
    expect(check.explanation).toMatch(/carries no information/);
    expect(check.int8LogitInterval.lower.length).toBe(2);
  });
});
