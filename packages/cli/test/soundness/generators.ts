// Random adversarial FP32/int8 pairs for the differential soundness suite: tiny MLPs (1–2 inputs,
// 0–1 hidden layers of 1–6 ReLUs, 2–8 classes) with near-tie output rows, weights that overflow
// float32, Softmax heads; int8 twins from quant's PTQ (QDQ, QOperator, dynamic; int8/uint8
// activations; per-tensor/per-channel weights) or hand-built from them; boxes inside and far
// outside the calibrated range, on quantisation-cell faces, huge, degenerate, a few ulps wide, and
// invalid ones. Everything is a fast-check arbitrary (seeded by FC_SEED, shrinkable).
import { createSeededRng, type Mlp, type OutputHead, type SeededRng } from '@quantproof/nn';
import {
  CalibrationDataError,
  type QMlp,
  type QMlpStatic,
  quantizeDynamic,
  quantizeStatic,
  type QuantElementType,
  QuantError,
} from '@quantproof/quant';
import { cellInterval, inputCells } from '@quantproof/smt-verify';
import fc from 'fast-check';
import { float32Step, MAX_FLOAT32 } from './exact.js';

/** What a requested box is meant to exercise. */
export type BoxKind =
  'calibrated' | 'cell-faces' | 'saturating' | 'huge' | 'degenerate' | 'ulps' | 'invalid';

/** A box as a user would request it (bounds are float64; `invalid` ones hold no float32 box). */
export interface RequestedBox {
  readonly kind: BoxKind;
  readonly lower: number[];
  readonly upper: number[];
}

/** One generated pair: the FP32 network, its int8 twin and the boxes to verify. */
export interface SoundnessPair {
  /** What the generator chose, in words (printed with every failure). */
  readonly label: string;
  readonly fp32: Mlp;
  readonly int8: QMlp;
  /** The int8 model is another network's (its hidden sizes differ from the FP32 network's). */
  readonly shapesDiffer: boolean;
  readonly boxes: readonly RequestedBox[];
}

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
  readonly format: 'qdq' | 'qoperator' | 'dynamic';
  readonly activationType: QuantElementType;
  readonly weightType: QuantElementType;
  readonly perChannel: boolean;
  readonly reduceRange: boolean;
  readonly weightBits: number;
  readonly logits: 'dequantize' | 'float';
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

/** A box request, resolved against the int8 model's input quantisation. */
export interface BoxSpec {
  readonly kind: BoxKind;
  readonly seed: number;
}

/** How large boxes may get (cells per dimension of `calibrated`/`cell-faces` boxes). */
export interface GeneratorOptions {
  readonly maxCellsPerDimension: number;
  readonly boxesPerPair: { readonly min: number; readonly max: number };
}

const TIE_DELTAS: readonly TieDelta[] = [
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
const LARGE_SCALES = fc.constantFrom(1e30, 1e36, 1e38, 3e38, MAX_FLOAT32);

const weightValue: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -16, max: 16 }).map((k) => k / 8) },
  { weight: 3, arbitrary: fc.float({ min: -2, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-30, -1e-30, 2 ** -149, 1, -1) },
);

