import { describe, expect, it } from 'vitest';
import { adamStep, createAdam } from './adam.js';
import { NnOptionsError, NnShapeError } from './errors.js';
import { createMlpGradients } from './gradients.js';
import type { Mlp } from './mlp.js';

function oneByOne(): Mlp {
  return {
    layers: [
      {
        inFeatures: 1,
        outFeatures: 1,
        weight: Float32Array.of(1),
        bias: Float32Array.of(-0.5),
        activation: 'identity',
      },
    ],
  };
}

function parameters(mlp: Mlp): number[] {
  return [mlp.layers[0]!.weight[0]!, mlp.layers[0]!.bias[0]!];
}

describe('adamStep', () => {
  it('matches a hand-computed two-step example (lr 0.1, β 0.9/0.999, eps 1e-8)', () => {
    // θ = [w, b] = [1, -0.5]; g1 = [0.5, 0.1]; g2 = [-0.25, 0.1].
    // Step 1: m = 0.1·g1, v = 0.001·g1², m̂ = g1, v̂ = g1², so θ moves by lr·sign(g1) (less a
    //   1e-8 eps effect): [0.9, -0.6], each rounded to float32.
    // Step 2 (weight): m = 0.9·0.05 - 0.1·0.25 = 0.02, v = 0.999·0.00025 + 0.001·0.0625
    //   = 0.00031225; step size 0.1/(1-0.81) = 0.526316, denominator √(v/(1-0.998001)) + 1e-8
    //   = 0.395223; θ = 0.9 - 0.526316·0.02/0.395223 = 0.873366.
    // Step 2 (bias): m = 0.019, v = 1.999e-5, denominator 0.1000025; θ = -0.6 - 0.1 = -0.7.
    const mlp = oneByOne();
    const state = createAdam(mlp, { learningRate: 0.1 });
    const gradients = createMlpGradients(mlp);
    gradients.flat.set([0.5, 0.1]);
    const first = adamStep(mlp, state, gradients);
    expect(first.gradientNorm).toBeCloseTo(Math.hypot(0.5, 0.1), 15);
    expect(parameters(mlp)).toEqual([0.8999999761581421, -0.5999999642372131]);
    gradients.flat.set([-0.25, 0.1]);
    adamStep(mlp, state, gradients);
    expect(parameters(mlp)).toEqual([0.8733662962913513, -0.6999999284744263]);
    expect(parameters(mlp)[0]).toBeCloseTo(0.873366, 6);
    expect(state.step).toBe(2);
    expect(Array.from(state.firstMoment)).toEqual([0.019999999999999997, 0.018999999999999996]);
  });

  it('uses eps as given (SB3 PPO: 1e-5)', () => {
    const mlp = oneByOne();
    const state = createAdam(mlp, { learningRate: 0.1, eps: 1e-5 });
    const gradients = createMlpGradients(mlp);
    gradients.flat.set([0.5, 0.1]);
    adamStep(mlp, state, gradients);
    gradients.flat.set([-0.25, 0.1]);
    adamStep(mlp, state, gradients);
    expect(parameters(mlp)).toEqual([0.8733689785003662, -0.6999800205230713]);
  });

  it('takes a per-step learning rate and leaves parameters alone at rate 0', () => {
    const mlp = oneByOne();
    const state = createAdam(mlp, { learningRate: 0.1 });
    const gradients = createMlpGradients(mlp);
    gradients.flat.set([0.5, 0.1]);
    expect(adamStep(mlp, state, gradients, { learningRate: 0 }).learningRate).toBe(0);
    expect(parameters(mlp)).toEqual([1, -0.5]);
    adamStep(mlp, state, gradients, { learningRate: 0.2 });
    // Second step, same gradient: m̂ = g, v̂ = g², so θ moves by 0.2 (less the eps effect).
    expect(parameters(mlp)[0]).toBeCloseTo(0.8, 6);
  });

  it('clips the global gradient norm first, as clip_grad_norm_', () => {
    const mlp = oneByOne();
    const state = createAdam(mlp, { learningRate: 0.1, maxGradNorm: 0.5 });
    const gradients = createMlpGradients(mlp);
    gradients.flat.set([3, 4]);
    const result = adamStep(mlp, state, gradients);
    expect(result.gradientNorm).toBe(5);
    const coefficient = 0.5 / (5 + 1e-6);
    expect(Array.from(gradients.flat)).toEqual([3 * coefficient, 4 * coefficient]);
  });

  it('rejects bad options and mismatched buffers', () => {
    const mlp = oneByOne();
    expect(() => createAdam(mlp, { learningRate: -1 })).toThrow(NnOptionsError);
    expect(() => createAdam(mlp, { beta1: 1 })).toThrow(NnOptionsError);
    expect(() => createAdam(mlp, { beta2: -0.1 })).toThrow(NnOptionsError);
    expect(() => createAdam(mlp, { eps: 0 })).toThrow(NnOptionsError);
    expect(() => createAdam(mlp, { maxGradNorm: 0 })).toThrow(NnOptionsError);
    const state = createAdam(mlp);
    const gradients = createMlpGradients(mlp);
    expect(() => adamStep(mlp, state, gradients, { learningRate: Number.NaN })).toThrow(
      NnOptionsError,
    );
    const bigger: Mlp = {
      layers: [
        {
          ...mlp.layers[0]!,
          outFeatures: 2,
          weight: new Float32Array(2),
          bias: new Float32Array(2),
        },
      ],
    };
    expect(() => adamStep(bigger, state, createMlpGradients(bigger))).toThrow(NnOptionsError);
    expect(() => adamStep(mlp, state, createMlpGradients(bigger))).toThrow(NnShapeError);
  });
});
