// The networks of the differential soundness suite: tiny FP32 MLPs (1–2 inputs, 0–1 hidden layers
// of 1–6 ReLUs, 2–8 classes) with near-tie output rows, weights that overflow float32 and Softmax
// heads, and their int8 twins from quant's PTQ (QDQ, QOperator, dynamic; int8/uint8 activations;
// per-tensor/per-channel weights), some edited by hand. fast-check arbitraries and builders.
import { createSeededRng, type Mlp, type OutputHead } from '@quantproof/nn';
import {
  CalibrationDataError,
  isFloatLayer,
  keepLayersInFloat32,
  type QMlp,
  type QMlpStatic,
  quantizeDynamic,
  quantizeStatic,
  type QuantElementType,
  QuantError,
} from '@quantproof/quant';
import fc from 'fast-check';
import { float32Step, MAX_FLOAT32 } from './exact.js';

/** Last-layer row `row` becomes a copy of row `source` with its bias moved by `delta`. */
export interface TieSpec {
  readonly row: number;
  readonly source: number;
  readonly delta: TieDelta;
}

/** How far a duplicated row's bias lies from its source's. */
export type TieDelta =
  '0' | '+1ulp' | '-1ulp' | '1e-9' | '-1e-9' | '1e-7' | '1e-5' | '2^-17' | '0.06';

/** The FP32 network's shape and values. */
export interface NetSpec {
  readonly inputs: number;
  /** Hidden ReLU units; 0 means no hidden layer. */
  readonly hidden: number;
  readonly classes: number;
  readonly weights: readonly number[];
  readonly biases: readonly number[];
  /** Factor of the last layer's weights (1e30 … max float32 overflow float32 on part of a box). */
  readonly outputScale: number;
  readonly ties: readonly TieSpec[];
  readonly head: OutputHead;
}

/** How the int8 twin is made. */
export interface QuantSpec {
  /**
   * `mixed`: QDQ with one layer kept in float32 (`kept`: the first, or the last; a network with a
   * hidden layer only).
   */
  readonly format: 'qdq' | 'qoperator' | 'dynamic' | 'mixed';
  readonly kept?: 'first' | 'last';
  readonly activationType: QuantElementType;
  readonly weightType: QuantElementType;
  readonly perChannel: boolean;
  readonly reduceRange: boolean;
  readonly weightBits: number;
  readonly logits: 'dequantize' | 'float';
  /**
   * QOperator only: `per-feature` gives every input its own scale (the second input calibrated on
   * a range 20× narrower, like CartPole's θ beside x); absent means `per-tensor`.
   */
  readonly inputScale?: 'per-tensor' | 'per-feature';
  /** Calibration samples: `count` seeded points in centre ± radius per input. */
  readonly calibration: {
    readonly centre: number;
    readonly radius: number;
    readonly count: number;
    readonly seed: number;
  };
  readonly head: 'same' | OutputHead;
  readonly edit: Int8Edit;
}

/** A hand edit of the PTQ model: a moved logit bias, another network, a near-overflow accumulator. */
export type Int8Edit =
  | { readonly kind: 'none' }
  | { readonly kind: 'bias'; readonly output: number; readonly amount: number }
  | { readonly kind: 'other-network'; readonly hidden: number; readonly seed: number }
  | { readonly kind: 'accumulator' };

/** Every near-tie delta. */
export const TIE_DELTAS: readonly TieDelta[] = [
  '0',
  '+1ulp',
  '-1ulp',
  '1e-9',
  '-1e-9',
  '1e-7',
  '1e-5',
  '2^-17',
  '0.06',
];

function movedBias(b: number, delta: TieDelta): number {
  switch (delta) {
    case '0':
      return b;
    case '+1ulp':
      return float32Step(b, 1);
    case '-1ulp':
      return float32Step(b, -1);
    case '2^-17':
      return Math.fround(b + 2 ** -17);
    default:
      return Math.fround(b + Number(delta));
  }
}

/** Last-layer factors that overflow float32 logits on part of a box. */
export const LARGE_SCALES: fc.Arbitrary<number> = fc.constantFrom(
  1e30,
  1e36,
  1e38,
  3e38,
  MAX_FLOAT32,
);

const weightValue: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -16, max: 16 }).map((k) => k / 8) },
  { weight: 3, arbitrary: fc.float({ min: -2, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-30, -1e-30, 2 ** -149, 1, -1) },
);

/** One fast-check arbitrary per field of a spec. */
export type FieldArbitraries<T> = { readonly [K in keyof T]: fc.Arbitrary<T[K]> };

