// Regression cases for the classes of false proofs an adversarial review found (float32 overflow,
// Softmax heads, a tie tolerance inherited from the whole region, margins taken against the
// runner-up only, δ* "none" while leaves are open, `unknown` for a fully proven box). Each pair is
// built by hand so that the truth is known: the answer must be that truth, or `unknown` with its
// reason — never a proof. onnxruntime-node replays of the same cases run in the cli's suites.
import { createBox, fp32ExecutionError } from '@quantproof/interval';
import type { Mlp, OutputHead } from '@quantproof/nn';
import {
  decideLogits,
  forwardInt8,
  pairSaturationFree,
  type QMlp,
  quantizeStatic,
} from '@quantproof/quant';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAgreement } from '../src/agreement.js';
import { exactLogits } from '../src/exact-fp32.js';
import { compare, fromNumber, sub } from '../src/rational.js';
import { judgePoint } from '../src/replay.js';
import { verifyRegion } from '../src/region/verify-region.js';
import { releaseZ3 } from '../src/z3-session.js';
import { quantizeTiny } from '@quantproof/test-support/tiny-nets';

afterAll(releaseZ3);

/** One dense layer from one input to `w.length` outputs: y_j = w_j·x + b_j (float32 values). */
function affine(w: readonly number[], b: readonly number[], head?: OutputHead): Mlp {
  return {
    layers: [
      {
        inFeatures: 1,
        outFeatures: w.length,
        weight: Float32Array.from(w),
        bias: Float32Array.from(b),
        activation: 'identity',
      },
    ],
    ...(head === undefined ? {} : { head }),
  };
}

/** An int8 model (QOperator, uint8 activations) of `mlp` calibrated on `n` points of [lo, hi]. */
function int8Of(mlp: Mlp, lo: number, hi: number, n = 64): QMlp {
  const rows = Float32Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
  return quantizeStatic(mlp, rows, { format: 'qoperator', activationType: 'uint8' }).model;
}

const options = { workers: 0, seconds: 60 } as const;

describe('class 1: float32 overflow', () => {
  // y1 − y0 = 1.7e38 in exact arithmetic, but from x ≈ 1.7 on both logits overflow to +Inf in
  // float32 and the FP32 decision is index 0; the int8 model takes 1 everywhere.
  const fp32 = affine([2e38, 2e38], [0, 1.7e38]);
  const int8 = int8Of(affine([1, 1], [0, 1]), 1, 2);

  it('the error model has no tolerance where float32 can overflow', () => {
    const e = fp32ExecutionError(fp32, createBox([1.8], [1.8]));
    expect(e.every((v) => v === Infinity)).toBe(true);
    expect(judgePoint(fp32, int8, Float32Array.of(1.8))).toEqual({
      kind: 'undetermined',
      reason: 'float32-overflow',
    });
  });

  it('is not proven: unknown with the reason, ε* not claimed infinite from below', async () => {
    expect(decideLogits(forwardInt8(int8, Float32Array.of(1.8))).kind).toBe('action');
    const result = await verifyRegion(fp32, int8, { lower: [1], upper: [2] }, options);
    expect(result.verdict).toBe('unknown');
    expect(result.leaves.some((l) => l.by === 'float32-overflow')).toBe(true);
    expect(result.flipMargin).not.toBeNull();
    expect(Number.isFinite(result.errorBound!.lower)).toBe(true);
    expect(result.errorBound!.certified).toBe(false);
  });
});

describe('class 2: a Softmax head', () => {
  // Logits x and x + 5e-9 near 1e-3: far above the float32 error (~5e-10), far below the gap at
  // which float32 Softmax keeps the order. onnxruntime rounds both probabilities to 0.5 and takes
  // index 0; the int8 model takes 1.
  const fp32 = affine([1, 1], [0, 5e-9], 'softmax');
  const int8 = int8Of(affine([1, 1], [0, 1]), 1e-3, 2e-3);

  it('a point in the collapse band is undetermined, not an agreement', () => {
    expect(judgePoint(fp32, int8, Float32Array.of(1.5e-3))).toEqual({
      kind: 'undetermined',
      reason: 'softmax-collapse',
    });
    // Without the head the same point is an agreement (int8 takes FP32's exact argmax).
    const logits = affine([1, 1], [0, 5e-9]);
    expect(judgePoint(logits, int8, Float32Array.of(1.5e-3)).kind).toBe('agree-or-tie');
  });

  it('the region is not proven', async () => {
    const result = await verifyRegion(fp32, int8, { lower: [1e-3], upper: [2e-3] }, options);
    expect(result.verdict).not.toBe('consistent');
    expect(result.leaves.some((l) => l.status === 'agree')).toBe(false);
  });
});

