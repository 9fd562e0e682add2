// A cheap search for inputs whose FP32 logits meet a disjunction of linear conditions: projected
// sign-gradient descent (PGD) on the summed violation, from the centre and seeded random starts.
// It only proposes candidates; callers confirm them exactly.
import type { Mlp } from '@quantproof/nn';
import { type LinearCondition, slack } from './linear-condition.js';

/** xorshift32: a small deterministic generator for restarts (not for anything statistical). */
export function createXorshift(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

interface Activations {
  readonly pre: Float64Array[];
  readonly post: Float64Array[];
}

function forward(mlp: Mlp, x: Float64Array): Activations {
  const pre: Float64Array[] = [];
  const post: Float64Array[] = [x];
  let h = x;
  for (const layer of mlp.layers) {
    const { inFeatures: k, outFeatures: n, weight, bias } = layer;
    const z = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = bias[j]!;
      for (let i = 0; i < k; i++) s += weight[j * k + i]! * h[i]!;
      z[j] = s;
    }
    pre.push(z);
    h = layer.activation === 'relu' ? z.map((v) => (v > 0 ? v : 0)) : z;
    post.push(h);
  }
  return { pre, post };
}

function gradient(mlp: Mlp, acts: Activations, dOut: Float64Array): Float64Array {
  let g = dOut;
  for (let l = mlp.layers.length - 1; l >= 0; l--) {
    const layer = mlp.layers[l]!;
    const { inFeatures: k, outFeatures: n, weight } = layer;
    if (layer.activation === 'relu') {
      const z = acts.pre[l]!;
      g = g.map((v, j) => (z[j]! > 0 ? v : 0));
    }
    const prev = new Float64Array(k);
    for (let j = 0; j < n; j++) {
      const gj = g[j]!;
      if (gj === 0) continue;
      for (let i = 0; i < k; i++) prev[i] = prev[i]! + gj * weight[j * k + i]!;
    }
    g = prev;
  }
  return g;
}

/** Options of `attackFp32`. */
export interface AttackOptions {
  /** Random restarts besides the centre. Default 8. */
  readonly restarts?: number;
  /** PGD steps per start. Default 40. */
  readonly steps?: number;
  /** Seed of the restart generator. Default 1. */
  readonly seed?: number;
}

/**
 * Looks for a point of [lower, upper] whose float64-evaluated logits meet every condition of one
 * of the `disjuncts` with some room; returns it or null. A heuristic: null proves nothing.
 */
export function attackFp32(
  mlp: Mlp,
  lower: Float64Array,
  upper: Float64Array,
  disjuncts: readonly (readonly LinearCondition[])[],
  options: AttackOptions = {},
): Float64Array | null {
  const restarts = options.restarts ?? 8;
  const steps = options.steps ?? 40;
  const rng = createXorshift(options.seed ?? 1);
  const d = lower.length;
  for (let start = 0; start <= restarts; start++) {
    const x = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const u = start === 0 ? 0.5 : rng();
      x[i] = lower[i]! + u * (upper[i]! - lower[i]!);
    }
    for (const conditions of disjuncts) {
      const y = x.slice();
      for (let step = 0; step <= steps; step++) {
        const acts = forward(mlp, y);
        const out = acts.post[acts.post.length - 1]!;
        const dOut = new Float64Array(out.length);
        let worst = -Infinity;
        for (const c of conditions) {
          // Aim a little inside the condition so that exact re-evaluation keeps it.
          const s = slack(c, out) + 1e-6 * (1 + Math.abs(c.bound));
          worst = Math.max(worst, s);
          if (s > 0) for (let k = 0; k < out.length; k++) dOut[k] = dOut[k]! + c.coefficients[k]!;
        }
        if (worst <= 0) return y;
        if (step === steps) break;
        const g = gradient(mlp, acts, dOut);
        const alpha = 0.25 * (1 - step / (steps + 1));
        for (let i = 0; i < d; i++) {
          const width = upper[i]! - lower[i]!;
          const v = y[i]! - alpha * width * Math.sign(g[i]!);
          y[i] = v < lower[i]! ? lower[i]! : v > upper[i]! ? upper[i]! : v;
        }
      }
    }
  }
  return null;
}
