// onnxruntime-node as the runtime in which @quantproof/smt-verify replays counterexamples (the
// sessions are @quantproof/onnx's `ortPairReplay`; smt-verify imports no runtime, ARCHITECTURE.md:
// the cli injects this one), with the record of what ran that run directories keep.

import {
  ORT_REPLAY_NAME,
  ORT_VERSION,
  ortPairReplay,
  type ReplayFile,
  replaySession,
  replaySessionOptions,
  type ReplaySessionOptions,
} from '@quantproof/onnx';
import type { RuntimeFp32Replay, RuntimeReplay } from '@quantproof/smt-verify';

export { ORT_REPLAY_NAME, ORT_VERSION, type ReplayFile };

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

/** A runtime replay whose sessions stay open until `release`. */
export interface OrtReplay extends RuntimeReplay {
  /** The files and session options this replay runs. */
  readonly record: ReplayRecord;
  /** Releases every session it opened. */
  release(): Promise<void>;
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
 * networks the verifier was given, read from these bytes), with the record of what ran.
 */
export function ortReplayOfFiles(files: {
  readonly fp32: ReplayFile;
  readonly int8: ReplayFile;
}): OrtReplay {
  return { ...ortPairReplay(files), record: replayRecordOf(files) };
}

/**
 * Replays the FP32 side in onnxruntime-node on an original .onnx file (VNN-LIB: the network the
 * property is about, byte for byte). `file.bytes` must hold the network that `fp32` is called
 * with; the `mlp` argument is ignored.
 */
export function ortReplayOfOnnx(
  file: ReplayFile,
): RuntimeFp32Replay & { readonly record: ReplayRecord; release(): Promise<void> } {
  const fp32 = replaySession(file);
  return {
    name: ORT_REPLAY_NAME,
    record: replayRecordOf({ fp32: file }),
    fp32: (_mlp, input) => fp32.run(input),
    release: () => fp32.release(),
  };
}
