import { argmax, forwardBatchFp32, mlpInputSize, validateMlp, type Mlp } from '@quantproof/nn';
import { argmaxFirst } from './argmax.js';
import type { CalibrationRanges } from './calibration.js';
import { CalibrationDataError, QuantOptionsError } from './errors.js';
import { createInt8Executor, type ForwardInt8Options } from './forward-int8.js';
import type { QMlpStatic } from './qmlp.js';
import { calibrateStaticRanges, quantizeStaticWithRanges } from './quantize-static.js';
import { resolveStaticScheme, type QuantizeStaticOptions } from './scheme.js';

/** Options of `searchMixedPrecision`. */
export interface SearchMixedPrecisionOptions {
  /** Minimum fraction of states whose int8 greedy action is the FP32 one, in (0, 1]; default 0.999. */
  readonly threshold?: number;
  /** Lowest weight bit width tried, 2..8; default 2. */
  readonly minBits?: number;
  /** Starting bit width of every layer, minBits..8; default 8. */
  readonly maxBits?: number;
  /** The static scheme (its `weightBits` is what the search chooses and is ignored); default `quantizeStatic`'s. */
  readonly scheme?: QuantizeStaticOptions;
  /** Activation calibration data; default the `states`. Ignored when `ranges` is given. */
  readonly calibrationInputs?: Float32Array | readonly Float32Array[];
  /** Frozen activation ranges (e.g. from quantisation-aware training) instead of calibration. */
  readonly ranges?: CalibrationRanges;
  /** Executor options (the CPU semantics agreement is measured under); default `forwardInt8`'s. */
  readonly executor?: ForwardInt8Options;
}

/** One single-layer reduction the search tried. */
export interface MixedPrecisionCandidate {
  /** The layer lowered by one bit. */
  readonly layer: number;
  /** Its new bit width. */
  readonly bits: number;
  /** Total weight bits of the candidate. */
  readonly sizeBits: number;
  /**
   * Agreement of the candidate: exact when `complete`; otherwise the evaluation stopped as soon as
   * too many states disagreed and this is an upper bound already below the threshold.
   */
  readonly agreement: number;
  readonly complete: boolean;
}

/** One round of the greedy search. */
export interface MixedPrecisionRound {
  /** Bit width per layer at the start of the round, and that model's agreement and size. */
  readonly bits: readonly number[];
  readonly agreement: number;
  readonly sizeBits: number;
  /** Every layer above `minBits`, lowered by one bit (empty when all are at `minBits`). */
  readonly candidates: readonly MixedPrecisionCandidate[];
  /** The layer lowered for the next round, or null: no candidate kept the threshold (the end). */
  readonly lowered: number | null;
}

/** What `searchMixedPrecision` returns, discriminated by `kind`. */
export type MixedPrecisionResult =
  | {
      /** `bits` meet the threshold and lowering any one layer by one bit would not. */
      readonly kind: 'found';
      readonly bits: readonly number[];
      readonly model: QMlpStatic;
      readonly agreement: number;
      /** Σ over layers of weight count · bits (int32 biases excluded). */
      readonly sizeBits: number;
      /** The same network with `maxBits` everywhere. */
      readonly startSizeBits: number;
      readonly trace: readonly MixedPrecisionRound[];
    }
  | {
      /** Even `maxBits` everywhere misses the threshold; `model` is that model. */
      readonly kind: 'threshold-unreachable';
      readonly bits: readonly number[];
      readonly model: QMlpStatic;
      readonly agreement: number;
      readonly sizeBits: number;
      readonly startSizeBits: number;
      readonly trace: readonly MixedPrecisionRound[];
    };

function checkBits(name: string, value: number, low: number): number {
  if (!Number.isInteger(value) || value < low || value > 8) {
    throw new QuantOptionsError(`${name} must be an integer in ${low}..8; got ${value}`);
  }
  return value;
}

/** Σ weight count · bits over the layers of `mlp`. */
export function weightSizeBits(mlp: Mlp, bits: readonly number[]): number {
  let total = 0;
  mlp.layers.forEach((layer, l) => (total += layer.weight.length * bits[l]!));
  return total;
}

/**
 * Greedy mixed-precision search. Starting from `maxBits` in every layer, each round lowers one
 * layer's weight bit width by one: of the layers above `minBits`, the one whose lowered model
 * keeps the highest agreement (ties: the larger size saving, then the lower layer index), as long
 * as that agreement is ≥ `threshold`. Agreement is the fraction of `states` (row-major) on which
 * the int8 executor's greedy action (`argmaxFirst`) equals the FP32 one (`forwardFp32`, first
 * maximum). Models are `quantizeStatic`'s with the searched `weightBits` and one set of activation
 * ranges (calibrated once on the FP32 network, or `ranges`). Guarantee: the result meets the
 * threshold and every single-layer one-bit reduction of it does not (a local minimum, not
 * necessarily the global smallest size). Deterministic.
 */
