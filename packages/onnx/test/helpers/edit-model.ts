// Small edits of encoded models, to make files our writer never would (bad parameters, extra
// nodes, contradicting metadata) starting from one it did.
import { decodeModelProto, encodeModelProto } from '../../src/proto/onnx-schema.js';
import type {
  GraphProtoObject,
  ModelProtoObject,
  NodeProtoObject,
  TensorProtoObject,
} from '../../src/proto/onnx-schema.js';

function editGraph(
  bytes: Uint8Array,
  edit: (graph: GraphProtoObject) => GraphProtoObject,
): Uint8Array {
  const model = decodeModelProto(bytes);
  return encodeModelProto({ ...model, graph: edit(model.graph ?? {}) });
}

/** Replaces the initializer called `name` (which must exist) by `tensor` (renamed to `name`). */
export function replaceInitializer(
  bytes: Uint8Array,
  name: string,
  tensor: TensorProtoObject,
): Uint8Array {
  return editGraph(bytes, (graph) => {
    const inits = graph.initializer ?? [];
    if (!inits.some((t) => t.name === name)) throw new Error(`no initializer '${name}'`);
    return { ...graph, initializer: inits.map((t) => (t.name === name ? { ...tensor, name } : t)) };
  });
}

/** Rewrites the node list. */
export function editNodes(
  bytes: Uint8Array,
  edit: (nodes: readonly NodeProtoObject[]) => NodeProtoObject[],
): Uint8Array {
  return editGraph(bytes, (graph) => ({ ...graph, node: edit(graph.node ?? []) }));
}

/** Adds initializers. */
export function addInitializers(
  bytes: Uint8Array,
  tensors: readonly TensorProtoObject[],
): Uint8Array {
  return editGraph(bytes, (graph) => ({
    ...graph,
    initializer: [...(graph.initializer ?? []), ...tensors],
  }));
}

/** Replaces the model's metadata_props. */
export function withMetadata(
  bytes: Uint8Array,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const model: ModelProtoObject = decodeModelProto(bytes);
  return encodeModelProto({
    ...model,
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
}
