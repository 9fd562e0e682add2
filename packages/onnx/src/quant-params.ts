import { elementTypeRange } from '@quantproof/quant';
import type { QuantElementType, TensorQuant, WeightQuant } from '@quantproof/quant';
import { InvalidQuantParamsError } from './errors.js';
import type { GraphWalker } from './graph-walker.js';
import { unsupported } from './graph-walker.js';
import { attribute } from './node-attributes.js';
import { TensorDataType } from './proto/onnx-schema.js';
import type { NodeProtoObject, TensorProtoObject } from './proto/onnx-schema.js';
import { readFloatTensor, readIntTensor } from './tensor-data.js';
import type { IntTensor, IntTensorType } from './tensor-data.js';

/** Scales and zero points of one quantised tensor, per tensor (length 1) or per channel. */
export interface QuantParams {
  readonly scales: Float32Array;
  readonly zeroPoints: Int32Array;
  readonly type: IntTensorType;
  /** The scale tensor's dims: [] or [1] per tensor, [n] per channel. */
  readonly dims: readonly number[];
  readonly scaleName: string;
  readonly zeroPointName: string;
}

function readScales(
  tensor: TensorProtoObject,
  zeroScale: boolean,
): { values: Float32Array; dims: readonly number[] } {
  const name = tensor.name ?? '';
  if (tensor.data_type !== TensorDataType.FLOAT) {
    throw new InvalidQuantParamsError(
      name,
      `a scale must be a FLOAT (1) tensor; this one has element type ${String(tensor.data_type)}`,
    );
  }
  const { data, dims } = readFloatTensor(tensor);
  if (dims.length > 1) {
    throw new InvalidQuantParamsError(
      name,
      `a scale is a scalar or a 1-D tensor; dims are [${dims.join(', ')}]`,
    );
  }
  if (data.length === 0) throw new InvalidQuantParamsError(name, 'the scale tensor is empty');
  data.forEach((value, k) => {
    if (!(Number.isFinite(value) && (value > 0 || (zeroScale && Object.is(value, 0))))) {
      throw new InvalidQuantParamsError(
        name,
        `scale${dims.length === 0 ? '' : `[${k}]`} is ${value}; scales must be positive and finite`,
      );
    }
  });
  return { values: data, dims };
}

function checkRange(tensor: IntTensor): void {
  if (tensor.type === 'int32') return;
  const { qmin, qmax } = elementTypeRange(tensor.type);
  tensor.data.forEach((value, k) => {
    if (value < qmin || value > qmax) {
      throw new InvalidQuantParamsError(
        tensor.name,
        `value ${k} is ${value}, outside the ${tensor.type} range [${qmin}, ${qmax}]`,
      );
    }
  });
}

/** Reads a UINT8/INT8/INT32 tensor and checks that 8-bit values lie in their type's range. */
export function readCheckedIntTensor(tensor: TensorProtoObject): IntTensor {
  const read = readIntTensor(tensor);
  checkRange(read);
  return read;
}

/**
 * Reads the scale and (optional) zero point operands of a QuantizeLinear / DequantizeLinear-style
 * node: positive finite float32 scales, zero points in their type's range with as many values as
 * scales. A missing zero point is 0 of `defaultType`. With `zeroScale`, a scale of +0 is read too
 * (an int32 bias whose scale s_in · s_w underflows float32: the caller checks it is that product).
 */
export function readQuantParams(
  walker: GraphWalker,
  node: NodeProtoObject,
  scaleName: string | undefined,
  zeroPointName: string | undefined,
  defaultType: IntTensorType,
  zeroScale = false,
): QuantParams {
  const scaleTensor = walker.requireConstant(node, scaleName, 'scale');
  const { values: scales, dims } = readScales(scaleTensor, zeroScale);
  const zpTensor =
    zeroPointName === undefined || zeroPointName === ''
      ? undefined
      : walker.requireConstant(node, zeroPointName, 'zero point');
  if (zpTensor === undefined) {
    return {
      scales,
      zeroPoints: new Int32Array(scales.length),
      type: defaultType,
      dims,
      scaleName: scaleTensor.name ?? '',
      zeroPointName: '',
    };
  }
  const zp = readCheckedIntTensor(zpTensor);
  if (zp.data.length !== scales.length) {
    throw new InvalidQuantParamsError(
      zp.name,
      `it has ${zp.data.length} zero points for ${scales.length} scale(s) in '${scaleTensor.name ?? ''}'`,
    );
  }
  return {
    scales,
    zeroPoints: zp.data,
    type: zp.type,
    dims,
    scaleName: scaleTensor.name ?? '',
    zeroPointName: zp.name,
  };
}

