// The `quantproof` program: its commands, and one place that turns errors into exit codes.

import { Command, CommanderError, Help } from 'commander';
import {
  COMMAND_DESCRIPTIONS,
  COMMAND_NAMES,
  type CommandContext,
  type CommandName,
  isCommandName,
  loadCommand,
} from './commands/catalog.js';
import { EXIT_CODES, InputError, UsageError } from './errors.js';

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

/** The top-level program, without its commands. */
function createRoot(io: ProgramIo): Command {
  return new Command('quantproof')
    .description(
      'Train a policy, quantise it to int8, and prove or refute that the int8 policy takes the FP32 decision.',
    )
    .configureOutput(commanderOutput(io, 'quantproof'))
    .exitOverride()
    .addHelpText(
      'after',
      `\nExit codes: ${EXIT_CODES.ok} success, ${EXIT_CODES.usage} bad flags, ${EXIT_CODES.input} bad input file, ${EXIT_CODES.internal} internal error.`,
    );
}

function commandContext(io: ProgramIo, state: ProgramState): CommandContext {
  return {
    print: (text) => io.stdout(`${text}\n`),
    warn: (text) => io.stderr(`${text}\n`),
    setExitCode: (code) => {
      state.exitCode = code;
    },
    progressTarget: (json) => ({
      stream: { write: io.stderr, isTTY: io.stderrIsTTY },
      plain: json,
    }),
  };
}

/**
 * Builds the program with the commands in `load` and, for the others, stand-ins that carry only
 * their name and description (enough for the top-level help, which lists every command).
 */
async function assemble(
  io: ProgramIo,
  state: ProgramState,
  load: ReadonlySet<CommandName>,
): Promise<Command> {
  const program = createRoot(io);
  const context = commandContext(io, state);
  const standIns = new Set<Command>();
  for (const name of COMMAND_NAMES) {
    let command: Command;
    if (load.has(name)) command = await loadCommand(name, context);
    else {
      command = new Command(name).description(COMMAND_DESCRIPTIONS[name]);
      standIns.add(command);
    }
    program.addCommand(
      command.configureOutput(commanderOutput(io, `quantproof ${command.name()}`)).exitOverride(),
    );
  }
  // Every command takes options; a stand-in has none loaded, so say so as the loaded one would.
  const help = new Help();
  program.configureHelp({
    subcommandTerm: (command) =>
      standIns.has(command) ? `${command.name()} [options]` : help.subcommandTerm(command),
  });
  return program;
}

/** Builds the whole command tree (every command loaded); `state.exitCode` receives a verdict's exit code. */
export function createProgram(
  io: ProgramIo,
  state: ProgramState = { exitCode: EXIT_CODES.ok },
): Promise<Command> {
  return assemble(io, state, new Set(COMMAND_NAMES));
}

/** The command that argv runs (or asks help for), if it names one: only that one is loaded. */
export function commandOf(argv: readonly string[]): CommandName | null {
  const first = argv[0];
  const name = first === 'help' ? argv[1] : first;
  return name !== undefined && isCommandName(name) ? name : null;
}

/** Runs the program on argv (without node and script) and returns the exit code. */
export async function runProgram(argv: readonly string[], io: ProgramIo): Promise<number> {
  const state: ProgramState = { exitCode: EXIT_CODES.ok };
  try {
    const named = commandOf(argv);
    const program = await assemble(io, state, new Set(named === null ? [] : [named]));
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
