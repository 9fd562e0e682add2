// Layers kept in float32: the fused multiply-add the executor's float32 Gemm is built on, checked
// against exact integer arithmetic, and the mixed model's invariants.
import { createMlp, createSeededRng } from '@quantproof/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmaFloat32 } from '../src/internal/mlas-sgemm-m1.js';
import {
  forwardInt8,
  InvalidQMlpError,
  keepLayersInFloat32,
  qmlpFromJson,
  qmlpToJson,
  QuantOptionsError,
  quantizeStatic,
  traceInt8,
  validateQMlp,
} from '../src/index.js';

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const SCALE = 298n; // every float32 product and sum is an integer multiple of 2^-298

/** A finite float32 as an exact integer multiple of 2^-298. */
function exact(x: number): bigint {
  let m = x;
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  return BigInt(m) << (SCALE - BigInt(e));
}

/** The float32 next to `x` upward (`+1`) or downward (`-1`); finite `x`. */
function step(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * 2 ** -149;
  F32[0] = x;
  U32[0] = U32[0]! + (dir > 0 === x > 0 ? 1 : -1);
  return F32[0]!;
}

/** Round-half-to-even of the exact value `v` (in units of 2^-298) to float32, by search. */
function roundExact(v: bigint, guess: number): number {
  const candidates = [step(step(guess, -1), -1), step(guess, -1), guess, step(guess, 1)];
  candidates.push(step(candidates[3]!, 1));
  let best = candidates[0]!;
  let bestDistance = -1n;
  for (const c of candidates) {
    if (!Number.isFinite(c)) continue;
    const d = exact(c) - v;
    const distance = d < 0n ? -d : d;
    F32[0] = c;
    const even = (U32[0]! & 1) === 0;
    if (bestDistance < 0n || distance < bestDistance || (distance === bestDistance && even)) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

/** float32 values with few mantissa bits at any scale: products and sums land on ties often. */
const sparseFloat = fc
  .tuple(
    fc.constantFrom(1, -1),
    fc.integer({ min: -60, max: 60 }),
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 23 }),
    fc.boolean(),
  )
  .map(([sign, e, b1, b2, minus]) =>
    Math.fround(sign * 2 ** e * (1 + (minus ? -1 : 1) * 2 ** -b1 * (b2 === 0 ? 0 : 1 - 2 ** -b2))),
  );
const anyFloat = fc.float({
  noNaN: true,
  noDefaultInfinity: true,
  min: Math.fround(-1e30),
  max: Math.fround(1e30),
});

/**
 * (a, b, c) with a · b = ±half an ulp of c · (1 ± 2^-2j): just off a float32 tie of a · b + c, by
 * less than float64 keeps for j ≥ 15 — the double rounding `fround(a * b + c)` gets wrong.
 */
const nearTie = fc
  .tuple(sparseFloat, fc.integer({ min: 8, max: 23 }), fc.boolean(), fc.boolean())
  .filter(([c]) => c !== 0 && Math.abs(c) < 1e30 && Math.abs(c) > 1e-30)
  .map(([c, j, above, sameSign]): [number, number, number] => {
    const half = 2 ** (Math.floor(Math.log2(Math.abs(c))) - 24);
    const a = Math.fround((sameSign === c > 0 ? 1 : -1) * half * (1 + 2 ** -j));
    const b = Math.fround(above ? 1 + 2 ** -j : 1 - 2 ** -j);
    return [a, b, c];
  });

