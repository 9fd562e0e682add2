import { type CpuSemantics, DEFAULT_CPU_SEMANTICS } from './cpu-semantics.js';
import { dynamicQuantizationParams } from './internal/dynamic-quantization.js';
import { allocateQuantized, elementTypeRange, type QuantizedArray } from './element-type.js';
import { AccumulatorOverflowError, InputShapeError, QuantOptionsError } from './errors.js';
import { sgemmM1, sgemmM1TransposeB, sgemmPackedTransposeB } from './internal/mlas-sgemm-m1.js';
import { accumulateAvx2Saturating, accumulateExact } from './internal/qgemm-accumulate.js';
import {
  int8Layer,
  isFloatLayer,
  layerInputQuant,
  layerMultipliers,
  qmlpInputSize,
  qmlpOutputSize,
  validateQMlp,
  weightQuantFor,
  type FloatGemmLayout,
  type QMlp,
  type QMlpDynamic,
  type QMlpMixed,
  type QMlpStatic,
} from './qmlp.js';
import { dequantizeLinear, quantizeLinear, type TensorQuant } from './quantize-linear.js';
import { requantize, scaleAccumulator } from './requantize.js';

/** Options of the int8 executor. */
export interface ForwardInt8Options {
  /** Integer-accumulation semantics of the CPU being modelled; default `'vnni-exact'`. */
  readonly cpu?: CpuSemantics;
  /**
   * Dynamic models in `forwardBatch`: `'per-sample'` (default) reproduces batch-1 onnxruntime runs;
   * `'per-batch'` reproduces one onnxruntime call on the whole batch, where each
   * DynamicQuantizeLinear computes one scale and zero point over the whole [batch, features] tensor.
   */
  readonly dynamicRange?: 'per-sample' | 'per-batch';
}

/** Intermediates of one layer, for testing bounds and encodings against the executor. */
export type LayerTrace =
  | {
      /** Static fused-integer layer (QGemm / QLinearMatMul). */
      readonly kind: 'integer';
      readonly inputQuant: TensorQuant;
      /** Quantised input vector. */
      readonly input: QuantizedArray;
      /** int32 accumulators `bias + Σ (q_x - zp_x)(q_w - zp_w)` as the modelled CPU computes them. */
      readonly accumulator: Int32Array;
      /** Requantised output (ReLU folded), or `null` for float logits. */
      readonly output: QuantizedArray | null;
    }
  | {
      /** Static unfused-float layer (DequantizeLinear → float32 Gemm → QuantizeLinear). */
      readonly kind: 'float-gemm';
      readonly inputQuant: TensorQuant;
      readonly input: QuantizedArray;
      /** The float32 Gemm output including the dequantised bias. */
      readonly gemmOutput: Float32Array;
      readonly output: QuantizedArray | null;
    }
  | {
      /** A layer a mixed model keeps in float32 (Gemm → activation → QuantizeLinear if int8 follows). */
      readonly kind: 'kept-float';
      /** The float32 input vector. */
      readonly input: Float32Array;
      /** The float32 output after bias and activation. */
      readonly output: Float32Array;
      /** Its QuantizeLinear codes when an int8 layer follows, else null. */
      readonly quantized: QuantizedArray | null;
    }
  | {
      /** Dynamic layer (DynamicQuantizeLinear → MatMulInteger → scale → bias → ReLU). */
      readonly kind: 'dynamic';
      /** Scale and zero point DynamicQuantizeLinear computed for this layer's input. */
      readonly inputQuant: TensorQuant;
      readonly input: Uint8Array;
      /** int32 accumulators `Σ (q_x - zp_x)(q_w - zp_w)` (no bias: it is added in float). */
      readonly accumulator: Int32Array;
      /** float32 layer output after bias and activation. */
      readonly output: Float32Array;
    };

/** Everything one forward pass computed. */
export interface Int8Trace {
  readonly layers: readonly LayerTrace[];
  readonly logits: Float32Array;
}

