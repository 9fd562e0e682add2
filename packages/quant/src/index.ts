// The public surface of @quantproof/quant. Everything not exported here is internal.

export { argmaxFirst } from './argmax.js';
export { decideLogits, decideOutputs, type OutputDecision, SOFTMAX_ORDER_GAP } from './decision.js';
export {
  calibrateInputFeatureRanges,
  calibrateRanges,
  type CalibrationMethod,
  type CalibrationRanges,
  type TensorRange,
} from './calibration.js';
export {
  type CpuSemantics,
  type CpuSemanticsDetection,
  cpuSemanticsFromFlags,
  DEFAULT_CPU_SEMANTICS,
} from './cpu-semantics.js';
export {
  elementTypeRange,
  type IntRange,
  type QuantElementType,
  type QuantizedArray,
} from './element-type.js';
export {
  AccumulatorOverflowError,
  CalibrationDataError,
  InputShapeError,
  InvalidQMlpError,
  NonFiniteInputError,
  QMlpFormatError,
  QuantError,
  QuantOptionsError,
  UnsupportedSchemeError,
} from './errors.js';
export {
  type FakeQuantNetwork,
  forwardFakeQuant,
  type ForwardFakeQuantOptions,
} from './fake-quant.js';
export {
  createInt8Executor,
  type ForwardInt8Options,
  forwardInt8,
  forwardInt8Batch,
  type Int8Executor,
  type Int8Trace,
  type LayerTrace,
  traceInt8,
} from './forward-int8.js';
export {
  biasScales,
  type ExecutionPath,
  type FloatGemmLayout,
  layerInputQuant,
  layerMultipliers,
  inputFeatureQuant,
  inputFeatureQuants,
  hasInputCells,
  int8Layer,
  isFloatLayer,
  type QDynamicLayer,
  type QFloatLayer,
  type QMixedInt8Layer,
  type QMlp,
  type QMlpDynamic,
  type QMlpFormat,
  type QMlpMixed,
  type QMlpStatic,
  qmlpInputSize,
  qmlpOutputSize,
  type QStaticLayer,
  validateQMlp,
  type WeightQuant,
  weightQuantFor,
} from './qmlp.js';
export {
  type MixedPrecisionCandidate,
  type MixedPrecisionResult,
  type MixedPrecisionRound,
  searchMixedPrecision,
  type SearchMixedPrecisionOptions,
} from './mixed-precision.js';
export {
  QMLP_JSON_FORMAT,
  QMLP_JSON_TENSOR_ENCODING,
  QMLP_JSON_VERSION,
  type QDynamicLayerJson,
  type QMlpJson,
  type QMlpMetadata,
  type QMlpModelJson,
  type QStaticLayerJson,
  qmlpToJson,
  type TensorQuantJson,
  type WeightQuantJson,
} from './qmlp-json.js';
export { qmlpFromJson, type QMlpFromJsonResult } from './qmlp-from-json.js';
export {
  type QatBoxSamples,
  type QatEpoch,
  type QatLoss,
  type QatRangeTracking,
  quantizeAwareTrain,
  type QuantizeAwareTrainOptions,
  type QuantizeAwareTrainResult,
} from './quantize-aware-train.js';
export { keepLayersInFloat32 } from './keep-float.js';
export { quantizeDynamic, type QuantizeDynamicResult } from './quantize-dynamic.js';
export {
  dequantizeLinear,
  dequantizeLinearArray,
  quantizeLinear,
  type TensorQuant,
} from './quantize-linear.js';
export {
  quantizeStatic,
  type QuantizeStaticResult,
  quantizeStaticWithRanges,
  type QuantWarning,
} from './quantize-static.js';
export { requantize, scaleAccumulator } from './requantize.js';
export { staticRangesOf, staticSchemeOf } from './static-model-scheme.js';
export { roundHalfEven } from './round-half-even.js';
export {
  DEFAULT_STATIC_SCHEME,
  type InputScaleGranularity,
  type QuantizeDynamicOptions,
  type QuantizeStaticOptions,
  type StaticScheme,
} from './scheme.js';
export type { DecisionAgreement } from './decision-agreement.js';
export { decisionAgreement } from './decision-agreement.js';
export { pairSaturationFree } from './pair-saturation.js';
