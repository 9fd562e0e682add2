// The `quantproof` program: its commands, and one place that turns errors into exit codes.

import { Command, CommanderError } from 'commander';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { quantizeCommand } from './commands/quantize.js';
import { precisionCommand } from './commands/precision.js';
import { repairCommand } from './commands/repair.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { sensitivityCommand } from './commands/sensitivity.js';
import { verifyCommand } from './commands/verify.js';
import { vnnlibCommand } from './commands/vnnlib.js';
import { trainCommand } from './commands/train.js';
import { EXIT_CODES, InputError, UsageError } from './errors.js';
import type { ProgressTarget } from './progress.js';

/** Where the program writes; injectable so tests can run it in-process. */
export interface ProgramIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars are drawn only then). */
  readonly stderrIsTTY: boolean;
}

/** What a command reports back besides its output: the exit code of a verdict. */
export interface ProgramState {
  exitCode: number;
}

/** Commander's output: help to stdout; its errors as one line that says where help is. */
function commanderOutput(io: ProgramIo, usage: string) {
  return {
    writeOut: io.stdout,
    writeErr: io.stderr,
    outputError: (text: string, write: (s: string) => void): void =>
      write(
        `quantproof: ${text
          .replace(/^error: /, '')
          .trim()
          .replace(/\s*\n\s*/g, ' ')} (see ${usage} --help)\n`,
      ),
  };
}

/** Builds the command tree; `state.exitCode` receives a verdict's exit code. */
export function createProgram(
  io: ProgramIo,
  state: ProgramState = { exitCode: EXIT_CODES.ok },
): Command {
  const program = new Command('quantproof')
    .description(
      'Train a policy, quantise it to int8, and prove or refute that the int8 policy takes the FP32 decision.',
    )
    .configureOutput(commanderOutput(io, 'quantproof'))
    .exitOverride()
    .addHelpText(
      'after',
      `\nExit codes: ${EXIT_CODES.ok} success, ${EXIT_CODES.usage} bad flags, ${EXIT_CODES.input} bad input file, ${EXIT_CODES.internal} internal error.`,
    );
  const print = (text: string): void => io.stdout(`${text}\n`);
  const progressTarget = (json: boolean): ProgressTarget => ({
    stream: { write: io.stderr, isTTY: io.stderrIsTTY },
    plain: json,
  });
  const warn = (text: string): void => io.stderr(`${text}\n`);
  const commands = [
    demoCommand(print),
    trainCommand(print, progressTarget),
    quantizeCommand(print, warn, (code) => {
      state.exitCode = code;
    }),
    evalCommand(print),
    runCommand(print, warn, progressTarget),
    reportCommand(print),
    vnnlibCommand(print),
    verifyCommand(
      print,
      (code) => {
        state.exitCode = code;
      },
      progressTarget,
    ),
    sensitivityCommand(print),
    precisionCommand(print),
    repairCommand(print, (code) => {
      state.exitCode = code;
    }),
    checkCommand(
      print,
      (code) => {
        state.exitCode = code;
      },
      progressTarget,
    ),
  ];
  for (const command of commands) {
    program.addCommand(
      command.configureOutput(commanderOutput(io, `quantproof ${command.name()}`)).exitOverride(),
    );
  }
  return program;
}

/** Runs the program on argv (without node and script) and returns the exit code. */
export async function runProgram(argv: readonly string[], io: ProgramIo): Promise<number> {
  const state: ProgramState = { exitCode: EXIT_CODES.ok };
  const program = createProgram(io, state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if (error instanceof UsageError || error instanceof InputError) {
      io.stderr(`quantproof: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(
      `quantproof: internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_CODES.internal;
  }
}
