// A TypeScript consumer of the published packages: type-checked (never run) against the .d.ts
// files in the smoke project's node_modules, under `module: nodenext`, `strict` and no
// `skipLibCheck` (lib DOM: zod's declarations, under web-report's, name the global `URL`).
// @quantproof/testing's declarations name fast-check's (a peer dependency, installed beside it).
import { CartPoleEnv, type Policy } from '@quantproof/env';
import { createMlp, createSeededRng, type Mlp } from '@quantproof/nn';
import { evaluate } from '@quantproof/rl';
import { createInt8Executor, quantizeStatic, type QMlp } from '@quantproof/quant';
import { createOrtSession, type OrtSession, writeQMlpOnnx } from '@quantproof/onnx';
import { boxFromCentre, certifyDecision } from '@quantproof/interval';
import { type AgreementResult, checkAgreement } from '@quantproof/smt-verify';
import { parseRun, type Run } from '@quantproof/web-report';
import { EXIT_CODES, type ProgramIo, runProgram } from '@quantproof/cli';
import {
  type BaselineComparison,
  compareWithBaseline,
  type DecisionCheck,
  checkDecision,
  type MatcherResult,
  regionInputs,
  toTakeFp32Decision,
} from '@quantproof/testing';
import type { Arbitrary } from 'fast-check';

const mlp: Mlp = createMlp({ sizes: [4, 8, 2], rng: createSeededRng(1) });
const model: QMlp = quantizeStatic(mlp, new Float32Array(40)).model;
const logits: Float32Array = createInt8Executor(model).forward(new Float32Array(4));
const policy: Policy = (observation) => ((observation[2] ?? 0) > 0 ? 1 : 0);
const steps: number = new CartPoleEnv().reset({ seed: 0 }).observation.length;
const mean: number = evaluate(policy).mean;
const certified: string = certifyDecision(mlp, model, boxFromCentre([0, 0, 0, 0], 0.01)).kind;
const bytes: Uint8Array = writeQMlpOnnx(model);
const session: Promise<OrtSession> = createOrtSession(bytes);
const agreement: Promise<AgreementResult> = checkAgreement(mlp, model, {
  lower: [0, 0, 0, 0],
  upper: [0.01, 0.01, 0.01, 0.01],
});
const parse: (files: Parameters<typeof parseRun>[0]) => Run = parseRun;
const io: ProgramIo = { stdout: () => {}, stderr: () => {}, stderrIsTTY: false };
const code: Promise<number> = runProgram(['--help'], io);
const usage: 2 = EXIT_CODES.usage;
// @ts-expect-error: the types are real, not `any`: sizes must be numbers.
createMlp({ sizes: ['4'], rng: createSeededRng(1) });

const inputs: Arbitrary<Float32Array> = regionInputs(mlp, model, {
  box: { lower: [0, 0, 0, 0], upper: [0.01, 0.01, 0.01, 0.01] },
});
const decision: Promise<DecisionCheck> = checkDecision(model, mlp, {
  box: { lower: [0, 0, 0, 0], upper: [0.01, 0.01, 0.01, 0.01] },
});
const matched: Promise<MatcherResult> = toTakeFp32Decision(model, mlp, {
  box: { lower: [0, 0, 0, 0], upper: [0.01, 0.01, 0.01, 0.01] },
});
const compared: BaselineComparison['kind'] = compareWithBaseline(
  {
    verdict: 'consistent',
    flipMargin: null,
    errorBound: null,
    disagreement: { lower: 0, upper: 0 },
  },
  { verdict: 'unknown', flipMargin: null, errorBound: null, disagreement: { lower: 0, upper: 1 } },
).kind;

export {
  agreement,
  certified,
  code,
  compared,
  decision,
  inputs,
  logits,
  matched,
  mean,
  parse,
  session,
  steps,
  usage,
};
