// The FP32 network over exact reals: float32 weights as exact rational literals, ReLU phases fixed
// where the bounds prove them stable, unstable ReLUs as `ite` with their triangle relaxation
// (implied by the `ite`, added to help the solver).
import type { Mlp } from '@quantproof/nn';
import type { Fp32IntervalBounds } from '@quantproof/interval';
import { fromNumber, mul, sub, type Rational } from './rational.js';
import { realLiteral, realOf, type SmtScript, sum } from './smtlib.js';

/** Names of the logits' Real constants and how many ReLUs were left unstable. */
export interface Fp32Encoding {
  readonly logits: readonly string[];
  readonly unstableRelus: number;
}

/** `Σ w_i · v_i + b` over the non-null inputs, as an SMT term. */
function affine(
  weight: Float32Array,
  row: number,
  k: number,
  bias: number,
  inputs: readonly (string | null)[],
): string {
  const terms: string[] = [];
  for (let i = 0; i < k; i++) {
    const v = inputs[i];
    const w = weight[row * k + i]!;
    if (v === null || v === undefined || w === 0) continue;
    terms.push(`(* ${realOf(w)} ${v})`);
  }
  if (bias !== 0 || terms.length === 0) terms.push(realOf(bias));
  return sum(terms, '0.0');
}

/**
 * Adds the FP32 network to `script`, reading its inputs from the Real constants `inputs` (already
 * declared and bounded by the caller) and using `bounds` (interval's `ibpFp32` over a box containing
 * the caller's input set) to fix ReLU phases. Every constant it declares starts with `prefix`.
 */
export function encodeFp32(
  script: SmtScript,
  mlp: Mlp,
  bounds: Fp32IntervalBounds,
  inputs: readonly string[],
  prefix = 'f',
): Fp32Encoding {
  let current: (string | null)[] = [...inputs];
  let unstable = 0;
  const last = mlp.layers.length - 1;
  mlp.layers.forEach((layer, l) => {
    const { inFeatures: k, outFeatures: n, weight, bias } = layer;
    const pre = bounds.preActivations[l]!;
    const next: (string | null)[] = [];
    for (let j = 0; j < n; j++) {
      const expr = affine(weight, j, k, bias[j]!, current);
      const lo = pre.lower[j]!;
      const hi = pre.upper[j]!;
      if (l === last || layer.activation !== 'relu') {
        const y = script.real(`${prefix}${l}_${j}`, l === last);
        script.assert(`(= ${y} ${expr})`);
        next.push(y);
      } else if (hi <= 0) {
        next.push(null); // stable inactive: contributes nothing
      } else if (lo >= 0) {
        const h = script.real(`${prefix}${l}_${j}`);
        script.assert(`(= ${h} ${expr})`);
        next.push(h);
      } else {
        unstable++;
        const z = script.real(`${prefix}z${l}_${j}`);
        const h = script.real(`${prefix}${l}_${j}`);
        script.assert(`(= ${z} ${expr})`);
        script.assert(`(= ${h} (ite (>= ${z} 0.0) ${z} 0.0))`);
        // Implied facts that prune the search: lo ≤ z ≤ hi, h ≥ 0, h ≥ z, (hi − lo)·h ≤ hi·(z − lo).
        const rl: Rational = fromNumber(lo);
        const rh: Rational = fromNumber(hi);
        script.assert(`(<= ${realLiteral(rl)} ${z})`);
        script.assert(`(<= ${z} ${realLiteral(rh)})`);
        script.assert(`(>= ${h} 0.0)`);
        script.assert(`(>= ${h} ${z})`);
        script.assert(
          `(<= (* ${realLiteral(sub(rh, rl))} ${h}) (- (* ${realLiteral(rh)} ${z}) ${realLiteral(mul(rh, rl))}))`,
        );
        next.push(h);
      }
    }
    current = next;
  });
  return { logits: current as string[], unstableRelus: unstable };
}