/** A prepared executor for one model: validated once, scratch buffers reused across calls. */
export interface Int8Executor {
  readonly model: QMlp;
  readonly cpu: CpuSemantics;
  readonly inputSize: number;
  readonly outputSize: number;
  /** float32 logits of one input; writes into `out` when given. */
  forward(x: Float32Array, out?: Float32Array): Float32Array;
  /**
   * Logits of a row-major [n, inputSize] batch into a row-major [n, outputSize] array, without
   * per-sample allocation.
   */
  forwardBatch(xs: Float32Array, out?: Float32Array): Float32Array;
  /** One forward pass with every intermediate recorded. */
  trace(x: Float32Array): Int8Trace;
}

interface IntegerLayer {
  readonly kind: 'integer';
  readonly k: number;
  readonly n: number;
  readonly inQuant: TensorQuant;
  readonly out: TensorQuant | null;
  readonly raw: Int32Array;
  readonly centred: Int32Array;
  readonly zpB: Int32Array;
  readonly columnSums: Int32Array;
  readonly bias: Int32Array;
  readonly multipliers: Float32Array;
  readonly saturating: boolean;
}

interface FloatLayer {
  readonly kind: 'float-gemm';
  readonly k: number;
  readonly n: number;
  readonly inQuant: TensorQuant;
  readonly out: TensorQuant | null;
  readonly gemm: FloatGemmLayout;
  /** Dequantised weights: [n][k] for gemm-transb, [k][n] for gemm and matmul-add. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

interface DynamicLayer {
  readonly kind: 'dynamic';
  readonly k: number;
  readonly n: number;
  readonly raw: Int32Array;
  readonly centred: Int32Array;
  readonly zpB: Int32Array;
  readonly columnSums: Int32Array;
  readonly weightScales: Float32Array;
  readonly bias: Float32Array;
  readonly relu: boolean;
  readonly saturating: boolean;
}

type PreparedLayer = IntegerLayer | FloatLayer | DynamicLayer | KeptFloatLayer;

const INT32_MAX = 2147483647;

/**
 * onnxruntime's CPU Relu on float32 (the Relu node, Eigen's `cwiseMax(0)`, i.e. `std::max(v, 0.f)`,
 * and Gemm's fused Relu): `v < 0 ? 0 : v` — NaN and −0 pass through unchanged (checked against
 * onnxruntime-node 1.30.0 by @quantproof/onnx's differential tests).
 */
function reluFloat32(v: number): number {
  return v < 0 ? 0 : v;
}

function prepareWeights(
  weight: QuantizedArray,
  k: number,
  n: number,
  zpFor: (j: number) => number,
): { raw: Int32Array; centred: Int32Array; zpB: Int32Array; columnSums: Int32Array } {
  const raw = Int32Array.from(weight);
  const centred = new Int32Array(raw.length);
  const zpB = new Int32Array(n);
  const columnSums = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    zpB[j] = zpFor(j);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      centred[j * k + i] = raw[j * k + i]! - zpB[j]!;
      sum += raw[j * k + i]!;
    }
    columnSums[j] = sum;
  }
  return { raw, centred, zpB, columnSums };
}

// Worst cases over every input the element type allows. The exact bound covers the final value;
// the conservative one also covers MLAS's partial sums (raw Σ a·b plus corrections), whose
// intermediate saturation (vpdpbusds) or wrap (vpaddd) must never be reached.
function checkAccumulatorBound(
  layerIndex: number,
  centred: Int32Array,
  k: number,
  n: number,
  maxAbsInput: number,
  bias: (j: number) => number,
): void {
  for (let j = 0; j < n; j++) {
    let l1 = 0;
    for (let i = 0; i < k; i++) l1 += Math.abs(centred[j * k + i]!);
    const exact = maxAbsInput * l1 + Math.abs(bias(j));
    const partial = k * 4 * 255 * 255 + Math.abs(bias(j));
    if (exact > INT32_MAX || partial > INT32_MAX) {
      throw new AccumulatorOverflowError(
        `layer ${layerIndex}, output ${j}: the int32 accumulator could reach ${Math.max(exact, partial)} ` +
          `(> 2^31 - 1) with ${k} inputs; exact int32 accumulation is not guaranteed — use fewer inputs ` +
          'per neuron or smaller weights',
      );
    }
  }
}

