export { createProgram, runProgram } from './program.js';
export type { ProgramIo, ProgramState } from './program.js';
export { EXIT_CODES, InputError, UsageError } from './errors.js';
