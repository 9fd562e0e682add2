// quant's claim about float32 Softmax, checked against onnxruntime-node: logit gaps above
// `SOFTMAX_ORDER_GAP` keep their strict order through onnxruntime's Softmax, so `decideLogits(…,
// 'softmax')` is either `undetermined` (with onnxruntime's choice among its candidates) or the
// first maximal index of onnxruntime's probabilities — and gaps at or below it do collapse. The
// model is `writeMlpOnnx` of a k → k Gemm with identity weights and a Softmax head, so the
// Softmax sees exactly the float32 logits chosen here (checked on the head-less twin).
import type { Mlp } from '@quantproof/nn';
import { decideLogits, decideOutputs, SOFTMAX_ORDER_GAP } from '@quantproof/quant';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrtSession, writeMlpOnnx } from '../src/index.js';
import type { OrtSession } from '../src/index.js';
import { testRng } from './helpers/prng.js';
import type { TestRng } from './helpers/prng.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 next to the float32 `x` towards -∞ (one ulp below). */
function ulpBelow(x: number): number {
  f32[0] = x;
  if (x === 0) return -(2 ** -149);
  u32[0] = x > 0 ? u32[0]! - 1 : u32[0]! + 1;
  return f32[0];
}

/** The float32 next to the float32 `x` towards +∞ (one ulp above). */
function ulpAbove(x: number): number {
  return -ulpBelow(-x);
}

/** A k → k identity Gemm with a Softmax head (`head` absent: the head-less twin). */
function identityModel(k: number, head: 'softmax' | undefined): Mlp {
  const weight = new Float32Array(k * k);
  for (let j = 0; j < k; j++) weight[j * k + j] = 1;
  const layer = {
    inFeatures: k,
    outFeatures: k,
    weight,
    bias: new Float32Array(k),
    activation: 'identity' as const,
  };
  return head === undefined ? { layers: [layer] } : { layers: [layer], head };
}

// Gaps that matter near the maximum: none, one ulp, far inside the collapse band, the band's edge
// and the first float32 gaps above it.
const GAP = SOFTMAX_ORDER_GAP;
const NAMED_GAPS = [0, 2 ** -30, 2 ** -26, 2 ** -25, 2 ** -24, 2 ** -20, GAP, GAP * (1 + 2 ** -23)];

/** A magnitude log-uniform in [1e-30, 1e30] with a random sign, or a small one where 2⁻¹⁷ resolves. */
function magnitude(rng: TestRng): number {
  const sign = rng.next() < 0.5 ? -1 : 1;
  const wide = rng.next() < 0.5;
  const exponent = wide ? rng.uniform(-30, 30) : rng.uniform(-3, 2);
  return Math.fround(sign * 10 ** exponent);
}

/** A gap to the maximum: named, around 2⁻¹⁷ (below and above), or far. */
function gap(rng: TestRng): number {
  const pick = rng.next();
  if (pick < 0.3) return NAMED_GAPS[Math.floor(rng.next() * NAMED_GAPS.length)]!;
  if (pick < 0.6) return GAP * 2 ** rng.uniform(-10, 0); // inside the band
  if (pick < 0.9) return GAP * (1 + 2 ** rng.uniform(-23, 4)); // just above it
  return 2 ** rng.uniform(-16, 40); // far
}

/** One logit vector of k classes: a maximum, then others at chosen gaps below it (or one ulp). */
function logitVector(rng: TestRng, k: number): Float32Array {
  const top = magnitude(rng);
  const logits = new Float32Array(k);
  for (let i = 0; i < k; i++) {
    const choice = rng.next();
    if (choice < 0.1) logits[i] = top;
    else if (choice < 0.2) logits[i] = ulpBelow(top);
    else if (choice < 0.25) logits[i] = ulpAbove(top);
    else logits[i] = Math.fround(top - gap(rng));
  }
  return logits;
}

interface Findings {
  /** Vectors checked. */
  vectors: number;
  /** Pairs (maximum, other) whose float32 gap g satisfied 0 < g ≤ SOFTMAX_ORDER_GAP. */
  inBand: number;
  /** Of those, pairs whose probabilities came out equal. */
  collapsed: number;
  /** The largest gap whose probabilities came out equal, and the smallest that stayed apart. */
  largestCollapsedGap: number;
  smallestSeparatedGap: number;
  /** Pairs with a gap above SOFTMAX_ORDER_GAP, all of which must keep a strict order. */
  aboveBand: number;
  /** Decisions `decideLogits` left undetermined. */
  undetermined: number;
}

/** Checks one row with zero tolerance and records what it saw. */
function checkRow(logits: Float32Array, probabilities: Float32Array, seen: Findings): void {
  const decision = decideLogits(logits, 'softmax');
  const ort = decideOutputs(probabilities);
  if (decision.kind === 'action') {
    expect(ort, `logits ${Array.from(logits).join(', ')}`).toBe(decision.action);
  } else {
    seen.undetermined++;
    expect(decision.candidates, `logits ${Array.from(logits).join(', ')}`).toContain(ort);
  }
  const top = decideOutputs(logits);
  for (let i = 0; i < logits.length; i++) {
    const g = logits[top]! - logits[i]!;
    if (!(g > 0)) continue;
    const equal = probabilities[i] === probabilities[top];
    if (g > GAP) {
      seen.aboveBand++;
      expect(probabilities[i], `gap ${g} in ${Array.from(logits).join(', ')}`).toBeLessThan(
        probabilities[top]!,
      );
    } else {
      seen.inBand++;
      if (equal) seen.collapsed++;
    }
    if (equal) seen.largestCollapsedGap = Math.max(seen.largestCollapsedGap, g);
    else seen.smallestSeparatedGap = Math.min(seen.smallestSeparatedGap, g);
  }
}

