// Random networks, quantised models, boxes and points for the property suites. Everything is
// derived from one integer seed through nn's seeded generator, so fast-check shrinks the seed and
// the shape, and a failure replays exactly.
import { createSeededRng, type Mlp, type Rng } from '@quantproof/nn';
import {
  keepLayersInFloat32,
  quantizeDynamic,
  quantizeStatic,
  type QMlp,
  type QuantElementType,
} from '@quantproof/quant';
import fc from 'fast-check';
import { createBox, type Box } from '../../src/index.js';

/** A uniform float in [a, b). */
export function uniform(rng: Rng, a: number, b: number): number {
  return a + (b - a) * rng.nextFloat64();
}

/** A random MLP with ReLU hidden layers, weights ~ U(-1, 1)·scale/√in, biases ~ U(-0.3, 0.3). */
export function randomMlp(sizes: readonly number[], seed: number, scale = 1.5): Mlp {
  const rng = createSeededRng(seed);
  const layers = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inFeatures = sizes[l]!;
    const outFeatures = sizes[l + 1]!;
    layers.push({
      inFeatures,
      outFeatures,
      weight: Float32Array.from(
        { length: inFeatures * outFeatures },
        () => uniform(rng, -scale, scale) / Math.sqrt(inFeatures),
      ),
      bias: Float32Array.from({ length: outFeatures }, () => uniform(rng, -0.3, 0.3)),
      activation: (l + 2 < sizes.length ? 'relu' : 'identity') as 'relu' | 'identity',
    });
  }
  return { layers };
}

/** `count` random float32 inputs in [-range, range]^n, row-major. */
export function randomInputs(count: number, n: number, range: number, seed: number): Float32Array {
  const rng = createSeededRng(seed);
  return Float32Array.from({ length: count * n }, () => uniform(rng, -range, range));
}

/** How a random int8 model is quantised. */
export interface QuantCase {
  /** `mixed`: a static QDQ model whose first `keepCount` layers (and the last, with `keepLast`) are kept in float32. */
  readonly kind: 'static' | 'dynamic' | 'mixed';
  readonly activationType: QuantElementType;
  readonly perChannel: boolean;
  readonly format: 'qdq' | 'qoperator';
  readonly path: 'fused' | 'unfused';
  readonly logits: 'dequantize' | 'float';
  readonly bits: number;
  /** The float Gemm of the unfused path. */
  readonly gemm?: 'gemm-transb' | 'gemm' | 'matmul-add';
  /** uint8 weights (with uint8 activations, or for dynamic models); default int8. */
  readonly weightType?: QuantElementType;
  /**
   * `per-feature`: one input scale per feature (QOperator only; odd features calibrated on a 20×
   * narrower range, as CartPole's θ beside x); default `per-tensor`.
   */
  readonly inputScale?: 'per-tensor' | 'per-feature';
  /** Mixed models: how many leading layers stay in float32 (at least 1, at most all but one). */
  readonly keepCount?: number;
  /** Mixed models: keep the last layer in float32 too. */
  readonly keepLast?: boolean;
  /**
   * Mixed models: `false` keeps the last `keepCount` layers instead (an int8 first layer, so the
   * input is quantised); default true.
   */
  readonly keepFirst?: boolean;
}

/** Random quantisation schemes over every format and execution path. */
export const quantCaseArb: fc.Arbitrary<QuantCase> = fc.record({
  kind: fc.constantFrom<'static' | 'dynamic' | 'mixed'>('static', 'static', 'dynamic', 'mixed'),
  activationType: fc.constantFrom<QuantElementType>('int8', 'uint8'),
  perChannel: fc.boolean(),
  format: fc.constantFrom<'qdq' | 'qoperator'>('qdq', 'qoperator'),
  path: fc.constantFrom<'fused' | 'unfused'>('fused', 'fused', 'unfused'),
  logits: fc.constantFrom<'dequantize' | 'float'>('dequantize', 'float'),
  bits: fc.constantFrom(8, 8, 4),
  gemm: fc.constantFrom<'gemm-transb' | 'gemm' | 'matmul-add'>('gemm-transb', 'gemm', 'matmul-add'),
  weightType: fc.constantFrom<QuantElementType>('int8', 'int8', 'uint8'),
  inputScale: fc.constantFrom<'per-tensor' | 'per-feature'>('per-tensor', 'per-feature'),
  keepCount: fc.integer({ min: 1, max: 3 }),
  keepLast: fc.boolean(),
  keepFirst: fc.boolean(),
});

