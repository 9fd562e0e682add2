// onnxruntime-node as the runtime in which @quantproof/smt-verify replays counterexamples. smt-verify
// imports no runtime (ARCHITECTURE.md): the cli injects this one, built on the onnx package's
// writers and sessions.

import type { Mlp } from '@quantproof/nn';
import { createOrtSession, writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import type { QMlp } from '@quantproof/quant';
import type { RuntimeFp32Replay, RuntimeReplay } from '@quantproof/smt-verify';

/** The name recorded in counterexamples replayed here (`Counterexample.runtimeReplay`). */
export const ORT_REPLAY_NAME = 'onnxruntime-node';

/** Runs one input (batch 1) through an .onnx model in a fresh onnxruntime-node session. */
export async function runOnnxOnce(bytes: Uint8Array, input: Float32Array): Promise<Float32Array> {
  const session = await createOrtSession(bytes);
  try {
    return await session.run(input, 1);
  } finally {
    await session.release();
  }
}

/** A runtime replay whose sessions stay open until `release`. */
export interface OrtReplay extends RuntimeReplay {
  /** Releases every session it opened. */
  release(): Promise<void>;
}

/**
 * Replays in onnxruntime-node: the FP32 network through `writeMlpOnnx`, the int8 network through
 * `writeQMlpOnnx` (default session options: level `all`, one thread, as the executors assume).
 * One session per network, kept until `release`.
 */
export function ortReplay(): OrtReplay {
  const sessions = new Map<object, ReturnType<typeof createOrtSession>>();
  const run = async (key: object, bytes: () => Uint8Array, input: Float32Array) => {
    let session = sessions.get(key);
    if (session === undefined) {
      session = createOrtSession(bytes());
      sessions.set(key, session);
    }
    return (await session).run(input, 1);
  };
  return {
    name: ORT_REPLAY_NAME,
    fp32: (mlp: Mlp, input: Float32Array) => run(mlp, () => writeMlpOnnx(mlp), input),
    int8: (model: QMlp, input: Float32Array) => run(model, () => writeQMlpOnnx(model), input),
    release: async () => {
      const all = [...sessions.values()];
      sessions.clear();
      for (const s of all) await (await s).release();
    },
  };
}

/**
 * Replays the FP32 side in onnxruntime-node on an original .onnx file (VNN-LIB: the network the
 * property is about, byte for byte) instead of a re-written one. `bytes` must hold the network
 * that `fp32` is called with; the `mlp` argument is ignored.
 */
export function ortReplayOfOnnx(bytes: Uint8Array): RuntimeFp32Replay {
  return {
    name: ORT_REPLAY_NAME,
    fp32: (_mlp: Mlp, input: Float32Array) => runOnnxOnce(bytes, input),
  };
}
