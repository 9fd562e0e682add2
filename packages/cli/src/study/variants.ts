// The int8 variants the study quantises the FP32 policy into, each with its method and scheme.

import type { QuantizeModelOptions } from './quantize-model.js';

/** The int8 variants of the study: name → method and scheme. */
export const STUDY_VARIANTS: readonly {
  readonly name: string;
  readonly options: Omit<QuantizeModelOptions, 'seed'>;
}[] = [
  {
    name: 'ptq-dynamic',
    options: {
      method: 'ptq-dynamic',
      format: 'qdq',
      activations: 'int8',
      perChannel: false,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.999,
    },
  },
  {
    name: 'ptq-static-qdq',
    options: {
      method: 'ptq-static',
      format: 'qdq',
      activations: 'int8',
      perChannel: false,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.999,
    },
  },
  {
    name: 'ptq-static-qoperator',
    options: {
      method: 'ptq-static',
      format: 'qoperator',
      activations: 'uint8',
      perChannel: false,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.999,
    },
  },
  {
    name: 'qat',
    options: {
      method: 'qat',
      format: 'qdq',
      activations: 'int8',
      perChannel: false,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.999,
    },
  },
  {
    name: 'mixed',
    options: {
      method: 'mixed',
      format: 'qdq',
      activations: 'int8',
      perChannel: true,
      calibration: 'minmax',
      weightBits: 8,
      mixedThreshold: 0.99,
    },
  },
];

/**
 * The study's `certified` variant: int8 hidden and output layers (uint8 activations, per-channel
 * weights, float logits: no logit quantisation and fewer int8 ties) with the first layer kept in
 * float32 (`keepFp32`: the layer the sensitivity analysis finds most costly, and the one whose input
 * cells bound δ* from below for any int8 first layer), calibrated on the visited states plus the
 * whole operating box, then repaired by the counterexample-guided loop towards a certified δ* ≤
 * `targetDelta`; every round verifies the model as deployed (a QDQ graph whose first Gemm is
 * float32, run by onnxruntime as the executor does). The int8 layers are trained with the `scheme`
 * (one input scale per feature for the first layer's fine-tuning). Each round's verification stops
 * after `maxBoxes` boxes, so the variant is the same on every machine; the study then verifies it
 * like every other variant.
 */
export const CERTIFIED_VARIANT: {
  readonly name: 'certified';
  readonly scheme: {
    readonly format: 'qoperator';
    readonly activationType: 'uint8';
    readonly perChannel: true;
    readonly logits: 'float';
    readonly inputScale: 'per-feature';
  };
  readonly keepFp32: readonly number[];
  readonly targetDelta: number;
  readonly rounds: number;
  readonly maxBoxes: number;
} = {
  name: 'certified',
  scheme: {
    format: 'qoperator',
    activationType: 'uint8',
    perChannel: true,
    logits: 'float',
    inputScale: 'per-feature',
  },
  keepFp32: [0],
  targetDelta: 1,
  rounds: 1,
  maxBoxes: 400,
};
