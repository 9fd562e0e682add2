import { createSeededRng, forwardFp32 } from '@quantproof/nn';
import { argmaxFirst, createInt8Executor } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certifyDecision, createBox, float32Range, type Box } from '../src/index.js';
import { BOUND_METHODS, marginsProveAction } from '../src/certify.js';
import {
  coveredPoints,
  quantCaseArb,
  quantize,
  randomBox,
  randomMlp,
  sizesArb,
} from './support/random-models.js';

/** 2000 covered float32 points: corners, random points, and random points of the float32 range. */
function denseSample(box: Box, seed: number): Float32Array[] {
  const points = coveredPoints(box, 1900, seed);
  const rng = createSeededRng(seed + 1);
  const r = float32Range(box);
  while (points.length < 2000) {
    points.push(
      Float32Array.from(r.lower, (l, i) => Math.fround(l + (r.upper[i]! - l) * rng.nextFloat64())),
    );
  }
  return points;
}

describe('certifyDecision', () => {
  it('never certifies a box holding a disagreement: 2000 points of every consistent box agree', () => {
    let consistent = 0;
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        quantCaseArb,
        fc.constantFrom(0.001, 0.01, 0.05),
        fc.constantFrom(...BOUND_METHODS),
        (sizes, seed, quant, radius, method) => {
          const mlp = randomMlp(sizes, seed);
          const model = quantize(mlp, quant, 2, seed + 1);
          const box = randomBox(sizes[0]!, 1.5, radius, seed + 2);
          const certificate = certifyDecision(mlp, model, box, { method });
          if (certificate.kind !== 'consistent') return;
          consistent++;
          const executor = createInt8Executor(model);
          for (const x of denseSample(box, seed + 3)) {
            const fp = argmaxFirst(forwardFp32(mlp, x));
            expect(fp).toBe(certificate.action);
            expect(argmaxFirst(executor.forward(x))).toBe(certificate.action);
          }
        },
      ),
      { numRuns: 120 },
    );
    // The property is not vacuous: most of these small boxes are certified.
    expect(consistent).toBeGreaterThan(40);
  });

  it('applies the first-index tie rule to margin bounds', () => {
    // Margins are lower bounds of logit_action − logit_j: ties (0) are allowed only after the action.
    expect(marginsProveAction(Float64Array.of(0, 0, 0), 0)).toBe(true);
    expect(marginsProveAction(Float64Array.of(0, 0, 0), 1)).toBe(false);
    expect(marginsProveAction(Float64Array.of(1e-300, 0, 0), 1)).toBe(true);
    expect(marginsProveAction(Float64Array.of(0, 0, -1e-300), 0)).toBe(false);
    expect(marginsProveAction(Float64Array.of(NaN, 0), 1)).toBe(false);
  });

  it('returns unknown, with its bounds, on a box that straddles the FP32 decision boundary', () => {
    const mlp = randomMlp([2, 8, 2], 5);
    const model = quantize(
      mlp,
      {
        kind: 'static',
        activationType: 'uint8',
        perChannel: true,
        format: 'qoperator',
        path: 'fused',
        logits: 'dequantize',
        bits: 8,
      },
      2,
      6,
    );
    const box = createBox([-2, -2], [2, 2]);
    const certificate = certifyDecision(mlp, model, box);
    expect(certificate.kind).toBe('unknown');
    if (certificate.kind !== 'unknown') return;
    expect(['fp32-margin', 'both-margins']).toContain(certificate.reason);
    expect(certificate.difference).not.toBeNull();
    expect(certificate.fp32Logits.lower.length).toBe(2);
  });
});