describe('float32 Softmax in onnxruntime-node vs SOFTMAX_ORDER_GAP', () => {
  const sessions = new Map<number, { softmax: OrtSession; logits: OrtSession }>();
  beforeAll(async () => {
    for (let k = 2; k <= 8; k++) {
      sessions.set(k, {
        softmax: await createOrtSession(writeMlpOnnx(identityModel(k, 'softmax'))),
        logits: await createOrtSession(writeMlpOnnx(identityModel(k, undefined))),
      });
    }
  });
  afterAll(async () => {
    for (const { softmax, logits } of sessions.values()) {
      await softmax.release();
      await logits.release();
    }
  });

  /** Runs `rows` k-wide logit vectors; returns ORT's probabilities after checking its logits. */
  async function probabilitiesOf(k: number, rows: Float32Array): Promise<Float32Array> {
    const { softmax, logits } = sessions.get(k)!;
    const n = rows.length / k;
    const echoed = await logits.run(rows, n);
    expect(new Uint32Array(echoed.buffer, echoed.byteOffset, echoed.length)).toEqual(
      new Uint32Array(rows.buffer, rows.byteOffset, rows.length),
    );
    return softmax.run(rows, n);
  }

  it('decideLogits is undetermined or onnxruntime’s decision; gaps above the band never collapse', async () => {
    const seen: Findings = {
      vectors: 0,
      inBand: 0,
      collapsed: 0,
      largestCollapsedGap: 0,
      smallestSeparatedGap: Infinity,
      aboveBand: 0,
      undetermined: 0,
    };
    const rng = testRng(20_170_217);
    const perK = 3000;
    for (let k = 2; k <= 8; k++) {
      const rows = new Float32Array(perK * k);
      for (let r = 0; r < perK; r++) rows.set(logitVector(rng, k), r * k);
      const probabilities = await probabilitiesOf(k, rows);
      for (let r = 0; r < perK; r++) {
        checkRow(
          rows.subarray(r * k, (r + 1) * k),
          probabilities.subarray(r * k, (r + 1) * k),
          seen,
        );
      }
      seen.vectors += perK;
    }
    console.log(
      `softmax order: ${seen.vectors} vectors (k = 2..8), ${seen.aboveBand} gaps above 2^-17 all ` +
        `kept their order; ${seen.collapsed} of ${seen.inBand} gaps in (0, 2^-17] collapsed; ` +
        `largest collapsed gap ${seen.largestCollapsedGap} (2^${Math.log2(seen.largestCollapsedGap).toFixed(2)}), ` +
        `smallest separated gap ${seen.smallestSeparatedGap}; ${seen.undetermined} undetermined`,
    );
    expect(seen.vectors).toBeGreaterThanOrEqual(20_000);
    expect(seen.aboveBand).toBeGreaterThan(10_000);
    expect(seen.inBand).toBeGreaterThan(1_000);
    expect(seen.collapsed).toBeGreaterThan(0);
  });

  it('the named gaps at small and large magnitudes, on every k', async () => {
    const seen: Findings = {
      vectors: 0,
      inBand: 0,
      collapsed: 0,
      largestCollapsedGap: 0,
      smallestSeparatedGap: Infinity,
      aboveBand: 0,
      undetermined: 0,
    };
    const tops = [0, 1e-30, -1e-30, 0.5, 1, -1, 3, 7.5, -20, 1e10, -1e30, 1e30].map(Math.fround);
    for (let k = 2; k <= 8; k++) {
      const vectors: Float32Array[] = [];
      for (const top of tops) {
        for (const g of [...NAMED_GAPS, 'ulp' as const]) {
          for (let position = 0; position < k; position++) {
            const other = g === 'ulp' ? ulpBelow(top) : Math.fround(top - g);
            // The maximum at `position`, every other class at the gap (or all but one far below).
            const v = new Float32Array(k).fill(other);
            v[position] = top;
            vectors.push(v);
            const w = new Float32Array(k).fill(Math.fround(top - 64));
            w[position] = top;
            w[(position + 1) % k] = other;
            vectors.push(w);
          }
        }
      }
      const rows = new Float32Array(vectors.length * k);
      vectors.forEach((v, r) => rows.set(v, r * k));
      const probabilities = await probabilitiesOf(k, rows);
      vectors.forEach((v, r) => checkRow(v, probabilities.subarray(r * k, (r + 1) * k), seen));
      seen.vectors += vectors.length;
    }
    expect(seen.aboveBand).toBeGreaterThan(0);
    expect(seen.collapsed).toBeGreaterThan(0);
  });

  it('collapses: logits 2⁻²⁶ apart give equal probabilities, and the smaller logit’s index wins', async () => {
    const logits = Float32Array.of(0, 2 ** -26);
    const [p0, p1] = await probabilitiesOf(2, logits);
    expect(p0).toBe(p1);
    expect(p0).toBe(0.5);
    expect(decideOutputs(Float32Array.of(p0!, p1!))).toBe(0);
    expect(decideOutputs(logits)).toBe(1);
    expect(decideLogits(logits, 'softmax')).toEqual({
      kind: 'undetermined',
      candidates: [0, 1],
      reason: 'softmax-collapse',
    });
    // The same pair just above the band keeps its order: class 1 wins.
    const apart = Float32Array.of(0, Math.fround(GAP * (1 + 2 ** -23)));
    const q = await probabilitiesOf(2, apart);
    expect(q[1]!).toBeGreaterThan(q[0]!);
    expect(decideLogits(apart, 'softmax')).toEqual({ kind: 'action', action: 1 });
  });
});
