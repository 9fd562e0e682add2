// What δ* means on the states the policy visits: the share of them whose FP32 margin exceeds δ*'s
// certified upper end, where the int8 decision is therefore proven to be FP32's.

import { forwardBatchFp32, type Mlp, mlpInputSize, mlpOutputSize } from '@quantproof/nn';
import type { BoxJson } from '@quantproof/web-report';

/** FP32's margin at each row of `states`: its largest output minus the runner-up (float32 forward). */
export function fp32Margins(policy: Mlp, states: Float32Array): Float64Array {
  const inputs = mlpInputSize(policy);
  const outputs = mlpOutputSize(policy);
  const n = Math.floor(states.length / inputs);
  const logits = forwardBatchFp32(policy, states, n);
  const margins = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let second = -Infinity;
    for (let j = 0; j < outputs; j++) {
      const v = logits[i * outputs + j]!;
      if (v > best) {
        second = best;
        best = v;
      } else if (v > second) second = v;
    }
    margins[i] = best - second;
  }
  return margins;
}

/**
 * The share of `states` inside `region` whose FP32 margin exceeds `upper` (δ*'s certified upper
 * end: above it int8 provably decides as FP32), among all `states`; 0 when δ* has no finite upper
 * end. The margins come from the float32 forward, δ* from exact arithmetic: they differ by far less
 * than the shares' printed precision.
 */
export function flipMarginCoverage(
  states: Float32Array,
  margins: Float64Array,
  region: BoxJson,
  upper: number | null,
): number {
  const n = margins.length;
  if (upper === null || n === 0) return 0;
  const d = region.lower.length;
  let covered = 0;
  for (let i = 0; i < n; i++) {
    if (!(margins[i]! > upper)) continue;
    let inside = true;
    for (let k = 0; k < d && inside; k++) {
      const v = states[i * d + k]!;
      inside = v >= region.lower[k]! && v <= region.upper[k]!;
    }
    if (inside) covered++;
  }
  return covered / n;
}
