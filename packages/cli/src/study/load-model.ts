// Reading the models users bring: ONNX files as ours or onnxruntime's quantiser write them.

import { CARTPOLE_OPERATING_BOX, CartPoleEnv } from '@quantproof/env';
import { type Mlp, mlpInputSize, mlpOutputSize } from '@quantproof/nn';
import { readModelOnnx } from '@quantproof/onnx';
import { type QMlp, qmlpInputSize, qmlpOutputSize } from '@quantproof/quant';
import { InputError } from '../errors.js';
import { readInputFile } from '../files.js';

/** A model file, read. */
export type LoadedModel =
  | { readonly kind: 'fp32'; readonly mlp: Mlp; readonly notes: readonly string[] }
  | { readonly kind: 'int8'; readonly model: QMlp; readonly notes: readonly string[] };

/** Reads an ONNX file; a file that is not a supported model becomes an `InputError`. */
export async function loadModel(path: string, flag: string): Promise<LoadedModel> {
  const bytes = await readInputFile(path, `the ${flag} model`);
  try {
    const read = readModelOnnx(bytes);
    return read.kind === 'fp32'
      ? { kind: 'fp32', mlp: read.mlp, notes: read.notes }
      : { kind: 'int8', model: read.model, notes: read.notes };
  } catch (error) {
    throw new InputError(`${flag} ${path}: ${(error as Error).message}`);
  }
}

/** Reads an ONNX file that must hold an FP32 model. */
export async function loadFp32(path: string, flag: string): Promise<Mlp> {
  const loaded = await loadModel(path, flag);
  if (loaded.kind !== 'fp32') {
    throw new InputError(`${flag} ${path} is an int8 model; pass the FP32 model here`);
  }
  return loaded.mlp;
}

/** CartPole-v1's observation size and action count: what a policy of the study maps. */
const CARTPOLE_POLICY_SHAPE = {
  inputs: CARTPOLE_OPERATING_BOX.dimensions.length,
  outputs: new CartPoleEnv().actionCount,
} as const;

function requireCartPolePolicy(loaded: LoadedModel, path: string, flag: string): void {
  const [inputs, outputs] =
    loaded.kind === 'fp32'
      ? [mlpInputSize(loaded.mlp), mlpOutputSize(loaded.mlp)]
      : [qmlpInputSize(loaded.model), qmlpOutputSize(loaded.model)];
  const { inputs: want, outputs: actions } = CARTPOLE_POLICY_SHAPE;
  if (inputs !== want || outputs !== actions) {
    throw new InputError(
      `${flag} ${path} maps ${inputs} inputs to ${outputs} outputs, but a CartPole-v1 policy maps the ${want} observations to ${actions} action logits; pass a CartPole-v1 policy (other networks can be checked with verify --box or vnnlib)`,
    );
  }
}

/** Reads an ONNX file that must hold a CartPole-v1 policy (4 observations → 2 logits), FP32 or int8. */
export async function loadCartPolePolicy(path: string, flag: string): Promise<LoadedModel> {
  const loaded = await loadModel(path, flag);
  requireCartPolePolicy(loaded, path, flag);
  return loaded;
}

/** Reads an ONNX file that must hold an FP32 CartPole-v1 policy (4 observations → 2 logits). */
export async function loadCartPoleFp32(path: string, flag: string): Promise<Mlp> {
  const mlp = await loadFp32(path, flag);
  requireCartPolePolicy({ kind: 'fp32', mlp, notes: [] }, path, flag);
  return mlp;
}
