// Certified layer sensitivity: for each layer, δ*, ε* and the disagreeing-volume bracket with only
// that layer's weights at a low bit width (the rest at the high one) and with only that layer kept
// at the high width (the rest low); and, literally, with only that layer in int8 (the others kept
// in float32) and with only that layer kept in float32 (the others int8) — each certified by
// `verifyRegion` over the same region.
//
// A layer kept in float32 is what onnxruntime's quantiser leaves of an excluded node (QDQ, float32
// Gemm). One such layer between two int8 layers is not deployable as float32: onnxruntime
// quantises its weights itself (WeightBiasQuantization), so that view is reported as refused.
import type { Mlp } from '@quantproof/nn';
import {
  type CalibrationRanges,
  InvalidQMlpError,
  keepLayersInFloat32,
  type QMlp,
  type QMlpStatic,
  QuantOptionsError,
  type QuantizeStaticOptions,
  quantizeStaticWithRanges,
} from '@quantproof/quant';
import { SmtVerifyOptionsError } from '../errors.js';
import type { InputBox } from '../box.js';
import { type RegionOptions, verifyRegion } from '../region/verify-region.js';
import {
  type CertifiedNumbers,
  certifiedNumbers,
  flipMarginLower,
  flipMarginUpper,
} from './certified-numbers.js';

/** Options of `certifyLayerSensitivity`. */
export interface LayerSensitivityOptions {
  /** Activation ranges every model is converted with (calibrated once on the FP32 network). */
  readonly ranges: CalibrationRanges;
  /** The static scheme; its `weightBits` is what the sweep sets and is ignored. Default `quantizeStatic`'s. */
  readonly scheme?: QuantizeStaticOptions;
  /** The low weight bit width, 2..7. Default 4. */
  readonly lowBits?: number;
  /** The high weight bit width, lowBits+1..8. Default 8. */
  readonly highBits?: number;
  /** Options of each model's `verifyRegion` (a `maxBoxes` budget makes the ranking reproducible). */
  readonly verify?: RegionOptions;
  /** Called after each model is certified (for progress). */
  readonly onModel?: (bits: readonly number[], numbers: CertifiedNumbers) => void;
  /**
   * Also certify the float32 views (only one layer in int8; only one kept in float32); default
   * true for networks of two layers or more.
   */
  readonly fp32Views?: boolean;
}

/** One model of the sweep: its weight bit widths (32: kept in float32) and what was certified for it. */
export interface SensitivityModel {
  readonly bits: readonly number[];
  readonly numbers: CertifiedNumbers;
}

/** A float32 view that cannot be deployed as asked, and why. */
export interface RefusedModel {
  readonly bits: readonly number[];
  readonly refused: string;
}

/** One layer's two float32 views (layers that are not int8 kept in float32, as onnxruntime runs them). */
export interface Fp32LayerSensitivity {
  readonly layer: number;
  /** Only this layer in int8 (at `highBits`), every other kept in float32. */
  readonly onlyInt8: SensitivityModel | RefusedModel;
  /** Only this layer kept in float32, every other in int8 (at `highBits`). */
  readonly onlyFp32: SensitivityModel | RefusedModel;
}

/** One layer's two views. */
export interface LayerSensitivity {
  readonly layer: number;
  /** Only this layer at `lowBits`: how much this layer alone costs. */
  readonly lowered: SensitivityModel;
  /** Only this layer at `highBits`: how much keeping this layer precise buys back. */
  readonly keptHigh: SensitivityModel;
}

/** What `certifyLayerSensitivity` returns. */
export interface LayerSensitivityResult {
  readonly lowBits: number;
  readonly highBits: number;
  /** Every layer at `highBits`. */
  readonly high: SensitivityModel;
  /** Every layer at `lowBits`. */
  readonly low: SensitivityModel;
  readonly layers: readonly LayerSensitivity[];
  /**
   * Layers from most to least sensitive: by the certified δ* of their `lowered` model, upper end
   * first, then lower end, then ε*'s upper end (ties: the lower index).
   */
  readonly ranking: readonly number[];
  /**
   * Whether the ranking is proven: each layer's lowered δ* lower end is at least the next one's
   * upper end, so no other order is consistent with the brackets.
   */
  readonly rankingCertain: boolean;
  /**
   * Whether the most sensitive layer is proven to be so: its lowered δ* lower end exceeds every
   * other layer's lowered δ* upper end — the layer to keep at the higher precision.
   */
  readonly topCertain: boolean;
  /** The float32 views per layer; empty when not asked for or for a one-layer network. */
  readonly fp32: readonly Fp32LayerSensitivity[];
  /**
   * Layers by the certified δ* of their `onlyInt8` model, most costly first (the same key as
   * `ranking`); empty without float32 views.
   */
  readonly fp32Ranking: readonly number[];
}

/**
 * Layer indices, most costly first, by the certified δ* of the model `of` picks for each (upper
 * end, then lower end, then ε*'s upper end; ties: the lower index); refused models rank last.
 */