/** The arbitraries of each `NetSpec` field. */
const netFields = {
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
  ties: fc.array(
    fc.record({
      row: fc.nat({ max: 7 }),
      source: fc.nat({ max: 7 }),
      delta: fc.constantFrom(...TIE_DELTAS),
    }),
    { maxLength: 3 },
  ),
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

const int8Edit: fc.Arbitrary<Int8Edit> = fc.oneof(
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
const quantFields = {
  format: fc.constantFrom<QuantSpec['format']>('qdq', 'qoperator', 'dynamic'),
  activationType: fc.constantFrom<QuantElementType>('int8', 'uint8'),
  weightType: fc.constantFrom<QuantElementType>('int8', 'int8', 'uint8'),
  perChannel: fc.boolean(),
  reduceRange: fc.boolean(),
  weightBits: fc.constantFrom(8, 8, 8, 4, 2),
  logits: fc.constantFrom<QuantSpec['logits']>('dequantize', 'dequantize', 'float'),
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
  return Float32Array.from({ length: count * inputs }, () =>
    Math.fround((centre + radius * (2 * rng.nextFloat64() - 1)) * scale),
  );
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
      return quantizeStatic(mlp, calibrationSamples(spec, inputs, scale), {
        format: spec.format,
        activationType: spec.activationType,
        weightType,
        perChannel: spec.perChannel,
        reduceRange,
        weightBits: spec.weightBits,
        logits: spec.logits,
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
    if (model.format === 'dynamic') {
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
  if (model.format === 'dynamic') return null;
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

/** Float32 faces of the input quantisation: `faces[k]` is the first float32 of cell qmin + k + 1. */
function inputFaces(model: QMlpStatic): number[] {
  const cells = inputCells(-MAX_FLOAT32, MAX_FLOAT32, model.input);
  const faces: number[] = [];
  for (let q = cells.qLow + 1; q <= cells.qHigh; q++) faces.push(cellInterval(cells, q).lo);
  return faces;
}

function pick<T>(rng: SeededRng, items: readonly T[]): T {
  return items[Math.floor(rng.nextFloat64() * items.length)]!;
}

/** One dimension of a box of `kind`. */
function boxDimension(
  kind: BoxKind,
  rng: SeededRng,
  faces: readonly number[] | null,
  range: { lo: number; hi: number },
  maxCells: number,
): [number, number] {
  const width = range.hi - range.lo || 1;
  const within = (): number => Math.fround(range.lo + width * rng.nextFloat64());
  switch (kind) {
    case 'calibrated': {
      const a = within();
      const cellWidth = faces === null ? width / 64 : width / 256;
      const b = Math.fround(a + cellWidth * maxCells * rng.nextFloat64());
      return [a, b];
    }
    case 'cell-faces': {
      if (faces === null || faces.length < 2)
        return boxDimension('calibrated', rng, faces, range, maxCells);
      const start = Math.floor(rng.nextFloat64() * (faces.length - 1));
      const span = 1 + Math.floor(rng.nextFloat64() * Math.min(maxCells, faces.length - 1 - start));
      const upperFace = faces[Math.min(start + span, faces.length - 1)]!;
      // The upper bound on a face (the next cell's first float32) or just below it.
      const upper = rng.nextFloat64() < 0.5 ? upperFace : float32Step(upperFace, -1);
      return [faces[start]!, Math.max(upper, faces[start]!)];
    }
    case 'saturating': {
      const far = pick(rng, [10, 1e3, 1e5, 1e7]) * (rng.nextFloat64() < 0.5 ? -1 : 1);
      const centre = Math.fround(far * (Math.abs(range.hi) + Math.abs(range.lo) + 1));
      const half = Math.fround(Math.abs(centre) * pick(rng, [1e-3, 0.1, 1]));
      return [Math.fround(centre - half), Math.fround(centre + half)];
    }
    case 'huge': {
      const r = pick(rng, [1e6, MAX_FLOAT32, 1e30]);
      return rng.nextFloat64() < 0.3 ? [0, r] : [-r, r];
    }
    case 'degenerate': {
      const at = pick(rng, [
        0,
        within(),
        faces === null || faces.length === 0 ? 0 : pick(rng, faces),
        MAX_FLOAT32,
        -MAX_FLOAT32,
        2 ** -149,
      ]);
      return [at, at];
    }
    case 'ulps': {
      const at =
        faces !== null && faces.length > 0 && rng.nextFloat64() < 0.5 ? pick(rng, faces) : within();
      const below = Math.floor(rng.nextFloat64() * 8);
      const above = Math.floor(rng.nextFloat64() * 8);
      return [float32Step(at, -below), float32Step(at, above)];
    }
    case 'invalid':
      return pick<[number, number]>(rng, [
        [0.1, 0.1],
        [-1e39, 1e39],
        [1, -1],
      ]);
  }
}

/** Resolves a box spec against the pair (cell faces of a static model's input quantisation). */
export function buildBox(
  spec: BoxSpec,
  inputs: number,
  int8: QMlp,
  range: { lo: number; hi: number },
  options: GeneratorOptions,
): RequestedBox {
  const rng = createSeededRng(spec.seed);
  const faces = int8.format === 'dynamic' ? null : inputFaces(int8);
  const lower: number[] = [];
  const upper: number[] = [];
  for (let i = 0; i < inputs; i++) {
    const [lo, hi] = boxDimension(spec.kind, rng, faces, range, options.maxCellsPerDimension);
    lower.push(lo);
    upper.push(hi);
  }
  return { kind: spec.kind, lower, upper };
}

const ALL_BOX_KINDS: readonly BoxKind[] = [
  'calibrated',
  'calibrated',
  'cell-faces',
  'cell-faces',
  'saturating',
  'huge',
  'degenerate',
  'ulps',
  'invalid',
];

/** The spec of a whole pair. */
export interface PairSpec {
  readonly net: NetSpec;
  readonly quant: QuantSpec;
  readonly boxes: readonly BoxSpec[];
}

/**
 * What a property concentrates on: each focus narrows some fields of the spec (the rest stay fully
 * random), so that a CI slice of a few pairs still meets every class of input.
 */
export type Focus =
  'any' | 'near-ties' | 'overflow' | 'softmax' | 'boxes' | 'dynamic' | 'edited-int8';

/** Every focus, in the order the CI slice runs them. */
export const FOCI: readonly Focus[] = [
  'near-ties',
  'overflow',
  'softmax',
  'boxes',
  'dynamic',
  'edited-int8',
  'any',
];

const tieSpecs = (
  deltas: readonly TieDelta[],
  minLength: number,
  maxLength: number,
): fc.Arbitrary<TieSpec[]> =>
  fc.array(
    fc.record({
      row: fc.nat({ max: 7 }),
      source: fc.nat({ max: 7 }),
      delta: fc.constantFrom(...deltas),
    }),
    { minLength, maxLength },
  );

function focused(focus: Focus): {
  net: Partial<typeof netFields>;
  quant: Partial<typeof quantFields>;
  boxKinds: readonly BoxKind[];
} {
  switch (focus) {
    case 'any':
      return { net: {}, quant: {}, boxKinds: ALL_BOX_KINDS };
    case 'near-ties':
      return {
        net: {
          classes: fc.integer({ min: 3, max: 8 }),
          ties: tieSpecs(TIE_DELTAS, 1, 3),
          head: fc.constant<OutputHead>('logits'),
          outputScale: fc.constant(1),
        },
        quant: { format: fc.constantFrom<QuantSpec['format']>('qdq', 'qoperator') },
        boxKinds: ['calibrated', 'cell-faces', 'ulps', 'huge'],
      };
    case 'overflow':
      return {
        net: { outputScale: LARGE_SCALES },
        quant: {},
        boxKinds: ['huge', 'saturating', 'degenerate', 'calibrated'],
      };
    case 'softmax':
      return {
        net: {
          head: fc.constant<OutputHead>('softmax'),
          ties: tieSpecs(['0', '+1ulp', '-1ulp', '1e-9', '1e-7', '2^-17'], 1, 2),
        },
        quant: { head: fc.constantFrom<QuantSpec['head']>('same', 'same', 'logits') },
        boxKinds: ['calibrated', 'cell-faces', 'ulps', 'degenerate'],
      };
    case 'boxes':
      return {
        net: {},
        quant: {},
        boxKinds: ['saturating', 'huge', 'degenerate', 'ulps', 'invalid', 'cell-faces'],
      };
    case 'dynamic':
      return {
        net: {},
        quant: { format: fc.constant<QuantSpec['format']>('dynamic') },
        boxKinds: ALL_BOX_KINDS,
      };
    case 'edited-int8':
      return { net: {}, quant: { edit: int8Edit }, boxKinds: ALL_BOX_KINDS };
  }
}

/** fast-check arbitrary of pair specs concentrating on `focus`. */
export function pairSpec(options: GeneratorOptions, focus: Focus = 'any'): fc.Arbitrary<PairSpec> {
  const f = focused(focus);
  return fc.record({
    net: fc.record({ ...netFields, ...f.net }),
    quant: fc.record({ ...quantFields, ...f.quant }),
    boxes: fc.array(fc.record({ kind: fc.constantFrom(...f.boxKinds), seed: fc.nat() }), {
      minLength: options.boxesPerPair.min,
      maxLength: options.boxesPerPair.max,
    }),
  });
}

function describeSpec(spec: PairSpec, mlp: Mlp, int8: QMlp): string {
  const sizes = [mlp.layers[0]!.inFeatures, ...mlp.layers.map((l) => l.outFeatures)].join('-');
  const q = spec.quant;
  const parts = [
    `FP32 ${sizes} head ${mlp.head ?? 'logits'} output×${spec.net.outputScale}`,
    spec.net.ties.length > 0
      ? `ties ${spec.net.ties.map((t) => `${t.row}=${t.source}${t.delta}`).join(',')}`
      : '',
    `int8 ${int8.format}`,
    int8.format === 'dynamic' ? '' : `act ${q.activationType} logits ${q.logits}`,
    `w ${q.weightType}${q.weightBits}${q.perChannel ? ' per-channel' : ''}${q.reduceRange ? ' reduced' : ''}`,
    `head ${int8.head ?? 'logits'}`,
    q.edit.kind === 'none' ? '' : `edit ${JSON.stringify(q.edit)}`,
  ];
  return parts.filter((p) => p !== '').join('; ');
}

/** Builds the pair of a spec, or null when quant refuses the scheme (a typed refusal). */
export function buildPair(spec: PairSpec, options: GeneratorOptions): SoundnessPair | null {
  const fp32 = buildMlp(spec.net);
  const int8 = buildInt8(fp32, spec.quant, spec.net);
  if (int8 === null) return null;
  const { centre, radius } = spec.quant.calibration;
  const range = { lo: centre - radius, hi: centre + radius };
  const boxes = spec.boxes.map((b) => buildBox(b, spec.net.inputs, int8, range, options));
  const sizes = (layers: readonly { readonly outFeatures: number }[]): string =>
    layers.map((l) => l.outFeatures).join('-');
  const shapesDiffer = sizes(fp32.layers) !== sizes(int8.layers);
  return { label: describeSpec(spec, fp32, int8), fp32, int8, shapesDiffer, boxes };
}
