import type { CalibrationMethod } from './calibration.js';
import type { QuantElementType } from './element-type.js';
import { QuantOptionsError } from './errors.js';
import type { ExecutionPath } from './qmlp.js';

/**
 * Options of `quantizeStatic`. Every field is optional; the defaults are onnxruntime's
 * `quantize_static` defaults (QDQ, int8 activations, int8 symmetric weights in [-127, 127],
 * asymmetric activations, MinMax, per tensor, no reduced range), see `DEFAULT_STATIC_SCHEME`.
 */
export interface QuantizeStaticOptions {
  /** Default `'qdq'`. */
  readonly format?: 'qdq' | 'qoperator';
  /** Default `'int8'` (onnxruntime's `activation_type=QInt8`); `'uint8'` is the other choice. */
  readonly activationType?: QuantElementType;
  /** Default false. */
  readonly activationSymmetric?: boolean;
  /** Default `'int8'`. */
  readonly weightType?: QuantElementType;
  /** Default true for int8 weights, false for uint8 (onnxruntime's `WeightSymmetric`). */
  readonly weightSymmetric?: boolean;
  /** Per output channel weight scales; default false. */
  readonly perChannel?: boolean;
  /** 7-bit weights (int8 [-64, 64], uint8 [0, 127]); default false. */
  readonly reduceRange?: boolean;
  /** Weight bit width 2..8, one for all layers or one per layer; default 8. */
  readonly weightBits?: number | readonly number[];
  /** Default `{ kind: 'minmax' }`. */
  readonly calibration?: CalibrationMethod;
  /**
   * Default `fused-integer`: onnxruntime 1.30.0 fuses QDQ Gemm graphs into QGemm at its default
   * level `all`. Use `unfused-float` to model a session at level `disabled` or `basic`.
   */
  readonly executionPath?: ExecutionPath;
  /** Default `'dequantize'` (quantised logits, then DequantizeLinear). */
  readonly logits?: 'dequantize' | 'float';
  /**
   * Default `'per-tensor'`: one input scale for every feature. `'per-feature'`: one scale per input
   * feature (a per-axis input QuantizeLinear, symmetric around one shared zero point, the first
   * layer's weights folded by `s_i / s0`); QOperator format only.
   */
  readonly inputScale?: InputScaleGranularity;
  /** Warn when this input box is not inside the range the input quantisation represents. */
  readonly operatingBox?: { readonly lower: ArrayLike<number>; readonly upper: ArrayLike<number> };
}

/** Every default of `quantizeStatic`, resolved. */
export interface StaticScheme {
  readonly format: 'qdq' | 'qoperator';
  readonly activationType: QuantElementType;
  readonly activationSymmetric: boolean;
  readonly weightType: QuantElementType;
  readonly weightSymmetric: boolean;
  readonly perChannel: boolean;
  readonly reduceRange: boolean;
  readonly weightBits: readonly number[];
  readonly calibration: CalibrationMethod;
  readonly executionPath: ExecutionPath;
  readonly logits: 'dequantize' | 'float';
  readonly inputScale: InputScaleGranularity;
}

/** How the network input is quantised: one scale for all features, or one scale per feature. */
export type InputScaleGranularity = 'per-tensor' | 'per-feature';

/** The defaults of `quantizeStatic`, for documentation and reports (bits for a single layer). */
export const DEFAULT_STATIC_SCHEME: StaticScheme = {
  format: 'qdq',
  activationType: 'int8',
  activationSymmetric: false,
  weightType: 'int8',
  weightSymmetric: true,
  perChannel: false,
  reduceRange: false,
  weightBits: [8],
  calibration: { kind: 'minmax' },
  executionPath: { kind: 'fused-integer' },
  logits: 'dequantize',
  inputScale: 'per-tensor',
};

/** Options of `quantizeDynamic`; defaults follow onnxruntime's `quantize_dynamic`. */
export interface QuantizeDynamicOptions {
  /** Default `'int8'`. */
  readonly weightType?: QuantElementType;
  /** Default true for int8 weights, false for uint8. */
  readonly weightSymmetric?: boolean;
  /** Default false. */
  readonly perChannel?: boolean;
  /** Default false. */
  readonly reduceRange?: boolean;
  /** Weight bit width 2..8, one for all layers or one per layer; default 8. */
  readonly weightBits?: number | readonly number[];
}

