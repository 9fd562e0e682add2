import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionPath } from '@quantproof/quant';
import { intAttribute, isDefaultDomainName } from './node-attributes.js';
import { createOrtSession } from './ort-session.js';
import type { GraphOptimizationLevel } from './ort-session.js';
import { decodeModelProto } from './proto/onnx-schema.js';
import type { GraphProtoObject, NodeProtoObject } from './proto/onnx-schema.js';

/** One node of the graph onnxruntime runs after optimisation. */
export interface OrtGraphNode {
  readonly opType: string;
  /** '' for the default ONNX domain, else e.g. 'com.microsoft'. */
  readonly domain: string;
  readonly name: string;
}

/** A linear layer of the optimised graph: the kernel that computes it and the path that implies. */
export interface OrtLayerKernel {
  readonly node: OrtGraphNode;
  /** null for a kernel quantproof does not model (e.g. FusedMatMul). */
  readonly executionPath: ExecutionPath | null;
}

/** What onnxruntime-node runs for a model at one optimisation level. */
export interface OrtExecutionReport {
  readonly level: GraphOptimizationLevel;
  /** Every node of the optimised graph, in the order ORT saved them. */
  readonly nodes: readonly OrtGraphNode[];
  /** The nodes that compute the linear layers, in order. */
  readonly layers: readonly OrtLayerKernel[];
  /**
   * The path all layers take, or null when they take different ones or one is not modelled (then
   * no QMlp execution path describes the session).
   */
  readonly executionPath: ExecutionPath | null;
  /**
   * How the graph input is quantised in the optimised graph: `per-feature` for a per-axis
   * QuantizeLinear (one scale per input feature), `per-tensor` for one scale, null when the input
   * goes into no QuantizeLinear (float or dynamic graphs).
   */
  readonly inputScale: 'per-tensor' | 'per-feature' | null;
}

// Integer kernels: integer accumulation, float32 scaling (quant's `fused-integer`).
const INTEGER_KERNELS: readonly string[] = [
  'QGemm',
  'QLinearMatMul',
  'MatMulInteger',
  'MatMulIntegerToFloat',
  'DynamicQuantizeMatMul',
];
// Float kernels of an unfused QDQ graph, and other linear operators that are not modelled.
const FLOAT_KERNELS: readonly string[] = ['Gemm', 'FusedGemm', 'MatMul'];
const OTHER_LINEAR: readonly string[] = ['FusedMatMul', 'QAttention', 'MatMulNBits', 'Conv'];

function layerKernel(node: NodeProtoObject): OrtLayerKernel | null {
  const opType = node.op_type ?? '';
  const described: OrtGraphNode = {
    opType,
    domain: isDefaultDomainName(node.domain) ? '' : (node.domain ?? ''),
    name: node.name ?? '',
  };
  if (INTEGER_KERNELS.includes(opType)) {
    return { node: described, executionPath: { kind: 'fused-integer' } };
  }
  if (FLOAT_KERNELS.includes(opType)) {
    const gemm =
      opType === 'MatMul'
        ? 'matmul-add'
        : intAttribute(node, 'transB', 0) === 1
          ? 'gemm-transb'
          : 'gemm';
    return { node: described, executionPath: { kind: 'unfused-float', gemm } };
  }
  if (OTHER_LINEAR.includes(opType)) return { node: described, executionPath: null };
  return null;
}

function inputScaleOf(graph: GraphProtoObject): 'per-tensor' | 'per-feature' | null {
  const inputName = graph.input?.[0]?.name;
  const quantize = (graph.node ?? []).find(
    (node) => node.op_type === 'QuantizeLinear' && node.input?.[0] === inputName,
  );
  if (quantize === undefined) return null;
  const scale = (graph.initializer ?? []).find((t) => t.name === quantize.input?.[1]);
  const count = (scale?.dims ?? []).reduce((a, d) => a * Number(d), 1);
  return count > 1 ? 'per-feature' : 'per-tensor';
}

function samePath(a: ExecutionPath | null, b: ExecutionPath | null): boolean {
  if (a === null || b === null) return false;
  if (a.kind === 'fused-integer' || b.kind === 'fused-integer') return a.kind === b.kind;
  return a.gemm === b.gemm;
}

/**
 * Which kernels onnxruntime-node actually runs for `model` at optimisation `level`: creates a CPU
 * session with `optimizedModelFilePath` in a fresh temporary directory, decodes the graph ORT saved
 * and classifies its linear nodes (QGemm, QLinearMatMul, MatMulInteger, MatMulIntegerToFloat,
 * DynamicQuantizeMatMul → `fused-integer`; float Gemm/MatMul → `unfused-float`). Throws
 * `OrtSessionError` when ORT refuses the model.
 */
export async function ortExecutionPath(
  model: Uint8Array,
  level: GraphOptimizationLevel,
): Promise<OrtExecutionReport> {
  const dir = await mkdtemp(join(tmpdir(), 'quantproof-ort-path-'));
  try {
    const path = join(dir, 'optimized.onnx');
    // Errors only: at 'all' ORT warns that the saved graph may be specific to this machine.
    const session = await createOrtSession(model, {
      graphOptimizationLevel: level,
      optimizedModelFilePath: path,
      logSeverityLevel: 3,
    });
    await session.release();
    const graph = decodeModelProto(new Uint8Array(await readFile(path))).graph ?? {};
    const graphNodes = graph.node ?? [];
    const nodes = graphNodes.map((node): OrtGraphNode => ({
      opType: node.op_type ?? '',
      domain: isDefaultDomainName(node.domain) ? '' : (node.domain ?? ''),
      name: node.name ?? '',
    }));
    const layers = graphNodes.map(layerKernel).filter((k): k is OrtLayerKernel => k !== null);
    const first = layers[0]?.executionPath ?? null;
    const uniform = layers.every((layer) => samePath(layer.executionPath, first));
    return {
      level,
      nodes,
      layers,
      executionPath: uniform ? first : null,
      inputScale: inputScaleOf(graph),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
