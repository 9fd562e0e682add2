// Ctrl-C on a long command: the terminal gets its cursor back (a progress bar hides it) and the
// user learns how to continue the interrupted work.

/** What to tell a user who interrupts the running command (null: nothing to continue). */
let hint: string | null = null;

/** Sets (or clears, with null) the line printed when the command is interrupted. */
export function setInterruptHint(text: string | null): void {
  hint = text;
}

/** The text an interrupt writes to stderr: the cursor shown again on a terminal, and the hint. */
export function interruptText(isTTY: boolean): string {
  // ESC[?25h shows the cursor; \r and ESC[K clear the half-drawn progress line.
  const restore = isTTY ? '\r\x1b[K\x1b[?25h' : '';
  return `${restore}quantproof: interrupted${hint === null ? '' : `; ${hint}`}\n`;
}
