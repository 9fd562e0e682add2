import { forwardFp32 } from '@quantproof/nn';
import { argmaxFirst, forwardInt8 } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { boxContains, certifyDecision, createBox, searchCounterexamples } from '../src/index.js';
import { boundaryCrossingPair } from './support/random-models.js';

const { mlp, model, box } = boundaryCrossingPair();

describe('searchCounterexamples', () => {
  it('returns only disagreements confirmed by forwardFp32 and forwardInt8, inside the box', () => {
    const found = searchCounterexamples(mlp, model, box, { maxCounterexamples: 5 });
    expect(found.length).toBeGreaterThan(0);
    for (const c of found) {
      expect(boxContains(box, c.input)).toBe(true);
      expect(Array.from(forwardFp32(mlp, c.input))).toEqual(Array.from(c.fp32Logits));
      expect(Array.from(forwardInt8(model, c.input))).toEqual(Array.from(c.int8Logits));
      expect(argmaxFirst(c.fp32Logits)).toBe(c.fp32Action);
      expect(argmaxFirst(c.int8Logits)).toBe(c.int8Action);
      expect(c.fp32Action).not.toBe(c.int8Action);
      // A box holding a counterexample is never certified.
      expect(certifyDecision(mlp, model, box).kind).toBe('unknown');
    }
  });

  it('finds a disagreement by the gradient walk when random sampling alone does not', () => {
    const only = { samples: 4, bisections: 0, neighbours: 0 };
    const withoutWalks = searchCounterexamples(mlp, model, box, { ...only, starts: 0 });
    const withWalks = searchCounterexamples(mlp, model, box, { ...only, starts: 4 });
    expect(withoutWalks.length).toBe(0);
    expect(withWalks.length).toBe(1);
  });

  it('finds a disagreement by bisecting a segment whose decisions differ, without walks', () => {
    const corners = { samples: 0, starts: 0 };
    expect(searchCounterexamples(mlp, model, box, { ...corners, bisections: 0 })).toEqual([]);
    expect(searchCounterexamples(mlp, model, box, { ...corners, bisections: 1 }).length).toBe(1);
  });

  it('is deterministic for a seed', () => {
    const a = searchCounterexamples(mlp, model, box, { seed: 3, maxCounterexamples: 3 });
    const b = searchCounterexamples(mlp, model, box, { seed: 3, maxCounterexamples: 3 });
    expect(a.map((c) => Array.from(c.input))).toEqual(b.map((c) => Array.from(c.input)));
  });

  it('finds nothing where the networks agree (a certified box)', () => {
    const small = createBox([1.5, 1.5], [1.51, 1.51]);
    expect(certifyDecision(mlp, model, small).kind).toBe('consistent');
    expect(searchCounterexamples(mlp, model, small)).toEqual([]);
  });
});
