import { OUTPUT_HEADS, type Activation, type OutputHead } from '@quantproof/nn';
import {
  elementTypeRange,
  QUANT_ELEMENT_TYPES,
  quantizedArrayType,
  type QuantElementType,
  type QuantizedArray,
} from './element-type.js';
import { InvalidQMlpError } from './errors.js';
import type { TensorQuant } from './quantize-linear.js';
import { requantizeMultiplier } from './requantize.js';

/**
 * The ONNX layout a quantised model is written as: `qdq` (QuantizeLinear/DequantizeLinear around
 * Gemm), `qoperator` (QLinearMatMul / com.microsoft QGemm) or `dynamic` (DynamicQuantizeLinear →
 * MatMulInteger → Cast → Mul → Add, as `quantize_dynamic` writes it).
 */
export type QMlpFormat = 'qdq' | 'qoperator' | 'dynamic';

/**
 * The float node an unfused QDQ layer runs and hence the MLAS kernel: `gemm-transb` is
 * `Gemm(transB = 1)` with the bias as C (`MlasSgemmKernelM1TransposeBAvx`, beta 1); `gemm` is
 * `Gemm(transB = 0)` with the bias as C (`MlasSgemmKernelM1Avx`, beta 1) — what a `MatMul + Add`
 * graph becomes at optimisation level `basic`; `matmul-add` is `MatMul` (`MlasSgemmKernelM1Avx`,
 * beta 0) then a float `Add` — level `disabled`. All are modelled for a batch of one.
 */
export type FloatGemmLayout = 'gemm-transb' | 'gemm' | 'matmul-add';

/**
 * Which onnxruntime CPU path the model's arithmetic reproduces. `fused-integer`: integer
 * accumulation with float32 requantisation (QLinearMatMul, QGemm, MatMulInteger,
 * MatMulIntegerToFloat) — what onnxruntime 1.30.0 runs for QDQ Gemm graphs (uint8 or int8
 * activations) at optimisation level `extended`/`all` and for QOperator and dynamic graphs.
 * `unfused-float`: a QDQ graph run at level `disabled` or `basic` executes DequantizeLinear →
 * float32 Gemm → QuantizeLinear; modelled with MLAS's M = 1 SGEMM kernels (batch of one only).
 */
export type ExecutionPath =
  | { readonly kind: 'fused-integer' }
  | { readonly kind: 'unfused-float'; readonly gemm: FloatGemmLayout };

/** Per-tensor or per-output-channel weight quantisation parameters. */
export interface WeightQuant {
  readonly elementType: QuantElementType;
  readonly granularity: 'per-tensor' | 'per-channel';
  /** float32 scales: length 1 (per tensor) or `outFeatures` (per channel). */
  readonly scales: Float32Array;
  /** Zero points, same length as `scales`, inside the element type's range. */
  readonly zeroPoints: Int32Array;
  /** Bit width 2..8; below 8 the values lie in `[-(2^(bits-1) - 1), 2^(bits-1) - 1]`. */
  readonly bits: number;
}

/** One statically quantised dense layer (QDQ or QOperator format). */
export interface QStaticLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Quantised weights, row-major [out][in] like `nn`'s DenseLayer: `weight[j * inFeatures + i]`. */
  readonly weight: QuantizedArray;
  readonly weightQuant: WeightQuant;
  /** int32 bias with scale `fl32(s_in · s_w[j])` and zero point 0, added to the accumulator. */
  readonly bias: Int32Array;
  /**
   * `relu` is folded into the requantisation clamp, which is exact because the output zero point
   * equals the element type's minimum (onnxruntime removes such a Relu); `identity` otherwise.
   */
  readonly activation: Activation;
  /**
   * Quantisation of this layer's output, which is also the next layer's input. `null` only for
   * the last layer of a model whose `logits` are `float`.
   */
  readonly output: TensorQuant | null;
}

