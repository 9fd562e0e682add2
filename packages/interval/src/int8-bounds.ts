// Interval bounds of the int8 model AS EXECUTED, and the per-box noise of its real-units form.
//
// Static models: the inputs the executor sees for the box are fl(x) for x in the box, i.e. the
// float32 range [fl(lower), fl(upper)]. QuantizeLinear is monotone non-decreasing in x (a float32
// division by a positive scale, a clamp and round-half-even are each monotone), so the quantised
// input ranges over exactly [Q(fl(lower)), Q(fl(upper))] per coordinate, independently. The int32
// accumulator bias + Σ wc·(q − zp) is bounded exactly in integers. Requantisation
// fl(fl(acc)·M) → clamp → round-half-even is again a composition of monotone maps (M > 0), so
// `requantize(accLower) ≤ requantize(acc) ≤ requantize(accUpper)`: given the accumulator interval the
// output interval is exact (both ends are attained when the accumulator ends are — always so for
// the first layer). The unfused path bounds its float32 Gemm with outward rounding instead.

import {
  createInt8Executor,
  dequantizeLinear,
  elementTypeRange,
  inputFeatureQuants,
  qmlpInputSize,
  type QMlp,
  quantizeLinear,
  requantize,
  roundHalfEven,
  type TensorQuant,
  hasInputCells,
} from '@quantproof/quant';
import { checkBoxDimension, float32Range, type Box, type Bounds } from './box.js';
import {
  int8Network,
  type FusedLayerData,
  type Int8Network,
  type KeptFloatLayerData,
  type UnfusedLayerData,
} from './int8-network.js';
import {
  addDown,
  addUp,
  divDown,
  divUp,
  dotAbsUp,
  dotIntervalDown,
  dotIntervalUp,
  float32Down,
  float32ErrorUp,
  float32Up,
  FLOAT32_MIN_SUBNORMAL,
  mulDown,
  mulUp,
  subDown,
  UNIT_ROUNDOFF_FLOAT32,
} from './outward.js';
import { dynamicLayerBounds } from './dynamic-bounds.js';
import {
  clampBounds,
  magnitudes,
  type BoxState,
  type InputNoise,
  type RealLayer,
} from './real-network.js';

/** Interval bounds of one int8 layer as the executor runs it (compare `LayerTrace` in quant). */
export type Int8LayerBounds =
  | {
      /** Static fused-integer layer. */
      readonly kind: 'integer';
      /** Quantised input values q (with zero point). */
      readonly input: Bounds;
      /** The int32 accumulator `bias + Σ (q − zp_x)(w − zp_w)`. */
      readonly accumulator: Bounds;
      /** Requantised outputs q (with zero point), or `null` for float logits. */
      readonly output: Bounds | null;
    }
  | {
      /** Static unfused-float layer. */
      readonly kind: 'float-gemm';
      readonly input: Bounds;
      /** The float32 Gemm output, dequantised bias included. */
      readonly gemmOutput: Bounds;
      readonly output: Bounds | null;
    }
  | {
      /** A layer kept in float32 (mixed model). */
      readonly kind: 'kept-float';
      /** The float32 Gemm input (the network input, a float32 layer's output, or dequantised codes). */
      readonly input: Bounds;
      /** The float32 Gemm output, bias included, before the ReLU. */
      readonly gemmOutput: Bounds;
      /** Its QuantizeLinear codes (after the ReLU) when an int8 layer follows, else null. */
      readonly output: Bounds | null;
    }
  | {
      /** Dynamic layer. */
      readonly kind: 'dynamic';
      /** The float32 input tensor of the layer. */
      readonly input: Bounds;
      /** The scale DynamicQuantizeLinear computes at run time. */
      readonly scale: Bounds;
      /** The float32 layer output after bias and activation. */
      readonly output: Bounds;
    };

/** Interval bounds of the int8 model on a box, layer by layer, and of its float32 logits. */
export interface Int8IntervalBounds {
  readonly layers: readonly Int8LayerBounds[];
  readonly logits: Bounds;
}

/** The int8 network's box state plus the as-executed bounds. */
export interface Int8BoxState extends BoxState {
  readonly executed: Int8IntervalBounds;
}

const HALF = 0.5;

/** Quantised bounds of the input, element `i` with `quants[i]` (QuantizeLinear is monotone). */
function quantizeBounds(input: Bounds, quants: readonly TensorQuant[]): Bounds {
  const at = (v: number, i: number): number => {
    const q = quants[i]!;
    return quantizeLinear(v, q.scale, q.zeroPoint, q.elementType);
  };
  return {
    lower: Float64Array.from(input.lower, at),
    upper: Float64Array.from(input.upper, at),
  };
}