export function searchMixedPrecision(
  mlp: Mlp,
  states: Float32Array,
  options: SearchMixedPrecisionOptions = {},
): MixedPrecisionResult {
  validateMlp(mlp);
  const threshold = options.threshold ?? 0.999;
  if (!(threshold > 0 && threshold <= 1)) {
    throw new QuantOptionsError(`threshold must lie in (0, 1]; got ${threshold}`);
  }
  const minBits = checkBits('minBits', options.minBits ?? 2, 2);
  const maxBits = checkBits('maxBits', options.maxBits ?? 8, minBits);
  const layerCount = mlp.layers.length;
  const schemeOptions = options.scheme ?? {};
  const withBits = (bits: readonly number[]): QuantizeStaticOptions => ({
    ...schemeOptions,
    weightBits: bits,
  });
  const scheme = resolveStaticScheme(
    withBits(new Array<number>(layerCount).fill(maxBits)),
    layerCount,
  );
  const size = mlpInputSize(mlp);
  if (states.length === 0 || states.length % size !== 0) {
    throw new CalibrationDataError(
      `the states hold ${states.length} values; expected a positive multiple of the input size ${size}`,
    );
  }
  for (let i = 0; i < states.length; i++) {
    if (!Number.isFinite(states[i]!)) {
      throw new CalibrationDataError(
        `state ${Math.floor(i / size)}, feature ${i % size} is ${states[i]}; states must be finite`,
      );
    }
  }
  const ranges =
    options.ranges ?? calibrateStaticRanges(mlp, options.calibrationInputs ?? states, scheme);
  const count = states.length / size;
  const fp32 = forwardBatchFp32(mlp, states, count);
  const outputs = fp32.length / count;
  const targets = new Int32Array(count);
  for (let r = 0; r < count; r++) targets[r] = argmax(fp32, r * outputs, outputs);
  // The smallest agreeing count k with k / count >= threshold (float division, as reported).
  let needed = Math.ceil(threshold * count);
  while (needed > 0 && (needed - 1) / count >= threshold) needed--;
  while (needed / count < threshold) needed++;
  const allowedMisses = count - needed;

  const logits = new Float32Array(outputs);
  const evaluate = (
    bits: readonly number[],
    stopEarly: boolean,
  ): { model: QMlpStatic; agreement: number; complete: boolean } => {
    const model = quantizeStaticWithRanges(mlp, ranges, withBits(bits)).model;
    const executor = createInt8Executor(model, options.executor);
    let misses = 0;
    for (let r = 0; r < count; r++) {
      executor.forward(states.subarray(r * size, (r + 1) * size), logits);
      if (argmaxFirst(logits) !== targets[r]) {
        misses++;
        if (stopEarly && misses > allowedMisses) {
          return { model, agreement: (count - misses) / count, complete: false };
        }
      }
    }
    return { model, agreement: (count - misses) / count, complete: true };
  };

  let bits = new Array<number>(layerCount).fill(maxBits);
  const startSizeBits = weightSizeBits(mlp, bits);
  let current = evaluate(bits, false);
  const trace: MixedPrecisionRound[] = [];
  if (current.agreement < threshold) {
    trace.push({
      bits,
      agreement: current.agreement,
      sizeBits: startSizeBits,
      candidates: [],
      lowered: null,
    });
    return {
      kind: 'threshold-unreachable',
      bits,
      model: current.model,
      agreement: current.agreement,
      sizeBits: startSizeBits,
      startSizeBits,
      trace,
    };
  }
  for (;;) {
    const candidates: MixedPrecisionCandidate[] = [];
    let chosen: { layer: number; result: ReturnType<typeof evaluate>; sizeBits: number } | null =
      null;
    for (let l = 0; l < layerCount; l++) {
      if (bits[l]! <= minBits) continue;
      const lowered = bits.map((b, k) => (k === l ? b - 1 : b));
      const result = evaluate(lowered, true);
      const sizeBits = weightSizeBits(mlp, lowered);
      candidates.push({
        layer: l,
        bits: lowered[l]!,
        sizeBits,
        agreement: result.agreement,
        complete: result.complete,
      });
      if (!result.complete || result.agreement < threshold) continue;
      if (
        chosen === null ||
        result.agreement > chosen.result.agreement ||
        (result.agreement === chosen.result.agreement && sizeBits < chosen.sizeBits)
      ) {
        chosen = { layer: l, result, sizeBits };
      }
    }
    trace.push({
      bits,
      agreement: current.agreement,
      sizeBits: weightSizeBits(mlp, bits),
      candidates,
      lowered: chosen?.layer ?? null,
    });
    if (chosen === null) break;
    const next = chosen.layer;
    bits = bits.map((b, k) => (k === next ? b - 1 : b));
    current = chosen.result;
  }
  return {
    kind: 'found',
    bits,
    model: current.model,
    agreement: current.agreement,
    sizeBits: weightSizeBits(mlp, bits),
    startSizeBits,
    trace,
  };
}