/** A statically quantised MLP (QDQ or QOperator format). */
export interface QMlpStatic {
  readonly format: 'qdq' | 'qoperator';
  readonly executionPath: ExecutionPath;
  /**
   * Quantisation of the network input (QuantizeLinear before the first layer). With
   * `inputScales`, `input.scale` is only the first layer's `a_scale` s0 (its multipliers and bias
   * scale); each feature is quantised with its own scale.
   */
  readonly input: TensorQuant;
  /**
   * Per-feature input scales: `QuantizeLinear(x, [s_1..s_n], [z..z], axis = 1)`, feature `i`
   * quantised with `s_i` and the shared zero point `input.zeroPoint`. The first layer's weights
   * hold `W_ji · s_i / s0` (s0 = `input.scale`), so `acc_j = Σ_i wq_ji (q_i − z)` as usual. Absent:
   * every feature uses `input.scale`. QOperator format, `fused-integer` path, two inputs or more
   * (one input's scale is `input.scale`).
   */
  readonly inputScales?: Float32Array;
  readonly layers: readonly QStaticLayer[];
  /**
   * How the last layer produces float logits: `dequantize` (quantised logits, then
   * DequantizeLinear — the Python quantiser's QDQ layout) or `float` (QGemm without `y_scale`,
   * or the float Gemm output on the unfused path).
   */
  readonly logits: 'dequantize' | 'float';
  /** The model file's output head after the float logits; absent means `logits`. */
  readonly head?: OutputHead;
}

/** One dynamically quantised dense layer: int weights, float bias, activations quantised at run time. */
export interface QDynamicLayer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Quantised weights, row-major [out][in]. */
  readonly weight: QuantizedArray;
  readonly weightQuant: WeightQuant;
  /** float32 bias, added after scaling (the `Add` that `quantize_dynamic` leaves in float). */
  readonly bias: Float32Array;
  /** Applied in float32 (`Relu` node) between layers. */
  readonly activation: Activation;
}

/** A dynamically quantised MLP, as onnxruntime's `quantize_dynamic` writes it. */
export interface QMlpDynamic {
  readonly format: 'dynamic';
  readonly executionPath: { readonly kind: 'fused-integer' };
  readonly layers: readonly QDynamicLayer[];
  /** The model file's output head after the float logits; absent means `logits`. */
  readonly head?: OutputHead;
}

/**
 * A layer a mixed model keeps in float32: `Gemm(transB = 1)` with float32 weights and bias (MLAS's
 * M = 1 SGEMM kernel, as the executor's unfused path), then its activation in float32 (ReLU as
 * onnxruntime computes it, `v < 0 ? 0 : v`).
 */
export interface QFloatLayer {
  readonly kind: 'float';
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** float32 weights, row-major [out][in] like `nn`'s DenseLayer. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly activation: Activation;
  /**
   * QuantizeLinear of the activation when the next layer runs in int8 (its input quantisation);
   * null when the next layer is float too, or this is the last layer.
   */
  readonly output: TensorQuant | null;
}

/** A layer of a mixed model that runs in int8: a static layer, fused to QGemm by onnxruntime. */
export interface QMixedInt8Layer extends QStaticLayer {
  readonly kind: 'int8';
}

/**
 * A statically quantised MLP that keeps some layers in float32 (what onnxruntime's quantiser writes
 * with `nodes_to_exclude`), in the QDQ layout on the `fused-integer` path: each int8 layer is
 * QuantizeLinear → DequantizeLinear around its Gemm (fused to QGemm); a float layer reads the
 * network input, a float layer's output, or DequantizeLinear of an int8 layer's output codes.
 * Modelled for a batch of one (the float Gemm's M = 1 kernel). At least one layer of each kind.
 */
export interface QMlpMixed {
  readonly format: 'mixed';
  readonly executionPath: { readonly kind: 'fused-integer' };
  /** QuantizeLinear of the network input when the first layer is int8; null when it is float. */
  readonly input: TensorQuant | null;
  readonly layers: readonly (QFloatLayer | QMixedInt8Layer)[];
  /** How a last int8 layer produces float logits (see `QMlpStatic.logits`); `float` when the last layer is float. */
  readonly logits: 'dequantize' | 'float';
  /** The model file's output head after the float logits; absent means `logits`. */
  readonly head?: OutputHead;
}

/** A quantised MLP, discriminated by `format`. */
export type QMlp = QMlpStatic | QMlpDynamic | QMlpMixed;

