// Certified layer sensitivity: for each layer, δ*, ε* and the disagreeing-volume bracket with only
// that layer's weights at a low bit width (the rest at the high one) and with only that layer kept
// at the high width (the rest low), each certified by `verifyRegion` over the same region.
//
// Why bit widths and not "that layer in FP32": a model whose layers mix float and integer
// arithmetic is neither a `QMlp` nor a network the difference bounds or the z3 encodings model, so
// no certified number exists for it here. Activations stay int8 in every model, as deployed.
import type { Mlp } from '@quantproof/nn';
import {
  type CalibrationRanges,
  type QMlpStatic,
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
}

/** One model of the sweep: its weight bit widths and what was certified for it. */
export interface SensitivityModel {
  readonly bits: readonly number[];
  readonly numbers: CertifiedNumbers;
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
  const certify = async (bits: readonly number[]): Promise<SensitivityModel> => {
    const model: QMlpStatic = quantizeStaticWithRanges(fp32, options.ranges, {
      ...options.scheme,
      weightBits: bits,
    }).model;
    const numbers = certifiedNumbers(await verifyRegion(fp32, model, box, options.verify));
    options.onModel?.(bits, numbers);
    return { bits, numbers };
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
  const key = (s: LayerSensitivity): [number, number, number] => [
    flipMarginUpper(s.lowered.numbers),
    flipMarginLower(s.lowered.numbers),
    s.lowered.numbers.errorBound?.upper ?? 0,
  ];
  const ranking = [...layers]
    .sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
      return a.layer - b.layer;
    })
    .map((s) => s.layer);
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
  return { lowBits, highBits, high, low, layers, ranking, rankingCertain, topCertain };
}
