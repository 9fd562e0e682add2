#!/usr/bin/env node
import { interruptText } from './interrupt.js';
import { runProgram } from './program.js';

// Ctrl-C (or a SIGTERM): give the terminal its cursor back, say how to continue, exit 130 / 143.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    process.stderr.write(interruptText(process.stderr.isTTY === true));
    process.exit(code);
  });
}

const code = await runProgram(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
});
process.exitCode = code;