/**
 * Whether `model` quantises its input with fixed scales (QuantizeLinear before an int8 first
 * layer): static models, and mixed models whose first layer is int8. Its decision is then constant
 * on every input quantisation cell. Dynamic models compute their scale at run time; a first layer
 * kept in float32 reads the input as it is.
 */
export function hasInputCells(
  model: QMlp,
): model is QMlpStatic | (QMlpMixed & { readonly input: TensorQuant }) {
  return (
    model.format === 'qdq' ||
    model.format === 'qoperator' ||
    (model.format === 'mixed' && model.input !== null)
  );
}

/** Whether layer `layer` of a mixed model is kept in float32. */
export function isFloatLayer(layer: QMlp['layers'][number]): layer is QFloatLayer {
  return (layer as { kind?: string }).kind === 'float';
}

/** The int8 layer `index` of a static or mixed model (throws for a float layer). */
export function int8Layer(model: QMlpStatic | QMlpMixed, index: number): QStaticLayer {
  const layer = model.layers[index];
  if (layer === undefined) throw new RangeError(`layer ${index} does not exist`);
  if (isFloatLayer(layer)) throw new RangeError(`layer ${index} is kept in float32`);
  return layer;
}

/**
 * The quantisation of int8 layer `index`'s input: the model input or the previous layer's output
 * (an int8 layer's requantisation, or a float layer's QuantizeLinear).
 */
export function layerInputQuant(model: QMlpStatic | QMlpMixed, index: number): TensorQuant {
  if (index === 0) {
    if (model.input === null) {
      throw new InvalidQMlpError('$.input', 'the first layer is int8, so the input is quantised');
    }
    return model.input;
  }
  const previous = model.layers[index - 1];
  if (previous === undefined || previous.output === null) {
    throw new InvalidQMlpError(
      `$.layers[${index - 1}].output`,
      'a layer that feeds an int8 layer needs output quantisation parameters',
    );
  }
  return previous.output;
}

/**
 * The quantisation input feature `i` goes through: scale `inputScales[i]` when the model has
 * per-feature input scales, else `input.scale`; zero point and element type of `input`.
 */
export function inputFeatureQuant(model: QMlpStatic | QMlpMixed, i: number): TensorQuant {
  if (model.format === 'mixed') {
    if (model.input === null) {
      throw new InvalidQMlpError(
        '$.input',
        'the first layer is kept in float32: the input is not quantised',
      );
    }
    if (i < 0 || i >= qmlpInputSize(model))
      throw new RangeError(`input feature ${i} does not exist`);
    return model.input;
  }
  const scales = model.inputScales;
  if (scales === undefined) return model.input;
  const scale = scales[i];
  if (scale === undefined) throw new RangeError(`input feature ${i} does not exist`);
  return { scale, zeroPoint: model.input.zeroPoint, elementType: model.input.elementType };
}

/** `inputFeatureQuant` for every input feature, in order. */
export function inputFeatureQuants(model: QMlpStatic | QMlpMixed): TensorQuant[] {
  const n = qmlpInputSize(model);
  return Array.from({ length: n }, (_, i) => inputFeatureQuant(model, i));
}

/** The weight scale and zero point that apply to output `j` of a layer (per tensor or per channel). */
export function weightQuantFor(
  weightQuant: WeightQuant,
  j: number,
): { scale: number; zeroPoint: number } {
  const k = weightQuant.granularity === 'per-tensor' ? 0 : j;
  return { scale: weightQuant.scales[k]!, zeroPoint: weightQuant.zeroPoints[k]! };
}

/**
 * The float32 requantisation multipliers `M[j] = fl32(fl32(s_in · s_w[j]) / s_out)` of static layer
 * `index` (one per output), or `fl32(s_in · s_w[j])` when the layer has no output quantisation
 * (float logits). These are the values onnxruntime's QGemm/QLinearMatMul multiply by.
 */
export function layerMultipliers(model: QMlpStatic | QMlpMixed, index: number): Float32Array {
  const layer = int8Layer(model, index);
  const input = layerInputQuant(model, index);
  const out = new Float32Array(layer.outFeatures);
  for (let j = 0; j < layer.outFeatures; j++) {
    const ws = weightQuantFor(layer.weightQuant, j).scale;
    out[j] =
      layer.output === null
        ? Math.fround(input.scale * ws)
        : requantizeMultiplier(input.scale, ws, layer.output.scale);
  }
  return out;
}

