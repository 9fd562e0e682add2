import { describe, expect, it } from 'vitest';
import { adamStep, createAdam } from './adam.js';
import { argmax, softmaxCrossEntropy } from './categorical.js';
import { createMlp } from './create-mlp.js';
import { NnOptionsError, NnShapeError } from './errors.js';
import { forwardBatchFp32 } from './forward-fp32.js';
import { createMlpGradients, zeroGradients } from './gradients.js';
import type { Mlp } from './mlp.js';
import { createSeededRng } from './rng.js';
import { backwardTrain, createTrainingWorkspace, forwardTrain } from './training-workspace.js';

// h = relu(W1 x + b1), y = W2 h + b2 with W1 = [[1, -1], [2, 1]], b1 = [0, -1], W2 = [[3, -2]],
// b2 = [0.5]. Hand-computed below.
function tiny(): Mlp {
  return {
    layers: [
      {
        inFeatures: 2,
        outFeatures: 2,
        weight: Float32Array.of(1, -1, 2, 1),
        bias: Float32Array.of(0, -1),
        activation: 'relu',
      },
      {
        inFeatures: 2,
        outFeatures: 1,
        weight: Float32Array.of(3, -2),
        bias: Float32Array.of(0.5),
        activation: 'identity',
      },
    ],
  };
}

describe('forwardTrain / backwardTrain', () => {
  it('match a hand-computed forward and backward pass', () => {
    const mlp = tiny();
    const workspace = createTrainingWorkspace(mlp, 4);
    // x = [1, 2]: pre = [-1, 3], h = [0, 3], y = -5.5. x = [0, 0]: pre = [0, -1], h = [0, 0], y = 0.5.
    const y = forwardTrain(workspace, Float32Array.of(1, 2, 0, 0), 2);
    expect(Array.from(y)).toEqual([-5.5, 0.5]);
    expect(Array.from(workspace.preActivations[0]!.subarray(0, 4))).toEqual([-1, 3, 0, -1]);
    expect(Array.from(workspace.activations[0]!.subarray(0, 4))).toEqual([0, 3, 0, 0]);

    // dL/dy = [1, 2]. Sample 1: dW2 = [0, 3], db2 = 1, dh = [3, -2] masked by pre > 0 to
    // [0, -2], dW1 = [[0, 0], [-2, -4]], db1 = [0, -2], dx = W1ᵀ [0, -2] = [-4, -2].
    // Sample 2: db2 += 2; every pre-activation is ≤ 0 (ReLU'(0) = 0), so nothing else.
    const gradients = createMlpGradients(mlp);
    const dInput = new Float64Array(4).fill(99);
    backwardTrain(workspace, Float64Array.of(1, 2), { gradients, dInput });
    expect(Array.from(gradients.layers[1]!.weight)).toEqual([0, 3]);
    expect(Array.from(gradients.layers[1]!.bias)).toEqual([3]);
    expect(Array.from(gradients.layers[0]!.weight)).toEqual([0, 0, -2, -4]);
    expect(Array.from(gradients.layers[0]!.bias)).toEqual([0, -2]);
    expect(Array.from(dInput)).toEqual([-4, -2, 0, 0]);

    // Parameter gradients accumulate; input gradients are overwritten.
    backwardTrain(workspace, Float64Array.of(1, 2), { gradients, dInput });
    expect(Array.from(gradients.layers[1]!.bias)).toEqual([6]);
    expect(Array.from(dInput)).toEqual([-4, -2, 0, 0]);
    zeroGradients(gradients);
    expect(gradients.flat.every((g) => g === 0)).toBe(true);
  });

  it('computes input gradients alone and leaves dOutput untouched', () => {
    const mlp = tiny();
    const workspace = createTrainingWorkspace(mlp, 1);
    forwardTrain(workspace, Float64Array.of(1, 2), 1);
    const dOutput = Float64Array.of(1);
    const dInput = new Float64Array(2);
    backwardTrain(workspace, dOutput, { dInput });
    expect(Array.from(dInput)).toEqual([-4, -2]);
    expect(Array.from(dOutput)).toEqual([1]);
  });

  it('differentiates at the weights of the last forward', () => {
    const mlp = tiny();
    const workspace = createTrainingWorkspace(mlp, 1);
    forwardTrain(workspace, Float64Array.of(1, 2), 1);
    mlp.layers[0]!.weight.fill(0);
    const dInput = new Float64Array(2);
    backwardTrain(workspace, Float64Array.of(1), { dInput });
    expect(Array.from(dInput)).toEqual([-4, -2]);
  });

  it('rejects wrong shapes', () => {
    const mlp = tiny();
    expect(() => createTrainingWorkspace(mlp, 0)).toThrow(NnShapeError);
    const workspace = createTrainingWorkspace(mlp, 2);
    expect(() => forwardTrain(workspace, new Float32Array(6), 3)).toThrow(/capacity/);
    expect(() => forwardTrain(workspace, new Float32Array(3), 2)).toThrow(/needs 4 input values/);
    forwardTrain(workspace, new Float32Array(4), 2);
    expect(() => backwardTrain(workspace, new Float64Array(1), {})).toThrow(/dOutput holds 1/);
    expect(() =>
      backwardTrain(workspace, new Float64Array(2), { dInput: new Float64Array(3) }),
    ).toThrow(/dInput holds 3/);
    const other = createMlpGradients({ layers: [mlp.layers[0]!] });
    expect(() => backwardTrain(workspace, new Float64Array(2), { gradients: other })).toThrow(
      /createMlpGradients/,
    );
  });
});

