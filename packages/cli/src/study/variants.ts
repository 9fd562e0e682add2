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
 * The study's `certified` variant: static int8 (QOperator, uint8 activations: QGemm, the path
 * onnxruntime runs bit for bit as the executor does) with one input scale per feature (a per-axis
 * input QuantizeLinear, so θ keeps 255 levels beside x), per-channel weights and float logits
 * (QGemm without an output scale, so no logit quantisation and fewer int8 ties), calibrated on the visited
 * states plus the whole operating box, then repaired by the counterexample-guided loop towards a
 * certified δ* ≤ `targetDelta`. Each round's verification stops after `maxBoxes` boxes, so the
 * variant is the same on every machine; the study then verifies it like every other variant.
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
  targetDelta: 1,
  rounds: 1,
  maxBoxes: 400,
};