/** The float32 scales `fl32(s_in · s_w[j])` of static layer `index`'s int32 bias (zero point 0). */
export function biasScales(model: QMlpStatic | QMlpMixed, index: number): Float32Array {
  const layer = int8Layer(model, index);
  const input = layerInputQuant(model, index);
  const out = new Float32Array(layer.outFeatures);
  for (let j = 0; j < layer.outFeatures; j++) {
    out[j] = Math.fround(input.scale * weightQuantFor(layer.weightQuant, j).scale);
  }
  return out;
}

/** Number of inputs a quantised model takes. */
export function qmlpInputSize(model: QMlp): number {
  const first = model.layers[0];
  if (first === undefined) throw new InvalidQMlpError('$.layers', 'a QMlp has at least one layer');
  return first.inFeatures;
}

/** Number of logits a quantised model produces. */
export function qmlpOutputSize(model: QMlp): number {
  const last = model.layers[model.layers.length - 1];
  if (last === undefined) throw new InvalidQMlpError('$.layers', 'a QMlp has at least one layer');
  return last.outFeatures;
}

function isFloat32Positive(x: number): boolean {
  return Number.isFinite(x) && x > 0 && Math.fround(x) === x;
}

function checkTensorQuant(path: string, q: TensorQuant): void {
  if (!QUANT_ELEMENT_TYPES.includes(q.elementType)) {
    throw new InvalidQMlpError(
      `${path}.elementType`,
      `must be 'uint8' or 'int8'; got ${String(q.elementType)}`,
    );
  }
  if (!isFloat32Positive(q.scale)) {
    throw new InvalidQMlpError(
      `${path}.scale`,
      `must be a positive finite float32 value; got ${q.scale}`,
    );
  }
  const { qmin, qmax } = elementTypeRange(q.elementType);
  if (!Number.isInteger(q.zeroPoint) || q.zeroPoint < qmin || q.zeroPoint > qmax) {
    throw new InvalidQMlpError(
      `${path}.zeroPoint`,
      `must be an integer in [${qmin}, ${qmax}] for ${q.elementType}; got ${q.zeroPoint}`,
    );
  }
}

function checkInputScales(model: QMlpStatic): void {
  const scales = model.inputScales;
  if (scales === undefined) return;
  if (!(scales instanceof Float32Array)) {
    throw new InvalidQMlpError('$.inputScales', 'must be a Float32Array when present');
  }
  if (model.format !== 'qoperator' || model.executionPath.kind !== 'fused-integer') {
    throw new InvalidQMlpError(
      '$.inputScales',
      "per-feature input scales need the QOperator format on the 'fused-integer' path " +
        "(onnxruntime runs a per-axis QDQ input unfused, in float); use format 'qoperator'",
    );
  }
  const inFeatures = model.layers[0]?.inFeatures ?? 0;
  if (inFeatures === 1) {
    // One per-axis scale is what one per-tensor scale already says (onnxruntime reads a [1]
    // scale as per tensor); one form keeps the model, its JSON and its file in one-to-one step.
    throw new InvalidQMlpError(
      '$.inputScales',
      'a model with one input quantises it per tensor: put its scale in input.scale and omit inputScales',
    );
  }
  if (scales.length !== inFeatures) {
    throw new InvalidQMlpError(
      '$.inputScales',
      `has ${scales.length} scales; the first layer takes ${inFeatures} inputs`,
    );
  }
  scales.forEach((scale, i) => {
    if (!isFloat32Positive(scale)) {
      throw new InvalidQMlpError(
        `$.inputScales[${i}]`,
        `must be a positive finite float32 value; got ${scale}`,
      );
    }
  });
}

