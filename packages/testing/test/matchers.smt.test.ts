// The matchers against the region verifier and onnxruntime-node: a pair the verifier proves passes
// with "proved"; a planted pair whose int8 model disagrees fails with the worst replayed
// counterexample (input, both runtimes' outputs, FP32 margin) and the seed; the bound matchers pass
// and fail on either side of the certified ε* and δ*.
import { decideOutputs } from '@quantproof/quant';
import { releaseZ3 } from '@quantproof/smt-verify';
import { writeMlpOnnx, writeQMlpOnnx } from '@quantproof/onnx';
import { afterAll, describe, expect, it } from 'vitest';
import {
  certifyRegion,
  checkDecision,
  ModelInputError,
  TestingOptionsError,
  toHaveErrorBoundBelow,
  toHaveFlipMarginBelow,
  toTakeFp32Decision,
} from '../src/index.js';
import '../src/vitest.js';
import { plantedPair } from '@quantproof/test-support/planted';
import { CLEAR_BOX, clearPair, flippedPair } from './support/pairs.js';

afterAll(releaseZ3);

const budget = { seconds: 60, maxBoxes: 2000 };

describe('toTakeFp32Decision', () => {
  it('passes with "proved" where the verifier proves the box consistent', async () => {
    const { fp32, int8 } = clearPair();
    // Files' bytes, as users pass them.
    const result = await toTakeFp32Decision(writeQMlpOnnx(int8), writeMlpOnnx(fp32), {
      box: CLEAR_BOX,
      ...budget,
    });
    expect(result.pass).toBe(true);
    expect(result.message()).toMatch(/^proved: /);
    await expect(int8).toTakeFp32Decision(fp32, { box: CLEAR_BOX, ...budget });
  });

  it('fails on a planted disagreement with the worst replayed counterexample and the seed', async () => {
    const { fp32, int8 } = plantedPair([0.5, -0.25, 0.125], 0.05, 3);
    const box = { lower: [-1, -1, -1], upper: [1, 1, 1] };
    const check = await checkDecision(int8, fp32, { box, ...budget, seed: 4 });
    expect(check.kind).toBe('refuted');
    if (check.kind !== 'refuted') return;
    const w = check.worst;
    // The worst is the largest FP32 margin of everything found, and onnxruntime-node's outputs
    // show the disagreement.
    const margins = [
      ...check.region.counterexamples.map((c) => c.fp32Margin),
      ...(check.search?.kind === 'found' ? [check.search.counterexample.fp32Margin] : []),
    ];
    expect(w.fp32Margin).toBe(Math.max(...margins));
    expect(decideOutputs(w.int8Outputs)).toBe(w.int8Action);
    expect(decideOutputs(w.fp32Outputs)).toBe(w.fp32Action);
    expect(w.fp32Action).not.toBe(w.int8Action);
    const result = await toTakeFp32Decision(int8, fp32, { box, ...budget, seed: 4 });
    expect(result.pass).toBe(false);
    const message = result.message();
    expect(message).toMatch(/^refuted: /);
    expect(message).toContain(`input x = [${w.input.map((v) => v.toPrecision(6)).join(', ')}]`);
    expect(message).toContain(`FP32 margin ${w.fp32Margin.toPrecision(6)}`);
    expect(message).toMatch(/seed: 4/);
    await expect(expect(int8).toTakeFp32Decision(fp32, { box, ...budget })).rejects.toThrow(
      /refuted: the int8 model takes another decision/,
    );
  });

  it('fails everywhere-flipped int8 models, and reads .not the other way round', async () => {
    const { fp32, int8 } = flippedPair();
    await expect(int8).not.toTakeFp32Decision(fp32, { box: CLEAR_BOX, ...budget });
  });

  it('fails with "not proved" and the budget to raise when the verifier stops early and nothing is found', async () => {
    // Every disagreement of this pair has an FP32 margin below its δ* (< 0.05): ties with delta 0.2.
    const { fp32, int8 } = plantedPair([0.5, -0.25, 0.125], 0.05, 3);
    const result = await toTakeFp32Decision(int8, fp32, {
      box: { lower: [-1, -1, -1], upper: [1, 1, 1] },
      delta: 0.2,
      maxBoxes: 1,
      samples: 200,
    });
    expect(result.pass).toBe(false);
    expect(result.message()).toMatch(
      /^not proved: the verifier left the box unknown .* no counterexample in 200 inputs \(seed 0\); raise seconds .* or maxBoxes \(now 1\)/,
    );
  });

  it('refuses bad arguments with a message that says what to pass', async () => {
    const { fp32, int8 } = clearPair();
    await expect(toTakeFp32Decision(int8, fp32, undefined as never)).rejects.toThrow(
      TestingOptionsError,
    );
    await expect(toTakeFp32Decision(fp32, int8, { box: CLEAR_BOX })).rejects.toThrow(
      ModelInputError,
    );
    await expect(
      toTakeFp32Decision(Uint8Array.of(1, 2, 3), fp32, { box: CLEAR_BOX }),
    ).rejects.toThrow(/not an ONNX model quantproof can read/);
    await expect(toTakeFp32Decision(int8, fp32, { box: CLEAR_BOX, seconds: -1 })).rejects.toThrow(
      /seconds is -1/,
    );
  });
});

describe('toHaveErrorBoundBelow and toHaveFlipMarginBelow', () => {
  it('pass above the certified ε* and δ* and fail below them', async () => {
    const { fp32, int8 } = plantedPair([0.5, -0.25, 0.125], 0.05, 3);
    const box = { lower: [-1, -1, -1], upper: [1, 1, 1] };
    const region = await certifyRegion(int8, fp32, { box, ...budget });
    const e = region.errorBound!;
    const f = region.flipMargin!;
    expect(e.upper).toBeGreaterThanOrEqual(e.lower);
    const o = { fp32, box, ...budget };
    expect((await toHaveErrorBoundBelow(int8, e.upper * 1.01 + 1e-9, o)).pass).toBe(true);
    const low = await toHaveErrorBoundBelow(int8, e.lower, o);
    expect(low.pass).toBe(false);
    expect(low.message()).toMatch(/^refuted: ε\* ∈/);
    expect((await toHaveFlipMarginBelow(int8, f.upper * 1.01 + 1e-9, o)).pass).toBe(true);
    const flip = await toHaveFlipMarginBelow(int8, f.lower, o);
    expect(flip.pass).toBe(false);
    expect(flip.message()).toMatch(/^refuted: δ\* ∈/);
    await expect(int8).toHaveFlipMarginBelow(f.upper * 1.01 + 1e-9, o);
  });

  it('proves δ* below any bound where no disagreement exists', async () => {
    const { fp32, int8 } = clearPair();
    const result = await toHaveFlipMarginBelow(int8, 0, { fp32, box: CLEAR_BOX, ...budget });
    expect(result.pass).toBe(true);
    expect(result.message()).toMatch(/no δ\*/);
  });
});
