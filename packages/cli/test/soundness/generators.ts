// Random adversarial FP32/int8 pairs for the differential soundness suite: tiny MLPs (1–2 inputs,
// 0–1 hidden layers of 1–6 ReLUs, 2–8 classes) with near-tie output rows, weights that overflow
// float32, Softmax heads; int8 twins from quant's PTQ (QDQ, QOperator, dynamic; int8/uint8
// activations; per-tensor/per-channel weights) or hand-built from them; boxes inside and far
// outside the calibrated range, on quantisation-cell faces, huge, degenerate, a few ulps wide, and
// invalid ones. Everything is a fast-check arbitrary (seeded by FC_SEED, shrinkable).
import type { Mlp, OutputHead } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import fc from 'fast-check';
import { type BoxKind, buildBox, type BoxSpec, type RequestedBox } from './boxes.js';
import {
  type FieldArbitraries,
  buildInt8,
  buildMlp,
  int8Edit,
  LARGE_SCALES,
  type NetSpec,
  netFields,
  type QuantSpec,
  quantFields,
  TIE_DELTAS,
  tieSpecs,
} from './networks.js';

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

/** How large boxes may get (cells per dimension of `calibrated`/`cell-faces` boxes). */
export interface GeneratorOptions {
  readonly maxCellsPerDimension: number;
  readonly boxesPerPair: { readonly min: number; readonly max: number };
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
  | 'any'
  | 'near-ties'
  | 'overflow'
  | 'softmax'
  | 'boxes'
  | 'dynamic'
  | 'edited-int8'
  | 'per-feature-input'
  | 'kept-float';

/** Every focus, in the order the CI slice runs them. */
export const FOCI: readonly Focus[] = [
  'near-ties',
  'overflow',
  'softmax',
  'boxes',
  'dynamic',
  'edited-int8',
  'per-feature-input',
  'kept-float',
  'any',
];

function focused(focus: Focus): {
  net: Partial<FieldArbitraries<NetSpec>>;
  quant: Partial<FieldArbitraries<QuantSpec>>;
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
    case 'kept-float':
      return {
        net: { hidden: fc.integer({ min: 1, max: 6 }) },
        quant: { format: fc.constant<QuantSpec['format']>('mixed') },
        boxKinds: ['calibrated', 'saturating', 'ulps', 'huge', 'degenerate', 'calibrated'],
      };
    case 'per-feature-input':
      return {
        net: { inputs: fc.constant(2) },
        quant: {
          format: fc.constant<QuantSpec['format']>('qoperator'),
          inputScale: fc.constant<'per-feature'>('per-feature'),
        },
        boxKinds: ['calibrated', 'cell-faces', 'cell-faces', 'saturating', 'ulps', 'huge'],
      };
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
    int8.format === 'mixed' ? `${q.kept} layer kept in float32` : '',
    (int8.format === 'qdq' || int8.format === 'qoperator') && int8.inputScales !== undefined
      ? 'per-feature input scales'
      : '',
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
  const boxes = spec.boxes.map((b) =>
    buildBox(b, spec.net.inputs, int8, range, options.maxCellsPerDimension),
  );
  const sizes = (layers: readonly { readonly outFeatures: number }[]): string =>
    layers.map((l) => l.outFeatures).join('-');
  const shapesDiffer = sizes(fp32.layers) !== sizes(int8.layers);
  return { label: describeSpec(spec, fp32, int8), fp32, int8, shapesDiffer, boxes };
}