function rankLayers<T extends { readonly layer: number }>(
  items: readonly T[],
  of: (item: T) => SensitivityModel | RefusedModel,
): number[] {
  const key = (m: SensitivityModel | RefusedModel): [number, number, number] =>
    'refused' in m
      ? [-Infinity, -Infinity, -Infinity]
      : [flipMarginUpper(m.numbers), flipMarginLower(m.numbers), m.numbers.errorBound?.upper ?? 0];
  return [...items]
    .sort((a, b) => {
      const [ka, kb] = [key(of(a)), key(of(b))];
      for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
      return a.layer - b.layer;
    })
    .map((s) => s.layer);
}

function bitsOption(name: string, value: number, low: number, high: number): number {
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new SmtVerifyOptionsError(`${name} must be an integer in ${low}..${high}; got ${value}`);
  }
  return value;
}

/**
 * Certified sensitivity of each layer of `fp32` to weight quantisation over `box`: 2·L + 2 models
 * (`quantizeStaticWithRanges` with one set of activation ranges and per-layer weight bit widths),
 * each verified by `verifyRegion`. The ranking is by certified δ*, not by samples.
 */
export async function certifyLayerSensitivity(
  fp32: Mlp,
  box: InputBox,
  options: LayerSensitivityOptions,
): Promise<LayerSensitivityResult> {
  const lowBits = bitsOption('lowBits', options.lowBits ?? 4, 2, 7);
  const highBits = bitsOption('highBits', options.highBits ?? 8, lowBits + 1, 8);
  const count = fp32.layers.length;
  const verified = async (bits: readonly number[], model: QMlp): Promise<SensitivityModel> => {
    const numbers = certifiedNumbers(await verifyRegion(fp32, model, box, options.verify));
    options.onModel?.(bits, numbers);
    return { bits, numbers };
  };
  const certify = async (bits: readonly number[]): Promise<SensitivityModel> => {
    const model: QMlpStatic = quantizeStaticWithRanges(fp32, options.ranges, {
      ...options.scheme,
      weightBits: bits,
    }).model;
    return verified(bits, model);
  };
  // The float32 views: the high-width model with the chosen layers kept in float32.
  const certifyKept = async (keep: readonly number[]): Promise<SensitivityModel | RefusedModel> => {
    const bits = Array.from({ length: count }, (_, k) => (keep.includes(k) ? 32 : highBits));
    let model: QMlp;
    try {
      const base = quantizeStaticWithRanges(fp32, options.ranges, {
        ...options.scheme,
        weightBits: highBits,
      }).model;
      model = keepLayersInFloat32(fp32, base, keep);
    } catch (error) {
      if (!(error instanceof QuantOptionsError) && !(error instanceof InvalidQMlpError))
        throw error;
      return { bits, refused: error.message.replace(/^\$\.layers\[\d+\]: /, '') };
    }
    return verified(bits, model);
  };
  const high = await certify(new Array<number>(count).fill(highBits));
  const low = await certify(new Array<number>(count).fill(lowBits));
  const layers: LayerSensitivity[] = [];
  for (let l = 0; l < count; l++) {
    const only = (mine: number, rest: number): number[] =>
      Array.from({ length: count }, (_, k) => (k === l ? mine : rest));
    // With one layer the two views are the all-low and all-high models already certified.
    const lowered = count === 1 ? low : await certify(only(lowBits, highBits));
    const keptHigh = count === 1 ? high : await certify(only(highBits, lowBits));
    layers.push({ layer: l, lowered, keptHigh });
  }
  const ranking = rankLayers(layers, (s) => s.lowered);
  const fp32Layers: Fp32LayerSensitivity[] = [];
  if ((options.fp32Views ?? true) && count > 1) {
    const all = Array.from({ length: count }, (_, k) => k);
    for (let l = 0; l < count; l++) {
      const onlyInt8 = await certifyKept(all.filter((k) => k !== l));
      const onlyFp32 = await certifyKept([l]);
      fp32Layers.push({ layer: l, onlyInt8, onlyFp32 });
    }
  }
  const fp32Ranking = rankLayers(fp32Layers, (s) => s.onlyInt8);
  let rankingCertain = true;
  for (let i = 0; i + 1 < ranking.length; i++) {
    const more = layers[ranking[i]!]!.lowered.numbers;
    const less = layers[ranking[i + 1]!]!.lowered.numbers;
    if (!(flipMarginLower(more) >= flipMarginUpper(less))) rankingCertain = false;
  }
  const top = layers[ranking[0]!]!.lowered.numbers;
  const topCertain =
    ranking.length > 1 &&
    ranking
      .slice(1)
      .every((l) => flipMarginLower(top) > flipMarginUpper(layers[l]!.lowered.numbers));
  return {
    lowBits,
    highBits,
    high,
    low,
    layers,
    ranking,
    rankingCertain,
    topCertain,
    fp32: fp32Layers,
    fp32Ranking,
  };
}
