import { describe, expect, it } from 'vitest';
import { ibpFp32, linearBoundsFp32 } from '../src/index.js';
import { splitBox } from '../src/box.js';
import { randomBox, randomMlp } from './support/random-models.js';

// Which bounds shrink when the box does. IBP does (every operation is monotone in its input
// bounds, outward rounding included: `test/ibp.prop.test.ts`). Linear bounds need not: the
// relaxation slopes are chosen per box (CROWN's adaptive lower slope, chords through the new
// pre-activation bounds), so a child's bound can be looser than its parent's. Input splitting
// therefore never assumes monotonicity (it certifies every box from scratch).
describe('monotonicity under splitting', () => {
  it('does not hold for linear bounds: a child whose linear logit bound is looser than its parent’s', () => {
    const mlp = randomMlp([2, 6, 6, 2], 8);
    const box = randomBox(2, 2, 1, 10);
    const child = splitBox(box, 0)[0];
    const parent = linearBoundsFp32(mlp, box).logits;
    const bounds = linearBoundsFp32(mlp, child).logits;
    expect(bounds.lower[1]!).toBeLessThan(parent.lower[1]!);
    // IBP on the same pair is monotone, and the child's linear bound is still inside the parent's IBP.
    const parentIbp = ibpFp32(mlp, box).logits;
    const childIbp = ibpFp32(mlp, child).logits;
    expect(childIbp.lower[1]!).toBeGreaterThanOrEqual(parentIbp.lower[1]!);
    expect(bounds.lower[1]!).toBeGreaterThanOrEqual(childIbp.lower[1]!);
  });
});
