// Counterexample-guided repair on the planted network with its sensitive layer at 3 bits: δ* starts
// at 0.39–0.40 and repair must prove δ* ≤ 0.1; the repaired model is then verified again from
// scratch, and a loop without rounds must report the budget, not a success.
import { createSeededRng } from '@quantproof/nn';
import { calibrateRanges, validateQMlp } from '@quantproof/quant';
import { planted, plantedBox, plantedGrid } from '@quantproof/test-support/planted';
import { describe, expect, it } from 'vitest';
import { repairToTarget, SmtVerifyOptionsError, verifyRegion } from '../src/index.js';

const ranges = calibrateRanges(planted, plantedGrid, { kind: 'minmax' });
const verify = { workers: 0, maxBoxes: 300, seconds: 120 } as const;
const options = {
  targetDelta: 0.1,
  ranges,
  scheme: { weightBits: [8, 3, 8] },
  states: plantedGrid,
  rounds: 5,
  verify,
} as const;

describe('repairToTarget', () => {
  it('reaches the target δ*, records every round, and the proof holds when verified again', async () => {
    const seen: number[] = [];
    const result = await repairToTarget(planted, plantedBox, {
      ...options,
      rng: createSeededRng(0),
      onRound: (r) => seen.push(r.round),
    });
    expect(result.kind).toBe('reached');
    expect(result.rounds[0]!.numbers.flipMargin!.lower).toBeGreaterThan(0.39);
    expect(result.rounds[0]!.reached).toBe(false);
    expect(result.rounds[0]!.counterexamples).toBeGreaterThan(0);
    expect(seen).toEqual(result.rounds.map((r) => r.round));
    expect(result.round).toBe(result.rounds.length - 1);
    expect(result.rounds.at(-1)!.reached).toBe(true);
    validateQMlp(result.model);
    if (result.model.format === 'mixed') throw new Error('repaired into a mixed model');
    expect(result.model.layers[1]!.weightQuant.bits).toBe(3);
    const again = await verifyRegion(planted, result.model, plantedBox, verify);
    expect(again.flipMargin!.upper).toBeLessThanOrEqual(0.1);
    expect(again.flipMargin).toEqual(result.verification.flipMargin);
  }, 120_000);

  it('without rounds, reports the budget and returns the starting model', async () => {
    const result = await repairToTarget(planted, plantedBox, {
      ...options,
      rounds: 0,
      rng: createSeededRng(0),
    });
    expect(result.kind).toBe('budget');
    expect(result.rounds).toHaveLength(1);
    expect(result.round).toBe(0);
    expect(result.verification.flipMargin!.upper).toBeGreaterThan(0.1);
  }, 60_000);

  it('with keepFp32, verifies and returns the model with those layers kept in float32', async () => {
    const result = await repairToTarget(planted, plantedBox, {
      ...options,
      rounds: 1,
      keepFp32: [0],
      rng: createSeededRng(0),
    });
    if (result.model.format !== 'mixed') throw new Error('not a mixed model');
    expect(result.model.layers.map((l) => l.kind)).toEqual(['float', 'int8', 'int8']);
    expect(Array.from(result.model.layers[0]!.weight)).toEqual(
      Array.from(planted.layers[0]!.weight),
    );
    // Every round's numbers are the mixed model's: verified again, the same certified δ*.
    const again = await verifyRegion(planted, result.model, plantedBox, verify);
    expect(again.flipMargin).toEqual(result.verification.flipMargin);
    expect(result.rounds[result.round]!.numbers.flipMargin).toEqual(again.flipMargin);
  }, 180_000);

  it('rejects a negative target', async () => {
    await expect(
      repairToTarget(planted, plantedBox, { ...options, targetDelta: -1, rng: createSeededRng(0) }),
    ).rejects.toThrow(SmtVerifyOptionsError);
  });
});
