// fast-check arbitraries over a box of float32 inputs that aim where int8 disagrees (see aim.ts),
// and shrink a failing input towards the most severe counterexample: the one with the largest FP32
// margin, not towards zero.
import { createSeededRng } from '@quantproof/nn';
import type { InputBox } from '@quantproof/smt-verify';
import { Arbitrary, type Random, Stream, Value } from 'fast-check';
import { Aimer, type AimKind, type AimWeights, DEFAULT_AIM } from './aim.js';
import { TestingOptionsError } from './errors.js';
import { loadPair, type ModelPair, type ModelSource } from './models.js';

/** Options of `regionInputs`. */
export interface RegionInputsOptions {
  /** The box of inputs: `lower[i] ≤ x_i ≤ upper[i]` (rounded inward to float32). */
  readonly box: InputBox;
  /** One aim, or a mixture by weight. Default `DEFAULT_AIM`. */
  readonly aim?: AimKind | Partial<AimWeights>;
}

const KINDS: readonly AimKind[] = ['boundary', 'cell-face', 'saturation', 'uniform'];

function weightsOf(aim: AimKind | Partial<AimWeights> | undefined): [AimKind, number][] {
  if (aim === undefined) return KINDS.map((k) => [k, DEFAULT_AIM[k]]);
  if (typeof aim === 'string') {
    if (!KINDS.includes(aim)) {
      throw new TestingOptionsError(`aim "${String(aim)}" is not one of ${KINDS.join(', ')}`);
    }
    return [[aim, 1]];
  }
  const entries = KINDS.map((k): [AimKind, number] => [k, aim[k] ?? 0]);
  for (const [k, w] of entries) {
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new TestingOptionsError(`aim weight ${k} is ${w}; weights must be finite and ≥ 0`);
    }
  }
  for (const key of Object.keys(aim)) {
    if (!KINDS.includes(key as AimKind)) {
      throw new TestingOptionsError(`aim weight "${key}" is not one of ${KINDS.join(', ')}`);
    }
  }
  if (entries.every(([, w]) => w === 0)) {
    throw new TestingOptionsError('every aim weight is 0; give at least one a positive weight');
  }
  return entries.filter(([, w]) => w > 0);
}

/** Context of a generated input: its FP32 margin (shrinking only ever raises it). */
interface MarginContext {
  readonly margin: number;
}

class AimedArbitrary extends Arbitrary<Float32Array> {
  readonly #aimer: Aimer;
  readonly #weights: [AimKind, number][];
  readonly #total: number;

  constructor(aimer: Aimer, weights: [AimKind, number][]) {
    super();
    this.#aimer = aimer;
    this.#weights = weights;
    this.#total = weights.reduce((s, [, w]) => s + w, 0);
  }

  generate(mrng: Random): Value<Float32Array> {
    // One 31-bit seed from fast-check's generator drives nn's seeded generator for this sample,
    // so a fast-check seed and path reproduce it.
    const rng = createSeededRng(mrng.nextInt(0, 0x7fffffff));
    let u = rng.nextFloat64() * this.#total;
    let kind = this.#weights.at(-1)![0];
    for (const [k, w] of this.#weights) {
      if (u < w) {
        kind = k;
        break;
      }
      u -= w;
    }
    const x = this.#aimer.point(kind, rng);
    return new Value(x, { margin: this.#aimer.fp32Margin(x) } satisfies MarginContext);
  }

  canShrinkWithoutContext(value: unknown): value is Float32Array {
    const a = this.#aimer;
    return (
      value instanceof Float32Array &&
      value.length === a.dimensions &&
      value.every((v, i) => v >= a.lower[i]! && v <= a.upper[i]!)
    );
  }

  shrink(value: Float32Array): Stream<Value<Float32Array>> {
    const candidates = this.#aimer.shrinkCandidates(value);
    return Stream.of(
      ...candidates.map((c) => new Value(c.x, { margin: c.margin } satisfies MarginContext)),
    );
  }
}

/**
 * A fast-check arbitrary of float32 inputs of `options.box` aimed where `int8` may take another
 * decision than `fp32`: along the FP32 decision boundary (bisected, then carried to the far side
 * of its quantisation cell), on and next to input-quantisation cell faces, at saturation edges,
 * and uniformly. Shrinking moves a failing input to inputs with a larger FP32 margin (the most
 * severe counterexample), never towards zero. Seeded and replayed by fast-check's seed and path.
 */
export function regionInputs(
  fp32: ModelSource,
  int8: ModelSource,
  options: RegionInputsOptions,
): Arbitrary<Float32Array> {
  return regionInputsOfPair(loadPair(fp32, int8), options);
}

/** `regionInputs` of a pair already read. */
export function regionInputsOfPair(
  pair: ModelPair,
  options: RegionInputsOptions,
): Arbitrary<Float32Array> {
  return new AimedArbitrary(
    new Aimer(pair.fp32.mlp, pair.int8.model, options.box),
    weightsOf(options.aim),
  );
}
