// The int8 model as a real-units network (see real-network.ts). Its activations are the exact real
// values the quantised tensors stand for: a = s·(q − zp) for a static model, the float32 tensors
// themselves for a dynamic one. Per layer:
//
// - static, fused-integer: acc = bias + Σ wc·(q − zp) exactly; the layer's pre-activation is
//   t := s_out · RNE(fl(fl(acc) · M)) (or fl(fl(acc) · M) for float logits), a monotone function of
//   acc, and a = clamp(t, s_out·(qmin − zp_out), s_out·(qmax − zp_out)) is exactly the dequantised
//   output. Nominally t ≈ s_out·M·acc = Ŵ a_in + b̂ with Ŵ = s_out·M·wc / s_in, b̂ = s_out·M·bias;
//   Ŵ and b̂ are rounded to doubles and their rounding error is part of the noise. With per-feature
//   input scales the first layer's input i is s_i·(q_i − zp), so Ŵ_ji = s_out·M_j·wc_ji / s_i.
// - static, unfused-float: y = float32 Gemm of the dequantised input and weights; t := s_out ·
//   RNE(fl(y / s_out)) (or y for float logits); Ŵ are the dequantised float32 weights.
// - dynamic: y = fl(fl(fl(acc) · fl(s · s_w)) + b) with the run-time scale s; t := y, Ŵ = s_w · wc
//   (exact), and the input quantisation error |s·(q − zp) − x| ≤ s·(½ + 2^-12) is noise on each input
//   element (dynamic-bounds.ts, `InputNoise`).

import {
  dequantizeLinear,
  elementTypeRange,
  inputFeatureQuant,
  int8Layer,
  isFloatLayer,
  layerInputQuant,
  layerMultipliers,
  weightQuantFor,
  type QMlp,
  type QMlpDynamic,
  type QMlpMixed,
  type QMlpStatic,
  type TensorQuant,
} from '@quantproof/quant';
import { addUp, divDown, divUp, mulDown, mulUp, subUp } from './outward.js';
import { identityActivation, type RealLayer, type RealNetwork } from './real-network.js';

/** Extra data of a static fused-integer layer. */
export interface FusedLayerData {
  readonly kind: 'fused';
  readonly inQuant: TensorQuant;
  readonly outQuant: TensorQuant | null;
  /** Centred weights wc = w − zp_w, row-major [out][in]. */
  readonly centred: Int32Array;
  readonly intBias: Int32Array;
  /** float32 multipliers M_j as onnxruntime uses them (`layerMultipliers`). */
  readonly multipliers: Float32Array;
  /** s_out, or 1 for float logits. */
  readonly scaleOut: number;
  /** Bound on |Ŵ − s_out·M·wc/s_in| per weight. */
  readonly coefError: Float64Array;
  /** Bound on |b̂ − s_out·M·bias| per output. */
  readonly biasError: Float64Array;
}

/** Extra data of a static unfused-float layer. */
export interface UnfusedLayerData {
  readonly kind: 'unfused';
  readonly inQuant: TensorQuant;
  readonly outQuant: TensorQuant | null;
  /** Σ_i |w'_ji| per output, rounded up. */
  readonly rowAbsSum: Float64Array;
}

/**
 * Extra data of a layer a mixed model keeps in float32: a Gemm on float32 weights (`Ŵ` are those
 * weights, exact) whose input is the float32 network input or a float32 layer's output (`inQuant`
 * null) or the DequantizeLinear of int8 codes; ReLU in float32; QuantizeLinear when `outQuant`.
 */
export interface KeptFloatLayerData {
  readonly kind: 'kept-float';
  readonly inQuant: TensorQuant | null;
  readonly outQuant: TensorQuant | null;
  readonly relu: boolean;
  /** Σ_i |w_ji| per output, rounded up. */
  readonly rowAbsSum: Float64Array;
}

/** Extra data of a dynamic layer. */
export interface DynamicLayerData {
  readonly kind: 'dynamic';
  /** Per output, the weight scale s_w that multiplies the run-time input scale. */
  readonly weightScale: Float64Array;
  /** The integer weights minus their zero points, w − zp_w (row-major [out][in]). */
  readonly centred: Float64Array;
}

