import {
  backwardTrain,
  createTrainingWorkspace,
  forwardTrain,
  mlpInputSize,
  mlpOutputSize,
  type Mlp,
  type MlpGradients,
  type TrainingBackend,
  type TrainingWorkspace,
} from '@quantproof/nn';
import type { CalibrationRanges } from './calibration.js';
import { elementTypeRange } from './element-type.js';
import { InputShapeError, QuantOptionsError } from './errors.js';
import { dequantizeLinear, type TensorQuant } from './quantize-linear.js';
import { roundHalfEven } from './round-half-even.js';
import {
  activationQuants,
  type ActivationQuants,
  checkRanges,
  foldInputScales,
} from './quantize-static.js';
import { quantizeBias, quantizeWeights } from './internal/quantize-weights.js';
import type { StaticScheme } from './scheme.js';

/**
 * A network under fake quantisation: float32 (shadow) weights, the activation ranges the
 * quantisation parameters come from, and the resolved static scheme. `quantizeStaticWithRanges`
 * with the same three converts it to the int8 model it simulates.
 */
export interface FakeQuantNetwork {
  readonly mlp: Mlp;
  readonly ranges: CalibrationRanges;
  readonly scheme: StaticScheme;
}

/** Options of `forwardFakeQuant`. */
export interface ForwardFakeQuantOptions {
  /** `nn` training backend that runs the float32 products; default `'auto'` (same bits either way). */
  readonly backend?: TrainingBackend | 'auto';
}

/**
 * Fake-quantises `count` values of `x` with `quant` into `out` (`fl((q − zp) · s)` of
 * QuantizeLinear's `q`) and writes the straight-through mask into `mask`: 1 where the float32
 * quotient `fl(x / s)` lies inside `[qmin − zp, qmax − zp]` (not clamped), 0 elsewhere (and for NaN).
 * With `stride` > 1 only the elements `start, start + stride, …` below `count` are processed (one
 * feature of a row-major batch).
 */
export function fakeQuantizeActivations(
  x: Float32Array,
  count: number,
  quant: TensorQuant,
  out: Float32Array,
  mask: Uint8Array,
  start = 0,
  stride = 1,
): void {
  const { scale, zeroPoint } = quant;
  const { qmin, qmax } = elementTypeRange(quant.elementType);
  const lower = qmin - zeroPoint;
  const upper = qmax - zeroPoint;
  const fround = Math.fround;
  for (let i = start; i < count; i += stride) {
    // quantizeLinear's arithmetic inlined (x is already float32): fl(x / s), MAXPS/MINPS clamp,
    // round half to even; then DequantizeLinear of the centred value, fl(c · s).
    const quotient = fround(x[i]! / scale);
    let c = quotient > lower ? quotient : lower;
    if (!(c < upper)) c = upper;
    mask[i] = quotient >= lower && quotient <= upper ? 1 : 0;
    // `+ 0` turns a -0 into +0: the integer q − zp has no sign of zero.
    out[i] = fround((roundHalfEven(c) + 0) * scale);
  }
}

interface EngineLayer {
  readonly workspace: TrainingWorkspace;
  /** The fake-quantised weights and bias the workspace's one-layer network reads. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  /** This layer's slice of the shadow network's gradients (views into them). */
  readonly gradients: MlpGradients | null;
  /** dL/d(this layer's input), row-major [capacity, inFeatures]; layer 0 has none. */
  readonly dInput: Float64Array | null;
}

/**
 * The fake-quantised network as one single-layer `nn` training workspace per layer, with the
 * quantised activations and straight-through masks in between. Internal to the package.
 */
export interface FakeQuantEngine {
  readonly mlp: Mlp;
  readonly capacity: number;
  readonly layers: readonly EngineLayer[];
  /** `activations[0]` is the fake-quantised input, `activations[l]` layer l's fake-quantised input. */
  readonly activations: readonly Float32Array[];
  readonly masks: readonly Uint8Array[];
  /** The logits the loss sees (fake-quantised when the scheme quantises them) and their mask. */
  readonly logits: Float32Array;
  readonly logitsMask: Uint8Array;
  readonly dLogits: Float64Array;
  quants: ActivationQuants | null;
}

/**
 * An engine over the shadow network `mlp` for batches of up to `capacity` rows. With `gradients`
 * (shaped like `mlp`), `backwardFakeQuant` adds the straight-through parameter gradients to them.
 */