function checkWeights(
  path: string,
  weight: QuantizedArray,
  wq: WeightQuant,
  inFeatures: number,
  outFeatures: number,
): void {
  if (weight.length !== inFeatures * outFeatures) {
    throw new InvalidQMlpError(
      `${path}.weight`,
      `has ${weight.length} values; expected outFeatures · inFeatures = ${outFeatures * inFeatures}`,
    );
  }
  if (quantizedArrayType(weight) !== wq.elementType) {
    throw new InvalidQMlpError(
      `${path}.weight`,
      `is a ${quantizedArrayType(weight)} array but weightQuant.elementType is ${wq.elementType}`,
    );
  }
  const count = wq.granularity === 'per-tensor' ? 1 : outFeatures;
  if (wq.scales.length !== count || wq.zeroPoints.length !== count) {
    throw new InvalidQMlpError(
      `${path}.weightQuant`,
      `${wq.granularity} quantisation needs ${count} scales and zero points; got ` +
        `${wq.scales.length} and ${wq.zeroPoints.length}`,
    );
  }
  if (!Number.isInteger(wq.bits) || wq.bits < 2 || wq.bits > 8) {
    throw new InvalidQMlpError(
      `${path}.weightQuant.bits`,
      `must be an integer in 2..8; got ${wq.bits}`,
    );
  }
  const { qmin, qmax } = elementTypeRange(wq.elementType);
  for (let k = 0; k < count; k++) {
    if (!isFloat32Positive(wq.scales[k]!)) {
      throw new InvalidQMlpError(
        `${path}.weightQuant.scales[${k}]`,
        `must be a positive finite float32 value; got ${wq.scales[k]}`,
      );
    }
    const zp = wq.zeroPoints[k]!;
    if (zp < qmin || zp > qmax) {
      throw new InvalidQMlpError(
        `${path}.weightQuant.zeroPoints[${k}]`,
        `must lie in [${qmin}, ${qmax}]; got ${zp}`,
      );
    }
  }
  if (wq.bits < 8) {
    const limit = 2 ** (wq.bits - 1) - 1;
    for (let n = 0; n < weight.length; n++) {
      const j = Math.floor(n / inFeatures);
      const centred = weight[n]! - weightQuantFor(wq, j).zeroPoint;
      if (centred < -limit || centred > limit) {
        throw new InvalidQMlpError(
          `${path}.weight[${n}]`,
          `${wq.bits}-bit weights lie in [-${limit}, ${limit}] around the zero point; got ${centred}`,
        );
      }
    }
  }
}

function checkActivation(path: string, activation: Activation): void {
  if (activation !== 'relu' && activation !== 'identity') {
    throw new InvalidQMlpError(
      `${path}.activation`,
      `must be 'relu' or 'identity'; got ${String(activation)}`,
    );
  }
}

function checkShape(
  path: string,
  inFeatures: number,
  outFeatures: number,
  previousOut: number | null,
): void {
  if (!Number.isSafeInteger(inFeatures) || inFeatures <= 0) {
    throw new InvalidQMlpError(
      `${path}.inFeatures`,
      `must be a positive integer; got ${inFeatures}`,
    );
  }
  if (!Number.isSafeInteger(outFeatures) || outFeatures <= 0) {
    throw new InvalidQMlpError(
      `${path}.outFeatures`,
      `must be a positive integer; got ${outFeatures}`,
    );
  }
  if (previousOut !== null && previousOut !== inFeatures) {
    throw new InvalidQMlpError(
      `${path}.inFeatures`,
      `is ${inFeatures} but the previous layer produces ${previousOut} outputs`,
    );
  }
}

/**
 * Checks every invariant the executor, the ONNX writer, the bounds and the encodings rely on, and
 * returns `model`; throws `InvalidQMlpError` with the path of the first violation.
 */