/** Quantises `mlp` with `q`, calibrating static models on random inputs in [-range, range]. */
export function quantize(mlp: Mlp, q: QuantCase, range: number, seed: number): QMlp {
  const weightType = q.weightType ?? 'int8';
  if (q.kind === 'dynamic') {
    return quantizeDynamic(mlp, { perChannel: q.perChannel, weightType }).model;
  }
  const n = mlp.layers[0]!.inFeatures;
  if (q.kind === 'mixed') {
    const layers = mlp.layers.length;
    const prefix = Math.min(q.keepCount ?? 1, layers - 1);
    const keep =
      q.keepFirst === false
        ? Array.from({ length: prefix }, (_, l) => layers - 1 - l)
        : Array.from({ length: prefix }, (_, l) => l);
    if (q.keepFirst !== false && q.keepLast === true && prefix < layers - 1) keep.push(layers - 1);
    const base = quantizeStatic(mlp, randomInputs(32, n, range, seed), {
      format: 'qdq',
      activationType: q.activationType,
      perChannel: q.perChannel,
      weightBits: q.bits,
      logits: q.logits,
    }).model;
    return keepLayersInFloat32(mlp, base, keep);
  }
  const unfused = q.path === 'unfused' && q.format === 'qdq';
  const uint8Weights = weightType === 'uint8' && q.activationType === 'uint8' && q.bits === 8;
  const perFeature = q.inputScale === 'per-feature' && q.format === 'qoperator';
  const calibration = randomInputs(32, n, range, seed).map((v, k) =>
    perFeature && (k % n) % 2 === 1 ? Math.fround(v / 20) : v,
  );
  return quantizeStatic(mlp, calibration, {
    format: q.format,
    activationType: q.activationType,
    weightType: uint8Weights ? 'uint8' : 'int8',
    perChannel: q.perChannel,
    weightBits: q.bits,
    logits: q.logits,
    executionPath: unfused
      ? { kind: 'unfused-float', gemm: q.gemm ?? 'gemm-transb' }
      : { kind: 'fused-integer' },
    inputScale: perFeature ? 'per-feature' : 'per-tensor',
  }).model;
}

/** Layer sizes: 1–5 inputs, 1–3 hidden layers of 1–12 units, 2–4 outputs. */
export const sizesArb: fc.Arbitrary<number[]> = fc
  .tuple(
    fc.integer({ min: 1, max: 5 }),
    fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }),
    fc.integer({ min: 2, max: 4 }),
  )
  .map(([i, hidden, o]) => [i, ...hidden, o]);

/** A linear specification case: a random network (`sizes`, `seed`), a box (`range`, `radius`) and coefficients `c` for up to 4 outputs. */
export interface LinearSpecCase {
  readonly sizes: number[];
  readonly seed: number;
  readonly range: number;
  readonly radius: number;
  readonly c: number[];
}

/** Linear specification cases for the bounds on Σ c_j·y_j. */
export const linearSpecCaseArb: fc.Arbitrary<LinearSpecCase> = fc.record({
  sizes: sizesArb,
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  range: fc.constantFrom(0.5, 2, 6),
  radius: fc.constantFrom(0, 0.01, 0.2, 1, 4),
  c: fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 4, maxLength: 4 }),
});

/** A random box with centre in [-range, range] and radii up to `maxRadius` (some dims may be flat). */
export function randomBox(n: number, range: number, maxRadius: number, seed: number): Box {
  const rng = createSeededRng(seed);
  const lower: number[] = [];
  const upper: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = uniform(rng, -range, range);
    const r = rng.nextFloat64() < 0.1 ? 0 : maxRadius * rng.nextFloat64() ** 2;
    lower.push(c - r);
    upper.push(c + r);
  }
  return createBox(lower, upper);
}

/**
 * Float32 inputs covered by the box: fl(x) for random real x inside it, and every corner fl(l),
 * fl(u) (up to 64 corners), and the float32 neighbours of the corners that lie inside the box.
 */
export function coveredPoints(box: Box, count: number, seed: number): Float32Array[] {
  const rng = createSeededRng(seed);
  const n = box.lower.length;
  const points: Float32Array[] = [];
  const corners = Math.min(2 ** n, 64);
  for (let c = 0; c < corners; c++) {
    points.push(
      Float32Array.from({ length: n }, (_, i) => ((c >> i) & 1 ? box.upper[i]! : box.lower[i]!)),
    );
  }
  for (let s = 0; s < count; s++) {
    points.push(
      Float32Array.from({ length: n }, (_, i) => {
        const u = rng.nextFloat64();
        // Bias towards the faces, where bounds are tight.
        const t = u < 0.1 ? 0 : u > 0.9 ? 1 : rng.nextFloat64();
        return box.lower[i]! + (box.upper[i]! - box.lower[i]!) * t;
      }),
    );
  }
  return points;
}

/**
 * A 2-input network, its int8 (QDQ, int8 activations, fused) model and the box [-2, 2]²: the FP32
 * decision boundary crosses the box, so quantisation cells along it disagree.
 */
export function boundaryCrossingPair(): { mlp: Mlp; model: QMlp; box: Box } {
  const mlp = randomMlp([2, 8, 8, 2], 2);
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
    3,
  );
  return { mlp, model, box: createBox([-2, -2], [2, 2]) };
}
