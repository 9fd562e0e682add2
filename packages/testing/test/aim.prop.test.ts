// The aiming arbitraries against their oracles: every input is a float32 point of the box; cell-face
// and saturation inputs sit where quant's quantizeLinear changes or saturates; on planted pairs the
// aimed search finds counterexamples that smt-verify's replay and onnxruntime-node confirm, in far
// fewer inputs than uniform sampling, and shrinking only raises the FP32 margin, never above the
// verifier's certified δ*.
import {
  decideOutputs,
  elementTypeRange,
  quantizeLinear,
  type QMlpStatic,
} from '@quantproof/quant';
import { releaseZ3, verifyRegion } from '@quantproof/smt-verify';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { float32FromOrdinal, float32Ordinal } from '@quantproof/interval';
import {
  createDecisionJudge,
  regionInputs,
  searchDisagreements,
  TestingOptionsError,
} from '../src/index.js';
import { plantedPair } from '@quantproof/test-support/planted';

afterAll(releaseZ3);

const next = (x: number, up: boolean): number =>
  float32FromOrdinal(float32Ordinal(x) + (up ? 1 : -1));

/** Planted pairs over [−1, 1]^d boxes (shifted), whose FP32 boundary w·x = b crosses the box. */
const plantedArb = fc
  .record({
    w: fc.array(fc.integer({ min: -16, max: 16 }), { minLength: 2, maxLength: 4 }),
    at: fc.array(fc.integer({ min: -80, max: 80 }), { minLength: 4, maxLength: 4 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(({ w, at, seed }) => {
    const weights = w.map((v, i) => (v === 0 && i === 0 ? 1 : v) / 8);
    const lower = weights.map(() => -1);
    const upper = weights.map(() => 1);
    const p = weights.map((_, i) => at[i]! / 100);
    const b = Math.fround(weights.reduce((s, v, i) => s + v * p[i]!, 0));
    return { ...plantedPair(weights, b, seed), box: { lower, upper }, seed };
  });

const inBox = (x: Float32Array, box: { lower: number[]; upper: number[] }): boolean =>
  Array.from(x).every((v, i) => Math.fround(v) === v && v >= box.lower[i]! && v <= box.upper[i]!);

describe('regionInputs', () => {
  it('draws float32 points of the box, whatever the aim', () => {
    fc.assert(
      fc.property(
        plantedArb,
        fc.constantFrom('boundary', 'cell-face', 'saturation', 'uniform', undefined),
        fc.integer({ min: 0, max: 1000 }),
        (pair, aim, seed) => {
          const arb = regionInputs(pair.fp32, pair.int8, {
            box: pair.box,
            ...(aim ? { aim } : {}),
          });
          for (const x of fc.sample(arb, { seed, numRuns: 20 }))
            expect(inBox(x, pair.box)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('puts cell-face inputs on a face of the input quantiser or on the float32 just below one', () => {
    fc.assert(
      fc.property(plantedArb, fc.integer({ min: 0, max: 1000 }), (pair, seed) => {
        const t = (pair.int8 as QMlpStatic).input;
        const q = (v: number): number => quantizeLinear(v, t.scale, t.zeroPoint, t.elementType);
        const arb = regionInputs(pair.fp32, pair.int8, { box: pair.box, aim: 'cell-face' });
        for (const x of fc.sample(arb, { seed, numRuns: 20 })) {
          const onFace = Array.from(x).some(
            (v) => q(next(v, false)) !== q(v) || q(next(v, true)) !== q(v),
          );
          expect(onFace).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('puts saturation inputs on a box face or where the input quantiser starts to saturate', () => {
    fc.assert(
      fc.property(plantedArb, fc.integer({ min: 0, max: 1000 }), (pair, seed) => {
        const t = (pair.int8 as QMlpStatic).input;
        const { qmin, qmax } = elementTypeRange(t.elementType);
        const q = (v: number): number => quantizeLinear(v, t.scale, t.zeroPoint, t.elementType);
        const arb = regionInputs(pair.fp32, pair.int8, { box: pair.box, aim: 'saturation' });
        for (const x of fc.sample(arb, { seed, numRuns: 20 })) {
          const onEdge = Array.from(x).some(
            (v, i) =>
              v === pair.box.lower[i] ||
              v === pair.box.upper[i] ||
              (q(v) === qmin + 1 && q(next(v, false)) === qmin) ||
              (q(v) === qmax && q(next(v, false)) === qmax - 1),
          );
          expect(onEdge).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('refuses an aim it does not know and a box of the wrong size, saying what to pass', () => {
    const pair = plantedPair([1, 1], 0);
    const box = { lower: [-1, -1], upper: [1, 1] };
    expect(() => regionInputs(pair.fp32, pair.int8, { box, aim: 'edge' as never })).toThrow(
      TestingOptionsError,
    );
    expect(() => regionInputs(pair.fp32, pair.int8, { box, aim: { uniform: 0 } })).toThrow(
      /at least one a positive weight/,
    );
    expect(() => regionInputs(pair.fp32, pair.int8, { box: { lower: [0], upper: [1] } })).toThrow(
      /one \[lower, upper\] pair per input/,
    );
  });
});

describe('searchDisagreements on planted pairs', () => {
  it('finds counterexamples onnxruntime-node confirms, in far fewer inputs than uniform sampling', async () => {
    const aimed: number[] = [];
    const uniform: number[] = [];
    const pairs = fc.sample(plantedArb, { seed: 19, numRuns: 12 });
    for (const pair of pairs) {
      for (const [aim, counts] of [
        [undefined, aimed],
        ['uniform', uniform],
      ] as const) {
        const r = await searchDisagreements(pair.fp32, pair.int8, {
          box: pair.box,
          seed: pair.seed % 1000,
          samples: 4000,
          ...(aim ? { aim } : {}),
        });
        counts.push(r.kind === 'found' ? r.samplesToFirst : Infinity);
        if (r.kind !== 'found') continue;
        for (const c of [r.first, r.counterexample]) {
          expect(inBox(c.input, pair.box)).toBe(true);
          expect(c.runtimeReplay).toBe('onnxruntime-node');
          expect(decideOutputs(c.ortInt8Logits!)).toBe(c.int8Action);
          expect(decideOutputs(c.ortFp32Logits!)).not.toBe(c.int8Action);
          expect(c.fp32Margin).toBeGreaterThan(c.tieTolerance);
        }
        expect(r.counterexample.fp32Margin).toBeGreaterThanOrEqual(r.first.fp32Margin);
      }
    }
    const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;
    expect(aimed.filter((n) => n !== Infinity).length).toBe(pairs.length);
    expect(median(aimed) * 10).toBeLessThanOrEqual(median(uniform));
  });

  it('shrinks towards the largest FP32 margin, never above the certified δ*', async () => {
    const pair = plantedPair([0.5, -0.25, 0.125], 0.05, 3);
    const box = { lower: [-1, -1, -1], upper: [1, 1, 1] };
    const region = await verifyRegion(pair.fp32, pair.int8, box, {
      workers: 0,
      seconds: 30,
      maxBoxes: 3000,
    });
    expect(region.flipMargin).not.toBeNull();
    const delta = region.flipMargin!;
    for (const seed of [0, 1, 2]) {
      const r = await searchDisagreements(pair.fp32, pair.int8, { box, seed, samples: 500 });
      expect(r.kind).toBe('found');
      if (r.kind !== 'found') continue;
      expect(r.counterexample.fp32Margin).toBeLessThanOrEqual(delta.upper);
      expect(r.counterexample.fp32Margin).toBeGreaterThanOrEqual(r.first.fp32Margin);
      expect(r.counterexample.fp32Margin).toBeGreaterThanOrEqual(0.5 * delta.lower);
    }
  });

  it('reports a seed and path with which fast-check replays the shrunk input', async () => {
    const pair = plantedPair([0.5, -0.25, 0.125], 0.05, 3);
    const box = { lower: [-1, -1, -1], upper: [1, 1, 1] };
    const r = await searchDisagreements(pair.fp32, pair.int8, { box, seed: 7, samples: 500 });
    expect(r.kind).toBe('found');
    if (r.kind !== 'found') return;
    const judge = createDecisionJudge(pair.fp32, pair.int8);
    const replayed = await fc.check(
      fc.asyncProperty(regionInputs(pair.fp32, pair.int8, { box }), judge.takesFp32Decision),
      { seed: r.seed, path: r.path, endOnFailure: true },
    );
    await judge.release();
    expect(replayed.failed).toBe(true);
    expect(Array.from(replayed.counterexample![0])).toEqual(Array.from(r.counterexample.input));
  });
});
