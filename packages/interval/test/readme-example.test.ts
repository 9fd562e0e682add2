// Runs the example of README.md (keep the two in sync).
import { describe, expect, it } from 'vitest';
import { createMlp, createSeededRng } from '@quantproof/nn';
import { quantizeStatic } from '@quantproof/quant';
import {
  boxFromCentre,
  certifyDecision,
  searchCounterexamples,
  splitAndCertify,
} from '@quantproof/interval';

describe('README example', () => {
  it('runs', () => {
    const mlp = createMlp({ sizes: [4, 16, 16, 2], rng: createSeededRng(1) });
    const calibration = Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i * 0.37));
    const { model } = quantizeStatic(mlp, calibration); // QDQ int8, as onnxruntime's quantize_static
    const certificate = certifyDecision(mlp, model, boxFromCentre([0.2, 0, -0.1, 0.3], 0.01));
    // { kind: 'consistent', action, fp32Margins, int8Margins, … } or { kind: 'unknown', reason, … }
    const region = boxFromCentre([0.5, 0.5, 0, 0], 0.25);
    const counterexamples = searchCounterexamples(mlp, model, region); // checked disagreements
    const partition = splitAndCertify(mlp, model, region, { maxBoxes: 300 });
    const { consistentFraction, counterexampleFraction, openFraction } = partition;

    expect(certificate.kind).toBe('consistent');
    expect(counterexamples).toHaveLength(1); // this untrained network disagrees somewhere
    expect(consistentFraction + counterexampleFraction + openFraction).toBeCloseTo(1, 12);
    expect(consistentFraction).toBeGreaterThan(0);
  });
});
