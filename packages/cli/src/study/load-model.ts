// Reading the models users bring: ONNX files as ours or onnxruntime's quantiser write them.

import { readModelOnnx } from '@quantproof/onnx';
import type { Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
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
