// What precision the certified variant's two unmet numbers need: sampled box agreement and the
// share of visited states a δ* theorem could cover, for the study's certified variant and for
// layouts that keep its parameters but quantise less (a float first layer, wider hidden codes).
// Reads a run directory that `pnpm study` wrote. Usage:
//   pnpm --filter @quantproof/benchmarks bench:precision-limit -- <run directory>
// PRECISION_LIMIT_SAMPLES sets the uniform operating-box samples (default 200 000, seed 7).
//
// Two rows are deployed arithmetic (quant's executor, which matches onnxruntime-node bit for bit):
// the certified variant, and the same model with its first layer kept in float32 (written and run
// exactly, not yet verifiable). The input-cells row runs FP32 on the variant's exact input codes;
// the others are float64 emulations of layouts that quantproof does not write (wider hidden codes,
// float32 weights): they estimate what a finer layout could reach, they prove nothing.
// "δ ≥" is the largest FP32 margin among the disagreeing samples, a lower bound on that model's
// δ*, so the coverage beside it is an upper bound on what any δ* theorem about it could cover. The
// agreement on visited states is another: a state the theorem covers is one where int8 agrees.

import { performance } from 'node:perf_hooks';
import { CARTPOLE_OPERATING_BOX, CartPoleEnv, rollout } from '@quantproof/env';
import { createSeededRng, forwardFp32, type Mlp } from '@quantproof/nn';
import {
  createInt8Executor,
  decideOutputs,
  keepLayersInFloat32,
  dequantizeLinear,
  type QMlpStatic,
  quantizeLinear,
  roundHalfEven,
} from '@quantproof/quant';
import { greedyPolicy } from '@quantproof/rl';
import { readModels } from './study-models.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const dir = args[0];
if (dir === undefined) {
  process.stderr.write('usage: node dist/precision-limit.js <run directory>\n');
  process.exit(2);
}
const SAMPLES = Number(process.env['PRECISION_LIMIT_SAMPLES'] ?? 200_000);
/** The study's agreement states: 40 greedy episodes from reset seed 3 000 000, first 10 000 states. */
const VISITED = { episodes: 40, seedBase: 3_000_000, states: 10_000 };

const { fp32, variants } = readModels(dir, ['certified']);
const certified = variants.find((v) => v.name === 'certified')?.model;
if (certified === undefined || (certified.format !== 'qdq' && certified.format !== 'qoperator')) {
  throw new Error(`${dir}/models/certified.onnx is not a static int8 model`);
}
const model: QMlpStatic = certified;
const inputs = fp32.layers[0]!.inFeatures;

function boxSamples(count: number, seed: number): Float32Array {
  const rng = createSeededRng(seed);
  const { lower, upper } = CARTPOLE_OPERATING_BOX;
  const out = new Float32Array(count * inputs);
  for (let k = 0; k < out.length; k++) {
    const i = k % inputs;
    out[k] = lower[i]! + (upper[i]! - lower[i]!) * rng.nextFloat64();
  }
  return out;
}

function visitedStates(policy: Mlp): Float32Array {
  const act = greedyPolicy(policy);
  const rows: number[] = [];
  for (let e = 0; e < VISITED.episodes && rows.length < VISITED.states * inputs; e++) {
    const t = rollout(new CartPoleEnv(), act, { seed: VISITED.seedBase + e });
    rows.push(...t.observations.subarray(0, t.length * inputs));
  }
  return Float32Array.from(rows.slice(0, VISITED.states * inputs));
}

/** Largest minus runner-up output. */
function margin(out: ArrayLike<number>): number {
  let best = -Infinity;
  let second = -Infinity;
  for (let j = 0; j < out.length; j++) {
    const v = out[j]!;
    if (v > best) {
      second = best;
      best = v;
    } else if (v > second) second = v;
  }
  return best - second;
}

/** The certified variant's weights of layer `l` as real numbers, (q − zp)·s_w per output row. */
function dequantisedWeights(l: number): Float64Array {
  const layer = model.layers[l]!;
  const { scales, zeroPoints } = layer.weightQuant;
  const w = new Float64Array(layer.weight.length);
  for (let j = 0; j < layer.outFeatures; j++) {
    const c = scales.length === 1 ? 0 : j;
    for (let i = 0; i < layer.inFeatures; i++) {
      const k = j * layer.inFeatures + i;
      w[k] = (layer.weight[k]! - zeroPoints[c]!) * scales[c]!;
    }
  }
  return w;
}

/**
 * Float64 emulation: the first layer in float with FP32's weights; every later layer with the
 * certified variant's int8 weights (FP32's with `int8Weights` false) and FP32's bias; each hidden output quantised to `bits`-bit
 * unsigned codes over the certified variant's range for it (its 8-bit scale × 255 / (2^bits − 1)).
 */
function floatFirstLayer(bits: number, int8Weights = true): (x: Float32Array) => Float64Array {
  const weights = fp32.layers.map((layer, l) =>
    l === 0 || !int8Weights ? Float64Array.from(layer.weight) : dequantisedWeights(l),
  );
  const levels = 2 ** bits - 1;
  return (x) => {
    let h: Float64Array = Float64Array.from(x);
    fp32.layers.forEach((layer, l) => {
      const out = new Float64Array(layer.outFeatures);
      const w = weights[l]!;
      const quant = model.layers[l]!.output;
      for (let j = 0; j < layer.outFeatures; j++) {
        let a = layer.bias[j]!;
        for (let i = 0; i < layer.inFeatures; i++) a += w[j * layer.inFeatures + i]! * h[i]!;
        if (layer.activation === 'relu') a = Math.max(0, a);
        if (quant !== null) {
          const s = (quant.scale * 255) / levels;
          const q = Math.min(levels, Math.max(0, roundHalfEven(a / s) + quant.zeroPoint));
          a = s * (q - quant.zeroPoint);
        }
        out[j] = a;
      }
      h = out;
    });
    return h;
  };
}

