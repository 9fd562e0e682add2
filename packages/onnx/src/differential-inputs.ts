import { createSeededRng } from '@quantproof/nn';
import type { Rng } from '@quantproof/nn';
import { elementTypeRange, inputFeatureQuants, qmlpInputSize } from '@quantproof/quant';
import type { QMlp, TensorQuant } from '@quantproof/quant';
import { InvalidRunInputError } from './errors.js';

/**
 * The families of inputs the int8 differential check draws:
 * - `box`: uniform in the operating box;
 * - `far`: far outside it: uniform in ±1e3, log-uniform magnitudes 1e3 … 1e30, ±1e30, ±FLT_MAX
 *   (±1e30 instead of ±FLT_MAX for dynamic models);
 * - `ties`: exactly on QuantizeLinear rounding ties, `fl32((k + 0.5) · s_in)`, and ±1 ulp around
 *   them (for dynamic models: ties of the scale that every row shares, see `differentialInputs`);
 * - `saturation`: on and around the input quantisation's saturation bounds `s · (qmin − zp)`,
 *   `s · (qmax − zp)`, and beyond them;
 * - `zeros`: ±0, ±subnormals, ±FLT_MIN mixed with box values;
 * - `special`: NaN and ±Infinity mixed with box values; for dynamic models, whose
 *   DynamicQuantizeLinear is undefined on them, rows of ±0, subnormals and ±FLT_MIN only, whose
 *   range underflows DynamicQuantizeLinear's scale (to 0 when `(max − min) / 255` < 2^-149).
 *
 * Dynamic `saturation` rows have one input of magnitude 1e2 … 1e6, which squeezes the others onto
 * a few levels around the zero point.
 */
export type DifferentialInputKind = 'box' | 'far' | 'ties' | 'saturation' | 'zeros' | 'special';

/** Every input family, in a fixed order. */
export const DIFFERENTIAL_INPUT_KINDS: readonly DifferentialInputKind[] = [
  'box',
  'far',
  'ties',
  'saturation',
  'zeros',
  'special',
];

/** Options of `differentialInputs`. */
export interface DifferentialInputOptions {
  /** Seed of the generator (xoshiro128** from @quantproof/nn); the same seed gives the same rows. */
  readonly seed: number;
  /** The operating box, one bound per input; default ±1 on every input. */
  readonly box?: { readonly lower: ArrayLike<number>; readonly upper: ArrayLike<number> };
}

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 2 ** -126;
const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The float32 `steps` ulps away from float32 `x` (towards +∞ for positive steps), for finite x. */
function ulpStep(x: number, steps: number): number {
  let v = Math.fround(x);
  for (let s = 0; s < Math.abs(steps); s++) {
    const up = steps > 0;
    if (v === 0) {
      v = up ? 2 ** -149 : -(2 ** -149);
      continue;
    }
    scratch[0] = v;
    // For positive values the next float up has the next bit pattern; for negative ones, the previous.
    scratchBits[0] = (scratchBits[0] ?? 0) + (v > 0 === up ? 1 : -1);
    v = scratch[0] ?? v;
  }
  return v;
}

function uniform(rng: Rng, lower: number, upper: number): number {
  return lower + (upper - lower) * rng.nextFloat64();
}

function integer(rng: Rng, lower: number, upper: number): number {
  return lower + Math.floor(rng.nextFloat64() * (upper - lower + 1));
}

function sign(rng: Rng): number {
  return rng.nextFloat64() < 0.5 ? -1 : 1;
}

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[Math.floor(rng.nextFloat64() * values.length)] as T;
}

/** A saturation bound `fl32(s · (qmin − zp))` or `fl32(s · (qmax − zp))` of `quant`. */
function edgeOf(rng: Rng, quant: TensorQuant, qmin: number, qmax: number): number {
  return Math.fround((pick(rng, [qmin, qmax]) - quant.zeroPoint) * quant.scale);
}

/** A tie of QuantizeLinear with scale `s` on integer offset `k`, or one of its ±1-ulp neighbours. */
function tieValue(rng: Rng, s: number, k: number): number {
  const tie = Math.fround((k + 0.5) * s);
  return ulpStep(tie, pick(rng, [0, 0, -1, 1]));
}

