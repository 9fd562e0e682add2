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

/**
 * A layer a QDQ graph keeps in float32: a Gemm on a constant float32 weight and bias, an optional
 * Relu, and the QuantizeLinear → DequantizeLinear of its output when an int8 layer follows.
 */
export interface FloatLayerDraft {
  readonly kind: 'float';
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Row-major [out][in]. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly reluNode: boolean;
  readonly output: TensorQuant | null;
}

/** A QDQ graph with layers kept in float32, as read. */
export interface MixedDraft {
  readonly kind: 'mixed';
  /** Null when the first layer reads the float32 input. */
  readonly input: TensorQuant | null;
  readonly layers: readonly (StaticLayerDraft | FloatLayerDraft)[];
  readonly logits: 'dequantize' | 'float';
  readonly head: OutputHead;
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