/** Per-layer data of the int8 network, by execution path. */
export type Int8LayerData =
  FusedLayerData | UnfusedLayerData | DynamicLayerData | KeptFloatLayerData;

/** The int8 model in real units plus what each layer's noise bound needs. */
export interface Int8Network extends RealNetwork {
  readonly model: QMlp;
  readonly data: readonly Int8LayerData[];
}

function rowAbsSums(weight: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s = addUp(s, Math.abs(weight[j * n + i]!));
    out[j] = s;
  }
  return out;
}

/** The dequantised-output clamp of a layer with output quantisation `q`. */
function outputClamp(q: TensorQuant, m: number): { lower: Float64Array; upper: Float64Array } {
  const { qmin, qmax } = elementTypeRange(q.elementType);
  // float32 scale × small integer: exact in float64.
  return {
    lower: new Float64Array(m).fill(q.scale * (qmin - q.zeroPoint)),
    upper: new Float64Array(m).fill(q.scale * (qmax - q.zeroPoint)),
  };
}

function fusedLayer(
  model: QMlpStatic | QMlpMixed,
  l: number,
): { layer: RealLayer; data: FusedLayerData } {
  const q = int8Layer(model, l);
  const n = q.inFeatures;
  const m = q.outFeatures;
  const inQuant = layerInputQuant(model, l);
  const outQuant = q.output;
  const multipliers = layerMultipliers(model, l);
  const scaleOut = outQuant === null ? 1 : outQuant.scale;
  const centred = new Int32Array(n * m);
  const weight = new Float64Array(n * m);
  const coefError = new Float64Array(n * m);
  const bias = new Float64Array(m);
  const biasError = new Float64Array(m);
  // The real input of feature i is s_i·(q_i − zp): the first layer of a model with per-feature
  // input scales divides by each feature's own scale (Ŵ_ji = s_out·M_j·wc_ji / s_i).
  const inScales = Float64Array.from({ length: n }, (_, i) =>
    l === 0 ? inputFeatureQuant(model, i).scale : inQuant.scale,
  );
  for (let j = 0; j < m; j++) {
    const zpW = weightQuantFor(q.weightQuant, j).zeroPoint;
    // float32 × float32: exact in float64.
    const scaledM = scaleOut * multipliers[j]!;
    for (let i = 0; i < n; i++) {
      const wc = q.weight[j * n + i]! - zpW;
      centred[j * n + i] = wc;
      const sIn = inScales[i]!;
      const nominal = (scaledM * wc) / sIn;
      const lo = divDown(mulDown(scaledM, wc), sIn);
      const hi = divUp(mulUp(scaledM, wc), sIn);
      weight[j * n + i] = nominal;
      coefError[j * n + i] = Math.max(subUp(nominal, lo), subUp(hi, nominal));
    }
    const b = q.bias[j]!;
    const nominal = scaledM * b;
    bias[j] = nominal;
    biasError[j] = Math.max(subUp(nominal, mulDown(scaledM, b)), subUp(mulUp(scaledM, b), nominal));
  }
  const act = outQuant === null ? identityActivation(m) : outputClamp(outQuant, m);
  return {
    layer: {
      inFeatures: n,
      outFeatures: m,
      weight,
      bias,
      activationLower: act.lower,
      activationUpper: act.upper,
    },
    data: {
      kind: 'fused',
      inQuant,
      outQuant,
      centred,
      intBias: q.bias,
      multipliers,
      scaleOut,
      coefError,
      biasError,
    },
  };
}

