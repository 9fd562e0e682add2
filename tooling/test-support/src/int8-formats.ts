// The int8 formats and float networks the executor's differential check against onnxruntime-node
// runs on, shared by onnx's CI slice (`test/int8.diff.test.ts`) and the full count
// (`benchmarks/src/int8-diff.ts`), so that both check the same formats on the same networks
// (`@quantproof/test-support/int8-formats`; pure: no Node, no DOM).
import { createMlp, createSeededRng, type Mlp } from '@quantproof/nn';
import {
  keepLayersInFloat32,
  type QMlp,
  type QuantizeStaticOptions,
  quantizeDynamic,
  quantizeStatic,
} from '@quantproof/quant';

/** One int8 format: how a float network and its calibration inputs become an int8 model. */
export interface Int8Format {
  readonly name: string;
  /**
   * The operator layout the format writes: QDQ, QOperator, dynamic quantisation, or QDQ with some
   * layers kept in float32 (`mixed`).
   */
  readonly layout: 'qdq' | 'qoperator' | 'dynamic' | 'mixed';
  readonly quantize: (mlp: Mlp, calibrationInputs: Float32Array) => QMlp;
}

/**
 * The study's certified layout: QOperator, uint8 activations, per-channel weights, float logits and
 * one input scale per feature (a per-axis input QuantizeLinear).
 */
export const PER_FEATURE_SCHEME: {
  readonly format: 'qoperator';
  readonly activationType: 'uint8';
  readonly perChannel: true;
  readonly logits: 'float';
  readonly inputScale: 'per-feature';
} = {
  format: 'qoperator',
  activationType: 'uint8',
  perChannel: true,
  logits: 'float',
  inputScale: 'per-feature',
};

const staticFormat = (name: string, options: QuantizeStaticOptions): Int8Format => ({
  name,
  layout: options.format === 'qoperator' ? 'qoperator' : 'qdq',
  quantize: (mlp, calibrationInputs) => quantizeStatic(mlp, calibrationInputs, options).model,
});

/**
 * Every static format: QDQ with int8 and uint8 activations, per-channel uint8 asymmetric weights,
 * float logits with reduced range, mixed weight bit widths; QOperator with int8 and uint8
 * activations and with per-feature input scales.
 */
export const STATIC_INT8_FORMATS: readonly Int8Format[] = [
  staticFormat('qdq int8 activations', {}),
  staticFormat('qdq uint8 activations', { activationType: 'uint8' }),
  staticFormat('qdq per-channel (uint8 asymmetric weights)', {
    activationType: 'uint8',
    weightType: 'uint8',
    weightSymmetric: false,
    perChannel: true,
  }),
  staticFormat('qdq float logits, reduced range, per-channel', {
    logits: 'float',
    reduceRange: true,
    perChannel: true,
  }),
  {
    name: 'qdq mixed bit widths (2..8)',
    layout: 'qdq',
    quantize: (mlp, calibrationInputs) =>
      quantizeStatic(mlp, calibrationInputs, {
        weightBits: mlp.layers.map((_, l) => [4, 6, 2, 8, 3][l % 5] ?? 8),
      }).model,
  },
  staticFormat('qoperator int8', { format: 'qoperator' }),
  staticFormat('qoperator uint8, float logits', {
    format: 'qoperator',
    activationType: 'uint8',
    logits: 'float',
  }),
  staticFormat(
    'qoperator uint8, per-feature input scales, per-channel, float logits',
    PER_FEATURE_SCHEME,
  ),
];

const keptFloatFormat = (
  name: string,
  options: QuantizeStaticOptions,
  keep: (layers: number) => readonly number[],
): Int8Format => ({
  name,
  layout: 'mixed',
  quantize: (mlp, calibrationInputs) =>
    keepLayersInFloat32(
      mlp,
      quantizeStatic(mlp, calibrationInputs, options).model,
      keep(mlp.layers.length),
    ),
});

/**
 * QDQ models with layers kept in float32 (onnxruntime's `nodes_to_exclude`): float32 prefixes
 * (the first layer, all but the last), suffixes (the last layer, all but the first) and both, over
 * int8 and uint8 activations, per-tensor and per-channel weights, dequantised and float logits.
 */
export const KEPT_FLOAT_INT8_FORMATS: readonly Int8Format[] = [
  keptFloatFormat(
    'mixed: first layer in float32, uint8 activations, per-channel, float logits',
    { activationType: 'uint8', perChannel: true, logits: 'float' },
    () => [0],
  ),
  keptFloatFormat('mixed: first layer in float32, int8 activations', {}, () => [0]),
  keptFloatFormat(
    'mixed: last layer in float32, uint8 activations',
    { activationType: 'uint8' },
    (n) => [n - 1],
  ),
  keptFloatFormat(
    'mixed: all but the last layer in float32, int8 activations, per-channel, 4-bit weights',
    { perChannel: true, weightBits: 4 },
    (n) => Array.from({ length: n - 1 }, (_, l) => l),
  ),
  keptFloatFormat(
    'mixed: first and last layers in float32, uint8 activations',
    { activationType: 'uint8' },
    (n) => (n > 2 ? [0, n - 1] : [0]),
  ),
  keptFloatFormat(
    'mixed: all but the first layer in float32, uint8 activations, dequantised logits',
    { activationType: 'uint8' },
    (n) => Array.from({ length: n - 1 }, (_, l) => l + 1),
  ),
];

/** Dynamic quantisation, per-tensor 8-bit and per-channel 6-bit weights. */
export const DYNAMIC_INT8_FORMATS: readonly Int8Format[] = [
  { name: 'dynamic', layout: 'dynamic', quantize: (mlp) => quantizeDynamic(mlp).model },
  {
    name: 'dynamic per-channel, 6-bit',
    layout: 'dynamic',
    quantize: (mlp) => quantizeDynamic(mlp, { perChannel: true, weightBits: 6 }).model,
  },
];

/** The format named `name` among the static, dynamic and mixed ones; throws for an unknown name. */
export function int8Format(name: string): Int8Format {
  const format = [...STATIC_INT8_FORMATS, ...DYNAMIC_INT8_FORMATS, ...KEPT_FLOAT_INT8_FORMATS].find(
    (f) => f.name === name,
  );
  if (format === undefined) throw new Error(`no int8 format named '${name}'`);
  return format;
}

/**
 * A policy-shaped MLP from @quantproof/nn's `createMlp` (orthogonal init, ReLU hidden layers) with
 * biases drawn uniformly in ±`biasRange` from the same seeded generator.
 */
export function policyMlp(sizes: readonly number[], seed: number, biasRange = 0.2): Mlp {
  const rng = createSeededRng(seed);
  const mlp = createMlp({ sizes, rng });
  for (const layer of mlp.layers) {
    for (let j = 0; j < layer.bias.length; j++) {
      layer.bias[j] = biasRange * (2 * rng.nextFloat64() - 1);
    }
  }
  return mlp;
}

/** The differential check's networks: three CartPole-shaped policies and two other shapes, all with 4 inputs. */
export const DIFFERENTIAL_NETWORKS: readonly Mlp[] = [
  policyMlp([4, 64, 64, 2], 101),
  policyMlp([4, 64, 64, 2], 102),
  policyMlp([4, 64, 64, 2], 103),
  policyMlp([4, 16, 2], 104),
  policyMlp([4, 32, 48, 16, 3], 105, 0.5),
];
