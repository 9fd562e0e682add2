// pairSaturationFree against the executor: where it says true, the two CPU semantics give
// bit-identical outputs on every input tried, including inputs that drive the quantised
// activations to 0 and 255 (where pair sums are extreme).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createInt8Executor,
  pairSaturationFree,
  type QMlp,
  type QMlpDynamic,
  type QMlpStatic,
  type QStaticLayer,
  type QuantElementType,
} from '../src/index.js';
import { lcg } from './support/models.js';

interface ModelCase {
  readonly sizes: number[];
  readonly seed: number;
  /** Largest |weight|: 64 and below can never saturate a pair, 127 often can. */
  readonly weightBound: number;
  /** Share of weights that are zero (sparse rows make saturating pairs rarer). */
  readonly sparsity: number;
  readonly activationType: QuantElementType;
  readonly format: 'qoperator' | 'dynamic';
}

const caseArb: fc.Arbitrary<ModelCase> = fc.record({
  sizes: fc
    .tuple(
      fc.integer({ min: 1, max: 6 }),
      fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 2 }),
      fc.integer({ min: 1, max: 4 }),
    )
    .map(([i, hidden, o]) => [i, ...hidden, o]),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  weightBound: fc.constantFrom(32, 64, 90, 127),
  sparsity: fc.constantFrom(0, 0.5, 0.8),
  activationType: fc.constantFrom<QuantElementType>('uint8', 'uint8', 'int8'),
  format: fc.constantFrom<'qoperator' | 'dynamic'>('qoperator', 'dynamic'),
});

function randomModel(c: ModelCase): QMlp {
  const next = lcg(c.seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const weights = (count: number): Int8Array =>
    Int8Array.from({ length: count }, () =>
      next() < c.sparsity ? 0 : int(-c.weightBound, c.weightBound),
    );
  const weightQuant = {
    elementType: 'int8' as const,
    granularity: 'per-tensor' as const,
    scales: Float32Array.of(Math.fround(0.01 + next() * 0.05)),
    zeroPoints: Int32Array.of(0),
    bits: 8,
  };
  const last = c.sizes.length - 2;
  if (c.format === 'dynamic') {
    const layers = c.sizes.slice(1).map((n, l) => ({
      inFeatures: c.sizes[l]!,
      outFeatures: n,
      weight: weights(c.sizes[l]! * n),
      weightQuant,
      bias: Float32Array.from({ length: n }, () => next() - 0.5),
      activation: l < last ? ('relu' as const) : ('identity' as const),
    }));
    return { format: 'dynamic', executionPath: { kind: 'fused-integer' }, layers } as QMlpDynamic;
  }
  const t = c.activationType;
  const qmin = t === 'uint8' ? 0 : -128;
  const layers = c.sizes.slice(1).map((n, l): QStaticLayer => ({
    inFeatures: c.sizes[l]!,
    outFeatures: n,
    weight: weights(c.sizes[l]! * n),
    weightQuant,
    bias: Int32Array.from({ length: n }, () => int(-5000, 5000)),
    activation: l < last ? 'relu' : 'identity',
    output:
      l < last ? { scale: Math.fround(0.5 + next() * 20), zeroPoint: qmin, elementType: t } : null,
  }));
  return {
    format: 'qoperator',
    executionPath: { kind: 'fused-integer' },
    input: { scale: Math.fround(0.01 + next()), zeroPoint: int(qmin, qmin + 255), elementType: t },
    layers,
    logits: 'float',
  } as QMlpStatic;
}

/** Inputs spread over and beyond the quantisation range, and its corners (all 0 or 255). */
function inputsFor(model: QMlp, count: number, seed: number): Float32Array[] {
  const next = lcg(seed);
  const k = model.layers[0]!.inFeatures;
  const reach = model.format === 'dynamic' || model.input === null ? 4 : 300 * model.input.scale;
  const out: Float32Array[] = [];
  for (let r = 0; r < count; r++) {
    const corner = r % 3 === 0;
    out.push(
      Float32Array.from({ length: k }, () =>
        corner ? (next() < 0.5 ? -reach : reach) : reach * (2 * next() - 1),
      ),
    );
  }
  return out;
}

describe('pairSaturationFree against the executor', () => {
  it('true ⇒ vnni-exact and avx2-u8s8-saturating outputs are bit-identical', () => {
    let free = 0;
    let notFree = 0;
    let differing = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const model = randomModel(c);
        const exact = createInt8Executor(model, { cpu: 'vnni-exact' });
        const saturating = createInt8Executor(model, { cpu: 'avx2-u8s8-saturating' });
        const says = pairSaturationFree(model);
        if (says) free++;
        else notFree++;
        let differs = false;
        for (const x of inputsFor(model, 200, c.seed + 1)) {
          const a = exact.forward(x);
          const b = saturating.forward(x);
          const same = a.every((v, i) => Object.is(v, b[i]));
          if (!same) differs = true;
          if (says)
            expect(Array.from(b), `input ${Array.from(x).join(', ')}`).toEqual(Array.from(a));
        }
        if (differs) differing++;
      }),
    );
    // The generator covers both answers, and the semantics really differ on some `false` models
    // (the property above could not fail otherwise).
    expect(free).toBeGreaterThan(10);
    expect(notFree).toBeGreaterThan(10);
    expect(differing).toBeGreaterThan(3);
  });
});