/**
 * Exact real value bounds s_i·(q − zp) of quantised bounds, element `i` with `quants[i]`
 * (float32 × small integer: exact).
 */
function dequantizedRealBounds(q: Bounds, quants: readonly TensorQuant[]): Bounds {
  const at = (v: number, i: number): number => quants[i]!.scale * (v - quants[i]!.zeroPoint);
  return { lower: Float64Array.from(q.lower, at), upper: Float64Array.from(q.upper, at) };
}

/** One layer's share of the box state (internal). */
export interface LayerResult {
  readonly bias: Bounds;
  readonly pre: Bounds;
  readonly post: Bounds;
  readonly executed: Int8LayerBounds;
  /** Quantised outputs of a static layer (the next layer's quantised input). */
  readonly quantOut: Bounds | null;
  /** Float32 logits of the last layer as executed. */
  readonly logits: Bounds;
  /** Rounding noise on the layer's input elements, kept apart for back-substitution (dynamic). */
  readonly inputNoise?: InputNoise;
}

function fusedLayerBounds(
  layer: RealLayer,
  data: FusedLayerData,
  quantIn: Bounds,
  realIn: Bounds,
): LayerResult {
  const n = layer.inFeatures;
  const m = layer.outFeatures;
  const zpIn = data.inQuant.zeroPoint;
  const accLower = new Float64Array(m);
  const accUpper = new Float64Array(m);
  const pre = { lower: new Float64Array(m), upper: new Float64Array(m) };
  const bias = { lower: new Float64Array(m), upper: new Float64Array(m) };
  const amax = magnitudes(realIn);
  const out = data.outQuant;
  const quantOut = out === null ? null : { lower: new Float64Array(m), upper: new Float64Array(m) };
  for (let j = 0; j < m; j++) {
    // Exact integer arithmetic: |products| < 2^17, sums far below 2^53.
    let lo = data.intBias[j]!;
    let hi = lo;
    for (let i = 0; i < n; i++) {
      const w = data.centred[j * n + i]!;
      const a = quantIn.lower[i]! - zpIn;
      const b = quantIn.upper[i]! - zpIn;
      lo += w >= 0 ? w * a : w * b;
      hi += w >= 0 ? w * b : w * a;
    }
    accLower[j] = lo;
    accUpper[j] = hi;
    const M = data.multipliers[j]!;
    if (out === null || quantOut === null) {
      pre.lower[j] = Math.fround(Math.fround(lo) * M);
      pre.upper[j] = Math.fround(Math.fround(hi) * M);
    } else {
      quantOut.lower[j] = requantize(lo, M, out.zeroPoint, out.elementType);
      quantOut.upper[j] = requantize(hi, M, out.zeroPoint, out.elementType);
      // The unclamped requantised value RNE(fl(fl(acc)·M)): monotone in acc like requantize.
      pre.lower[j] = mulDown(out.scale, roundHalfEven(Math.fround(Math.fround(lo) * M)));
      pre.upper[j] = mulUp(out.scale, roundHalfEven(Math.fround(Math.fround(hi) * M)));
    }
    // Noise: s_out·(½ rounding + γ2·M·|acc| + 2 underflows) + coefficient rounding.
    const accMax = Math.max(Math.abs(lo), Math.abs(hi));
    let noise = float32ErrorUp(2, mulUp(M, accMax), 2);
    if (out !== null) noise = addUp(noise, HALF);
    noise = mulUp(noise, data.scaleOut);
    noise = addUp(noise, addUp(dotAbsUp(data.coefError, j * n, amax, 0, n), data.biasError[j]!));
    bias.lower[j] = subDown(layer.bias[j]!, noise);
    bias.upper[j] = addUp(layer.bias[j]!, noise);
  }
  const post = clampBounds(pre, layer);
  const logits =
    out === null || quantOut === null
      ? pre
      : {
          lower: Float64Array.from(quantOut.lower, (q) =>
            dequantizeLinear(q, out.scale, out.zeroPoint),
          ),
          upper: Float64Array.from(quantOut.upper, (q) =>
            dequantizeLinear(q, out.scale, out.zeroPoint),
          ),
        };
  return {
    bias,
    pre,
    post,
    quantOut,
    logits,
    executed: {
      kind: 'integer',
      input: quantIn,
      accumulator: { lower: accLower, upper: accUpper },
      output: quantOut,
    },
  };
}

// Beyond this a float32 product or partial sum of the Gemm could overflow (as in the FP32 network).
const OVERFLOW_GUARD = 2 ** 126;

/**
 * A float32 Gemm layer: the unfused path's (DequantizeLinear → Gemm → QuantizeLinear) or a layer
 * kept in float32 (its input the float32 values `realIn` bounds when `data.inQuant` is null, a
 * ReLU in float32 before its optional QuantizeLinear).
 */
