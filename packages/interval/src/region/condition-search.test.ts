import { createTrainingWorkspace, forwardTrain, type Mlp } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { createBox } from '../box.js';
import { ibpFp32 } from '../fp32-network.js';
import { searchLinearConditions, type OutputCondition } from './condition-search.js';

/** y = (relu(x0 + x1), relu(x0 − x1)) on [−1, 1]². */
const mlp: Mlp = {
  layers: [
    {
      inFeatures: 2,
      outFeatures: 2,
      weight: Float32Array.of(1, 1, 1, -1),
      bias: new Float32Array(2),
      activation: 'relu',
    },
    {
      inFeatures: 2,
      outFeatures: 2,
      weight: Float32Array.of(1, 0, 0, 1),
      bias: new Float32Array(2),
      activation: 'identity',
    },
  ],
};
const box = createBox([-1, -1], [1, 1]);

/** The network's outputs as the search evaluates them (nn's forwardTrain). */
function outputs(x: Float32Array): Float32Array {
  return forwardTrain(createTrainingWorkspace(mlp, 1), x, 1).slice(0, 2);
}

function meets(c: OutputCondition, y: Float32Array): boolean {
  const total = c.coefficients[0]! * y[0]! + c.coefficients[1]! * y[1]!;
  return c.strict ? total < c.bound : total <= c.bound;
}

const condition = (c0: number, c1: number, bound: number): OutputCondition => ({
  coefficients: [c0, c1],
  bound,
  strict: false,
});

describe('searchLinearConditions', () => {
  it('finds a float32 point of the box whose outputs meet a conjunction', () => {
    // y0 − y1 ≥ 1.5 and y0 ≤ 1.9: only near x1 ≈ 0.75…1 with x0 in a band; not at the centre.
    const conj = [condition(-1, 1, -1.5), condition(1, 0, 1.9)];
    const x = searchLinearConditions(mlp, box, [conj]);
    expect(x).not.toBeNull();
    const y = outputs(x!);
    for (const c of conj) expect(meets(c, y)).toBe(true);
    x!.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(box.lower[i]!);
      expect(v).toBeLessThanOrEqual(box.upper[i]!);
    });
  });

  it('returns null where the bounds show no point meets the conditions', () => {
    const bounds = ibpFp32(mlp, box);
    const below = bounds.logits.lower[0]! - 1;
    expect(searchLinearConditions(mlp, box, [[condition(1, 0, below)]])).toBeNull();
  });

  it('looks at every disjunct and is deterministic for a seed', () => {
    const impossible = [condition(1, 0, -1)];
    const possible = [condition(0, -1, -1.2)];
    const a = searchLinearConditions(mlp, box, [impossible, possible], { seed: 5 });
    const b = searchLinearConditions(mlp, box, [impossible, possible], { seed: 5 });
    expect(a).not.toBeNull();
    expect(meets(possible[0]!, outputs(a!))).toBe(true);
    expect(Array.from(b!)).toEqual(Array.from(a!));
  });

  it('answers an empty conjunction ("any output") with the box’s centre', () => {
    expect(Array.from(searchLinearConditions(mlp, box, [[]])!)).toEqual([0, 0]);
  });
});
