import { afterEach, describe, expect, it } from 'vitest';
import { interruptText, setInterruptHint } from './interrupt.js';

afterEach(() => setInterruptHint(null));

describe('interruptText', () => {
  it('shows the cursor again on a terminal and says how to continue', () => {
    setInterruptHint('continue it with: quantproof run --resume runs/x');
    expect(interruptText(true)).toBe(
      '\r\x1b[K\x1b[?25hquantproof: interrupted; continue it with: quantproof run --resume runs/x\n',
    );
  });

  it('writes no escape sequence where stderr is not a terminal, and no hint where none is set', () => {
    expect(interruptText(false)).toBe('quantproof: interrupted\n');
  });
});
