// The FP32 network's verification semantics evaluated exactly: real arithmetic over the float32
// weights at one input, with dyadic rationals (m · 2^e, BigInt m) — no rounding anywhere.
import type { Mlp } from '@quantproof/nn';
import { rational, type Rational } from './rational.js';

interface Dyadic {
  readonly m: bigint;
  readonly e: number;
}

const view = new DataView(new ArrayBuffer(8));

function dyadicOf(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError(`exact evaluation needs finite values; got ${x}`);
  if (x === 0) return { m: 0n, e: 0 };
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e = -1074;
  if (exponent !== 0) {
    mantissa |= 1n << 52n;
    e = exponent - 1075;
  }
  return { m: bits >> 63n === 1n ? -mantissa : mantissa, e };
}

function addD(a: Dyadic, b: Dyadic): Dyadic {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  return a.e <= b.e
    ? { m: a.m + (b.m << BigInt(b.e - a.e)), e: a.e }
    : { m: b.m + (a.m << BigInt(a.e - b.e)), e: b.e };
}

function toRational(d: Dyadic): Rational {
  return d.e >= 0 ? rational(d.m << BigInt(d.e)) : rational(d.m, 1n << BigInt(-d.e));
}

/**
 * A layer's weights and biases as dyadics, converted once per weight array (converting them was
 * most of `exactLogits`' time). The cache keeps a copy of the values it converted and is used only
 * while the arrays still hold exactly those values, so a network changed in place is converted
 * again.
 */
interface DyadicLayer {
  readonly weightCopy: Float32Array;
  readonly biasCopy: Float32Array;
  readonly weight: Dyadic[];
  readonly bias: Dyadic[];
}

const dyadicLayers = new WeakMap<Float32Array, DyadicLayer>();

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function dyadicLayer(layer: Mlp['layers'][number]): DyadicLayer {
  const cached = dyadicLayers.get(layer.weight);
  if (
    cached !== undefined &&
    sameValues(cached.weightCopy, layer.weight) &&
    sameValues(cached.biasCopy, layer.bias)
  ) {
    return cached;
  }
  const fresh: DyadicLayer = {
    weightCopy: Float32Array.from(layer.weight),
    biasCopy: Float32Array.from(layer.bias),
    weight: Array.from(layer.weight, dyadicOf),
    bias: Array.from(layer.bias, dyadicOf),
  };
  dyadicLayers.set(layer.weight, fresh);
  return fresh;
}

/**
 * The exact real logits of `mlp` at `x` (each value a float32/float64 number taken exactly):
 * `y = W x + b`, ReLU `max(0, ·)`, in exact arithmetic. The FP32 verification semantics.
 */
export function exactLogits(mlp: Mlp, x: ArrayLike<number>): Rational[] {
  let h: Dyadic[] = Array.from({ length: x.length }, (_, i) => dyadicOf(x[i]!));
  for (const layer of mlp.layers) {
    const { inFeatures: k, outFeatures: n } = layer;
    const { weight, bias } = dyadicLayer(layer);
    const next: Dyadic[] = [];
    for (let j = 0; j < n; j++) {
      let acc = bias[j]!;
      for (let i = 0; i < k; i++) {
        const w = weight[j * k + i]!;
        const hi = h[i]!;
        if (w.m === 0n || hi.m === 0n) continue;
        acc = addD(acc, { m: w.m * hi.m, e: w.e + hi.e });
      }
      next.push(layer.activation === 'relu' && acc.m < 0n ? { m: 0n, e: 0 } : acc);
    }
    h = next;
  }
  return h.map(toRational);
}

/** An exact affine function of the inputs: `Σ coefficients[i] · x_i + constant`. */
export interface ExactAffine {
  readonly coefficients: readonly Rational[];
  readonly constant: Rational;
}

/**
 * The exact affine function `Σ_k c_k · y_k` of the inputs on a region where every hidden ReLU has
 * the fixed phase `active[l][j]` (the network is affine there). `c` holds integer weights.
 */
export function exactAffineObjective(
  mlp: Mlp,
  active: readonly (readonly boolean[])[],
  c: readonly bigint[],
): ExactAffine {
  // Backward: λ starts as c over the logits; constant collects λ · b per layer.
  let lambda: Dyadic[] = c.map((v) => ({ m: v, e: 0 }));
  let constant: Dyadic = { m: 0n, e: 0 };
  for (let l = mlp.layers.length - 1; l >= 0; l--) {
    const layer = mlp.layers[l]!;
    const { inFeatures: k, outFeatures: n, weight, bias } = layer;
    if (l < mlp.layers.length - 1 && layer.activation === 'relu') {
      const phases = active[l]!;
      lambda = lambda.map((v, j) => (phases[j] ? v : { m: 0n, e: 0 }));
    }
    const next: Dyadic[] = Array.from({ length: k }, () => ({ m: 0n, e: 0 }));
    for (let j = 0; j < n; j++) {
      const lj = lambda[j]!;
      if (lj.m === 0n) continue;
      const b = dyadicOf(bias[j]!);
      constant = addD(constant, { m: lj.m * b.m, e: lj.e + b.e });
      for (let i = 0; i < k; i++) {
        const w = dyadicOf(weight[j * k + i]!);
        if (w.m === 0n) continue;
        next[i] = addD(next[i]!, { m: lj.m * w.m, e: lj.e + w.e });
      }
    }
    lambda = next;
  }
  return { coefficients: lambda.map(toRational), constant: toRational(constant) };
}
