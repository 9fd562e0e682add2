// int8 models with a Softmax head, as writeQMlpOnnx writes them (QDQ, QOperator, dynamic), against
// onnxruntime-node: the executor stays on logits (`forwardInt8` equals the logits of the head-less
// file bit for bit), onnxruntime's probabilities are exactly its own float32 Softmax of those
// logits, and the int8 decision `decideLogits(forwardInt8(model, x), 'softmax')` is either
// undetermined (with onnxruntime's choice among its candidates) or onnxruntime's decision.
import type { Mlp } from '@quantproof/nn';
import {
  decideLogits,
  decideOutputs,
  forwardInt8,
  quantizeDynamic,
  quantizeStatic,
  qmlpOutputSize,
  SOFTMAX_ORDER_GAP,
} from '@quantproof/quant';
import type { QMlp, QuantizeStaticOptions } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { createOrtSession, differentialInputs, writeMlpOnnx, writeQMlpOnnx } from '../src/index.js';
import type { OrtSession } from '../src/index.js';
import { CARTPOLE_BOUNDS, calibrationInputs, policyMlp } from './helpers/qmlp-fixtures.js';

const ROWS = 3000;

/** A k → k identity Gemm with a Softmax head: onnxruntime's float32 Softmax of its input. */
function softmaxOnly(k: number): Mlp {
  const weight = new Float32Array(k * k);
  for (let j = 0; j < k; j++) weight[j * k + j] = 1;
  return {
    layers: [
      { inFeatures: k, outFeatures: k, weight, bias: new Float32Array(k), activation: 'identity' },
    ],
    head: 'softmax',
  };
}

/**
 * A dynamic model whose last two logits differ only by one float32 step of the bias: their gap is
 * at most one ulp of the logit, inside the collapse band, so the Softmax may tie them.
 */
function twinLogits(mlp: Mlp): QMlp {
  const model = quantizeDynamic(mlp).model;
  const last = model.layers[model.layers.length - 1]!;
  const n = last.inFeatures;
  const weight = last.weight.slice();
  weight.copyWithin(n, 0, n);
  const bias = last.bias.slice();
  const up = new Float32Array([bias[0]!]);
  const bits = new Uint32Array(up.buffer);
  bits[0] = bits[0]! + (up[0]! >= 0 ? 1 : -1);
  bias[1] = up[0]!;
  return { ...model, layers: [...model.layers.slice(0, -1), { ...last, weight, bias }] };
}

const mlp = policyMlp([4, 32, 32, 2], 301);
const three = policyMlp([4, 24, 3], 302, 0.5);
const calibration = calibrationInputs(4, 500, 303);
const staticModel = (source: Mlp, options: QuantizeStaticOptions): QMlp =>
  quantizeStatic(source, calibration, options).model;

const MODELS: readonly (readonly [string, QMlp])[] = [
  ['qdq int8', staticModel(mlp, {})],
  ['qdq uint8, float logits', staticModel(mlp, { activationType: 'uint8', logits: 'float' })],
  ['qoperator uint8', staticModel(three, { format: 'qoperator', activationType: 'uint8' })],
  ['qoperator, float logits', staticModel(mlp, { format: 'qoperator', logits: 'float' })],
  ['dynamic', quantizeDynamic(three).model],
  ['dynamic, twin logits one bias step apart', twinLogits(mlp)],
];

/** Runs `inputs` through `session` one row per call (the executor's per-sample dynamic ranges). */
async function runRows(
  session: OrtSession,
  inputs: Float32Array,
  n: number,
): Promise<Float32Array> {
  const rows = inputs.length / n;
  const first = await session.run(inputs.subarray(0, n), 1);
  const out = new Float32Array(rows * first.length);
  out.set(first, 0);
  for (let r = 1; r < rows; r++)
    out.set(await session.run(inputs.subarray(r * n, (r + 1) * n), 1), r * first.length);
  return out;
}

describe.each(MODELS)('%s with a Softmax head, in onnxruntime-node', (_, logitsModel) => {
  it('probabilities are ORT’s Softmax of the logits; the int8 decision is undetermined or ORT’s', async () => {
    const model: QMlp = { ...logitsModel, head: 'softmax' };
    const k = qmlpOutputSize(model);
    const inputs = Float32Array.from([
      ...differentialInputs(model, 'box', ROWS - 500, { seed: 7, box: CARTPOLE_BOUNDS }),
      ...differentialInputs(model, 'ties', 500, { seed: 8, box: CARTPOLE_BOUNDS }),
    ]);
    const sessions = await Promise.all([
      createOrtSession(writeQMlpOnnx(model)),
      createOrtSession(writeQMlpOnnx(logitsModel)),
      createOrtSession(writeMlpOnnx(softmaxOnly(k))),
    ]);
    const [withHead, headless, softmax] = sessions;
    try {
      const probabilities = await runRows(withHead, inputs, 4);
      const logits = await runRows(headless, inputs, 4);
      const reference = await softmax.run(logits, ROWS);
      expect(new Uint32Array(probabilities.buffer)).toEqual(new Uint32Array(reference.buffer));
      let undetermined = 0;
      let collapsed = 0;
      for (let r = 0; r < ROWS; r++) {
        const x = inputs.subarray(r * 4, (r + 1) * 4);
        const executor = forwardInt8(model, x);
        const ortLogits = logits.subarray(r * k, (r + 1) * k);
        expect(new Uint32Array(executor.buffer)).toEqual(new Uint32Array(ortLogits.slice().buffer));
        const p = probabilities.subarray(r * k, (r + 1) * k);
        const ort = decideOutputs(p);
        const decision = decideLogits(executor, 'softmax');
        if (decision.kind === 'action') {
          expect(ort, `row ${r}: logits ${Array.from(executor).join(', ')}`).toBe(decision.action);
        } else {
          undetermined++;
          expect(decision.candidates).toContain(ort);
          if (ort !== decideOutputs(executor)) collapsed++;
        }
        // No gap above the band collapses.
        const top = decideOutputs(executor);
        for (let i = 0; i < k; i++) {
          if (executor[top]! - executor[i]! > SOFTMAX_ORDER_GAP)
            expect(p[i]!).toBeLessThan(p[top]!);
        }
      }
      console.log(
        `${_}: ${ROWS} inputs, ${undetermined} undetermined, ${collapsed} where the Softmax ` +
          'picked a smaller logit',
      );
      if (_.includes('twin')) expect(collapsed).toBeGreaterThan(0);
    } finally {
      for (const session of sessions) await session.release();
    }
  });
});