/**
 * `rows` float32 inputs of `kind` for `model`, rows one after another ([rows, inputSize]),
 * reproducible from `options.seed`. For a dynamic model the `ties` rows all share their minimum
 * (input 0) and maximum (input 1), so that one scale and zero point hold for every row and for a
 * whole batch; the other inputs sit on that scale's ties. Throws `InvalidRunInputError` for a
 * box whose length is not the model's input size, or rows < 0.
 */
export function differentialInputs(
  model: QMlp,
  kind: DifferentialInputKind,
  rows: number,
  options: DifferentialInputOptions,
): Float32Array {
  const n = qmlpInputSize(model);
  if (!Number.isSafeInteger(rows) || rows < 0) {
    throw new InvalidRunInputError(`rows = ${rows} is not a non-negative integer`);
  }
  const lower = options.box?.lower ?? new Array<number>(n).fill(-1);
  const upper = options.box?.upper ?? new Array<number>(n).fill(1);
  if (lower.length !== n || upper.length !== n) {
    throw new InvalidRunInputError(
      `the box has ${lower.length} lower and ${upper.length} upper bounds; the model takes ${n} inputs`,
    );
  }
  const rng = createSeededRng(options.seed);
  const out = new Float32Array(rows * n);
  const inBox = (i: number): number => uniform(rng, lower[i] ?? -1, upper[i] ?? 1);
  const dynamic = model.format === 'dynamic';
  // Each feature's own quantisation (per-feature input scales included).
  // A mixed model's input is quantised per tensor when its first layer is int8, not at all else.
  const featureQuants =
    model.format === 'dynamic'
      ? null
      : model.format === 'mixed'
        ? model.input === null
          ? null
          : new Array<TensorQuant>(n).fill(model.input)
        : inputFeatureQuants(model);
  const { qmin, qmax } = elementTypeRange(
    model.format === 'dynamic' || model.input === null ? 'uint8' : model.input.elementType,
  );
  // Shared extremes of dynamic `ties` rows: min(data, 0) = -a, max(data, 0) = b.
  const a = Math.fround(uniform(rng, 0.5, 4));
  const b = Math.fround(uniform(rng, 0.5, 4));
  const dynamicScale = Math.fround(Math.fround(b + a) / 255);

  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) {
      const input = featureQuants === null ? null : featureQuants[i]!;
      let x: number;
      switch (kind) {
        case 'box':
          x = inBox(i);
          break;
        case 'far':
          x = pick(rng, [
            () => uniform(rng, -1e3, 1e3),
            () => sign(rng) * 10 ** uniform(rng, 3, 30),
            () => sign(rng) * 1e30,
            // A dynamic range from -FLT_MAX to FLT_MAX overflows DynamicQuantizeLinear's scale to
            // +inf and the layer to NaN, outside what the executor models.
            () => (dynamic ? sign(rng) * 1e30 : sign(rng) * FLT_MAX),
          ])();
          break;
        case 'ties':
          if (input !== null) {
            x = tieValue(
              rng,
              input.scale,
              integer(rng, qmin - input.zeroPoint - 1, qmax - input.zeroPoint),
            );
          } else if (n < 3) {
            x = inBox(i);
          } else if (i < 2) {
            x = i === 0 ? -a : b;
          } else {
            x = Math.min(b, Math.max(-a, tieValue(rng, dynamicScale, integer(rng, -256, 255))));
          }
          break;
        case 'saturation':
          if (input === null) {
            // One large input per row squeezes the others onto a few levels around the zero point.
            x = i === r % n ? sign(rng) * 10 ** uniform(rng, 2, 6) : inBox(i);
            break;
          }
          x = pick(rng, [
            () => ulpStep(edgeOf(rng, input, qmin, qmax), integer(rng, -3, 3)),
            () => tieValue(rng, input.scale, pick(rng, [qmin, qmax - 1]) - input.zeroPoint),
            () => edgeOf(rng, input, qmin, qmax) * uniform(rng, 1, 4),
            () => inBox(i),
          ])();
          break;
        case 'zeros':
          x = pick(rng, [
            () => pick(rng, [0, -0]),
            () => sign(rng) * pick(rng, [2 ** -149, FLT_MIN]),
            () => inBox(i),
          ])();
          break;
        case 'special':
          x = dynamic
            ? sign(rng) * pick(rng, [0, 2 ** -149, 3 * 2 ** -149, 2 ** -140, FLT_MIN])
            : pick(rng, [NaN, Infinity, -Infinity, inBox(i)]);
          break;
      }
      out[r * n + i] = x;
    }
  }
  return out;
}