describe('training backends', () => {
  it('wasm and js give the same bits as each other and as forwardFp32 on 4-64-64-2', () => {
    const rng = createSeededRng(3);
    const mlp = createMlp({ sizes: [4, 64, 64, 2], rng });
    const n = 37;
    const inputs = Float32Array.from({ length: n * 4 }, () => 4 * rng.nextFloat64() - 2);
    const dOutput = Float64Array.from({ length: n * 2 }, () => rng.nextFloat64() - 0.5);
    const results = (['wasm', 'js'] as const).map((backend) => {
      const workspace = createTrainingWorkspace(mlp, 64, { backend });
      expect(workspace.backend).toBe(backend);
      const outputs = Array.from(forwardTrain(workspace, inputs, n));
      const gradients = createMlpGradients(mlp);
      const dInput = new Float64Array(n * 4);
      backwardTrain(workspace, dOutput, { gradients, dInput });
      return { outputs, gradients: Array.from(gradients.flat), dInput: Array.from(dInput) };
    });
    expect(results[0]).toEqual(results[1]);
    expect(results[0]!.outputs).toEqual(Array.from(forwardBatchFp32(mlp, inputs, n)));
    expect(results[0]!.gradients.some((g) => g !== 0)).toBe(true);
  });

  it('rejects an unknown backend', () => {
    expect(() => createTrainingWorkspace(tiny(), 1, { backend: 'gpu' as unknown as 'js' })).toThrow(
      NnOptionsError,
    );
  });
});

describe('end to end', () => {
  it('learns XOR with Adam and cross-entropy (seeded, deterministic)', () => {
    const train = (): { accuracy: number; weights: number[] } => {
      const mlp = createMlp({ sizes: [2, 16, 2], rng: createSeededRng(5) });
      const inputs = Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1);
      const targets = [0, 1, 1, 0];
      const workspace = createTrainingWorkspace(mlp, 4);
      const gradients = createMlpGradients(mlp);
      const adam = createAdam(mlp, { learningRate: 0.05 });
      const dLogits = new Float64Array(8);
      for (let step = 0; step < 300; step++) {
        zeroGradients(gradients);
        dLogits.fill(0);
        softmaxCrossEntropy(forwardTrain(workspace, inputs, 4), targets, 4, 2, {
          gradient: dLogits,
        });
        backwardTrain(workspace, dLogits, { gradients });
        adamStep(mlp, adam, gradients);
      }
      const logits = forwardBatchFp32(mlp, inputs, 4);
      const correct = targets.filter((t, s) => argmax(logits, 2 * s, 2) === t).length;
      return { accuracy: correct / 4, weights: Array.from(mlp.layers[0]!.weight) };
    };
    const first = train();
    expect(first.accuracy).toBe(1);
    expect(train().weights).toEqual(first.weights);
  });
});
