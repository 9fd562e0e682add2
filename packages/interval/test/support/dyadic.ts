// Exact arithmetic on dyadic rationals m·2^e (BigInt mantissa): every double is one, and sums and
// products of dyadics are dyadics, so the FP32 network's output in exact real arithmetic — and any
// linear bound evaluated at a point — can be computed exactly and compared with a double bound with
// zero tolerance. This is the oracle the soundness properties use for real semantics.
import type { Mlp } from '@quantproof/nn';

/** An exact dyadic rational `mantissa · 2^exponent`. */
export interface Dyadic {
  readonly mantissa: bigint;
  readonly exponent: number;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact value of a finite double. */
export function dyadic(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new RangeError(`dyadic: ${x} is not finite`);
  if (x === 0) return { mantissa: 0n, exponent: 0 };
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n === 1n ? -1n : 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  return { mantissa: sign * mantissa, exponent };
}

function align(a: Dyadic, b: Dyadic): [bigint, bigint, number] {
  const e = Math.min(a.exponent, b.exponent);
  return [a.mantissa << BigInt(a.exponent - e), b.mantissa << BigInt(b.exponent - e), e];
}

/** a + b exactly. */
export function add(a: Dyadic, b: Dyadic): Dyadic {
  const [x, y, e] = align(a, b);
  return { mantissa: x + y, exponent: e };
}

/** a · b exactly. */
export function mul(a: Dyadic, b: Dyadic): Dyadic {
  return { mantissa: a.mantissa * b.mantissa, exponent: a.exponent + b.exponent };
}

/** Sign of a − b: -1, 0 or 1. */
export function compare(a: Dyadic, b: Dyadic): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Σ c_j·y_j exactly (a linear specification of exact outputs). */
export function combination(c: ArrayLike<number>, y: readonly Dyadic[]): Dyadic {
  let s = dyadic(0);
  y.forEach((yj, j) => (s = add(s, mul(dyadic(c[j]!), yj))));
  return s;
}

/** Whether lower ≤ v ≤ upper exactly (doubles against an exact value). */
export function within(v: Dyadic, lower: number, upper: number): boolean {
  return compare(dyadic(lower), v) <= 0 && compare(v, dyadic(upper)) <= 0;
}

/** Σ a[offset + i]·v[i] + bias, exactly. */
export function exactAffine(
  a: ArrayLike<number>,
  offset: number,
  v: readonly Dyadic[],
  bias: number,
): Dyadic {
  let s = dyadic(bias);
  for (let i = 0; i < v.length; i++) s = add(s, mul(dyadic(a[offset + i]!), v[i]!));
  return s;
}

/**
 * The FP32 network in exact real arithmetic over its float32 weights: every layer's pre-activation
 * and the logits, exactly.
 */
export function exactForward(
  mlp: Mlp,
  x: ArrayLike<number>,
): { pre: Dyadic[][]; logits: Dyadic[] } {
  let v = Array.from(x, dyadic);
  const pre: Dyadic[][] = [];
  for (const layer of mlp.layers) {
    const t: Dyadic[] = [];
    for (let j = 0; j < layer.outFeatures; j++) {
      t.push(exactAffine(layer.weight, j * layer.inFeatures, v, layer.bias[j]!));
    }
    pre.push(t);
    v =
      layer.activation === 'relu'
        ? t.map((d) => (d.mantissa < 0n ? { mantissa: 0n, exponent: 0 } : d))
        : t;
  }
  return { pre, logits: v };
}
