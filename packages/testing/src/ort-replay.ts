// onnxruntime-node as the runtime smt-verify replays counterexamples in (its `RuntimeReplay`,
// injected as the cli injects its own): @quantproof/onnx's `ortPairReplay` on the pair's own bytes.
import { ORT_REPLAY_NAME, ortPairReplay } from '@quantproof/onnx';
import type { RuntimeReplay } from '@quantproof/smt-verify';
import type { ModelPair } from './models.js';

/** The name recorded in counterexamples replayed here. */
export { ORT_REPLAY_NAME };

/** A runtime replay whose sessions stay open until `release`. */
export interface OrtReplay extends RuntimeReplay {
  /** Releases both sessions. */
  release(): Promise<void>;
}

/** Replays on the pair's own bytes in onnxruntime-node (the model arguments are ignored). */
export function ortReplay(pair: ModelPair): OrtReplay {
  return ortPairReplay(pair);
}