/** The arbitraries of each `NetSpec` field. */
export const netFields: FieldArbitraries<NetSpec> = {
  inputs: fc.integer({ min: 1, max: 2 }),
  hidden: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 })),
  classes: fc.integer({ min: 2, max: 8 }),
  weights: fc.array(weightValue, { minLength: 4, maxLength: 60 }),
  biases: fc.array(weightValue, { minLength: 2, maxLength: 14 }),
  outputScale: fc.oneof(
    { weight: 6, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.constantFrom(1e-3, 1e3) },
    { weight: 2, arbitrary: LARGE_SCALES },
  ),
  ties: tieSpecs(TIE_DELTAS, 0, 3),
  head: fc.constantFrom<OutputHead>('logits', 'logits', 'softmax'),
};

/** The FP32 network of a spec. */
export function buildMlp(spec: NetSpec): Mlp {
  const { inputs, hidden, classes } = spec;
  let w = 0;
  let b = 0;
  const nextW = (): number => Math.fround(spec.weights[w++ % spec.weights.length]!);
  const nextB = (): number => Math.fround(spec.biases[b++ % spec.biases.length]!);
  const layers = [];
  let width = inputs;
  if (hidden > 0) {
    layers.push({
      inFeatures: inputs,
      outFeatures: hidden,
      weight: Float32Array.from({ length: hidden * inputs }, nextW),
      bias: Float32Array.from({ length: hidden }, nextB),
      activation: 'relu' as const,
    });
    width = hidden;
  }
  const weight = Float32Array.from({ length: classes * width }, () =>
    Math.fround(Math.max(-MAX_FLOAT32, Math.min(MAX_FLOAT32, nextW() * spec.outputScale))),
  );
  const bias = Float32Array.from({ length: classes }, nextB);
  for (const tie of spec.ties) {
    const row = tie.row % classes;
    const source = tie.source % classes;
    if (row === source) continue;
    weight.copyWithin(row * width, source * width, (source + 1) * width);
    bias[row] = movedBias(bias[source]!, tie.delta);
  }
  layers.push({
    inFeatures: width,
    outFeatures: classes,
    weight,
    bias,
    activation: 'identity' as const,
  });
  return spec.head === 'softmax' ? { layers, head: 'softmax' } : { layers };
}

/** fast-check arbitrary of hand edits of the PTQ model. */
export const int8Edit: fc.Arbitrary<Int8Edit> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bias' as const),
      output: fc.nat({ max: 7 }),
      amount: fc.integer({ min: -4096, max: 4096 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('other-network' as const),
      hidden: fc.integer({ min: 1, max: 6 }),
      seed: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.constant<Int8Edit>({ kind: 'accumulator' }) },
);

/** The arbitraries of each `QuantSpec` field. */
export const quantFields: FieldArbitraries<QuantSpec> = {
  format: fc.constantFrom<QuantSpec['format']>('qdq', 'qoperator', 'dynamic', 'mixed'),
  kept: fc.constantFrom<QuantSpec['kept']>('first', 'last'),
  activationType: fc.constantFrom<QuantElementType>('int8', 'uint8'),
  weightType: fc.constantFrom<QuantElementType>('int8', 'int8', 'uint8'),
  perChannel: fc.boolean(),
  reduceRange: fc.boolean(),
  weightBits: fc.constantFrom(8, 8, 8, 4, 2),
  logits: fc.constantFrom<QuantSpec['logits']>('dequantize', 'dequantize', 'float'),
  inputScale: fc.constantFrom<'per-tensor' | 'per-feature'>(
    'per-tensor',
    'per-tensor',
    'per-feature',
  ),
  calibration: fc.record({
    centre: fc.constantFrom(0, 0, 0.5, -1, 3),
    radius: fc.constantFrom(1e-3, 0.1, 0.1, 1, 1, 1, 10, 10),
    count: fc.integer({ min: 1, max: 12 }),
    seed: fc.nat(),
  }),
  head: fc.constantFrom<QuantSpec['head']>('same', 'same', 'same', 'logits', 'softmax'),
  edit: fc.oneof(
    { weight: 6, arbitrary: fc.constant<Int8Edit>({ kind: 'none' }) },
    { weight: 4, arbitrary: int8Edit },
  ),
};

function calibrationSamples(spec: QuantSpec, inputs: number, scale: number): Float32Array {
  const rng = createSeededRng(spec.calibration.seed);
  const { centre, radius, count } = spec.calibration;
  const narrow = perFeatureInput(spec);
  return Float32Array.from({ length: count * inputs }, (_, k) => {
    const v = (centre + radius * (2 * rng.nextFloat64() - 1)) * scale;
    return Math.fround(narrow && k % inputs === 1 ? v / 20 : v);
  });
}

