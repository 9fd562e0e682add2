import { mlpHead } from '@quantproof/nn';
import { validateQMlp } from '@quantproof/quant';
import type { QMlp } from '@quantproof/quant';
import { InvalidWriteOptionsError } from './errors.js';
import { intAttr, matrixValueInfo, MICROSOFT_DOMAIN } from './graph-builder.js';
import type { GraphBuilder } from './graph-builder.js';
import { encodeModelProto } from './proto/onnx-schema.js';
import type { ModelProtoObject } from './proto/onnx-schema.js';
import { qmlpMetadataEntries, RESERVED_METADATA_PREFIX } from './qmlp-metadata.js';
import { dynamicGraph } from './write-dynamic.js';
import { PRODUCER_NAME, PRODUCER_VERSION, WRITER_IR_VERSION, WRITER_OPSET } from './write-mlp.js';
import type { WriteMlpOptions } from './write-mlp.js';
import { qdqGraph } from './write-qdq.js';
import { qoperatorGraph } from './write-qoperator.js';

/** Options of `writeQMlpOnnx`: those of `writeMlpOnnx`, with the same defaults. */
export type WriteQMlpOptions = WriteMlpOptions;

/** Version of the com.microsoft operator set that QOperator files import (for QGemm). */
export const MICROSOFT_OPSET = 1;

// The float logits in front of a Softmax head (the graph output is the Softmax's).
const SOFTMAX_INPUT = '/Softmax_input_0';

/**
 * Writes a quantised MLP as .onnx bytes in its `format`: `qdq` (QuantizeLinear/DequantizeLinear
 * around Gemm), `qoperator` (com.microsoft QGemm) or `dynamic` (DynamicQuantizeLinear →
 * MatMulInteger → Cast → Mul → Add → Relu), then a float32 `Softmax(axis = -1)` producing the output
 * when the model's head is `softmax`, with metadata naming the format, the scheme and the
 * onnxruntime execution path the file is expected to take. Throws quant's `InvalidQMlpError` for a
 * model that breaks its invariants and `InvalidWriteOptionsError` for clashing names or reserved
 * metadata keys.
 */
export function writeQMlpOnnx(model: QMlp, options: WriteQMlpOptions = {}): Uint8Array {
  validateQMlp(model);
  const inputName = options.inputName ?? 'obs';
  const outputName = options.outputName ?? 'logits';
  const batchDimName = options.batchDimName ?? 'N';
  if (inputName === '' || outputName === '' || batchDimName === '') {
    throw new InvalidWriteOptionsError(
      'inputName, outputName and batchDimName must not be empty',
      'writeQMlpOnnx',
    );
  }
  if (inputName === outputName) {
    throw new InvalidWriteOptionsError(
      `inputName and outputName are both '${inputName}'`,
      'writeQMlpOnnx',
    );
  }
  const userMetadata = Object.entries(options.metadata ?? {});
  for (const [key] of userMetadata) {
    if (key.startsWith(RESERVED_METADATA_PREFIX)) {
      throw new InvalidWriteOptionsError(
        `metadata key '${key}' is reserved for what writeQMlpOnnx records itself`,
        'writeQMlpOnnx',
      );
    }
  }
  const softmax = mlpHead(model) === 'softmax';
  const ends = { inputName, outputName: softmax ? SOFTMAX_INPUT : outputName };
  const graph =
    model.format === 'dynamic'
      ? dynamicGraph(model, ends)
      : model.format === 'qoperator'
        ? qoperatorGraph(model, ends)
        : qdqGraph(model, ends);
  if (softmax) {
    graph.node('Softmax', '/Softmax', [SOFTMAX_INPUT], [outputName], [intAttr('axis', -1)]);
  }
  checkNames(graph, inputName, outputName);

  const inFeatures = model.layers[0]?.inFeatures ?? 0;
  const outFeatures = model.layers[model.layers.length - 1]?.outFeatures ?? 0;
  const proto: ModelProtoObject = {
    ir_version: WRITER_IR_VERSION,
    opset_import: [
      { domain: '', version: WRITER_OPSET },
      ...(model.format === 'qoperator'
        ? [{ domain: MICROSOFT_DOMAIN, version: MICROSOFT_OPSET }]
        : []),
    ],
    producer_name: PRODUCER_NAME,
    producer_version: options.producerVersion ?? PRODUCER_VERSION,
    graph: {
      name: `quantproof_qmlp_${model.format}`,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [matrixValueInfo(inputName, batchDimName, inFeatures)],
      output: [matrixValueInfo(outputName, batchDimName, outFeatures)],
    },
    metadata_props: [...qmlpMetadataEntries(model), ...userMetadata].map(([key, value]) => ({
      key,
      value,
    })),
  };
  return encodeModelProto(proto);
}

// Every tensor has one producer: the graph input, an initializer or one node output. The graph's
// own names are fixed, so only a user-chosen input or output name can collide with them.
function checkNames(graph: GraphBuilder, inputName: string, outputName: string): void {
  const producers = new Map<string, number>([[inputName, 1]]);
  const count = (name: string): void => {
    producers.set(name, (producers.get(name) ?? 0) + 1);
  };
  for (const tensor of graph.initializers) count(tensor.name ?? '');
  for (const node of graph.nodes) for (const output of node.output ?? []) count(output);
  for (const name of [inputName, outputName]) {
    if ((producers.get(name) ?? 0) > 1) {
      throw new InvalidWriteOptionsError(
        `'${name}' is also the name of one of the model's internal tensors`,
        'writeQMlpOnnx',
      );
    }
  }
}
