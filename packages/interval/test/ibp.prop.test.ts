import { createTrainingWorkspace, forwardFp32, forwardTrain } from '@quantproof/nn';
import { createInt8Executor, type Int8Trace, type QMlp } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ibpFp32, ibpInt8, type Bounds, type Int8IntervalBounds } from '../src/index.js';
import { splitBox } from '../src/box.js';
import { exactForward, within } from './support/dyadic.js';
import {
  coveredPoints,
  quantCaseArb,
  quantize,
  randomBox,
  randomMlp,
  sizesArb,
} from './support/random-models.js';

function inside(bounds: Bounds, values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    if (!(bounds.lower[i]! <= values[i]! && values[i]! <= bounds.upper[i]!)) return false;
  }
  return true;
}

function traceInside(bounds: Int8IntervalBounds, trace: Int8Trace, model: QMlp): boolean {
  if (!inside(bounds.logits, trace.logits)) return false;
  return trace.layers.every((t, l) => {
    const b = bounds.layers[l]!;
    if (t.kind !== b.kind) return false;
    if (t.kind === 'integer' && b.kind === 'integer') {
      return (
        inside(b.input, t.input) &&
        inside(b.accumulator, t.accumulator) &&
        (t.output === null || inside(b.output!, t.output))
      );
    }
    if (t.kind === 'float-gemm' && b.kind === 'float-gemm') {
      return (
        inside(b.input, t.input) &&
        inside(b.gemmOutput, t.gemmOutput) &&
        (t.output === null || inside(b.output!, t.output))
      );
    }
    if (t.kind === 'kept-float' && b.kind === 'kept-float') {
      // The trace's output is after the layer's float32 ReLU; the bounds' Gemm output before it.
      const relu = model.layers[l]!.activation === 'relu';
      const act = (v: Float64Array): Float64Array =>
        relu ? Float64Array.from(v, (y) => Math.max(0, y)) : v;
      return (
        inside(b.input, t.input) &&
        inside({ lower: act(b.gemmOutput.lower), upper: act(b.gemmOutput.upper) }, t.output) &&
        (t.quantized === null || inside(b.output!, t.quantized))
      );
    }
    if (t.kind === 'dynamic' && b.kind === 'dynamic') {
      return (
        b.scale.lower[0]! <= t.inputQuant.scale &&
        t.inputQuant.scale <= b.scale.upper[0]! &&
        inside(b.output, t.output)
      );
    }
    return false;
  });
}

const caseArb = fc.record({
  sizes: sizesArb,
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  quant: quantCaseArb,
  range: fc.constantFrom(0.5, 2, 6),
  radius: fc.constantFrom(0.01, 0.2, 1, 4),
});

describe('interval bound propagation', () => {
  it('contains forwardFp32, the exact real FP32 output and every forwardInt8 intermediate', () => {
    fc.assert(
      fc.property(caseArb, ({ sizes, seed, quant, range, radius }) => {
        const mlp = randomMlp(sizes, seed);
        const model = quantize(mlp, quant, range, seed + 1);
        const box = randomBox(sizes[0]!, range, radius, seed + 2);
        const fp = ibpFp32(mlp, box);
        const q = ibpInt8(model, box);
        const executor = createInt8Executor(model);
        const workspace = createTrainingWorkspace(mlp, 1);
        for (const x of coveredPoints(box, 6, seed + 3)) {
          expect(inside(fp.logits, forwardFp32(mlp, x))).toBe(true);
          forwardTrain(workspace, x, 1);
          fp.preActivations.forEach((b, l) =>
            expect(inside(b, workspace.preActivations[l]!)).toBe(true),
          );
          expect(traceInside(q, executor.trace(x), model)).toBe(true);
        }
        // Real semantics at real (float64) points of the box, exactly.
        for (const corner of [box.lower, box.upper]) {
          const exact = exactForward(mlp, corner);
          exact.pre.forEach((t, l) =>
            t.forEach((v, j) =>
              expect(
                within(v, fp.preActivations[l]!.lower[j]!, fp.preActivations[l]!.upper[j]!),
              ).toBe(true),
            ),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is monotone: a sub-box’s bounds lie inside its parent’s', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), ({ sizes, seed, quant, range, radius }, dimSeed) => {
        const mlp = randomMlp(sizes, seed);
        const model = quantize(mlp, quant, range, seed + 1);
        const box = randomBox(sizes[0]!, range, radius, seed + 2);
        const [left, right] = splitBox(box, dimSeed % sizes[0]!);
        const parentFp = ibpFp32(mlp, box).logits;
        const parentQ = ibpInt8(model, box).logits;
        for (const child of [left, right]) {
          const fp = ibpFp32(mlp, child).logits;
          const q = ibpInt8(model, child).logits;
          for (let j = 0; j < fp.lower.length; j++) {
            expect(fp.lower[j]!).toBeGreaterThanOrEqual(parentFp.lower[j]!);
            expect(fp.upper[j]!).toBeLessThanOrEqual(parentFp.upper[j]!);
            expect(q.lower[j]!).toBeGreaterThanOrEqual(parentQ.lower[j]!);
            expect(q.upper[j]!).toBeLessThanOrEqual(parentQ.upper[j]!);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
