// @quantproof/smt-verify with z3-solver's WASM build from the registry: the README's tiny pair
// (refuted, with a counterexample), then the same pair with a clear decision (output biases ±1, an
// FP32 margin of about 2 on the box) proved consistent; then z3's worker threads are released so
// that the process exits.
import { createMlp, createSeededRng } from '@quantproof/nn';
import { quantizeStatic } from '@quantproof/quant';
import { checkAgreement, releaseZ3 } from '@quantproof/smt-verify';
import process from 'node:process';
import { check } from './check.mjs';

const calibration = Float32Array.of(-1, -1, 1, 1, -1, 1, 1, -1, 0, 0);
const box = { lower: [0.1, 0.1], upper: [0.12, 0.12] };
/** @param {boolean} clear output biases ±1: a decision that no int8 rounding can flip */
async function agreement(clear) {
  const mlp = createMlp({ sizes: [2, 4, 2], rng: createSeededRng(1) });
  if (clear) mlp.layers[1].bias.set([1, -1]);
  const { model } = quantizeStatic(mlp, calibration, {
    format: 'qoperator',
    activationType: 'uint8',
  });
  return checkAgreement(mlp, model, box);
}
// The README's pair as printed there: its FP32 margin is tiny, and int8 flips it.
const readme = await agreement(false);
const clear = await agreement(true);
await releaseZ3();
check(
  readme.kind === 'inconsistent' &&
    readme.counterexample.fp32Action !== readme.counterexample.int8Action,
  `checkAgreement on the README pair returned ${JSON.stringify(readme)}`,
);
check(clear.kind === 'consistent', `checkAgreement returned ${JSON.stringify(clear)}`);
process.stdout.write(
  'checkAgreement: the README pair refuted, the clear pair consistent; releaseZ3 let the process exit\n',
);
