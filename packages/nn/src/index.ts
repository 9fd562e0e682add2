export { NnError, NnFormatError, NnOptionsError, NnShapeError } from './errors.js';

export type { Activation, DenseLayer, Mlp, OutputHead } from './mlp.js';
export {
  ACTIVATIONS,
  cloneMlp,
  mlpHead,
  OUTPUT_HEADS,
  copyMlpParameters,
  mlpInputSize,
  mlpOutputSize,
  mlpParameterCount,
  mlpSizes,
  validateMlp,
} from './mlp.js';

export type { Rng, SeededRng } from './rng.js';
export { createSeededRng, standardNormal } from './rng.js';

export { orthogonalInit } from './orthogonal-init.js';
export { kaimingNormalInit, kaimingUniformInit, RELU_GAIN } from './kaiming-init.js';
export type { CreateMlpOptions, MlpInit } from './create-mlp.js';
export { createMlp, DEFAULT_POLICY_SIZES } from './create-mlp.js';

export type { ForwardBatchFp32Options, ForwardFp32Workspace } from './forward-fp32.js';
export {
  createForwardFp32Workspace,
  forwardBatchFp32,
  forwardFp32,
  forwardFp32Into,
} from './forward-fp32.js';

export type { LayerGradients, MlpGradients } from './gradients.js';
export { clipGradientNorm, createMlpGradients, gradientNorm, zeroGradients } from './gradients.js';
export type {
  BackwardTrainOptions,
  TrainingBackend,
  TrainingWorkspace,
  TrainingWorkspaceOptions,
} from './training-workspace.js';
export { backwardTrain, createTrainingWorkspace, forwardTrain } from './training-workspace.js';

export type { AdamOptions, AdamState, AdamStepOptions, AdamStepResult } from './adam.js';
export { adamStep, createAdam } from './adam.js';

export type { GradientSink } from './gradient-sink.js';
export type { Logits } from './log-softmax.js';
export { logSoftmax, logSoftmaxBackward, logSumExp, softmax } from './log-softmax.js';
export {
  argmax,
  categoricalEntropy,
  categoricalLogProb,
  meanEntropy,
  sampleCategorical,
  softmaxCrossEntropy,
} from './categorical.js';
export type { PpoSurrogateBatch, PpoSurrogateResult } from './ppo-surrogate.js';
export { ppoClippedSurrogate } from './ppo-surrogate.js';
export { meanSquaredError } from './mean-squared-error.js';
export type { DistillationOptions } from './distillation.js';
export { distillationKl } from './distillation.js';

export type {
  JsonValue,
  MlpFromJsonResult,
  MlpJson,
  MlpJsonLayer,
  MlpMetadata,
} from './mlp-json.js';
export {
  MLP_JSON_FORMAT,
  MLP_JSON_TENSOR_ENCODING,
  MLP_JSON_VERSION,
  mlpFromJson,
  mlpToJson,
} from './mlp-json.js';
// The base64 codec of the JSON formats (nn's Mlp JSON, quant's QMlp JSON).
export { decodeBase64, encodeBase64 } from './base64.js';

// The VNN-LIB property as data: onnx parses it, smt-verify decides it.
export type {
  VnnlibBound,
  VnnlibLinearConstraint,
  VnnlibProperty,
  VnnlibRational,
} from './vnnlib-property.js';
