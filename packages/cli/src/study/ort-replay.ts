// onnxruntime-node as the runtime in which @quantproof/smt-verify replays counterexamples. smt-verify
// imports no runtime (ARCHITECTURE.md): the cli injects this one. It runs the user's own files,
// byte for byte as they were read, never a model re-written from what a reader understood: a
// reader mistake then shows up as a replay that contradicts the executors.

import type { Mlp } from '@quantproof/nn';
import { createOrtSession, type GraphOptimizationLevel, type OrtSession } from '@quantproof/onnx';
import type { QMlp } from '@quantproof/quant';
import type { RuntimeFp32Replay, RuntimeReplay } from '@quantproof/smt-verify';

/** The name recorded in counterexamples replayed here (`Counterexample.runtimeReplay`). */
export const ORT_REPLAY_NAME = 'onnxruntime-node';

/** The onnxruntime-node version @quantproof/onnx pins (its package.json). */
export const ORT_VERSION = '1.30.0';

/** The session options a replay runs a file with, as recorded in results. */
export interface ReplaySessionOptions {
  readonly executionProvider: 'cpu';
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  readonly intraOpNumThreads: 1;
}

/** A model file to replay: its path (for the record), its bytes as read, and its session level. */
export interface ReplayFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  /**
   * The optimisation level whose arithmetic the model as read reproduces (onnx's
   * `ReadQMlpResult.ortLevel`; onnxruntime's default `'all'` for FP32 files).
   */
  readonly level: GraphOptimizationLevel;
}

/** What a replay ran, for results: the runtime and, per file, its size and session options. */
export interface ReplayRecord {
  /** `onnxruntime-node 1.30.0`. */
  readonly runtime: string;
  readonly files: readonly {
    readonly role: 'fp32' | 'int8';
    readonly path: string;
    readonly bytes: number;
    readonly sessionOptions: ReplaySessionOptions;
  }[];
}

/** The session options of a file replayed at `level`. */
export function replaySessionOptions(level: GraphOptimizationLevel): ReplaySessionOptions {
  return { executionProvider: 'cpu', graphOptimizationLevel: level, intraOpNumThreads: 1 };
}

/** Runs one input (batch 1) through an .onnx model in a fresh onnxruntime-node session. */
export async function runOnnxOnce(
  bytes: Uint8Array,
  input: Float32Array,
  level: GraphOptimizationLevel = 'all',
): Promise<Float32Array> {
  const session = await createOrtSession(bytes, replayOrtOptions(level));
  try {
    return await session.run(input, 1);
  } finally {
    await session.release();
  }
}

function replayOrtOptions(level: GraphOptimizationLevel) {
  const options = replaySessionOptions(level);
  return {
    graphOptimizationLevel: options.graphOptimizationLevel,
    intraOpNumThreads: options.intraOpNumThreads,
  };
}

/** A runtime replay whose sessions stay open until `release`. */
export interface OrtReplay extends RuntimeReplay {
  /** The files and session options this replay runs. */
  readonly record: ReplayRecord;
  /** Releases every session it opened. */
  release(): Promise<void>;
}

/** One lazily created session per file, kept until released. */
function fileSession(file: ReplayFile): {
  run(input: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
} {
  let session: Promise<OrtSession> | null = null;
  return {
    run: async (input) => {
      session ??= createOrtSession(file.bytes, replayOrtOptions(file.level));
      return (await session).run(input, 1);
    },
    release: async () => {
      const s = session;
      session = null;
      if (s !== null) await (await s).release();
    },
  };
}

/** The record of a replay of `files`. */
export function replayRecordOf(files: {
  readonly fp32: ReplayFile;
  readonly int8?: ReplayFile;
}): ReplayRecord {
  const roles = [
    ['fp32', files.fp32] as const,
    ...(files.int8 ? [['int8', files.int8] as const] : []),
  ];
  return {
    runtime: `${ORT_REPLAY_NAME} ${ORT_VERSION}`,
    files: roles.map(([role, file]) => ({
      role,
      path: file.path,
      bytes: file.bytes.length,
      sessionOptions: replaySessionOptions(file.level),
    })),
  };
}

/**
 * Replays in onnxruntime-node on the given files: `fp32(mlp, x)` runs `files.fp32.bytes`,
 * `int8(model, x)` runs `files.int8.bytes` (the model arguments are ignored: the files are the
 * networks the verifier was given, read from these bytes). CPU execution provider, one intra-op
 * thread, each file at its own optimisation level; one session per file, kept until `release`.
 */
export function ortReplayOfFiles(files: {
  readonly fp32: ReplayFile;
  readonly int8: ReplayFile;
}): OrtReplay {
  const fp32 = fileSession(files.fp32);
  const int8 = fileSession(files.int8);
  return {
    name: ORT_REPLAY_NAME,
    record: replayRecordOf(files),
    fp32: (_mlp: Mlp, input: Float32Array) => fp32.run(input),
    int8: (_model: QMlp, input: Float32Array) => int8.run(input),
    release: async () => {
      await fp32.release();
      await int8.release();
    },
  };
}

/**
 * Replays the FP32 side in onnxruntime-node on an original .onnx file (VNN-LIB: the network the
 * property is about, byte for byte). `file.bytes` must hold the network that `fp32` is called
 * with; the `mlp` argument is ignored.
 */
export function ortReplayOfOnnx(
  file: ReplayFile,
): RuntimeFp32Replay & { readonly record: ReplayRecord; release(): Promise<void> } {
  const fp32 = fileSession(file);
  return {
    name: ORT_REPLAY_NAME,
    record: replayRecordOf({ fp32: file }),
    fp32: (_mlp: Mlp, input: Float32Array) => fp32.run(input),
    release: () => fp32.release(),
  };
}