function quantizeWith(mlp: Mlp, spec: QuantSpec): QMlp | null {
  const inputs = mlp.layers[0]!.inFeatures;
  // Weights below 8 bits are symmetric int8 without a reduced range.
  const narrow = spec.weightBits < 8;
  const reduceRange = spec.reduceRange && !narrow;
  // int8 activations take int8 weights only.
  const weightType =
    narrow || (spec.format !== 'dynamic' && spec.activationType === 'int8')
      ? 'int8'
      : spec.weightType;
  // Large weights can overflow float32 on the calibration data: calibrate closer to 0 then.
  for (const scale of [1, 2 ** -20, 2 ** -60]) {
    try {
      if (spec.format === 'dynamic') {
        return quantizeDynamic(mlp, {
          weightType,
          perChannel: spec.perChannel,
          reduceRange,
          weightBits: spec.weightBits,
        }).model;
      }
      if (spec.format === 'mixed') {
        if (mlp.layers.length < 2) return null;
        const base = quantizeStatic(mlp, calibrationSamples(spec, inputs, scale), {
          format: 'qdq',
          activationType: spec.activationType,
          weightType,
          perChannel: spec.perChannel,
          reduceRange,
          weightBits: spec.weightBits,
          logits: spec.logits,
        }).model;
        return keepLayersInFloat32(mlp, base, [spec.kept === 'first' ? 0 : mlp.layers.length - 1]);
      }
      return quantizeStatic(mlp, calibrationSamples(spec, inputs, scale), {
        format: spec.format,
        activationType: spec.activationType,
        weightType,
        perChannel: spec.perChannel,
        reduceRange,
        weightBits: spec.weightBits,
        logits: spec.logits,
        inputScale: perFeatureInput(spec) ? 'per-feature' : 'per-tensor',
      }).model;
    } catch (error) {
      if (error instanceof CalibrationDataError) continue;
      // A scheme quant refuses for this network (a range too wide for a float32 scale, a ReLU
      // that cannot fold): a typed refusal, not a pair.
      if (error instanceof QuantError) return null;
      throw error;
    }
  }
  return null;
}

/** Whether the spec quantises the input per feature (QOperator only). */
export function perFeatureInput(spec: QuantSpec): boolean {
  return spec.format === 'qoperator' && spec.inputScale === 'per-feature';
}

function withHead(model: QMlp, head: OutputHead): QMlp {
  const { head: _head, ...rest } = model;
  return (head === 'softmax' ? { ...rest, head } : rest) as QMlp;
}

function editInt8(model: QMlp, mlp: Mlp, spec: QuantSpec, net: NetSpec): QMlp | null {
  const edit = spec.edit;
  if (edit.kind === 'none') return model;
  if (edit.kind === 'other-network') {
    const rng = createSeededRng(edit.seed);
    const other = buildMlp({
      ...net,
      hidden: edit.hidden === net.hidden ? edit.hidden + 1 : edit.hidden,
      weights: Array.from({ length: 24 }, () => Math.fround(4 * rng.nextFloat64() - 2)),
      biases: Array.from({ length: 8 }, () => Math.fround(2 * rng.nextFloat64() - 1)),
      ties: [],
    });
    return quantizeWith(other, spec);
  }
  const layers = [...model.layers];
  if (edit.kind === 'bias') {
    const l = layers.length - 1;
    const layer = layers[l]!;
    const j = edit.output % layer.outFeatures;
    // A float bias (dynamic, or a last layer kept in float32) moves by a float amount.
    if (model.format === 'dynamic' || (model.format === 'mixed' && isFloatLayer(layer))) {
      const bias = Float32Array.from(layer.bias);
      bias[j] = Math.fround(bias[j]! + edit.amount / 1024);
      layers[l] = { ...layer, bias } as typeof layer;
    } else {
      const bias = Int32Array.from(layer.bias);
      bias[j] = bias[j]! + edit.amount;
      layers[l] = { ...layer, bias } as typeof layer;
    }
    return { ...model, layers } as QMlp;
  }
  // accumulator: a first-layer int32 bias near the int32 limit, so the accumulator can wrap.
  if (model.format === 'dynamic' || (model.format === 'mixed' && model.input === null)) return null;
  const first = layers[0]!;
  const bias = Int32Array.from(first.bias);
  bias[0] = 2 ** 31 - 1 - 64;
  layers[0] = { ...first, bias } as typeof first;
  void mlp;
  return { ...model, layers } as QMlpStatic;
}

/** The int8 twin of `mlp` per `spec`, or null when quant refuses the scheme for this network. */
export function buildInt8(mlp: Mlp, spec: QuantSpec, net: NetSpec): QMlp | null {
  const base = quantizeWith(mlp, spec);
  if (base === null) return null;
  const edited = editInt8(base, mlp, spec, net);
  if (edited === null) return null;
  const head = spec.head === 'same' ? (mlp.head ?? 'logits') : spec.head;
  return withHead(edited, head);
}

/** fast-check arbitrary of up to `maxLength` near-tie rows with biases moved by `deltas`. */
export function tieSpecs(
  deltas: readonly TieDelta[],
  minLength: number,
  maxLength: number,
): fc.Arbitrary<TieSpec[]> {
  return fc.array(
    fc.record({
      row: fc.nat({ max: 7 }),
      source: fc.nat({ max: 7 }),
      delta: fc.constantFrom(...deltas),
    }),
    { minLength, maxLength },
  );
}
