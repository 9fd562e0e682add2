// The models a test hands over: the .onnx bytes of the user's files (what counterexamples are
// replayed on), or in-memory networks, which are written to ONNX first and read back, so that the
// networks verified are exactly the files replayed.
import type { Mlp } from '@quantproof/nn';
import {
  type GraphOptimizationLevel,
  readModelOnnx,
  writeMlpOnnx,
  writeQMlpOnnx,
} from '@quantproof/onnx';
import type { QMlp } from '@quantproof/quant';
import { ModelInputError } from './errors.js';

/** A model as a test has it: the bytes of an .onnx file (e.g. `readFileSync('policy.onnx')`), an `Mlp` or a `QMlp`. */
export type ModelSource = Uint8Array | Mlp | QMlp;

/** A model read from its .onnx bytes. */
export type LoadedModel =
  | {
      readonly kind: 'fp32';
      readonly mlp: Mlp;
      readonly bytes: Uint8Array;
      readonly level: GraphOptimizationLevel;
    }
  | {
      readonly kind: 'int8';
      readonly model: QMlp;
      readonly bytes: Uint8Array;
      readonly level: GraphOptimizationLevel;
    };

/** The FP32 and int8 models of one comparison, read from their bytes. */
export interface ModelPair {
  readonly fp32: Extract<LoadedModel, { kind: 'fp32' }>;
  readonly int8: Extract<LoadedModel, { kind: 'int8' }>;
}

const loaded = new WeakMap<object, LoadedModel>();

function isQMlp(source: Mlp | QMlp): source is QMlp {
  return 'format' in source;
}

/** Reads (or writes and reads back) one model; cached per source object. */
export function loadModel(source: ModelSource, role: 'fp32' | 'int8'): LoadedModel {
  const cached = loaded.get(source);
  if (cached !== undefined) return cached;
  let bytes: Uint8Array;
  if (source instanceof Uint8Array) bytes = source;
  else if (typeof source === 'object' && source !== null && Array.isArray(source.layers)) {
    bytes = isQMlp(source) ? writeQMlpOnnx(source) : writeMlpOnnx(source);
  } else {
    throw new ModelInputError(
      `the ${role} model is ${typeof source}; pass the bytes of an .onnx file (readFileSync('model.onnx')), an Mlp or a QMlp`,
    );
  }
  let read: ReturnType<typeof readModelOnnx>;
  try {
    read = readModelOnnx(bytes);
  } catch (error) {
    throw new ModelInputError(
      `the ${role} model is not an ONNX model quantproof can read: ${(error as Error).message}`,
    );
  }
  const result: LoadedModel =
    read.kind === 'fp32'
      ? { kind: 'fp32', mlp: read.mlp, bytes, level: 'all' }
      : { kind: 'int8', model: read.model, bytes, level: read.ortLevel };
  loaded.set(source, result);
  return result;
}

/** Reads both models of a comparison and checks that each is of its kind and that they fit together. */
export function loadPair(fp32: ModelSource, int8: ModelSource): ModelPair {
  const f = loadModel(fp32, 'fp32');
  const q = loadModel(int8, 'int8');
  if (f.kind !== 'fp32') {
    throw new ModelInputError('the FP32 model is an int8 model; pass the FP32 original there');
  }
  if (q.kind !== 'int8') {
    throw new ModelInputError(
      'the int8 model is an FP32 model; pass the quantised model (expect(int8)…, fp32 as the argument)',
    );
  }
  const fi = f.mlp.layers[0]!.inFeatures;
  const fo = f.mlp.layers.at(-1)!.outFeatures;
  const qi = q.model.layers[0]!.inFeatures;
  const qo = q.model.layers.at(-1)!.outFeatures;
  if (fi !== qi || fo !== qo) {
    throw new ModelInputError(
      `the models do not fit together: FP32 maps ${fi} inputs to ${fo} outputs, int8 ${qi} to ${qo}; pass an int8 model and the FP32 network it was quantised from`,
    );
  }
  return { fp32: f, int8: q };
}