function checkElementType(name: string, value: unknown): QuantElementType {
  if (value !== 'uint8' && value !== 'int8') {
    throw new QuantOptionsError(`${name} must be 'uint8' or 'int8'; got ${String(value)}`);
  }
  return value;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new QuantOptionsError(`${name} must be a boolean; got ${String(value)}`);
  return value;
}

/** Expands `weightBits` to one value per layer and checks each lies in 2..8. */
export function resolveWeightBits(
  weightBits: number | readonly number[] | undefined,
  layerCount: number,
): number[] {
  const bits =
    typeof weightBits === 'number' || weightBits === undefined
      ? new Array<number>(layerCount).fill(weightBits ?? 8)
      : [...weightBits];
  if (bits.length !== layerCount) {
    throw new QuantOptionsError(
      `weightBits lists ${bits.length} widths; the network has ${layerCount} layers`,
    );
  }
  bits.forEach((b, l) => {
    if (!Number.isInteger(b) || b < 2 || b > 8) {
      throw new QuantOptionsError(`weightBits[${l}] must be an integer in 2..8; got ${b}`);
    }
  });
  return bits;
}

/** Resolves and checks `quantizeStatic` options for a network of `layerCount` layers. */
export function resolveStaticScheme(
  options: QuantizeStaticOptions,
  layerCount: number,
): StaticScheme {
  const format = options.format ?? 'qdq';
  if (format !== 'qdq' && format !== 'qoperator') {
    throw new QuantOptionsError(`format must be 'qdq' or 'qoperator'; got ${String(format)}`);
  }
  const activationType = checkElementType('activationType', options.activationType ?? 'int8');
  const weightType = checkElementType('weightType', options.weightType ?? 'int8');
  const activationSymmetric = checkBoolean(
    'activationSymmetric',
    options.activationSymmetric ?? false,
  );
  const weightSymmetric = checkBoolean(
    'weightSymmetric',
    options.weightSymmetric ?? weightType === 'int8',
  );
  const perChannel = checkBoolean('perChannel', options.perChannel ?? false);
  const reduceRange = checkBoolean('reduceRange', options.reduceRange ?? false);
  const weightBits = resolveWeightBits(options.weightBits, layerCount);
  if (activationType === 'int8' && weightType === 'uint8') {
    throw new QuantOptionsError(
      "int8 activations need int8 weights: onnxruntime's int8 QGemm/QLinearMatMul kernels take int8 B only",
    );
  }
  const logits = options.logits ?? 'dequantize';
  if (logits !== 'dequantize' && logits !== 'float') {
    throw new QuantOptionsError(`logits must be 'dequantize' or 'float'; got ${String(logits)}`);
  }
  const executionPath: ExecutionPath = options.executionPath ?? { kind: 'fused-integer' };
  if (format === 'qoperator' && executionPath.kind !== 'fused-integer') {
    throw new QuantOptionsError(
      "the QOperator format always runs 'fused-integer' (QGemm / QLinearMatMul)",
    );
  }
  const inputScale = options.inputScale ?? 'per-tensor';
  if (inputScale !== 'per-tensor' && inputScale !== 'per-feature') {
    throw new QuantOptionsError(
      `inputScale must be 'per-tensor' or 'per-feature'; got ${String(inputScale)}`,
    );
  }
  if (inputScale === 'per-feature' && format !== 'qoperator') {
    throw new QuantOptionsError(
      "inputScale 'per-feature' needs format 'qoperator': onnxruntime runs a per-axis input " +
        'QuantizeLinear before a QGemm as the executor does, but not a per-axis QDQ input',
    );
  }
  return {
    format,
    activationType,
    activationSymmetric,
    weightType,
    weightSymmetric,
    perChannel,
    reduceRange,
    weightBits,
    calibration: options.calibration ?? { kind: 'minmax' },
    executionPath,
    logits,
    inputScale,
  };
}
