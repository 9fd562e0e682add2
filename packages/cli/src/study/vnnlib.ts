// VNN-LIB checking of an .onnx FP32 network: reading the file and parsing the property are the onnx
// package's, deciding it is smt-verify's, and counterexamples are confirmed in onnxruntime-node on
// the original file (injected, since smt-verify imports no runtime).

import { parseVnnlib, readMlpOnnx } from '@quantproof/onnx';
import {
  type VnnlibOptions,
  type VnnlibResult,
  verifyVnnlibProperty,
} from '@quantproof/smt-verify';
import { ortReplayOfOnnx, type ReplayFile } from './ort-replay.js';

/** Options of `verifyVnnlib`: smt-verify's, plus whether to replay in onnxruntime-node. */
export interface VerifyVnnlibOptions extends Omit<VnnlibOptions, 'replay'> {
  /** Confirm counterexamples in onnxruntime-node on the original .onnx file. Default true. */
  readonly replayInOrt?: boolean;
}

/**
 * Reads an .onnx FP32 network and a VNN-LIB property and decides it (see `VnnlibResult`); a
 * witness is replayed in onnxruntime-node on `network.bytes` (ORT's default level `'all'` unless
 * `network.level` says otherwise).
 */
export async function verifyVnnlib(
  network: Uint8Array | ReplayFile,
  vnnlibText: string,
  options: VerifyVnnlibOptions = {},
): Promise<VnnlibResult> {
  const file: ReplayFile =
    network instanceof Uint8Array ? { path: '(bytes)', bytes: network, level: 'all' } : network;
  const { mlp } = readMlpOnnx(file.bytes);
  const property = parseVnnlib(vnnlibText);
  const { replayInOrt = true, ...rest } = options;
  if (!replayInOrt) return verifyVnnlibProperty(mlp, property, rest);
  const replay = ortReplayOfOnnx(file);
  try {
    return await verifyVnnlibProperty(mlp, property, { ...rest, replay });
  } finally {
    await replay.release();
  }
}