function quantElementType(
  node: NodeProtoObject,
  type: IntTensorType,
  role: string,
): QuantElementType {
  if (type === 'int32') {
    throw unsupported(node, `its ${role} is int32; activations and weights are int8 or uint8`);
  }
  return type;
}

/** The per-tensor quantisation `params` describe, or an error naming `node` when it is per-axis. */
export function tensorQuantOf(
  node: NodeProtoObject,
  params: QuantParams,
  role: string,
): TensorQuant {
  if (params.scales.length !== 1) {
    throw unsupported(
      node,
      `its ${role} has ${params.scales.length} scales; activations are quantised per tensor`,
    );
  }
  return {
    scale: params.scales[0] ?? 0,
    zeroPoint: params.zeroPoints[0] ?? 0,
    elementType: quantElementType(node, params.type, role),
  };
}

/** The element type a QuantizeLinear without zero point produces: `output_dtype` or uint8. */
export function quantizeOutputType(node: NodeProtoObject): IntTensorType {
  const dtype = attribute(node, 'output_dtype')?.i;
  if (dtype === undefined || dtype === 0 || dtype === TensorDataType.UINT8) return 'uint8';
  if (dtype === TensorDataType.INT8) return 'int8';
  throw unsupported(node, `output_dtype = ${dtype}; quantproof reads int8 and uint8 only`);
}

/** Whether two per-tensor quantisations are the same (same scale bits, zero point and type). */
export function sameTensorQuant(a: TensorQuant, b: TensorQuant): boolean {
  return (
    Object.is(a.scale, b.scale) && a.zeroPoint === b.zeroPoint && a.elementType === b.elementType
  );
}

/**
 * The weight quantisation of a layer with `channels` outputs: per tensor for a scalar scale (or a
 * [1] scale on several channels), per channel for `channels` scales. `bits` is set to 8; the caller
 * narrows it from the file's metadata.
 */
export function weightQuantOf(
  node: NodeProtoObject,
  params: QuantParams,
  weightType: QuantElementType,
  channels: number,
): WeightQuant {
  if (params.type !== weightType) {
    throw new InvalidQuantParamsError(
      params.zeroPointName,
      `the weight zero point is ${params.type} but the weights are ${weightType}`,
    );
  }
  const count = params.scales.length;
  const perTensor = params.dims.length === 0 || (count === 1 && channels !== 1);
  if (!perTensor && count !== channels) {
    throw new InvalidQuantParamsError(
      params.scaleName,
      `per-channel weights need one scale per output channel (${channels}); it has ${count}`,
    );
  }
  return {
    elementType: quantElementType(node, params.type, 'weight'),
    granularity: perTensor ? 'per-tensor' : 'per-channel',
    scales: Float32Array.from(params.scales),
    zeroPoints: Int32Array.from(params.zeroPoints),
    bits: 8,
  };
}

/** A 2-D int8/uint8 weight constant, rearranged to the [out][in] layout of `QStaticLayer.weight`. */
export interface WeightMatrix {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly type: QuantElementType;
  readonly values: Int8Array | Uint8Array;
}

/**
 * Reads a weight constant of `node` stored [out, in] (`Gemm(transB = 1)`, QGemm) or [in, out]
 * (MatMul, MatMulInteger, `Gemm(transB = 0)`).
 */
export function readWeightMatrix(
  node: NodeProtoObject,
  tensor: TensorProtoObject,
  layout: 'out-in' | 'in-out',
): WeightMatrix {
  const read = readCheckedIntTensor(tensor);
  const [rows, cols] = read.dims;
  if (read.dims.length !== 2 || rows === undefined || cols === undefined) {
    throw unsupported(
      node,
      `its weight '${read.name}' has dims [${read.dims.join(', ')}], not 2-D`,
    );
  }
  const type = quantElementType(node, read.type, 'weight');
  const outFeatures = layout === 'out-in' ? rows : cols;
  const inFeatures = layout === 'out-in' ? cols : rows;
  const values = type === 'int8' ? new Int8Array(rows * cols) : new Uint8Array(rows * cols);
  for (let j = 0; j < outFeatures; j++) {
    for (let i = 0; i < inFeatures; i++) {
      const at = layout === 'out-in' ? j * inFeatures + i : i * outFeatures + j;
      values[j * inFeatures + i] = read.data[at] ?? 0;
    }
  }
  return { inFeatures, outFeatures, type, values };
}
