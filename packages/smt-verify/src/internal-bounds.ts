// The bounds the exact encodings need (big-M constants, case splits), all from
// @quantproof/interval for the FP32 network; exact integer ranges for the int8 one. Everything in
// this package that needs bounds goes through the functions below.
import { createBox, ibpFp32 } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';
import { layerMultipliers, type QMlpStatic, requantize } from '@quantproof/quant';

/** Lower/upper bounds of one vector. */
export interface VectorBounds {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** Sound bounds of every layer's pre-activation (the last one: the logits) over a box of reals. */
export interface Fp32Bounds {
  readonly input: VectorBounds;
  readonly pre: readonly VectorBounds[];
}

const U64 = 2 ** -53;
const TINY = 2 ** -1000;

/**
 * Interval bounds of the FP32 network's pre-activations over real inputs in [lower, upper]:
 * `@quantproof/interval`'s IBP (outward rounding in one module; the bounds also contain float32
 * execution, so they are sound for the exact real encoding a fortiori). ±Infinity where float32
 * could overflow (callers check the tie tolerance first and never encode such a box).
 */
export function fp32Bounds(
  mlp: Mlp,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): Fp32Bounds {
  const box = createBox(lower, upper);
  return { input: { lower: box.lower, upper: box.upper }, pre: ibpFp32(mlp, box).preActivations };
}

/**
 * A sound upper bound of `Σ_j c_j · y_j` (y the logits) over the box of `bounds`, computed from the
 * last hidden layer's bounds with the output layer folded into `c` — tighter than combining the
 * logits' own intervals.
 */
export function fp32LinearUpperBound(mlp: Mlp, bounds: Fp32Bounds, c: ArrayLike<number>): number {
  const last = mlp.layers[mlp.layers.length - 1]!;
  const { inFeatures: k, outFeatures: n, weight, bias } = last;
  const before = bounds.pre.length >= 2 ? bounds.pre[bounds.pre.length - 2]! : null;
  const activation = mlp.layers.length >= 2 ? mlp.layers[mlp.layers.length - 2]!.activation : null;
  let total = 0;
  let mag = 0;
  for (let j = 0; j < n; j++) {
    total += c[j]! * bias[j]!;
    mag += Math.abs(c[j]! * bias[j]!);
  }
  for (let i = 0; i < k; i++) {
    let coefficient = 0;
    let cmag = 0;
    for (let j = 0; j < n; j++) {
      coefficient += c[j]! * weight[j * k + i]!;
      cmag += Math.abs(c[j]! * weight[j * k + i]!);
    }
    // The folded coefficient carries its own rounding error: bound the term with both extremes.
    const err = (n + 3) * U64 * cmag;
    let l: number;
    let u: number;
    if (before === null) {
      l = bounds.input.lower[i]!;
      u = bounds.input.upper[i]!;
    } else {
      l = before.lower[i]!;
      u = before.upper[i]!;
      if (activation === 'relu') {
        l = l > 0 ? l : 0;
        u = u > 0 ? u : 0;
      }
    }
    const a = coefficient * l;
    const b = coefficient * u;
    total += Math.max(a, b);
    const m = Math.max(Math.abs(l), Math.abs(u));
    mag += Math.max(Math.abs(a), Math.abs(b)) + err * m;
    total += err * m;
  }
  return total + (k + n + 3) * U64 * mag + TINY;
}

/** Exact integer ranges of a static int8 network over centred input ranges `q − zp`. */
export interface Int8Ranges {
  /** Centred inputs of each layer (`q − zp_in`), first = the network input. */
  readonly input: readonly { readonly lower: Float64Array; readonly upper: Float64Array }[];
  /** int32 accumulators (bias included) of each layer. */
  readonly accumulator: readonly VectorBounds[];
  /** Centred outputs (`q − zp_out`) of each layer with quantised output; null for float logits. */
  readonly output: readonly (VectorBounds | null)[];
}

/**
 * Exact ranges of a static fused-integer network: interval arithmetic on integers (exact in
 * float64 below 2⁵³), requantisation is monotone so its range is the image of the endpoints.
 */
export function int8Ranges(
  model: QMlpStatic,
  centredLower: ArrayLike<number>,
  centredUpper: ArrayLike<number>,
): Int8Ranges {
  let lo = Float64Array.from(centredLower);
  let hi = Float64Array.from(centredUpper);
  const input: VectorBounds[] = [];
  const accumulator: VectorBounds[] = [];
  const output: (VectorBounds | null)[] = [];
  model.layers.forEach((layer, l) => {
    input.push({ lower: lo, upper: hi });
    const { inFeatures: k, outFeatures: n } = layer;
    const multipliers = layerMultipliers(model, l);
    const al = new Float64Array(n);
    const au = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const zpw =
        layer.weightQuant.zeroPoints[layer.weightQuant.granularity === 'per-tensor' ? 0 : j]!;
      let sl = layer.bias[j]!;
      let su = sl;
      for (let i = 0; i < k; i++) {
        const w = layer.weight[j * k + i]! - zpw;
        if (w >= 0) {
          sl += w * lo[i]!;
          su += w * hi[i]!;
        } else {
          sl += w * hi[i]!;
          su += w * lo[i]!;
        }
      }
      al[j] = sl;
      au[j] = su;
    }
    accumulator.push({ lower: al, upper: au });
    const out = layer.output;
    if (out === null) {
      output.push(null);
      return;
    }
    const ol = new Float64Array(n);
    const ou = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      ol[j] = requantize(al[j]!, multipliers[j]!, out.zeroPoint, out.elementType) - out.zeroPoint;
      ou[j] = requantize(au[j]!, multipliers[j]!, out.zeroPoint, out.elementType) - out.zeroPoint;
    }
    output.push({ lower: ol, upper: ou });
    lo = ol;
    hi = ou;
  });
  return { input, accumulator, output };
}