/**
 * The layers of a static or mixed model: kept float32 layers as they are, int8 layers as the
 * unfused path's float Gemm on dequantised weights or as the fused path's integer layer.
 */
function prepareChain(model: QMlpStatic | QMlpMixed, cpu: CpuSemantics): PreparedLayer[] {
  return model.layers.map((layer, l): PreparedLayer => {
    if (isFloatLayer(layer)) {
      return {
        kind: 'kept-float',
        k: layer.inFeatures,
        n: layer.outFeatures,
        weights: layer.weight,
        bias: layer.bias,
        relu: layer.activation === 'relu',
        out: layer.output,
      };
    }
    if (model.format === 'mixed' || model.executionPath.kind === 'fused-integer') {
      return prepareInteger(model, l, cpu);
    }
    const k = layer.inFeatures;
    const n = layer.outFeatures;
    const inQuant = layerInputQuant(model, l);
    const gemm = model.executionPath.gemm;
    const weights = new Float32Array(k * n);
    const bias = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const { scale, zeroPoint } = weightQuantFor(layer.weightQuant, j);
      for (let i = 0; i < k; i++) {
        const w = dequantizeLinear(layer.weight[j * k + i]!, scale, zeroPoint);
        weights[gemm === 'gemm-transb' ? j * k + i : i * n + j] = w;
      }
      // The bias DequantizeLinear's scale initializer is the float32 product s_in · s_w[j].
      bias[j] = dequantizeLinear(layer.bias[j]!, Math.fround(inQuant.scale * scale), 0);
    }
    return { kind: 'float-gemm', k, n, inQuant, out: layer.output, gemm, weights, bias };
  });
}

/** Int8 layer `l` of a static or mixed model on the fused-integer path. */
function prepareInteger(model: QMlpStatic | QMlpMixed, l: number, cpu: CpuSemantics): IntegerLayer {
  const layer = int8Layer(model, l);
  const k = layer.inFeatures;
  const n = layer.outFeatures;
  const inQuant = layerInputQuant(model, l);
  const prepared = prepareWeights(
    layer.weight,
    k,
    n,
    (j) => weightQuantFor(layer.weightQuant, j).zeroPoint,
  );
  const { qmin, qmax } = elementTypeRange(inQuant.elementType);
  const maxAbsInput = Math.max(inQuant.zeroPoint - qmin, qmax - inQuant.zeroPoint);
  checkAccumulatorBound(l, prepared.centred, k, n, maxAbsInput, (j) => layer.bias[j]!);
  return {
    kind: 'integer',
    k,
    n,
    inQuant,
    out: layer.output,
    ...prepared,
    bias: layer.bias,
    multipliers: layerMultipliers(model, l),
    saturating:
      cpu === 'avx2-u8s8-saturating' &&
      inQuant.elementType === 'uint8' &&
      layer.weightQuant.elementType === 'int8',
  };
}

