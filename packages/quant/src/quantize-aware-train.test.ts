import { createSeededRng, forwardBatchFp32 } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { randomInputs, randomMlp } from '../test/support/models.js';
import { argmaxFirst } from './argmax.js';
import { calibrateRanges } from './calibration.js';
import { CalibrationDataError, QuantOptionsError, UnsupportedSchemeError } from './errors.js';
import { createInt8Executor } from './forward-int8.js';
import { quantizeAwareTrain, type QuantizeAwareTrainOptions } from './quantize-aware-train.js';
import { quantizeStatic, quantizeStaticWithRanges } from './quantize-static.js';

const teacher = randomMlp([4, 12, 12, 2], 3);
const states = randomInputs(600, 4, 1, 17);

function agreementOn(model: Parameters<typeof createInt8Executor>[0], xs: Float32Array): number {
  const n = xs.length / 4;
  const fp32 = forwardBatchFp32(teacher, xs, n);
  const int8 = createInt8Executor(model).forwardBatch(xs);
  let same = 0;
  for (let r = 0; r < n; r++) {
    const a = argmaxFirst(fp32.subarray(r * 2, r * 2 + 2));
    if (a === argmaxFirst(int8.subarray(r * 2, r * 2 + 2))) same++;
  }
  return same / n;
}

