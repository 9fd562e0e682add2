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