export function createFakeQuantEngine(
  mlp: Mlp,
  capacity: number,
  gradients: MlpGradients | null,
  backend: TrainingBackend | 'auto' = 'auto',
): FakeQuantEngine {
  const last = mlp.layers.length - 1;
  const layers = mlp.layers.map((layer, l): EngineLayer => {
    const weight = new Float32Array(layer.weight.length);
    const bias = new Float32Array(layer.bias.length);
    const single: Mlp = {
      layers: [
        {
          inFeatures: layer.inFeatures,
          outFeatures: layer.outFeatures,
          weight,
          bias,
          activation: layer.activation,
        },
      ],
    };
    const own = gradients?.layers[l];
    const start =
      own === undefined || gradients === null
        ? 0
        : (own.weight.byteOffset - gradients.flat.byteOffset) / 8;
    return {
      workspace: createTrainingWorkspace(single, capacity, { backend }),
      weight,
      bias,
      gradients:
        gradients === null || own === undefined
          ? null
          : {
              layers: [own],
              flat: gradients.flat.subarray(start, start + weight.length + bias.length),
            },
      dInput: l === 0 ? null : new Float64Array(capacity * layer.inFeatures),
    };
  });
  const outputs = mlpOutputSize(mlp);
  return {
    mlp,
    capacity,
    layers,
    activations: mlp.layers.map((layer) => new Float32Array(capacity * layer.inFeatures)),
    masks: mlp.layers.map((layer) => new Uint8Array(capacity * layer.inFeatures)),
    logits: new Float32Array(capacity * outputs),
    logitsMask: new Uint8Array(capacity * outputs),
    dLogits: new Float64Array(capacity * mlp.layers[last]!.outFeatures),
    quants: null,
  };
}

/**
 * Refreshes the fake-quantised parameters from the shadow weights and `ranges`: activation
 * parameters as `quantizeStatic` derives them; weights `fl((q − zp) · s)` of `quantizeWeights`
 * (scales from the current shadow weights); bias `fl(q_b · fl(s_in · s_w))` of `quantizeBias`.
 */
export function refreshFakeQuant(
  engine: FakeQuantEngine,
  ranges: CalibrationRanges,
  scheme: StaticScheme,
): ActivationQuants {
  const { mlp } = engine;
  const quants = activationQuants(mlp, ranges, scheme, []);
  mlp.layers.forEach((layer, l) => {
    const target = engine.layers[l]!;
    const k = layer.inFeatures;
    const inputScales = l === 0 ? quants.inputScales : null;
    const weight =
      inputScales === null
        ? layer.weight
        : foldInputScales(layer.weight, k, inputScales, quants.input.scale);
    const weights = quantizeWeights(weight, layer.outFeatures, layer.inFeatures, {
      elementType: scheme.weightType,
      symmetric: scheme.weightSymmetric,
      perChannel: scheme.perChannel,
      reduceRange: scheme.reduceRange,
      bits: scheme.weightBits[l]!,
    });
    const { scales, zeroPoints, granularity } = weights.quant;
    for (let j = 0; j < layer.outFeatures; j++) {
      const g = granularity === 'per-tensor' ? 0 : j;
      for (let i = 0; i < k; i++) {
        const w = dequantizeLinear(weights.values[j * k + i]!, scales[g]!, zeroPoints[g]!);
        // Folded weights act on s0·(q_i − zp); the fake-quantised input is s_i·(q_i − zp).
        target.weight[j * k + i] =
          inputScales === null ? w : Math.fround((w * quants.input.scale) / inputScales[i]!);
      }
    }
    const inScale = l === 0 ? quants.input.scale : quants.outputs[l - 1]!.scale;
    const bias = quantizeBias(layer.bias, inScale, weights.quant);
    for (let j = 0; j < layer.outFeatures; j++) {
      const g = granularity === 'per-tensor' ? 0 : j;
      target.bias[j] = dequantizeLinear(bias.values[j]!, Math.fround(inScale * scales[g]!), 0);
    }
  });
  engine.quants = quants;
  return quants;
}

/**
 * Fake-quantised forward of the first `n` rows of `inputs`; returns the logits (row-major
 * [n, outputs], a view valid until the next call). Call `refreshFakeQuant` first.
 */
