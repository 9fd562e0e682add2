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
// The work is over: end the process once stdout and stderr are flushed, rather than wait for the
// event loop to empty. A z3 instance abandoned at a time limit (its query would not stop) may keep
// a WASM thread alive that nothing waits for any more; the limit covers the process, not only the
// verdict.
process.exitCode = code;
let flushed = 0;
const flush = (): void => {
  if (++flushed === 2) process.exit(code);
};
process.stdout.write('', flush);
process.stderr.write('', flush);
