// `import '@quantproof/testing/vitest'` (e.g. in a setup file) registers the matchers with vitest's
// `expect` and declares their types on vitest's `Assertion`.
import { expect } from 'vitest';
import type { BoundOptions } from './matchers.js';
import { quantproofMatchers } from './matchers.js';
import type { ModelSource } from './models.js';
import type { ProofOptions } from './prove.js';

expect.extend(quantproofMatchers);

/** The matchers as vitest's `expect(int8)` offers them once this module is imported. */
export interface QuantproofMatchers<R = unknown> {
  /** Proved: int8 takes the FP32 decision at every float32 input of the box. */
  toTakeFp32Decision(fp32: ModelSource, options: ProofOptions): Promise<R>;
  /** Proved: ε* (max |FP32 − int8| output) over the box is below `epsilon`. */
  toHaveErrorBoundBelow(epsilon: number, options: BoundOptions): Promise<R>;
  /** Proved: δ* (largest FP32 margin at which int8 disagrees) is below `delta`, or none exists. */
  toHaveFlipMarginBelow(delta: number, options: BoundOptions): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends QuantproofMatchers<T> {}
}

export { quantproofMatchers };
