// The original study's comparison table, done properly: size, latency in onnxruntime-node,
// greedy reward, decision agreement with FP32, logit error and per-layer SQNR, per variant.

import { performance } from 'node:perf_hooks';
import { createTrainingWorkspace, forwardTrain, type Mlp, mlpParameterCount } from '@quantproof/nn';
import { createOrtSession } from '@quantproof/onnx';
import { decisionAgreement, dequantizeLinearArray, type QMlp, traceInt8 } from '@quantproof/quant';
import { evaluate } from '@quantproof/rl';
import type { LatencyJson, VariantMetricsJson } from '@quantproof/web-report';
import { greedyAct } from './greedy.js';

/** One model of the comparison: FP32 or int8, with its ONNX bytes. */
export type Variant =
  | { readonly name: string; readonly kind: 'fp32'; readonly mlp: Mlp; readonly onnx: Uint8Array }
  | {
      readonly name: string;
      readonly kind: 'int8';
      readonly model: QMlp;
      readonly onnx: Uint8Array;
    };

/**
 * One row of the comparison table, exactly as metrics.json holds it (web-report's
 * `VariantMetricsJson`: an infinite SQNR, a layer without error, is null).
 */
export type VariantMetrics = VariantMetricsJson;

/** Options of `compareModels`. */
export interface CompareOptions {
  readonly visited: Float32Array;
  readonly box: Float32Array;
  readonly episodes: number;
  /** Timed calls per latency cell; default 1000 at batch 1 and 200 at batch 256. */
  readonly latencyCalls?: { readonly batch1: number; readonly batch256: number };
}

function percentile(sorted: Float64Array, p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index]!;
}

async function latency(
  onnx: Uint8Array,
  input: Float32Array,
  batch: number,
  calls: number,
): Promise<LatencyJson> {
  const session = await createOrtSession(onnx, { intraOpNumThreads: 1 });
  try {
    for (let i = 0; i < Math.min(100, calls); i++) await session.run(input, batch);
    const times = new Float64Array(calls);
    for (let i = 0; i < calls; i++) {
      const start = performance.now();
      await session.run(input, batch);
      times[i] = (performance.now() - start) * 1000;
    }
    times.sort();
    return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
  } finally {
    await session.release();
  }
}

function parameterBytes(variant: Variant): number {
  if (variant.kind === 'fp32') return 4 * mlpParameterCount(variant.mlp);
  let bytes = 0;
  // Element sizes: int8/uint8 weights 1 byte, float32 weights of a layer kept in float32 4 bytes.
  for (const layer of variant.model.layers) {
    bytes += layer.weight.length * layer.weight.BYTES_PER_ELEMENT + 4 * layer.bias.length;
  }
  return bytes;
}

/** Per-layer SQNR of an int8 model against its FP32 source over `states`. */
export function layerSqnr(fp32: Mlp, int8: QMlp, states: Float32Array): number[] {
  const inputs = fp32.layers[0]!.inFeatures;
  const n = states.length / inputs;
  const workspace = createTrainingWorkspace(fp32, n);
  forwardTrain(workspace, states, n);
  const signal = new Float64Array(fp32.layers.length);
  const noise = new Float64Array(fp32.layers.length);
  for (let s = 0; s < n; s++) {
    const trace = traceInt8(int8, states.subarray(s * inputs, (s + 1) * inputs));
    trace.layers.forEach((layerTrace, l) => {
      const width = fp32.layers[l]!.outFeatures;
      let output: Float32Array;
      if (layerTrace.kind === 'dynamic') output = layerTrace.output;
      else if (layerTrace.kind === 'kept-float') {
        // What the next layer reads: the QuantizeLinear codes dequantised, or the float32 output.
        const quant = int8.format === 'mixed' ? int8.layers[l]!.output : null;
        output =
          layerTrace.quantized === null || quant === null
            ? layerTrace.output
            : dequantizeLinearArray(layerTrace.quantized, quant);
      } else if (layerTrace.output === null) output = trace.logits;
      else {
        const quant = int8.format === 'dynamic' ? null : int8.layers[l]!.output;
        output = quant === null ? trace.logits : dequantizeLinearArray(layerTrace.output, quant);
      }
      const reference = workspace.activations[l]!;
      for (let j = 0; j < width; j++) {
        const a = reference[s * width + j]!;
        const d = a - output[j]!;
        signal[l] = signal[l]! + a * a;
        noise[l] = noise[l]! + d * d;
      }
    });
  }
  return Array.from(signal, (sig, l) =>
    noise[l] === 0 ? Infinity : 10 * Math.log10(sig / noise[l]!),
  );
}

/** Measures every variant against the FP32 reference (the first `fp32` variant). */
export async function compareModels(
  reference: Mlp,
  variants: readonly Variant[],
  options: CompareOptions,
  onVariant: (name: string, index: number) => void = () => undefined,
): Promise<VariantMetrics[]> {
  const calls = options.latencyCalls ?? { batch1: 1000, batch256: 200 };
  const one = options.box.subarray(0, 4);
  const batch = options.box.subarray(0, 256 * 4);
  const rows: VariantMetrics[] = [];
  for (const [index, variant] of variants.entries()) {
    onVariant(variant.name, index);
    const reward = evaluate(greedyAct(variant), { episodes: options.episodes });
    const visited =
      variant.kind === 'int8' ? decisionAgreement(reference, variant.model, options.visited) : null;
    const box =
      variant.kind === 'int8' ? decisionAgreement(reference, variant.model, options.box) : null;
    rows.push({
      name: variant.name,
      kind: variant.kind,
      // A model with layers kept in float32 is a QDQ graph with float32 Gemms ("mixed" would read
      // as the mixed-precision variant).
      format:
        variant.kind === 'fp32'
          ? 'fp32'
          : variant.model.format === 'mixed'
            ? 'qdq+fp32'
            : variant.model.format,
      onnxBytes: variant.onnx.length,
      parameterBytes: parameterBytes(variant),
      latencyBatch1: await latency(variant.onnx, one, 1, calls.batch1),
      latencyBatch256: await latency(variant.onnx, batch, 256, calls.batch256),
      reward: { mean: reward.mean, std: reward.std, episodes: reward.returns.length },
      agreementVisited: visited?.agreement ?? 1,
      agreementBox: box?.agreement ?? 1,
      maxLogitDifference: Math.max(visited?.maxLogitDifference ?? 0, box?.maxLogitDifference ?? 0),
      sqnrDb:
        variant.kind === 'int8'
          ? layerSqnr(reference, variant.model, options.visited.subarray(0, 2000 * 4)).map((db) =>
              Number.isFinite(db) ? db : null,
            )
          : null,
    });
  }
  return rows;
}