function floatGemmLayerBounds(
  layer: RealLayer,
  data: UnfusedLayerData | KeptFloatLayerData,
  quantIn: Bounds | null,
  realIn: Bounds,
): LayerResult {
  const n = layer.inFeatures;
  const m = layer.outFeatures;
  const relu = data.kind === 'kept-float' && data.relu;
  const inQuant = data.inQuant;
  // DequantizeLinear fl((q − zp)·s) is monotone in q: exact float32 bounds of the Gemm input. A
  // float32 input is its own bound (the real-units activation is the executed float32 value).
  const deq =
    inQuant === null || quantIn === null
      ? realIn
      : {
          lower: Float64Array.from(quantIn.lower, (q) =>
            dequantizeLinear(q, inQuant.scale, inQuant.zeroPoint),
          ),
          upper: Float64Array.from(quantIn.upper, (q) =>
            dequantizeLinear(q, inQuant.scale, inQuant.zeroPoint),
          ),
        };
  const deqMax = magnitudes(deq);
  const amax = magnitudes(realIn);
  const out = data.outQuant;
  const gemm = { lower: new Float64Array(m), upper: new Float64Array(m) };
  const pre = { lower: new Float64Array(m), upper: new Float64Array(m) };
  const bias = { lower: new Float64Array(m), upper: new Float64Array(m) };
  const quantOut = out === null ? null : { lower: new Float64Array(m), upper: new Float64Array(m) };
  for (let j = 0; j < m; j++) {
    const b = layer.bias[j]!;
    const gemmAbs = addUp(dotAbsUp(layer.weight, j * n, deqMax, 0, n), Math.abs(b));
    if (
      !(gemmAbs < OVERFLOW_GUARD) ||
      !(addUp(dotAbsUp(layer.weight, j * n, amax, 0, n), Math.abs(b)) < OVERFLOW_GUARD)
    ) {
      // The float32 Gemm could overflow (±Inf, or NaN from Inf − Inf): its error model does not
      // apply, so nothing about this output is bounded; a requantised output may be any integer.
      gemm.lower[j] = -Infinity;
      gemm.upper[j] = Infinity;
      pre.lower[j] = -Infinity;
      pre.upper[j] = Infinity;
      if (out !== null && quantOut !== null) {
        const { qmin, qmax } = elementTypeRange(out.elementType);
        quantOut.lower[j] = qmin;
        quantOut.upper[j] = qmax;
      }
      bias.lower[j] = -Infinity;
      bias.upper[j] = Infinity;
      continue;
    }
    // Any summation order (MLAS lanes and trees): every term sees at most n + 1 roundings.
    const gemmError = float32ErrorUp(n + 1, gemmAbs, n);
    const yLo = subDown(
      addDown(dotIntervalDown(layer.weight, j * n, deq.lower, deq.upper, 0, n), b),
      gemmError,
    );
    const yHi = addUp(
      addUp(dotIntervalUp(layer.weight, j * n, deq.lower, deq.upper, 0, n), b),
      gemmError,
    );
    gemm.lower[j] = yLo;
    gemm.upper[j] = yHi;
    // Noise relative to the real-units nominal Ŵ a + b (a = s_in·(q − zp), exact): the Gemm's
    // float32 error including the dequantisation rounding of its inputs, then (with output
    // quantisation) the float32 division and the rounding to an integer.
    const sumAbs = addUp(dotAbsUp(layer.weight, j * n, amax, 0, n), Math.abs(b));
    let noise = addUp(
      float32ErrorUp(n + 3, sumAbs, n),
      mulUp(data.rowAbsSum[j]!, FLOAT32_MIN_SUBNORMAL),
    );
    if (out === null || quantOut === null) {
      pre.lower[j] = yLo;
      pre.upper[j] = yHi;
    } else {
      const { qmin, qmax } = elementTypeRange(out.elementType);
      const vLo = roundHalfEven(float32Down(divDown(yLo, out.scale)));
      const vHi = roundHalfEven(float32Up(divUp(yHi, out.scale)));
      // A ReLU before the QuantizeLinear: Q(relu(y)) = clamp(relu(RNE(fl(y/s)))) + zp, as
      // RNE(fl(v/s)) ≤ 0 exactly when v ≤ s/2 and RNE(0) = 0; relu and clamp are monotone.
      const clampQ = (v: number): number =>
        Math.min(Math.max(relu ? Math.max(v, 0) : v, qmin - out.zeroPoint), qmax - out.zeroPoint) +
        out.zeroPoint;
      quantOut.lower[j] = clampQ(vLo);
      quantOut.upper[j] = clampQ(vHi);
      pre.lower[j] = mulDown(out.scale, vLo);
      pre.upper[j] = mulUp(out.scale, vHi);
      const yMax = addUp(sumAbs, noise);
      noise = addUp(
        addUp(noise, mulUp(HALF, out.scale)),
        addUp(mulUp(UNIT_ROUNDOFF_FLOAT32, yMax), mulUp(out.scale, FLOAT32_MIN_SUBNORMAL)),
      );
    }
    bias.lower[j] = subDown(b, noise);
    bias.upper[j] = addUp(b, noise);
  }
  const post = clampBounds(pre, layer);
  const logits =
    out === null || quantOut === null
      ? relu
        ? post
        : gemm
      : {
          lower: Float64Array.from(quantOut.lower, (q) =>
            dequantizeLinear(q, out.scale, out.zeroPoint),
          ),
          upper: Float64Array.from(quantOut.upper, (q) =>
            dequantizeLinear(q, out.scale, out.zeroPoint),
          ),
        };
  return {
    bias,
    pre,
    post,
    quantOut,
    logits,
    executed:
      data.kind === 'kept-float'
        ? { kind: 'kept-float', input: deq, gemmOutput: gemm, output: quantOut }
        : { kind: 'float-gemm', input: quantIn!, gemmOutput: gemm, output: quantOut },
  };
}

