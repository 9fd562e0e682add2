// decisionAgreement uses the one decision rule, heads included: states in a Softmax head's collapse
// band are undetermined (neither agreement nor disagreement), the rest compare first maximal indices.
import type { Mlp } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { decisionAgreement } from '../src/decision-agreement.js';
import { quantizeStatic } from '../src/quantize-static.js';

function pair(head: 'logits' | 'softmax'): Mlp {
  // y0 = x, y1 = x + 2⁻²⁰: one 2⁻²⁰ apart everywhere (inside the Softmax band).
  return {
    layers: [
      {
        inFeatures: 1,
        outFeatures: 2,
        weight: Float32Array.of(1, 1),
        bias: Float32Array.of(0, 2 ** -20),
        activation: 'identity',
      },
    ],
    head,
  };
}

describe('decisionAgreement with output heads', () => {
  const states = Float32Array.of(0.25, 0.5, 0.75);

  it('a logits head compares first maximal indices', () => {
    const mlp = pair('logits');
    const { model } = quantizeStatic(mlp, states, { format: 'qoperator', activationType: 'uint8' });
    const result = decisionAgreement(mlp, model, states);
    expect(result.undetermined).toBe(0);
    expect(result.states).toBe(3);
  });

  it('a Softmax head in its collapse band is undetermined, not a disagreement', () => {
    const mlp = pair('softmax');
    const { model } = quantizeStatic(mlp, states, { format: 'qoperator', activationType: 'uint8' });
    expect(model.head).toBe('softmax');
    const result = decisionAgreement(mlp, model, states);
    expect(result.undetermined).toBe(3);
    expect(result.disagreements).toEqual([]);
    expect(result.agreement).toBe(0);
  });
});