function unfusedLayer(model: QMlpStatic, l: number): { layer: RealLayer; data: UnfusedLayerData } {
  const q = model.layers[l]!;
  const n = q.inFeatures;
  const m = q.outFeatures;
  const inQuant = layerInputQuant(model, l);
  const weight = new Float64Array(n * m);
  const bias = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const { scale, zeroPoint } = weightQuantFor(q.weightQuant, j);
    for (let i = 0; i < n; i++) {
      weight[j * n + i] = dequantizeLinear(q.weight[j * n + i]!, scale, zeroPoint);
    }
    // As the executor: the bias DequantizeLinear's scale is the float32 product s_in · s_w[j].
    bias[j] = dequantizeLinear(q.bias[j]!, Math.fround(inQuant.scale * scale), 0);
  }
  const act = q.output === null ? identityActivation(m) : outputClamp(q.output, m);
  return {
    layer: {
      inFeatures: n,
      outFeatures: m,
      weight,
      bias,
      activationLower: act.lower,
      activationUpper: act.upper,
    },
    data: { kind: 'unfused', inQuant, outQuant: q.output, rowAbsSum: rowAbsSums(weight, n, m) },
  };
}

function dynamicLayer(model: QMlpDynamic, l: number): { layer: RealLayer; data: DynamicLayerData } {
  const q = model.layers[l]!;
  const n = q.inFeatures;
  const m = q.outFeatures;
  const weight = new Float64Array(n * m);
  const weightScale = new Float64Array(m);
  const centred = new Float64Array(n * m);
  for (let j = 0; j < m; j++) {
    const { scale, zeroPoint } = weightQuantFor(q.weightQuant, j);
    weightScale[j] = scale;
    for (let i = 0; i < n; i++) {
      centred[j * n + i] = q.weight[j * n + i]! - zeroPoint;
      // float32 scale × integer of at most 9 bits: exact.
      weight[j * n + i] = scale * centred[j * n + i]!;
    }
  }
  return {
    layer: {
      inFeatures: n,
      outFeatures: m,
      weight,
      bias: Float64Array.from(q.bias),
      activationLower: new Float64Array(m).fill(q.activation === 'relu' ? 0 : -Infinity),
      activationUpper: new Float64Array(m).fill(Infinity),
    },
    data: { kind: 'dynamic', weightScale, centred },
  };
}

/**
 * A layer kept in float32: the float32 Gemm's weights and bias as they are, its ReLU and its
 * output QuantizeLinear as the clamp (`a = s·(Q(relu(y)) − zp)` lies in
 * `[max(0 if relu, s·(qmin − zp)), s·(qmax − zp)]`), or the ReLU alone for a float32 output.
 */
function keptFloatLayer(
  model: QMlpMixed,
  l: number,
): { layer: RealLayer; data: KeptFloatLayerData } {
  const q = model.layers[l]!;
  if (!isFloatLayer(q)) throw new RangeError(`layer ${l} is not kept in float32`);
  const n = q.inFeatures;
  const m = q.outFeatures;
  const weight = Float64Array.from(q.weight);
  const relu = q.activation === 'relu';
  const previous = model.layers[l - 1];
  const inQuant = previous === undefined || isFloatLayer(previous) ? null : previous.output;
  let act = relu
    ? { lower: new Float64Array(m), upper: new Float64Array(m).fill(Infinity) }
    : identityActivation(m);
  if (q.output !== null) {
    const clamp = outputClamp(q.output, m);
    act = {
      lower: Float64Array.from(clamp.lower, (v) => (relu ? Math.max(0, v) : v)),
      upper: clamp.upper,
    };
  }
  return {
    layer: {
      inFeatures: n,
      outFeatures: m,
      weight,
      bias: Float64Array.from(q.bias),
      activationLower: act.lower,
      activationUpper: act.upper,
    },
    data: {
      kind: 'kept-float',
      inQuant,
      outQuant: q.output,
      relu,
      rowAbsSum: rowAbsSums(weight, n, m),
    },
  };
}

/** The int8 model (validated by the caller) as a real-units network. */
export function int8Network(model: QMlp): Int8Network {
  const layers: RealLayer[] = [];
  const data: Int8LayerData[] = [];
  model.layers.forEach((layer, l) => {
    const built =
      model.format === 'dynamic'
        ? dynamicLayer(model, l)
        : model.format === 'mixed'
          ? isFloatLayer(layer)
            ? keptFloatLayer(model, l)
            : fusedLayer(model, l)
          : model.executionPath.kind === 'fused-integer'
            ? fusedLayer(model, l)
            : unfusedLayer(model, l);
    layers.push(built.layer);
    data.push(built.data);
  });
  return { layers, data, model };
}