export function validateQMlp(model: QMlp): QMlp {
  if (model.layers.length === 0)
    throw new InvalidQMlpError('$.layers', 'a QMlp needs at least one layer');
  if (model.head !== undefined && !OUTPUT_HEADS.includes(model.head)) {
    throw new InvalidQMlpError(
      '$.head',
      `must be ${OUTPUT_HEADS.map((h) => `'${h}'`).join(' or ')} when present; got ${String(model.head)}`,
    );
  }
  if (model.format === 'dynamic') {
    if (model.executionPath.kind !== 'fused-integer') {
      throw new InvalidQMlpError(
        '$.executionPath',
        "a dynamic model always runs as 'fused-integer'",
      );
    }
    let previousOut: number | null = null;
    model.layers.forEach((layer, l) => {
      const path = `$.layers[${l}]`;
      checkShape(path, layer.inFeatures, layer.outFeatures, previousOut);
      checkActivation(path, layer.activation);
      checkWeights(path, layer.weight, layer.weightQuant, layer.inFeatures, layer.outFeatures);
      if (layer.bias.length !== layer.outFeatures) {
        throw new InvalidQMlpError(
          `${path}.bias`,
          `has ${layer.bias.length} values; expected ${layer.outFeatures}`,
        );
      }
      previousOut = layer.outFeatures;
    });
    return model;
  }
  if (model.format === 'mixed') return validateMixed(model);
  if (model.format !== 'qdq' && model.format !== 'qoperator') {
    throw new InvalidQMlpError(
      '$.format',
      `must be 'qdq', 'qoperator', 'dynamic' or 'mixed'; got ${String(model.format)}`,
    );
  }
  const path0 = model.executionPath;
  if (
    path0.kind === 'unfused-float' &&
    !['gemm-transb', 'gemm', 'matmul-add'].includes(path0.gemm)
  ) {
    throw new InvalidQMlpError(
      '$.executionPath.gemm',
      `must be 'gemm-transb', 'gemm' or 'matmul-add'; got ${String(path0.gemm)}`,
    );
  }
  if (path0.kind !== 'fused-integer' && path0.kind !== 'unfused-float') {
    throw new InvalidQMlpError(
      '$.executionPath.kind',
      `must be 'fused-integer' or 'unfused-float'; got ${String((path0 as { kind: unknown }).kind)}`,
    );
  }
  if (model.logits !== 'dequantize' && model.logits !== 'float') {
    throw new InvalidQMlpError(
      '$.logits',
      `must be 'dequantize' or 'float'; got ${String(model.logits)}`,
    );
  }
  checkTensorQuant('$.input', model.input);
  checkInputScales(model);
  let previousOut: number | null = null;
  const last = model.layers.length - 1;
  model.layers.forEach((layer, l) => {
    const path = `$.layers[${l}]`;
    checkShape(path, layer.inFeatures, layer.outFeatures, previousOut);
    checkActivation(path, layer.activation);
    checkWeights(path, layer.weight, layer.weightQuant, layer.inFeatures, layer.outFeatures);
    if (layer.bias.length !== layer.outFeatures) {
      throw new InvalidQMlpError(
        `${path}.bias`,
        `has ${layer.bias.length} values; expected ${layer.outFeatures}`,
      );
    }
    checkInt8Output(path, layer, l === last, model.logits);
    previousOut = layer.outFeatures;
  });
  return model;
}

/**
 * The output quantisation of an int8 layer: present unless it is the last layer of a model with
 * float logits, a valid tensor quantisation, and with a ReLU a zero point at the element type's
 * minimum (the ReLU folds into the requantisation clamp).
 */
function checkInt8Output(
  path: string,
  layer: QStaticLayer,
  isLast: boolean,
  logits: 'dequantize' | 'float',
): void {
  if (layer.output === null) {
    if (!isLast || logits !== 'float') {
      throw new InvalidQMlpError(
        `${path}.output`,
        'only the last layer of a model with float logits may omit output quantisation',
      );
    }
    if (layer.activation === 'relu') {
      throw new InvalidQMlpError(
        `${path}.activation`,
        'a layer with float output cannot fold a ReLU',
      );
    }
    return;
  }
  checkTensorQuant(`${path}.output`, layer.output);
  if (layer.activation === 'relu') {
    const { qmin } = elementTypeRange(layer.output.elementType);
    if (layer.output.zeroPoint !== qmin) {
      throw new InvalidQMlpError(
        `${path}.output.zeroPoint`,
        `a ReLU layer's output zero point must be ${qmin} (the ${layer.output.elementType} minimum) so ` +
          `that the ReLU folds exactly into the requantisation clamp; got ${layer.output.zeroPoint}`,
      );
    }
  }
  if (isLast && logits === 'float') {
    throw new InvalidQMlpError(`${path}.output`, 'must be null when the model has float logits');
  }
}