/**
 * The int8 network's per-box state: the input range (dequantised quantised inputs for static
 * models, float32 inputs for dynamic ones), every layer's noise and the as-executed bounds.
 */
export function int8BoxState(net: Int8Network, box: Box): Int8BoxState {
  const model = net.model;
  const x32 = float32Range(box);
  // A first layer kept in float32 reads the float32 input itself, like a dynamic model.
  const featureQuants = hasInputCells(model) ? inputFeatureQuants(model) : null;
  let quantIn: Bounds | null = featureQuants === null ? null : quantizeBounds(x32, featureQuants);
  const domain =
    featureQuants === null || quantIn === null
      ? x32
      : dequantizedRealBounds(quantIn, featureQuants);
  let realIn = domain;
  const bias: Bounds[] = [];
  const pre: Bounds[] = [];
  const post: Bounds[] = [];
  const executed: Int8LayerBounds[] = [];
  const inputNoise: (InputNoise | null)[] = [];
  let logits = domain;
  net.layers.forEach((layer, l) => {
    const data = net.data[l]!;
    let result: LayerResult;
    if (data.kind === 'dynamic') {
      result = dynamicLayerBounds(layer, data, realIn);
    } else if (data.kind === 'fused') {
      result = fusedLayerBounds(layer, data, quantIn!, realIn);
    } else {
      result = floatGemmLayerBounds(layer, data, quantIn, realIn);
    }
    bias.push(result.bias);
    pre.push(result.pre);
    post.push(result.post);
    executed.push(result.executed);
    inputNoise.push(result.inputNoise ?? null);
    quantIn = result.quantOut;
    realIn = result.post;
    logits = result.logits;
  });
  const last = post[post.length - 1]!;
  const lastData = net.data[net.data.length - 1]!;
  const dequantizes =
    (lastData.kind === 'fused' || lastData.kind === 'unfused') && lastData.outQuant !== null;
  // Dequantised logits are fl(a) of the exact real a: |fl(a) − a| ≤ 2^-24·|a| + 2^-150.
  const outputNoise = Float64Array.from(magnitudes(last), (a) =>
    dequantizes ? addUp(mulUp(UNIT_ROUNDOFF_FLOAT32, a), FLOAT32_MIN_SUBNORMAL) : 0,
  );
  return {
    domain,
    bias,
    pre,
    post,
    outputNoise,
    logits,
    executed: { layers: executed, logits },
    ...(inputNoise.some((noise) => noise !== null)
      ? {
          inputNoise,
          // Dynamic layers' noise scales with their input's range: refinement narrows it.
          renoise: (l: number, input: Bounds) => {
            const data = net.data[l]!;
            if (data.kind !== 'dynamic') return null;
            const r = dynamicLayerBounds(net.layers[l]!, data, input);
            return { bias: r.bias, inputNoise: r.inputNoise ?? null, pre: r.pre };
          },
        }
      : {}),
  };
}

/**
 * Interval bounds of the int8 model as executed on every float32 input fl(x), x in `box`: per
 * layer the quantised inputs, int32 accumulators and requantised outputs (exact given the
 * accumulator interval on the fused-integer path), the float32 Gemm outputs (unfused path), or the
 * run-time scales and float outputs (dynamic), and the float32 logits. Validates the model like
 * the executor (quant's errors) and throws `BoxDimensionError` for a box of the wrong dimension.
 */
export function ibpInt8(model: QMlp, box: Box): Int8IntervalBounds {
  createInt8Executor(model);
  checkBoxDimension(box, qmlpInputSize(model), 'ibpInt8');
  return int8BoxState(int8Network(model), box).executed;
}