describe('quantizeAwareTrain', () => {
  it('keeps the teacher’s output head', () => {
    const options = { rng: createSeededRng(1), epochs: 1 };
    const result = quantizeAwareTrain({ ...teacher, head: 'softmax' }, states, options);
    expect(result.model.head).toBe('softmax');
    expect(result.student.head).toBe('softmax');
  });

  it('with 0 epochs is plain PTQ on the given states (epoch 0 of every run)', () => {
    const scheme = { weightBits: 4, perChannel: true };
    const result = quantizeAwareTrain(teacher, states, {
      rng: createSeededRng(1),
      epochs: 0,
      scheme,
    });
    const ptq = quantizeStatic(teacher, states, scheme);
    expect(result.model).toEqual(ptq.model);
    expect(result.ranges).toEqual(ptq.ranges);
    expect(result.chosenEpoch).toBe(0);
    expect(result.history).toEqual([
      { epoch: 0, loss: null, agreement: agreementOn(ptq.model, states) },
    ]);
    expect(result.student).not.toBe(teacher);
    expect(result.student).toEqual(teacher);
  });

  it('with logit-mse brings the int8 logits closer to the teacher’s than plain PTQ', () => {
    const scheme = { weightBits: 3 };
    const result = quantizeAwareTrain(teacher, states, {
      rng: createSeededRng(4),
      scheme,
      epochs: 8,
      batchSize: 64,
      loss: { kind: 'logit-mse' },
      checkpoint: 'last',
    });
    const n = states.length / 4;
    const target = forwardBatchFp32(teacher, states, n);
    const mse = (model: Parameters<typeof createInt8Executor>[0]): number => {
      const int8 = createInt8Executor(model).forwardBatch(states);
      let total = 0;
      for (let i = 0; i < int8.length; i++) total += (int8[i]! - target[i]!) ** 2;
      return total / int8.length;
    };
    expect(mse(result.model)).toBeLessThan(mse(quantizeStatic(teacher, states, scheme).model));
    expect(() =>
      quantizeAwareTrain(teacher, states, {
        rng: createSeededRng(1),
        loss: { kind: 'hinge' } as unknown as QuantizeAwareTrainOptions['loss'] & object,
      }),
    ).toThrow(/'kl', 'cross-entropy' or 'logit-mse'/);
  });

  it('starts from initialStudent and initialRanges when given (what repair continues from)', () => {
    const other = randomMlp([4, 12, 12, 2], 8);
    const ranges = calibrateRanges(teacher, randomInputs(50, 4, 2, 5), { kind: 'minmax' });
    const result = quantizeAwareTrain(teacher, states, {
      rng: createSeededRng(1),
      epochs: 0,
      initialStudent: other,
      initialRanges: ranges,
    });
    expect(result.student).toEqual(other);
    expect(result.ranges).toEqual(ranges);
    expect(result.model).toEqual(quantizeStaticWithRanges(other, ranges).model);
    expect(() =>
      quantizeAwareTrain(teacher, states, {
        rng: createSeededRng(1),
        initialStudent: randomMlp([4, 8, 2], 1),
      }),
    ).toThrow(QuantOptionsError);
  });

  it('is deterministic for a seed and converts the chosen student with its frozen ranges', () => {
    const options: QuantizeAwareTrainOptions = {
      rng: createSeededRng(9),
      scheme: { weightBits: 3 },
      epochs: 4,
      batchSize: 64,
      boxSamples: { lower: [-1, -1, -1, -1], upper: [1, 1, 1, 1], count: 200 },
    };
    const a = quantizeAwareTrain(teacher, states, options);
    const b = quantizeAwareTrain(teacher, states, { ...options, rng: createSeededRng(9) });
    expect(a.model).toEqual(b.model);
    expect(a.history).toEqual(b.history);
    expect(a.trainingInputs).toBe(800);
    expect(a.history.map((h) => h.epoch)).toEqual([0, 1, 2, 3, 4]);
    expect(a.model).toEqual(quantizeStaticWithRanges(a.student, a.ranges, options.scheme).model);
    expect(a.fakeQuant).toEqual({ mlp: a.student, ranges: a.ranges, scheme: a.scheme });
    // Frozen ranges: the teacher's calibration on the given states.
    expect(a.ranges).toEqual(calibrateRanges(teacher, states));
    const best = Math.max(...a.history.map((h) => h.agreement));
    expect(a.history[a.chosenEpoch]!.agreement).toBe(best);
    expect(a.history.slice(1).every((h) => h.loss !== null && h.loss >= 0)).toBe(true);
  });

  it('reports the converted model’s agreement on the training inputs', () => {
    const result = quantizeAwareTrain(teacher, states, {
      rng: createSeededRng(2),
      scheme: { weightBits: 3 },
      epochs: 3,
      checkpoint: 'last',
    });
    expect(result.chosenEpoch).toBe(3);
    expect(result.history[3]!.agreement).toBe(agreementOn(result.model, states));
  });

  it('trains on box samples alone, drawn inside the box, and recalibrates when asked', () => {
    const box = { lower: [-2, -1, -0.5, 0], upper: [2, 1, 0.5, 0.25], count: 300 };
    const result = quantizeAwareTrain(teacher, new Float32Array(0), {
      rng: createSeededRng(4),
      boxSamples: box,
      epochs: 2,
      ranges: { kind: 'recalibrate', epochs: 1 },
      loss: { kind: 'cross-entropy' },
      checkpoint: 'last',
    });
    expect(result.trainingInputs).toBe(300);
    expect(result.ranges.input.min).toBeGreaterThanOrEqual(-2);
    expect(result.ranges.input.max).toBeLessThanOrEqual(2);
    expect(result.ranges.input.max).toBeGreaterThan(1.9);
    // Recalibrated after epoch 1 with the student's weights: no longer the teacher's ranges.
    const initial = quantizeAwareTrain(teacher, new Float32Array(0), {
      rng: createSeededRng(4),
      boxSamples: box,
      epochs: 0,
    });
    expect(result.ranges.input).toEqual(initial.ranges.input);
    expect(result.ranges.layers).not.toEqual(initial.ranges.layers);
  });

  it('calibrates on calibrationInputs when given', () => {
    const wide = randomInputs(50, 4, 3, 5);
    const result = quantizeAwareTrain(teacher, states, {
      rng: createSeededRng(1),
      epochs: 0,
      calibrationInputs: wide,
    });
    expect(result.ranges).toEqual(calibrateRanges(teacher, wide));
  });

  it('refuses bad options and data with typed errors', () => {
    const rng = createSeededRng(1);
    const bad: [Partial<QuantizeAwareTrainOptions>, new (...args: never[]) => Error][] = [
      [{ epochs: -1 }, QuantOptionsError],
      [{ epochs: 1.5 }, QuantOptionsError],
      [{ batchSize: 0 }, QuantOptionsError],
      [{ learningRate: 0 }, QuantOptionsError],
      [{ loss: { kind: 'mse' } as never }, QuantOptionsError],
      [{ loss: { kind: 'kl', temperature: 0 } }, QuantOptionsError],
      [{ ranges: { kind: 'ema' } as never }, QuantOptionsError],
      [{ ranges: { kind: 'recalibrate', epochs: -2 } }, QuantOptionsError],
      [{ checkpoint: 'first' as never }, QuantOptionsError],
      [{ scheme: { weightBits: 9 } }, QuantOptionsError],
      [{ scheme: { weightBits: 1 } }, QuantOptionsError],
      [{ scheme: { activationSymmetric: true } }, UnsupportedSchemeError],
      [{ boxSamples: { lower: [0], upper: [1], count: 3 } }, QuantOptionsError],
      [{ boxSamples: { lower: [0, 0, 1, 0], upper: [1, 1, 0, 1], count: 3 } }, QuantOptionsError],
      [{ boxSamples: { lower: [0, 0, 0, 0], upper: [1, 1, 1, 1], count: -1 } }, QuantOptionsError],
    ];
    for (const [options, error] of bad) {
      expect(() => quantizeAwareTrain(teacher, states, { rng, epochs: 0, ...options })).toThrow(
        error,
      );
    }
    expect(() => quantizeAwareTrain(teacher, new Float32Array(5), { rng })).toThrow(
      CalibrationDataError,
    );
    expect(() => quantizeAwareTrain(teacher, Float32Array.of(0, NaN, 0, 0), { rng })).toThrow(
      CalibrationDataError,
    );
    expect(() => quantizeAwareTrain(teacher, new Float32Array(0), { rng })).toThrow(
      CalibrationDataError,
    );
  });
});