/** A layer a mixed model keeps in float32: Gemm(transB = 1), activation, optional QuantizeLinear. */
interface KeptFloatLayer {
  readonly kind: 'kept-float';
  readonly k: number;
  readonly n: number;
  /** [n][k], as `Gemm(transB = 1)` reads it. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly relu: boolean;
  readonly out: TensorQuant | null;
}

/**
 * Output `j`'s int32 accumulator `bias + Σ (q_x − zp_x)(q_w − zp_w)` over the input codes `qa`, as
 * the modelled CPU computes it (AVX2 u8s8 pair saturation, or exact); static and dynamic layers.
 */
function accumulateRow(
  layer: IntegerLayer | DynamicLayer,
  qa: Int32Array,
  zpX: number,
  j: number,
  bias: number,
): number {
  const k = layer.k;
  return layer.saturating
    ? accumulateAvx2Saturating(
        qa,
        0,
        zpX,
        layer.raw,
        j * k,
        k,
        layer.zpB[j]!,
        layer.columnSums[j]!,
        bias,
      )
    : accumulateExact(qa, 0, zpX, layer.centred, j * k, k, bias);
}

/** Fused int8 layer: accumulators from `qa`, requantised into `qb` or float logits into `out`. */
function runInteger(
  layer: IntegerLayer,
  qa: Int32Array,
  qb: Int32Array,
  acc: Int32Array,
  out: Float32Array,
  outOffset: number,
): void {
  const { n, inQuant, out: outQuant } = layer;
  for (let j = 0; j < n; j++) {
    acc[j] = accumulateRow(layer, qa, inQuant.zeroPoint, j, layer.bias[j]!);
    if (outQuant === null) {
      // QGemm without y_scale: MLAS_QGEMM_SCALE_BIAS_OUTPUT_PROCESSOR, fl32(fl32(acc) · M).
      out[outOffset + j] = Math.fround(Math.fround(acc[j]!) * layer.multipliers[j]!);
    } else {
      qb[j] = requantize(acc[j]!, layer.multipliers[j]!, outQuant.zeroPoint, outQuant.elementType);
    }
  }
}

function prepareDynamic(model: QMlpDynamic, cpu: CpuSemantics): PreparedLayer[] {
  return model.layers.map((layer, l): PreparedLayer => {
    const k = layer.inFeatures;
    const n = layer.outFeatures;
    const prepared = prepareWeights(
      layer.weight,
      k,
      n,
      (j) => weightQuantFor(layer.weightQuant, j).zeroPoint,
    );
    checkAccumulatorBound(l, prepared.centred, k, n, 255, () => 0);
    const weightScales = new Float32Array(n);
    for (let j = 0; j < n; j++) weightScales[j] = weightQuantFor(layer.weightQuant, j).scale;
    return {
      kind: 'dynamic',
      k,
      n,
      ...prepared,
      weightScales,
      bias: layer.bias,
      relu: layer.activation === 'relu',
      saturating: cpu === 'avx2-u8s8-saturating' && layer.weightQuant.elementType === 'int8',
    };
  });
}

function checkCpu(cpu: CpuSemantics): void {
  if (cpu !== 'vnni-exact' && cpu !== 'avx2-u8s8-saturating') {
    throw new QuantOptionsError(
      `cpu must be 'vnni-exact' or 'avx2-u8s8-saturating'; got ${String(cpu)}`,
    );
  }
}

/** Scratch buffers sized for the widest layer. */
interface Scratch {
  readonly qa: Int32Array;
  readonly qb: Int32Array;
  readonly acc: Int32Array;
  readonly fa: Float32Array;
  readonly fb: Float32Array;
  readonly lanes: Float64Array;
}

function createScratch(model: QMlp): Scratch {
  let width = 0;
  for (const layer of model.layers) width = Math.max(width, layer.inFeatures, layer.outFeatures);
  return {
    qa: new Int32Array(width),
    qb: new Int32Array(width),
    acc: new Int32Array(width),
    fa: new Float32Array(width),
    fb: new Float32Array(width),
    lanes: new Float64Array(8),
  };
}

type TraceSink = LayerTrace[] | null;

function copyQuantized(values: Int32Array, length: number, quant: TensorQuant): QuantizedArray {
  const out = allocateQuantized(quant.elementType, length);
  for (let i = 0; i < length; i++) out[i] = values[i]!;
  return out;
}

/**
 * A static or mixed model on one input: one chain of integer layers (QGemm), unfused float Gemm
 * layers and layers kept in float32. The current activation is either codes (`qa`: the quantised
 * input, an int8 layer's requantised output, a QuantizeLinear after a float layer) or float32
 * (`fa`: the input itself when the first layer is kept in float32, a kept layer's output, or the
 * DequantizeLinear of an int8 layer's codes before a kept layer). `inputScales` quantises the
 * input per feature (null: the first layer reads it as float32).
 */
function runChain(
  input: TensorQuant | null,
  inputScales: Float32Array | undefined,
  layers: readonly PreparedLayer[],
  s: Scratch,
  x: Float32Array,
  xOffset: number,
  out: Float32Array,
  outOffset: number,
  trace: TraceSink,
): void {
  let qa = s.qa;
  let qb = s.qb;
  let fa = s.fa;
  let fb = s.fb;
  const k0 = layers[0]!.k;
  for (let i = 0; i < k0; i++) {
    if (input === null) {
      fa[i] = x[xOffset + i]!;
      continue;
    }
    // Per-axis QuantizeLinear: onnxruntime runs MlasQuantizeLinear once per feature with that
    // feature's scale (ComputeLoop over the axis), the same kernel as per tensor.
    const scale = inputScales === undefined ? input.scale : inputScales[i]!;
    qa[i] = quantizeLinear(x[xOffset + i]!, scale, input.zeroPoint, input.elementType);
  }
  const last = layers.length - 1;
  for (let l = 0; l <= last; l++) {
    const layer = layers[l]!;
    if (layer.kind === 'dynamic') throw new Error('unreachable: dynamic layer in a static model');
    const { k, n, out: outQuant } = layer;
    const isLast = l === last;
    if (layer.kind === 'kept-float') {
      const y = isLast ? out : fb;
      const yOffset = isLast ? outOffset : 0;
      // Gemm broadcasts its bias into the output, then runs MLAS on the B it prepacked at load.
      for (let j = 0; j < n; j++) y[yOffset + j] = layer.bias[j]!;
      sgemmPackedTransposeB(fa, 0, layer.weights, k, n, y, yOffset);
      if (layer.relu) for (let j = 0; j < n; j++) y[yOffset + j] = reluFloat32(y[yOffset + j]!);
      if (outQuant !== null) {
        for (let j = 0; j < n; j++) {
          qa[j] = quantizeLinear(
            y[yOffset + j]!,
            outQuant.scale,
            outQuant.zeroPoint,
            outQuant.elementType,
          );
        }
      }
      trace?.push({
        kind: 'kept-float',
        input: fa.slice(0, k),
        output: y.slice(yOffset, yOffset + n),
        quantized: outQuant === null ? null : copyQuantized(qa, n, outQuant),
      });
      if (outQuant === null) {
        const swap = fa;
        fa = fb;
        fb = swap;
      }
      continue;
    }
    const inQuant = layer.inQuant;
    if (layer.kind === 'integer') {
      runInteger(layer, qa, qb, s.acc, out, outOffset);
      trace?.push({
        kind: 'integer',
        inputQuant: inQuant,
        input: copyQuantized(qa, k, inQuant),
        accumulator: s.acc.slice(0, n),
        output: outQuant === null ? null : copyQuantized(qb, n, outQuant),
      });
    } else {
      for (let i = 0; i < k; i++)
        fa[i] = dequantizeLinear(qa[i]!, inQuant.scale, inQuant.zeroPoint);
      const logitsHere = isLast && outQuant === null;
      const y = logitsHere ? out : fb;
      const yOffset = logitsHere ? outOffset : 0;
      if (layer.gemm === 'gemm-transb') {
        for (let j = 0; j < n; j++) y[yOffset + j] = layer.bias[j]!;
        sgemmM1TransposeB(fa, 0, layer.weights, k, n, y, yOffset, 1, s.lanes);
      } else if (layer.gemm === 'gemm') {
        for (let j = 0; j < n; j++) y[yOffset + j] = layer.bias[j]!;
        sgemmM1(fa, 0, layer.weights, k, n, y, yOffset, 1);
      } else {
        sgemmM1(fa, 0, layer.weights, k, n, y, yOffset, 0);
        for (let j = 0; j < n; j++) y[yOffset + j] = Math.fround(y[yOffset + j]! + layer.bias[j]!);
      }
      if (outQuant !== null) {
        for (let j = 0; j < n; j++) {
          qb[j] = quantizeLinear(
            y[yOffset + j]!,
            outQuant.scale,
            outQuant.zeroPoint,
            outQuant.elementType,
          );
        }
      }
      trace?.push({
        kind: 'float-gemm',
        inputQuant: inQuant,
        input: copyQuantized(qa, k, inQuant),
        gemmOutput: y.slice(yOffset, yOffset + n),
        output: outQuant === null ? null : copyQuantized(qb, n, outQuant),
      });
    }
    if (outQuant === null) continue; // float logits, already in `out`
    if (isLast || layers[l + 1]!.kind === 'kept-float') {
      // The logits, or the next kept layer's input: DequantizeLinear, fl32((q − zp) · s).
      const target = isLast ? out : fa;
      const offset = isLast ? outOffset : 0;
      for (let j = 0; j < n; j++) {
        target[offset + j] = dequantizeLinear(qb[j]!, outQuant.scale, outQuant.zeroPoint);
      }
    } else {
      const swap = qa;
      qa = qb;
      qb = swap;
    }
  }
}

/**
 * One dynamic layer over `count` rows of `xf` (row stride `k`), writing rows of `y` (stride `n`).
 * `perRowRange` selects one DynamicQuantizeLinear per row or one over all rows.
 */
function runDynamicLayer(
  layer: DynamicLayer,
  xf: Float32Array,
  y: Float32Array,
  yOffset: number,
  count: number,
  perRowRange: boolean,
  qa: Int32Array,
  acc: Int32Array,
  trace: TraceSink,
): void {
  const { k, n } = layer;
  const batchParams = perRowRange ? null : dynamicQuantizationParams(xf, 0, count * k);
  for (let r = 0; r < count; r++) {
    const p = batchParams ?? dynamicQuantizationParams(xf, r * k, k);
    for (let i = 0; i < k; i++)
      qa[i] = quantizeLinear(xf[r * k + i]!, p.scale, p.zeroPoint, 'uint8');
    for (let j = 0; j < n; j++) {
      acc[j] = accumulateRow(layer, qa, p.zeroPoint, j, 0);
      // The graph's Mul(a_scale, b_scale) (or the fused kernel's a_scale * b_scale) in float32.
      const multiplier = Math.fround(p.scale * layer.weightScales[j]!);
      let v = scaleAccumulator(acc[j]!, multiplier, layer.bias[j]!);
      if (layer.relu) v = reluFloat32(v);
      y[yOffset + r * n + j] = v;
    }
    trace?.push({
      kind: 'dynamic',
      inputQuant: p,
      input: Uint8Array.from(qa.subarray(0, k)),
      accumulator: acc.slice(0, n),
      output: y.slice(yOffset + r * n, yOffset + r * n + n),
    });
  }
}

/**
 * Prepares an executor that reproduces onnxruntime-node 1.30.0's CPU arithmetic for `model`
 * (validated here; throws `InvalidQMlpError`, `AccumulatorOverflowError`, `QuantOptionsError`).
 */
export function createInt8Executor(model: QMlp, options: ForwardInt8Options = {}): Int8Executor {
  const cpu = options.cpu ?? DEFAULT_CPU_SEMANTICS;
  checkCpu(cpu);
  const dynamicRange = options.dynamicRange ?? 'per-sample';
  if (dynamicRange !== 'per-sample' && dynamicRange !== 'per-batch') {
    throw new QuantOptionsError(
      `dynamicRange must be 'per-sample' or 'per-batch'; got ${String(dynamicRange)}`,
    );
  }
  validateQMlp(model);
  const inputSize = qmlpInputSize(model);
  const outputSize = qmlpOutputSize(model);
  const layers = model.format === 'dynamic' ? prepareDynamic(model, cpu) : prepareChain(model, cpu);
  const scratch = createScratch(model);

  const runOne = (
    x: Float32Array,
    xOffset: number,
    out: Float32Array,
    outOffset: number,
    trace: TraceSink,
  ): void => {
    if (model.format !== 'dynamic') {
      const scales = model.format === 'mixed' ? undefined : model.inputScales;
      runChain(model.input, scales, layers, scratch, x, xOffset, out, outOffset, trace);
      return;
    }
    let src = scratch.fa;
    let dst = scratch.fb;
    for (let i = 0; i < inputSize; i++) src[i] = x[xOffset + i]!;
    const last = layers.length - 1;
    layers.forEach((layer, l) => {
      const target = l === last ? out : dst;
      runDynamicLayer(
        layer as DynamicLayer,
        src,
        target,
        l === last ? outOffset : 0,
        1,
        true,
        scratch.qa,
        scratch.acc,
        trace,
      );
      const swap = src;
      src = dst;
      dst = swap;
    });
  };

  const checkLength = (x: Float32Array, what: string, multiple: number): number => {
    if (x.length % multiple !== 0) {
      throw new InputShapeError(
        `${what} has ${x.length} values; expected a multiple of ${multiple} (the model's input size)`,
      );
    }
    return x.length / multiple;
  };

  return {
    model,
    cpu,
    inputSize,
    outputSize,
    forward(x: Float32Array, out: Float32Array = new Float32Array(outputSize)): Float32Array {
      if (x.length !== inputSize) {
        throw new InputShapeError(`input has ${x.length} values; the model takes ${inputSize}`);
      }
      runOne(x, 0, out, 0, null);
      return out;
    },
    forwardBatch(xs: Float32Array, out?: Float32Array): Float32Array {
      const count = checkLength(xs, 'batch', inputSize);
      const target = out ?? new Float32Array(count * outputSize);
      if (target.length !== count * outputSize) {
        throw new InputShapeError(
          `output buffer has ${target.length} values; expected ${count * outputSize}`,
        );
      }
      if (model.format === 'dynamic' && dynamicRange === 'per-batch') {
        let src: Float32Array = Float32Array.from(xs);
        const last = layers.length - 1;
        layers.forEach((layer, l) => {
          const dst = l === last ? target : new Float32Array(count * layer.n);
          runDynamicLayer(
            layer as DynamicLayer,
            src,
            dst,
            0,
            count,
            false,
            scratch.qa,
            scratch.acc,
            null,
          );
          src = dst;
        });
        return target;
      }
      for (let r = 0; r < count; r++) runOne(xs, r * inputSize, target, r * outputSize, null);
      return target;
    },
    trace(x: Float32Array): Int8Trace {
      if (x.length !== inputSize) {
        throw new InputShapeError(`input has ${x.length} values; the model takes ${inputSize}`);
      }
      const layerTraces: LayerTrace[] = [];
      const logits = new Float32Array(outputSize);
      runOne(x, 0, logits, 0, layerTraces);
      return { layers: layerTraces, logits };
    },
  };
}

/** float32 logits of `model` on one input, with onnxruntime-node 1.30.0's CPU arithmetic. */
export function forwardInt8(
  model: QMlp,
  x: Float32Array,
  options?: ForwardInt8Options,
): Float32Array {
  return createInt8Executor(model, options).forward(x);
}

/** float32 logits of a row-major [n, inputSize] batch, as a row-major [n, outputSize] array. */
export function forwardInt8Batch(
  model: QMlp,
  xs: Float32Array,
  options?: ForwardInt8Options,
): Float32Array {
  return createInt8Executor(model, options).forwardBatch(xs);
}

/** One forward pass with every intermediate: quantised inputs, int32 accumulators, layer outputs. */
export function traceInt8(model: QMlp, x: Float32Array, options?: ForwardInt8Options): Int8Trace {
  return createInt8Executor(model, options).trace(x);
}
