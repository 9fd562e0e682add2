import type { OutputHead } from '@quantproof/nn';
import type { QuantizedArray, TensorQuant, WeightQuant } from '@quantproof/quant';

/** The node that computes a static layer in the file. */
export type StaticLinearNode = 'gemm-transb' | 'gemm' | 'matmul-add' | 'qgemm' | 'qlinearmatmul';

/** A static layer as read from the graph, before its activation is decided. */
export interface StaticLayerDraft {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: QuantizedArray;
  readonly weightQuant: WeightQuant;
  readonly bias: Int32Array;
  readonly output: TensorQuant | null;
  /** Whether the graph has a Relu node between the layer and its output quantisation. */
  readonly reluNode: boolean;
  readonly linearNode: StaticLinearNode;
}

/** A QDQ or QOperator graph as read, before metadata and activations are applied. */
export interface StaticDraft {
  readonly input: TensorQuant;
  /** Per-feature scales of a per-axis input QuantizeLinear (QOperator only). */
  readonly inputScales?: Float32Array;
  readonly layers: readonly StaticLayerDraft[];
  readonly logits: 'dequantize' | 'float';
  /** `softmax` when a final Softmax over the features follows the logits. */
  readonly head: OutputHead;
}