describe('class 3: the tie tolerance is computed where it is applied', () => {
  // y0 − y1 = 0.3 exactly; over ±1e6 the float32 error reaches ~1.2, near 0 it is ~1e-7. The int8
  // model takes 1 everywhere, so every input near 0 is a certain disagreement.
  const fp32 = affine([10, 10], [0.3, 0]);
  const int8 = int8Of(affine([1e-3, 1e-3], [0, 3000]), -1e6, 1e6);
  const box = { lower: [-1e6], upper: [1e6] };

  it('the tolerance over the whole box would call a 0.3 margin a tie', () => {
    const e = fp32ExecutionError(fp32, createBox(box.lower, box.upper));
    expect(e[0]! + e[1]!).toBeGreaterThan(0.3);
  });

  it('refutes the box with a counterexample near 0', async () => {
    const result = await verifyRegion(fp32, int8, box, { ...options, maxBoxes: 2000 });
    expect(result.verdict).toBe('inconsistent');
    const c = result.counterexamples[0]!;
    expect(c.int8Action).toBe(1);
    expect(c.fp32Action).toBe(0);
    expect(c.tieTolerance).toBeLessThan(0.3);
  });

  it('class 5: with a box budget too small to decide, δ* stays open (never "none")', async () => {
    // Margin 0.03: certain disagreements only where |x| < ~1.2e4. The first box's search sees only
    // the corners (no samples), where float32 error exceeds 0.03; δ*'s one box samples a few
    // points of [−1e6, 4e6], none that close to 0.
    const narrow = affine([10, 10], [0.03, 0]);
    const result = await verifyRegion(
      narrow,
      int8,
      { lower: [-1e6], upper: [4e6] },
      {
        ...options,
        maxBoxes: 1,
        samples: 0,
      },
    );
    expect(result.verdict).toBe('unknown');
    expect(result.counterexamples).toHaveLength(0);
    expect(result.flipMargin).not.toBeNull();
    expect(result.flipMargin!.witness).toBeNull();
    expect(result.flipMargin!.certified).toBe(false);
    expect(result.flipMargin!.upper).toBeGreaterThanOrEqual(0.03);
  });
});

describe('class 4: three or more outputs', () => {
  // FP32 logits 0 and 1 equal, logit 2 lower by 0.06; the int8 model picks 2 everywhere. The
  // runner-up margin of FP32 is 0 (a tie between 0 and 1), but its margin against the int8
  // action is 0.06: every input disagrees.
  const fp32 = affine([1, 1, 1], [0, 0, -0.06]);
  const int8 = int8Of(affine([1, 1, 1], [0, 0, 10]), 0.5, 1);
  const box = { lower: [0.5], upper: [1] };

  it('judges the margin between FP32 and the int8 action', () => {
    const x = Float32Array.of(0.75);
    const judged = judgePoint(fp32, int8, x);
    expect(judged.kind).toBe('disagree');
    const y = exactLogits(fp32, x);
    expect(compare(sub(y[0]!, y[2]!), fromNumber(0.0599))).toBe(1);
  });

  it('refutes the box (region verifier and the single-box query)', async () => {
    const result = await verifyRegion(fp32, int8, box, { ...options, refine: false });
    expect(result.verdict).toBe('inconsistent');
    expect(result.counterexamples[0]!.int8Action).toBe(2);
    expect(result.counterexamples[0]!.fp32Action).toBe(0);
    const single = await checkAgreement(fp32, int8, box, { cellFastPath: 0 });
    expect(single.kind).toBe('inconsistent');
    const cells = await checkAgreement(fp32, int8, box, { cellFastPath: 100_000 });
    expect(cells.kind).toBe('inconsistent');
  });
});

describe('class 6: the verdict comes from the leaves', () => {
  // y0 = |x| − relu(2x − 1) (three ReLUs), y1 = −0.1: both models take 0 on [−1, 1], and the
  // bounds need a split to show it.
  const fp32: Mlp = {
    layers: [
      {
        inFeatures: 1,
        outFeatures: 3,
        weight: Float32Array.of(1, -1, 2),
        bias: Float32Array.of(0, 0, -1),
        activation: 'relu',
      },
      {
        inFeatures: 3,
        outFeatures: 2,
        weight: Float32Array.of(1, 1, -1, 0, 0, 0),
        bias: Float32Array.of(0, -0.1),
        activation: 'identity',
      },
    ],
  };

  it('every leaf consistent ⇒ consistent, whatever the volumes sum to', async () => {
    const int8 = int8Of(fp32, -1, 1);
    const result = await verifyRegion(fp32, int8, { lower: [-1], upper: [1] }, options);
    expect(result.leaves.length).toBeGreaterThan(1);
    expect(result.leaves.every((l) => l.status === 'agree')).toBe(true);
    expect(result.verdict).toBe('consistent');
    expect(result.flipMargin).toBeNull();
    expect(result.theorem).toMatch(/tie tolerance/);
  });
});

describe('class 8: the CPU semantics the proof assumes', () => {
  // h0 = relu(x0 + x1), h1 = relu(−x0 − x1); y = (h0, h1): both int8 weights of a row are ±127, so
  // on uint8 inputs near 255 their pair sum leaves int16 on AVX2 kernels without VNNI.
  const fp32: Mlp = {
    layers: [
      {
        inFeatures: 2,
        outFeatures: 2,
        weight: Float32Array.of(1, 1, -1, -1),
        bias: Float32Array.of(0, 0),
        activation: 'relu',
      },
      {
        inFeatures: 2,
        outFeatures: 2,
        weight: Float32Array.of(1, 0, 0, 1),
        bias: Float32Array.of(0, 0),
        activation: 'identity',
      },
    ],
  };

  it('with pair sums that can saturate on AVX2, nothing is proven for that CPU', async () => {
    const model = quantizeTiny(fp32);
    expect(pairSaturationFree(model)).toBe(false);
    const box = { lower: [0.5, 0.5], upper: [1, 1] };
    const vnni = await verifyRegion(fp32, model, box, options);
    expect(vnni.verdict).toBe('consistent');
    expect(vnni.cpuSemantics).toBe('vnni-exact');
    const avx2 = await verifyRegion(fp32, model, box, {
      ...options,
      cpuSemantics: 'avx2-u8s8-saturating',
    });
    expect(avx2.verdict).not.toBe('consistent');
    expect(avx2.cpuSemantics).toBe('avx2-u8s8-saturating');
    expect(avx2.theorem).toMatch(/avx2-u8s8-saturating/);
    if (avx2.verdict === 'unknown') {
      expect(avx2.leaves.some((l) => l.by === 'avx2-saturation')).toBe(true);
    }
  });
});
