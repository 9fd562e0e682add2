// VNN-LIB checking of an .onnx FP32 network: reading the file and parsing the property are the onnx
// package's, deciding it is smt-verify's, and counterexamples are confirmed in onnxruntime-node on
// the original file (injected, since smt-verify imports no runtime).

import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import {
  type VnnlibOptions,
  type VnnlibResult,
  verifyVnnlibProperty,
} from '@quantproof/smt-verify';
import { ortReplayOfOnnx } from './ort-replay.js';

/** Options of `verifyVnnlib`: smt-verify's, plus whether to replay in onnxruntime-node. */
export interface VerifyVnnlibOptions extends Omit<VnnlibOptions, 'replay'> {
  /** Confirm counterexamples in onnxruntime-node on the original .onnx file. Default true. */
  readonly replayInOrt?: boolean;
}

/** Reads an .onnx FP32 network and a VNN-LIB property and decides it (see `VnnlibResult`). */
export async function verifyVnnlib(
  onnxBytes: Uint8Array,
  vnnlibText: string,
  options: VerifyVnnlibOptions = {},
): Promise<VnnlibResult> {
  const { mlp } = readMlpOnnx(onnxBytes);
  const property = parseVnnlib(vnnlibText);
  const { replayInOrt = true, ...rest } = options;
  return verifyVnnlibProperty(
    mlp,
    property,
    replayInOrt ? { ...rest, replay: ortReplayOfOnnx(onnxBytes) } : rest,
  );
}
