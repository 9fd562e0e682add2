// Planted cases and properties of the agreement query, against the cell-enumeration oracle (int8
// from the executor per cell, FP32 from z3 on the FP32 network alone) and the executors.
import { forwardFp32 } from '@quantproof/nn';
import { argmaxFirst, forwardInt8 } from '@quantproof/quant';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAgreement } from '../src/agreement.js';
import { decideByCells } from '../src/cell-oracle.js';
import { prepareBox, searchDisagreement } from '../src/disagreement-query.js';
import { exactLogits } from '../src/exact-fp32.js';
import { compare, fromNumber, sub } from '../src/rational.js';
import { exactDecision, replayCandidate, type RuntimeReplay } from '../src/replay.js';
import { releaseZ3 } from '../src/z3-session.js';
import { diagonal, quantizeTiny } from '@quantproof/test-support/tiny-nets';
import { smallBox, tinyCase } from './support/tiny-nets.js';

afterAll(releaseZ3);

describe('planted cases', () => {
  // The same box replayed in onnxruntime-node (injected by the cli) is
  // packages/cli/test/smt-replay.test.ts.
  it('refutes a box across the decision boundary with a counterexample replayed in the executors', async () => {
    const model = quantizeTiny(diagonal);
    // A box on the diagonal: every quantisation cell that the line x0 = x1 crosses off its
    // corners holds inputs where int8 (constant on the cell) and FP32 (both signs) differ.
    const box = { lower: [0.1, 0.1], upper: [0.13, 0.13] };
    const result = await checkAgreement(diagonal, model, box, { cellFastPath: 0 });
    expect(result.kind).toBe('inconsistent');
    if (result.kind !== 'inconsistent') return;
    const cex = result.counterexample;
    expect(cex.int8Action).not.toBe(cex.fp32Action);
    expect(argmaxFirst(forwardInt8(model, cex.input))).toBe(cex.int8Action);
    expect(argmaxFirst(forwardFp32(diagonal, cex.input))).toBe(cex.fp32Action);
    expect(argmaxFirst(cex.int8Logits)).toBe(cex.int8Action);
    expect(argmaxFirst(cex.fp32Logits)).toBe(cex.fp32Action);
    // No runtime injected: the result says the counterexample was replayed in the executors only.
    expect(cex.runtimeReplay).toBe('none');
    expect(cex.ortInt8Logits).toBeNull();
    expect(cex.ortFp32Logits).toBeNull();
    expect(cex.fp32Margin).toBeGreaterThan(result.tieTolerance);
  });

  it('replays through an injected runtime and records it', async () => {
    const model = quantizeTiny(diagonal);
    const box = { lower: [0.1, 0.1], upper: [0.13, 0.13] };
    const calls: string[] = [];
    const replay: RuntimeReplay = {
      name: 'executors-as-runtime',
      fp32: (mlp, x) => {
        calls.push('fp32');
        return Promise.resolve(forwardFp32(mlp, x));
      },
      int8: (m, x) => {
        calls.push('int8');
        return Promise.resolve(forwardInt8(m, x));
      },
    };
    const result = await checkAgreement(diagonal, model, box, { cellFastPath: 0, replay });
    expect(result.kind).toBe('inconsistent');
    if (result.kind !== 'inconsistent') return;
    const cex = result.counterexample;
    expect(cex.runtimeReplay).toBe('executors-as-runtime');
    expect(calls).toEqual(['fp32', 'int8']);
    expect(argmaxFirst(cex.ortInt8Logits!)).toBe(cex.int8Action);
    expect(argmaxFirst(cex.ortFp32Logits!)).toBe(cex.fp32Action);
  });

  it('treats a runtime that disagrees with the executors on a counterexample as a bug', async () => {
    const model = quantizeTiny(diagonal);
    const box = { lower: [0.1, 0.1], upper: [0.13, 0.13] };
    const swapped = (y: Float32Array): Float32Array => Float32Array.of(y[1]!, y[0]!);
    const replay: RuntimeReplay = {
      name: 'broken-runtime',
      fp32: (mlp, x) => Promise.resolve(swapped(forwardFp32(mlp, x))),
      int8: (m, x) => Promise.resolve(swapped(forwardInt8(m, x))),
    };
    await expect(checkAgreement(diagonal, model, box, { cellFastPath: 0, replay })).rejects.toThrow(
      /broken-runtime contradicts a certain disagreement .*this is a bug/,
    );
  });

  it('proves a box far from the boundary (huge margin everywhere)', async () => {
    const model = quantizeTiny(diagonal);
    const box = { lower: [0.6, -0.9], upper: [0.9, -0.6] };
    const result = await checkAgreement(diagonal, model, box, { cellFastPath: 0 });
    expect(result.kind).toBe('consistent');
  });

  it('answers unknown for the dynamic format and the unfused float path', async () => {
    const model = quantizeTiny(diagonal);
    const box = { lower: [0, 0], upper: [0.1, 0.1] };
    const unfused = {
      ...model,
      executionPath: { kind: 'unfused-float', gemm: 'gemm-transb' },
    } as const;
    expect(await checkAgreement(diagonal, unfused, box)).toEqual({
      kind: 'unknown',
      reason: 'float-path',
    });
  });
});

describe('properties on tiny networks', () => {
  const caseAndBox = tinyCase.chain((c) =>
    smallBox(c.mlp.layers[0]!.inFeatures).map((box) => ({ ...c, box })),
  );

  test.prop([caseAndBox], { numRuns: 20 })(
    'the SMT verdict equals the cell oracle, and each verdict holds up under the executors',
    async ({ mlp, model, box }) => {
      const p = prepareBox(mlp, model, box, {});
      if ('unknown' in p) throw new Error(`unexpected ${p.unknown}`);
      const cellCount = p.cells.reduce((n, c) => n * (c.qHigh - c.qLow + 1), 1);
      fc.pre(cellCount <= 400);
      const smt = await searchDisagreement(p, {});
      const oracle = await decideByCells(p, {});
      expect(smt.kind).not.toBe('unknown');
      expect(smt.kind).toBe(oracle.kind);
      if (smt.kind === 'found') {
        const again = await replayCandidate(mlp, model, smt.counterexample.input);
        expect(again).not.toBeNull();
      } else {
        // 2 000 random float32 inputs: no exact FP32 logit beats the int8 action's by more than
        // the tolerance (the tie rule), and where FP32's own margin exceeds it, both executors
        // take FP32's exact action.
        let state = 12345;
        for (let s = 0; s < 2000; s++) {
          const x = Float32Array.from(p.box.lower, (lo, i) => {
            state = (state * 1103515245 + 12345) >>> 0;
            return Math.fround(lo + (state / 2 ** 32) * (p.box.upper[i]! - lo));
          });
          const c = argmaxFirst(forwardInt8(model, x));
          const y = exactLogits(mlp, x);
          for (const v of y)
            expect(compare(sub(v, y[c]!), fromNumber(p.tolerance))).toBeLessThanOrEqual(0);
          const { action, margin } = exactDecision(mlp, x);
          if (compare(margin, fromNumber(p.tolerance)) <= 0) continue;
          expect(argmaxFirst(forwardInt8(model, x))).toBe(action);
          expect(argmaxFirst(forwardFp32(mlp, x))).toBe(action);
        }
      }
    },
  );
});
