import fc from 'fast-check';
import type { Activation, DenseLayer, Mlp } from '../src/mlp.js';

/** Shapes and value ranges of random networks. */
export interface MlpArbitraryOptions {
  readonly maxLayers: number;
  readonly maxWidth: number;
  /** Weights and biases lie in [-range, range]; must be a float32 value. */
  readonly range: number;
  /** Activation of the last layer; hidden layers are ReLU. */
  readonly outputActivation?: Activation;
  /**
   * `'any'` (default): fast-check's float32 generator, biased towards edge cases (±0, tiny and
   * huge magnitudes, simple fractions). `'uniform'`: uniform in the range with full 24-bit
   * mantissas, the typical values of trained networks, where every product and sum rounds.
   */
  readonly values?: 'any' | 'uniform';
}

function float32s(
  length: number,
  range: number,
  values: 'any' | 'uniform' = 'any',
): fc.Arbitrary<Float32Array> {
  if (values === 'uniform') {
    const scale = 2 ** 24;
    return fc
      .array(fc.integer({ min: -scale, max: scale }), { minLength: length, maxLength: length })
      .map((steps) => Float32Array.from(steps, (step) => (step / scale) * range));
  }
  return fc.float32Array({
    minLength: length,
    maxLength: length,
    min: -range,
    max: range,
    noNaN: true,
  });
}

/** A random well-formed MLP with ReLU hidden layers. */
export function mlpArbitrary(options: MlpArbitraryOptions): fc.Arbitrary<Mlp> {
  const { maxLayers, maxWidth, range } = options;
  return fc
    .array(fc.integer({ min: 1, max: maxWidth }), { minLength: 2, maxLength: maxLayers + 1 })
    .chain((sizes) =>
      fc
        .tuple(
          ...sizes
            .slice(1)
            .map((outFeatures, l) =>
              fc.tuple(
                float32s(outFeatures * sizes[l]!, range, options.values),
                float32s(outFeatures, range, options.values),
              ),
            ),
        )
        .map((tensors): Mlp => ({
          layers: tensors.map(([weight, bias], l): DenseLayer => ({
            inFeatures: sizes[l]!,
            outFeatures: sizes[l + 1]!,
            weight,
            bias,
            activation:
              l === tensors.length - 1 ? (options.outputActivation ?? 'identity') : 'relu',
          })),
        })),
    );
}

/** A random network together with a batch of `1 … maxBatch` inputs in [-range, range]. */
export function mlpWithBatchArbitrary(
  options: MlpArbitraryOptions & { readonly maxBatch: number },
): fc.Arbitrary<{ mlp: Mlp; n: number; inputs: Float32Array }> {
  return fc
    .tuple(mlpArbitrary(options), fc.integer({ min: 1, max: options.maxBatch }))
    .chain(([mlp, n]) =>
      float32s(n * mlp.layers[0]!.inFeatures, options.range, options.values).map((inputs) => ({
        mlp,
        n,
        inputs,
      })),
    );
}
