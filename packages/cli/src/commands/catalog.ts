// The commands of `quantproof`: their names and descriptions, and how to load each one. Kept
// free of heavy imports so that `--help` and the command a user names load only what they need.

import type { Command } from 'commander';
import type { ProgressTarget } from '../progress.js';
import { REDIS_PASSWORD_VARIABLE } from '../queue-env.js';

/** The names of the commands, in the order the help lists them. */
export const COMMAND_NAMES = [
  'demo',
  'train',
  'quantize',
  'eval',
  'run',
  'report',
  'vnnlib',
  'verify',
  'check',
  'sensitivity',
  'repair',
  'precision',
  'worker',
] as const;

/** A command's name. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** What a command is built from: where it prints and reports. */
export interface CommandContext {
  readonly print: (text: string) => void;
  readonly warn: (text: string) => void;
  readonly setExitCode: (code: number) => void;
  readonly progressTarget: (json: boolean) => ProgressTarget;
}

/** Whether `name` names a command. */
export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/**
 * Builds one command, importing its module (and so its dependencies) only now: `quantproof vnnlib`
 * never loads training or report code, `quantproof --help` loads no command at all.
 */
export async function loadCommand(name: CommandName, c: CommandContext): Promise<Command> {
  switch (name) {
    case 'demo':
      return (await import('./demo.js')).demoCommand(c.print);
    case 'train':
      return (await import('./train.js')).trainCommand(c.print, c.progressTarget);
    case 'quantize':
      return (await import('./quantize.js')).quantizeCommand(c.print, c.warn, c.setExitCode);
    case 'eval':
      return (await import('./eval.js')).evalCommand(c.print);
    case 'run':
      return (await import('./run.js')).runCommand(c.print, c.warn, c.progressTarget);
    case 'report':
      return (await import('./report.js')).reportCommand(c.print);
    case 'vnnlib':
      return (await import('./vnnlib.js')).vnnlibCommand(c.print);
    case 'verify':
      return (await import('./verify.js')).verifyCommand(
        c.print,
        c.setExitCode,
        c.progressTarget,
        c.warn,
      );
    case 'check':
      return (await import('./check.js')).checkCommand(c.print, c.setExitCode, c.progressTarget);
    case 'sensitivity':
      return (await import('./sensitivity.js')).sensitivityCommand(c.print);
    case 'repair':
      return (await import('./repair.js')).repairCommand(c.print, c.setExitCode);
    case 'precision':
      return (await import('./precision.js')).precisionCommand(c.print);
    case 'worker':
      return (await import('./worker.js')).workerCommand(c.warn);
  }
}

/** Why `sensitivity` sweeps bit widths rather than keeping one layer in FP32. */
export const SENSITIVITY_LAYOUT_NOTE =
  "The float32 views keep layers in float32 as onnxruntime's quantiser leaves excluded nodes (a QDQ graph, float32 Gemm), verified like every other model; one float32 layer between two int8 layers is not deployable, because onnxruntime quantises that Gemm's weights itself at optimisation level basic and above. The bit-width views keep activations int8, as deployed.";