describe('fmaFloat32: one rounding of a · b + c', () => {
  it('equals round-half-to-even of the exact value (near ties, sparse and arbitrary values)', () => {
    const free = fc.tuple(
      fc.oneof(sparseFloat, anyFloat),
      fc.oneof(sparseFloat, anyFloat),
      fc.oneof(sparseFloat, anyFloat),
    );
    fc.assert(
      fc.property(fc.oneof(nearTie, free), ([a, b, c]) => {
        const got = fmaFloat32(a, b, c);
        const guess = Math.fround(a * b + c);
        if (!Number.isFinite(guess) || Math.abs(guess) > 1e37) return; // overflow: not this oracle's range
        const v = (exact(a) * exact(b)) / (1n << SCALE) + exact(c);
        // Every float32 is a multiple of 2^-149, so a · b is one of 2^-298: the division is exact.
        expect((exact(a) * exact(b)) % (1n << SCALE)).toBe(0n);
        expect(
          Object.is(got, roundExact(v, guess)) || (got === 0 && roundExact(v, guess) === 0),
        ).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('decides a float64 tie by the part float64 dropped', () => {
    // a · b = 2^-24 (1 - 2^-36): 1 + 2^-23 + a · b lies just below a float32 tie, but its float64
    // rounding is the tie itself, which round-half-to-even would send up.
    const a = Math.fround(2 ** -24 * (1 + 2 ** -18));
    const b = Math.fround(1 - 2 ** -18);
    const c = Math.fround(1 + 2 ** -23);
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(fmaFloat32(a, b, c)).toBe(1 + 2 ** -23);
    expect(fmaFloat32(-a, b, -c)).toBe(-(1 + 2 ** -23));
    // Just above the tie: rounds up.
    expect(fmaFloat32(a, Math.fround(1 + 2 ** -18), Math.fround(1 + 2 ** -23))).toBe(1 + 2 ** -22);
  });
});

const mlp = createMlp({ sizes: [4, 8, 8, 2], rng: createSeededRng(3) });
const calibration = Float32Array.from({ length: 400 }, (_, k) => Math.sin(k * 1.7) * 2);
const base = quantizeStatic(mlp, calibration, { activationType: 'uint8' }).model;

describe('keepLayersInFloat32', () => {
  it('keeps the first layer: no input quantisation, its output quantised for layer 1', () => {
    const mixed = keepLayersInFloat32(mlp, base, [0]);
    expect(mixed.input).toBeNull();
    const first = mixed.layers[0]!;
    expect(first.kind).toBe('float');
    expect(first.output).toEqual(base.layers[0]!.output);
    expect(Array.from(first.kind === 'float' ? first.weight : [])).toEqual(
      Array.from(mlp.layers[0]!.weight),
    );
    // The trace shows the float32 layer, then the int8 layers reading its codes.
    const trace = traceInt8(mixed, Float32Array.of(0.3, -1, 0.5, 2));
    expect(trace.layers.map((l) => l.kind)).toEqual(['kept-float', 'integer', 'integer']);
    const kept = trace.layers[0]!;
    const next = trace.layers[1]!;
    if (kept.kind !== 'kept-float' || next.kind !== 'integer') throw new Error('unexpected trace');
    expect(Array.from(next.input)).toEqual(Array.from(kept.quantized!));
  });

  it('keeps the last layer: float logits from the dequantised codes of the layer before', () => {
    const mixed = keepLayersInFloat32(mlp, base, [2]);
    expect(mixed.logits).toBe('float');
    expect(mixed.layers[2]!.output).toBeNull();
    const trace = traceInt8(mixed, Float32Array.of(0.3, -1, 0.5, 2));
    const kept = trace.layers[2]!;
    const before = trace.layers[1]!;
    if (kept.kind !== 'kept-float' || before.kind !== 'integer')
      throw new Error('unexpected trace');
    const q = base.layers[1]!.output!;
    expect(Array.from(kept.input)).toEqual(
      Array.from(before.output!, (c) => Math.fround((c - q.zeroPoint) * q.scale)),
    );
    expect(Array.from(trace.logits)).toEqual(Array.from(kept.output));
  });

  it('refuses a float32 layer between two int8 layers, which onnxruntime would quantise', () => {
    expect(() => keepLayersInFloat32(mlp, base, [1])).toThrow(InvalidQMlpError);
    expect(() => keepLayersInFloat32(mlp, base, [1])).toThrow(/quantises that Gemm's weights/);
  });

  it('refuses keeping none, all, or a layer that does not exist', () => {
    expect(() => keepLayersInFloat32(mlp, base, [])).toThrow(QuantOptionsError);
    expect(() => keepLayersInFloat32(mlp, base, [0, 1, 2])).toThrow(QuantOptionsError);
    expect(() => keepLayersInFloat32(mlp, base, [3])).toThrow(/layers are 0..2/);
  });

  it('round-trips through JSON bit for bit (the form workers receive)', () => {
    for (const keep of [[0], [2], [0, 1], [0, 2]]) {
      const mixed = keepLayersInFloat32(mlp, base, keep);
      const back = qmlpFromJson(JSON.parse(JSON.stringify(qmlpToJson(mixed)))).model;
      expect(back).toEqual(mixed);
      const x = Float32Array.of(0.7, -0.3, 0.05, -1.5);
      expect(Array.from(forwardInt8(back, x))).toEqual(Array.from(forwardInt8(mixed, x)));
    }
  });

  it('validates what it builds, and the executor runs every allowed layout', () => {
    for (const keep of [[0], [2], [0, 1], [1, 2], [0, 2]]) {
      const mixed = keepLayersInFloat32(mlp, base, keep);
      expect(validateQMlp(mixed)).toBe(mixed);
      const out = forwardInt8(mixed, Float32Array.of(1, 0.5, -0.25, 0));
      expect(out.length).toBe(2);
    }
  });
});
