// onnxruntime-node as the runtime counterexamples are replayed in: the user's own files, byte for
// byte as they were read (never a model re-written from what a reader understood), CPU execution
// provider, one intra-op thread, each file at the optimisation level its reader reported. The
// replay objects have the shape of @quantproof/smt-verify's `RuntimeReplay` and
// `RuntimeFp32Replay` (smt-verify imports no runtime: its callers inject these).

import type { Mlp } from '@quantproof/nn';
import type { QMlp } from '@quantproof/quant';
import { createOrtSession, type GraphOptimizationLevel, type OrtSession } from './ort-session.js';

/** The name recorded in counterexamples replayed here (`Counterexample.runtimeReplay`). */
export const ORT_REPLAY_NAME = 'onnxruntime-node';

/** The onnxruntime-node version this package pins (its package.json; checked by a test). */
export const ORT_VERSION = '1.30.0';

/** The session options a replay runs a file with, as results record them. */
export interface ReplaySessionOptions {
  readonly executionProvider: 'cpu';
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  readonly intraOpNumThreads: 1;
}

/** A model file to replay: its path (for records), its bytes as read, and its session level. */
export interface ReplayFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  /**
   * The optimisation level whose arithmetic the model as read reproduces (`ReadQMlpResult.ortLevel`;
   * onnxruntime's default `'all'` for FP32 files).
   */
  readonly level: GraphOptimizationLevel;
}

/** The session options of a file replayed at `level`. */
export function replaySessionOptions(level: GraphOptimizationLevel): ReplaySessionOptions {
  return { executionProvider: 'cpu', graphOptimizationLevel: level, intraOpNumThreads: 1 };
}

function sessionOptions(level: GraphOptimizationLevel) {
  return { graphOptimizationLevel: level, intraOpNumThreads: 1 } as const;
}

/** Runs one input (batch 1) through an .onnx model in a fresh onnxruntime-node session. */
export async function runOnnxOnce(
  bytes: Uint8Array,
  input: Float32Array,
  level: GraphOptimizationLevel = 'all',
): Promise<Float32Array> {
  const session = await createOrtSession(bytes, sessionOptions(level));
  try {
    return await session.run(input, 1);
  } finally {
    await session.release();
  }
}

/** One session of a file, created on the first run (batch 1) and kept until `release`. */
export interface ReplaySession {
  run(input: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
}

/** A lazily created session of `file` at its own level. */
export function replaySession(file: Pick<ReplayFile, 'bytes' | 'level'>): ReplaySession {
  let session: Promise<OrtSession> | null = null;
  return {
    run: async (input) => {
      session ??= createOrtSession(file.bytes, sessionOptions(file.level));
      return (await session).run(input, 1);
    },
    release: async () => {
      const s = session;
      session = null;
      if (s !== null) await (await s).release();
    },
  };
}

/** A replay of an FP32/int8 pair whose sessions stay open until `release`. */
export interface OrtPairReplay {
  readonly name: string;
  /** Runs the FP32 file (the network argument is ignored: the file is that network). */
  fp32(mlp: Mlp, input: Float32Array): Promise<Float32Array>;
  /** Runs the int8 file (the model argument is ignored likewise). */
  int8(model: QMlp, input: Float32Array): Promise<Float32Array>;
  /** Releases both sessions. */
  release(): Promise<void>;
}

/** Replays on the pair's own bytes in onnxruntime-node; one session per file, kept until `release`. */
export function ortPairReplay(files: {
  readonly fp32: Pick<ReplayFile, 'bytes' | 'level'>;
  readonly int8: Pick<ReplayFile, 'bytes' | 'level'>;
}): OrtPairReplay {
  const fp32 = replaySession(files.fp32);
  const int8 = replaySession(files.int8);
  return {
    name: ORT_REPLAY_NAME,
    fp32: (_mlp, input) => fp32.run(input),
    int8: (_model, input) => int8.run(input),
    release: async () => {
      await fp32.release();
      await int8.release();
    },
  };
}