function validateMixed(model: QMlpMixed): QMlp {
  if (model.executionPath.kind !== 'fused-integer') {
    throw new InvalidQMlpError(
      '$.executionPath',
      "a model with layers kept in float32 is modelled on the 'fused-integer' path only",
    );
  }
  if (model.logits !== 'dequantize' && model.logits !== 'float') {
    throw new InvalidQMlpError(
      '$.logits',
      `must be 'dequantize' or 'float'; got ${String(model.logits)}`,
    );
  }
  const floats = model.layers.filter(isFloatLayer).length;
  if (floats === 0 || floats === model.layers.length) {
    throw new InvalidQMlpError(
      '$.layers',
      floats === 0
        ? "a mixed model keeps at least one layer in float32; write an all-int8 model as format 'qdq'"
        : 'a mixed model has at least one int8 layer; an all-float32 model is an FP32 Mlp',
    );
  }
  const first = model.layers[0]!;
  if (isFloatLayer(first)) {
    if (model.input !== null) {
      throw new InvalidQMlpError('$.input', 'must be null: the first layer reads float32 inputs');
    }
  } else {
    if (model.input === null) {
      throw new InvalidQMlpError('$.input', 'the first layer is int8, so the input is quantised');
    }
    checkTensorQuant('$.input', model.input);
  }
  let previousOut: number | null = null;
  const last = model.layers.length - 1;
  model.layers.forEach((layer, l) => {
    const path = `$.layers[${l}]`;
    checkShape(path, layer.inFeatures, layer.outFeatures, previousOut);
    checkActivation(path, layer.activation);
    const next = model.layers[l + 1];
    if (isFloatLayer(layer)) {
      const n = layer.inFeatures * layer.outFeatures;
      if (!(layer.weight instanceof Float32Array) || layer.weight.length !== n) {
        throw new InvalidQMlpError(`${path}.weight`, `must be a Float32Array of ${n} values`);
      }
      if (!(layer.bias instanceof Float32Array) || layer.bias.length !== layer.outFeatures) {
        throw new InvalidQMlpError(
          `${path}.bias`,
          `must be a Float32Array of ${layer.outFeatures} values`,
        );
      }
      if (l === last && model.logits !== 'float') {
        throw new InvalidQMlpError('$.logits', "must be 'float' when the last layer is float32");
      }
      const previous = model.layers[l - 1];
      if (
        previous !== undefined &&
        !isFloatLayer(previous) &&
        next !== undefined &&
        !isFloatLayer(next)
      ) {
        // onnxruntime's WeightBiasQuantization (level basic and above) quantises the weights of a
        // Gemm whose input is a per-tensor DequantizeLinear and whose output reaches a
        // QuantizeLinear: such a layer would run in int8, not float32.
        throw new InvalidQMlpError(
          path,
          'a float32 layer between two int8 layers is not kept in float32 by onnxruntime: at optimisation ' +
            "level basic and above it quantises that Gemm's weights to int8 itself; keep its neighbours in " +
            'float32 too, or quantise it',
        );
      }
      if (next !== undefined && !isFloatLayer(next)) {
        if (layer.output === null) {
          throw new InvalidQMlpError(
            `${path}.output`,
            'a float32 layer that feeds an int8 layer needs its QuantizeLinear parameters',
          );
        }
        checkTensorQuant(`${path}.output`, layer.output);
      } else if (layer.output !== null) {
        throw new InvalidQMlpError(
          `${path}.output`,
          'must be null: only a float32 layer that feeds an int8 layer is quantised',
        );
      }
    } else {
      if (layer.kind !== 'int8') {
        throw new InvalidQMlpError(`${path}.kind`, `must be 'int8' or 'float'`);
      }
      checkWeights(path, layer.weight, layer.weightQuant, layer.inFeatures, layer.outFeatures);
      if (!(layer.bias instanceof Int32Array) || layer.bias.length !== layer.outFeatures) {
        throw new InvalidQMlpError(
          `${path}.bias`,
          `must be an Int32Array of ${layer.outFeatures} values`,
        );
      }
      checkInt8Output(path, layer, l === last, model.logits);
    }
    previousOut = layer.outFeatures;
  });
  return model;
}
