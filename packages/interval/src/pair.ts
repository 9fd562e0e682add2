// An FP32 network and its int8 model, checked to have the same shape and converted once to the
// real-units form that every bound on a box reuses.

import { mlpSizes, validateMlp, type Mlp } from '@quantproof/nn';
import { createInt8Executor, type Int8Executor, type QMlp } from '@quantproof/quant';
import { ModelMismatchError } from './errors.js';
import { fp32Network } from './fp32-network.js';
import { int8Network, type Int8Network } from './int8-network.js';
import { twoSumError } from './outward.js';
import type { RealNetwork } from './real-network.js';

/** A validated FP32/int8 pair in real units, with the weight differences the joint bounds use. */
export interface PreparedPair {
  readonly fp32: Mlp;
  readonly int8: QMlp;
  readonly fpNet: RealNetwork;
  readonly intNet: Int8Network;
  /** The int8 reference executor (validated once). */
  readonly executor: Int8Executor;
  /** Per layer: D = Ŵ − W in round-to-nearest (row-major [out][in]). */
  readonly weightDifference: readonly Float64Array[];
  /** Per layer: |(Ŵ − W) − D|, the exact rounding error of D (TwoSum). */
  readonly weightDifferenceError: readonly Float64Array[];
  readonly inputSize: number;
  readonly outputSize: number;
  /**
   * The int8 action of input-quantisation cells the executor decided, by packed cell codes (a
   * cache: a cell's action never changes; `analyse.ts` fills and reads it, and clears it when full).
   */
  readonly cellActions: Map<number, number>;
}

/**
 * Validates both networks (throws nn's `NnShapeError`, quant's `InvalidQMlpError` or
 * `AccumulatorOverflowError`) and that they have the same layer sizes (`ModelMismatchError`).
 */
export function preparePair(fp32: Mlp, int8: QMlp): PreparedPair {
  validateMlp(fp32);
  const executor = createInt8Executor(int8);
  const sizes = mlpSizes(fp32);
  const intSizes = [int8.layers[0]!.inFeatures, ...int8.layers.map((l) => l.outFeatures)];
  if (sizes.length !== intSizes.length || sizes.some((s, i) => s !== intSizes[i])) {
    throw new ModelMismatchError(
      `the FP32 network has layer sizes [${sizes.join(', ')}] but the int8 model has [${intSizes.join(', ')}]; quantise the same network you verify`,
    );
  }
  const fpNet = fp32Network(fp32);
  const intNet = int8Network(int8);
  const weightDifference: Float64Array[] = [];
  const weightDifferenceError: Float64Array[] = [];
  fpNet.layers.forEach((layer, l) => {
    const w = layer.weight;
    const wq = intNet.layers[l]!.weight;
    const d = new Float64Array(w.length);
    const e = new Float64Array(w.length);
    for (let k = 0; k < w.length; k++) {
      d[k] = wq[k]! - w[k]!;
      e[k] = Math.abs(twoSumError(wq[k]!, -w[k]!, d[k]!));
    }
    weightDifference.push(d);
    weightDifferenceError.push(e);
  });
  return {
    fp32,
    int8,
    fpNet,
    intNet,
    executor,
    weightDifference,
    weightDifferenceError,
    inputSize: sizes[0]!,
    outputSize: sizes[sizes.length - 1]!,
    cellActions: new Map(),
  };
}