/** What every command's description says (the top-level help lists them without loading the commands). */
export const COMMAND_DESCRIPTIONS: Readonly<Record<CommandName, string>> = {
  demo: 'Run one seeded CartPole-v1 episode under a simple controller and print it.',
  train:
    'Train a CartPole-v1 policy (4-64-64-2 ReLU MLP), evaluate it greedily on 100 seeded episodes and write it as FP32 ONNX.',
  quantize:
    'Quantise an FP32 ONNX policy to int8 ONNX (calibrated on states the FP32 policy visits) and report its agreement with FP32. One input scale serves all inputs unless --input-scale per-feature gives each input its own (QOperator: a per-axis QuantizeLinear before the first QGemm, modelled bit for bit like every other layout).',
  eval: 'Evaluate an ONNX policy greedily on seeded CartPole-v1 episodes (int8 models run in the executor that is bit-identical to onnxruntime-node); with --fp32, also measure decision agreement.',
  run: 'Run the whole study on built-in defaults: train a PPO policy, quantise it (PTQ dynamic, PTQ static QDQ and QOperator, QAT, mixed precision, and a certified variant made by counterexample-guided repair), compare size, latency, reward and decision agreement, and verify every int8 variant over the operating box. Prints the answer first: per variant the verdict, what explains it and the next step.',
  report:
    'Write the self-contained HTML report of a run directory (summary table, verification, training curve, decision maps, quantisation error, counterexamples, run facts); it opens offline in any browser.',
  vnnlib:
    'Decide a VNN-LIB property (box inputs, disjunctions of linear output constraints) for an FP32 ONNX network: prints sat, unsat, timeout or unknown as its first line; a sat witness is confirmed in onnxruntime-node.',
  verify:
    "Prove that an int8 ONNX model takes the FP32 model's decision everywhere in a box of inputs, or refute it with an input replayed in onnxruntime-node, and bracket how much of the box they disagree on. The box is split into leaves, each proven to agree, proven to disagree, mixed (both occur; it holds a replayed counterexample) or left open, by sound bounds, a search along the FP32 decision boundary, or z3 (exact int8 arithmetic of onnxruntime's CPU kernels): the share of the box where the decisions differ is certified to lie in a bracket (at least the disagree volume, at most disagree + mixed + open), with a sampled estimate (not a proof) inside; then δ* (the largest FP32 margin at which the int8 decision still differs) and ε* (the largest logit error) are certified.",
  check:
    "For CI: verify the int8 model over the box as `verify` does and compare the certified numbers — the verdict, δ* (the largest FP32 margin at which int8 still disagrees), ε* (the largest logit error) and the bracket of the disagreeing volume — with a committed baseline. A metric regresses when its new certified lower end is above the baseline's upper end (a new replayed counterexample where the baseline was consistent is a regression); it is inconclusive when the new run cannot prove it no larger than the baseline's upper end. --update-baseline writes the baseline instead.",
  worker: `Decide boxes of a distributed \`verify --queue\` run: pull them from the Redis queue, decide them with bounds, the boundary-cell search and z3 on this machine's cores, and return the leaves. Start it with the coordinator's models and --cpu-semantics; a worker whose models or options differ is refused. The Redis password, if any, is read from ${REDIS_PASSWORD_VARIABLE}. Runs until stopped (Ctrl-C or SIGTERM); the boxes it held return to the queue.`,
  sensitivity: `Rank the layers of an FP32 model by how much int8 quantisation of their weights costs, with proof instead of samples: for each layer, the region verifier certifies δ* (the largest FP32 margin at which the int8 decision still differs), ε* (the largest logit error) and the disagreeing share of the region, once with only that layer's weights at --low-bits (the rest at --high-bits), once with only that layer kept at --high-bits (the rest at --low-bits), once with only that layer in int8 (the others kept in float32) and once with only that layer kept in float32. The layer whose lowering raises δ* the most is the one to keep at the higher precision. ${SENSITIVITY_LAYOUT_NOTE}`,
  repair:
    "Repair an int8 model until its certified flip margin δ* (the largest FP32 margin at which the int8 decision still differs from FP32's) is at most --target-delta over a region. Each round verifies the model with the region verifier; while δ*'s certified upper end is above the target, the model is fine-tuned by quantisation-aware training (distillation from the FP32 model, straight-through estimator) on the calibration states plus the round's replayed counterexamples, δ*'s witness and points of the boundary cells, keeping the int8 model's own ranges, layout and bit widths. Every round's certified δ*, ε* and disagreeing share are printed and recorded in the written model's metadata; the written file is then verified again from scratch, its counterexamples replayed in onnxruntime-node. With --keep-fp32 every round verifies (and the command writes) the model with those layers kept in float32.",
  precision:
    'Certified mixed precision: find the smallest per-layer weight bit widths (2–8) whose certified δ* (the largest FP32 margin at which the int8 decision still differs) meets --target-delta over a region. From 8 bits everywhere, each step certifies every single-layer one-bit reduction with the region verifier and keeps the one with the smallest certified δ* that still meets the target; it prints the Pareto front of every model certified on the way: weight size against certified δ* and the certified bracket of the disagreeing share.',
};