/** FP32 on the certified variant's dequantised input codes: the input cells' own disagreement. */
function inputCellsOnly(x: Float32Array): Float32Array {
  const xhat = new Float32Array(inputs);
  for (let i = 0; i < inputs; i++) {
    const scale = model.inputScales?.[i] ?? model.input.scale;
    const { zeroPoint, elementType } = model.input;
    xhat[i] = dequantizeLinear(
      quantizeLinear(x[i]!, scale, zeroPoint, elementType),
      scale,
      zeroPoint,
    );
  }
  return forwardFp32(fp32, xhat);
}

const executor = createInt8Executor(model);
// The certified variant with its first layer kept in float32 (onnxruntime's nodes_to_exclude): a
// layout quant's executor runs bit for bit like onnxruntime-node (the differential test's `mixed`
// formats), so this row is deployed arithmetic too. It is not yet verifiable: the bounds and
// encodings leave such models open.
const floatFirst = createInt8Executor(keepLayersInFloat32(fp32, model, [0]));
const rows: {
  name: string;
  decide: (x: Float32Array) => ArrayLike<number>;
  arithmetic: string;
}[] = [
  {
    name: 'the certified variant',
    decide: (x) => executor.forward(x),
    arithmetic: 'deployed: the executor, bit-exact',
  },
  {
    name: 'FP32 on its quantised inputs (input cells only)',
    decide: inputCellsOnly,
    arithmetic: 'float32 forward on exact input codes',
  },
  {
    name: 'first layer kept in float32, int8 weights, 8-bit hidden codes',
    decide: (x) => floatFirst.forward(x),
    arithmetic: 'deployed: the executor, bit-exact (QDQ, first Gemm float32)',
  },
  ...[10, 12, 16].map((bits) => ({
    name: `float first layer, int8 weights, ${bits}-bit hidden codes`,
    decide: floatFirstLayer(bits),
    arithmetic: 'float64 emulation',
  })),
  ...[8, 12, 16].map((bits) => ({
    name: `float first layer, FP32 weights, ${bits}-bit hidden codes`,
    decide: floatFirstLayer(bits, false),
    arithmetic: 'float64 emulation',
  })),
];

const samples = boxSamples(SAMPLES, 7);
const visited = visitedStates(fp32);
const visitedCount = visited.length / inputs;
const visitedRow = (k: number): Float32Array => visited.subarray(k * inputs, (k + 1) * inputs);
const visitedMargins = Array.from({ length: visitedCount }, (_, k) =>
  margin(forwardFp32(fp32, visitedRow(k))),
);
const visitedDecisions = Array.from({ length: visitedCount }, (_, k) =>
  decideOutputs(forwardFp32(fp32, visitedRow(k))),
);
const fp32Decisions = new Int32Array(SAMPLES);
const fp32Margins = new Float64Array(SAMPLES);
for (let k = 0; k < SAMPLES; k++) {
  const out = forwardFp32(fp32, samples.subarray(k * inputs, (k + 1) * inputs));
  fp32Decisions[k] = decideOutputs(out);
  fp32Margins[k] = margin(out);
}

const pct = (x: number, digits = 3): string => `${(100 * x).toFixed(digits)} %`;
console.log(
  `Run ${dir}: ${SAMPLES} uniform operating-box samples (seed 7); ${visitedMargins.length} visited states.`,
);
console.log('');
console.log(
  '| layout | arithmetic | disagreeing samples | box agreement | δ ≥ (sampled) | visited states with FP32 margin > δ | agreement on visited states | seconds |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  const start = performance.now();
  let disagree = 0;
  let delta = 0;
  for (let k = 0; k < SAMPLES; k++) {
    const out = row.decide(samples.subarray(k * inputs, (k + 1) * inputs));
    if (decideOutputs(out) !== fp32Decisions[k]) {
      disagree++;
      delta = Math.max(delta, fp32Margins[k]!);
    }
  }
  const covered = visitedMargins.filter((m) => m > delta).length / visitedCount;
  // A covered state has int8 taking FP32's decision: agreement on the visited states bounds the
  // coverage of every δ* theorem from above, whatever δ* is certified.
  let agreeVisited = 0;
  for (let k = 0; k < visitedCount; k++) {
    const out = row.decide(visitedRow(k));
    if (decideOutputs(out) === visitedDecisions[k]) agreeVisited++;
  }
  console.log(
    `| ${row.name} | ${row.arithmetic} | ${disagree} | ${pct(1 - disagree / SAMPLES)} | ${delta.toPrecision(4)} | ${pct(covered, 2)} | ${pct(agreeVisited / visitedCount, 2)} | ${((performance.now() - start) / 1000).toFixed(1)} |`,
  );
}
const sorted = [...visitedMargins].sort((a, b) => a - b);
const at = (p: number): string => sorted[Math.floor(p * (sorted.length - 1))]!.toPrecision(3);
console.log('');
console.log(
  `Visited states' FP32 margins: 1st percentile ${at(0.01)}, 5th ${at(0.05)}, 20th ${at(0.2)}, median ${at(0.5)}. Covering 99 % needs δ* below the 1st percentile, and agreement on at least 99 % of the visited states.`,
);
