// onnxruntime-node as the runtime smt-verify replays counterexamples in (its `RuntimeReplay`,
// injected as the cli injects its own): the user's files, byte for byte, CPU execution provider,
// one intra-op thread, each file at the optimisation level its reader reported.
import { createOrtSession, type OrtSession } from '@quantproof/onnx';
import type { RuntimeReplay } from '@quantproof/smt-verify';
import type { LoadedModel, ModelPair } from './models.js';

/** The name recorded in counterexamples replayed here. */
export const ORT_REPLAY_NAME = 'onnxruntime-node';

/** A runtime replay whose sessions stay open until `release`. */
export interface OrtReplay extends RuntimeReplay {
  /** Releases both sessions. */
  release(): Promise<void>;
}

function session(file: LoadedModel): {
  run(input: Float32Array): Promise<Float32Array>;
  release(): Promise<void>;
} {
  let open: Promise<OrtSession> | null = null;
  return {
    run: async (input) => {
      open ??= createOrtSession(file.bytes, {
        graphOptimizationLevel: file.level,
        intraOpNumThreads: 1,
      });
      return (await open).run(input, 1);
    },
    release: async () => {
      const s = open;
      open = null;
      if (s !== null) await (await s).release();
    },
  };
}

/** Replays on the pair's own bytes in onnxruntime-node (the model arguments are ignored). */
export function ortReplay(pair: ModelPair): OrtReplay {
  const fp32 = session(pair.fp32);
  const int8 = session(pair.int8);
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
