// The one bound smt-verify still computes itself, on top of @quantproof/interval's IBP (every other
// bound the encodings use is interval's `ibpFp32` or `ibpInt8`, called directly). Not exported.
import type { Bounds, Fp32IntervalBounds } from '@quantproof/interval';
import type { Mlp } from '@quantproof/nn';

const U64 = 2 ** -53;
const TINY = 2 ** -1000;

/**
 * A sound upper bound of `Σ_j c_j · y_j` (y the logits) over `box`, given `bounds` = interval's
 * `ibpFp32(mlp, box)`: the output layer is folded into `c` and bounded over the last hidden
 * layer's activations (the box itself for a one-layer network) — tighter than combining the
 * logits' own intervals.
 */
export function fp32LinearUpperBound(
  mlp: Mlp,
  box: Bounds,
  bounds: Fp32IntervalBounds,
  c: ArrayLike<number>,
): number {
  const last = mlp.layers[mlp.layers.length - 1]!;
  const { inFeatures: k, outFeatures: n, weight, bias } = last;
  const layers = bounds.activations.length;
  // ReLU already applied: interval clamps each pre-activation to the activation's range.
  const input = layers >= 2 ? bounds.activations[layers - 2]! : box;
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
    const l = input.lower[i]!;
    const u = input.upper[i]!;
    const a = coefficient * l;
    const b = coefficient * u;
    total += Math.max(a, b);
    const m = Math.max(Math.abs(l), Math.abs(u));
    mag += Math.max(Math.abs(a), Math.abs(b)) + err * m;
    total += err * m;
  }
  return total + (k + n + 3) * U64 * mag + TINY;
}