export function forwardFakeQuantBatch(
  engine: FakeQuantEngine,
  inputs: Float32Array,
  n: number,
): Float32Array {
  const quants = engine.quants;
  if (quants === null) throw new Error('refreshFakeQuant must run before forwardFakeQuantBatch');
  const last = engine.layers.length - 1;
  const inputSize = mlpInputSize(engine.mlp);
  if (quants.inputScales === null) {
    fakeQuantizeActivations(
      inputs,
      n * inputSize,
      quants.input,
      engine.activations[0]!,
      engine.masks[0]!,
    );
  } else {
    // Per-feature input scales: each feature (a strided column) with its own scale.
    quants.inputScales.forEach((scale, i) => {
      const quant = { ...quants.input, scale };
      fakeQuantizeActivations(
        inputs,
        n * inputSize,
        quant,
        engine.activations[0]!,
        engine.masks[0]!,
        i,
        inputSize,
      );
    });
  }
  for (let l = 0; l <= last; l++) {
    const width = engine.mlp.layers[l]!.outFeatures;
    const y = forwardTrain(engine.layers[l]!.workspace, engine.activations[l]!, n);
    const outQuant = quants.outputs[l] ?? null;
    const target = l === last ? engine.logits : engine.activations[l + 1]!;
    const mask = l === last ? engine.logitsMask : engine.masks[l + 1]!;
    if (outQuant === null) {
      target.set(y.subarray(0, n * width));
      mask.fill(1, 0, n * width);
    } else {
      fakeQuantizeActivations(y, n * width, outQuant, target, mask);
    }
  }
  return engine.logits.subarray(0, n * mlpOutputSize(engine.mlp));
}

/**
 * Backpropagates `engine.dLogits` (dL/d(logits) of the last forward's `n` rows) through the
 * fake-quantised network with the straight-through estimator: an activation's gradient passes
 * where its mask is 1 and is zero where QuantizeLinear clamped; weight and bias quantisation pass
 * gradients unchanged. Adds the gradients to the shadow network's `gradients`.
 */
export function backwardFakeQuant(engine: FakeQuantEngine, n: number): void {
  const last = engine.layers.length - 1;
  const outputs = mlpOutputSize(engine.mlp);
  const d = engine.dLogits;
  for (let i = 0; i < n * outputs; i++) if (engine.logitsMask[i] === 0) d[i] = 0;
  let upstream = d;
  for (let l = last; l >= 0; l--) {
    const layer = engine.layers[l]!;
    const options =
      layer.gradients === null
        ? layer.dInput === null
          ? {}
          : { dInput: layer.dInput }
        : layer.dInput === null
          ? { gradients: layer.gradients }
          : { gradients: layer.gradients, dInput: layer.dInput };
    backwardTrain(layer.workspace, upstream, options);
    if (layer.dInput !== null) {
      const mask = engine.masks[l]!;
      const size = n * engine.mlp.layers[l]!.inFeatures;
      for (let i = 0; i < size; i++) if (mask[i] === 0) layer.dInput[i] = 0;
      upstream = layer.dInput;
    }
  }
}

/**
 * The logits of the fake-quantised network (row-major [n, outputs]) for a row-major
 * [n, inputs] batch: every layer input (the network input included) and, when the scheme
 * quantises them, the logits go through QuantizeLinear → DequantizeLinear with the parameters
 * `quantizeStatic` derives from `network.ranges`; weights and biases are the dequantised values of
 * the converted model; products are `nn`'s float32 training arithmetic. The converted model's
 * `forwardInt8` differs only where float32 rounding of the dequantised products and sums (here)
 * and integer accumulation with a float32 requantisation multiplier (there) round a value to
 * different sides of a quantisation step.
 */
export function forwardFakeQuant(
  network: FakeQuantNetwork,
  inputs: Float32Array,
  options: ForwardFakeQuantOptions = {},
): Float32Array {
  const { mlp, ranges, scheme } = network;
  const inputSize = mlpInputSize(mlp);
  const outputs = mlpOutputSize(mlp);
  if (inputs.length % inputSize !== 0) {
    throw new InputShapeError(
      `batch has ${inputs.length} values; expected a multiple of ${inputSize} (the network's input size)`,
    );
  }
  if (scheme.weightBits.length !== mlp.layers.length) {
    throw new QuantOptionsError(
      `scheme.weightBits lists ${scheme.weightBits.length} widths; the network has ${mlp.layers.length} layers`,
    );
  }
  checkRanges(mlp, ranges);
  const n = inputs.length / inputSize;
  const result = new Float32Array(n * outputs);
  if (n === 0) return result;
  const capacity = Math.min(n, 1024);
  const engine = createFakeQuantEngine(mlp, capacity, null, options.backend ?? 'auto');
  refreshFakeQuant(engine, ranges, scheme);
  for (let start = 0; start < n; start += capacity) {
    const rows = Math.min(capacity, n - start);
    const logits = forwardFakeQuantBatch(
      engine,
      inputs.subarray(start * inputSize, (start + rows) * inputSize),
      rows,
    );
    result.set(logits, start * outputs);
  }
  return result;
}
