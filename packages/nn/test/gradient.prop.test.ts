import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMlpGradients } from '../src/gradients.js';
import type { Mlp } from '../src/mlp.js';
import { backwardTrain, createTrainingWorkspace, forwardTrain } from '../src/training-workspace.js';
import { mlpWithBatchArbitrary } from './arbitraries.js';

// Gradient check (not a soundness test): backwardTrain against float64 central differences of
// L = Σ c ⊙ y + ½ Σ y². Along any one weight or input the network output is affine while no
// pre-activation changes sign, so L is quadratic there and the central difference is exact up to
// round-off. Cases with a pre-activation within MARGIN of a ReLU kink are skipped.
const H = 1e-6;
const MARGIN = 1e-3;

interface Float64Layer {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly relu: boolean;
}

function widen(mlp: Mlp): Float64Layer[] {
  return mlp.layers.map((l) => ({
    inFeatures: l.inFeatures,
    outFeatures: l.outFeatures,
    weight: Float64Array.from(l.weight),
    bias: Float64Array.from(l.bias),
    relu: l.activation === 'relu',
  }));
}

/** Plain float64 forward; reports the smallest |pre-activation| of any ReLU unit. */
function reference(
  layers: Float64Layer[],
  inputs: Float64Array,
  n: number,
): { outputs: number[]; closestToKink: number } {
  const outputs: number[] = [];
  let closestToKink = Infinity;
  const inSize = layers[0]!.inFeatures;
  for (let s = 0; s < n; s++) {
    let x = Array.from(inputs.subarray(s * inSize, (s + 1) * inSize));
    for (const layer of layers) {
      const y: number[] = [];
      for (let j = 0; j < layer.outFeatures; j++) {
        let pre = layer.bias[j]!;
        for (let i = 0; i < layer.inFeatures; i++)
          pre += layer.weight[j * layer.inFeatures + i]! * x[i]!;
        if (layer.relu) closestToKink = Math.min(closestToKink, Math.abs(pre));
        y.push(layer.relu && pre < 0 ? 0 : pre);
      }
      x = y;
    }
    outputs.push(...x);
  }
  return { outputs, closestToKink };
}

function loss(outputs: number[], c: number[]): number {
  return outputs.reduce((sum, y, k) => sum + c[k]! * y + 0.5 * y * y, 0);
}

// backwardTrain computes in float32 (relative round-off 2^-24 per operation, sums of at most a
// few dozen terms here); the float64 differences are exact up to ~1e-9.
function expectClose(analytic: number, numeric: number): void {
  expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(
    1e-5 + 1e-5 * Math.max(Math.abs(analytic), Math.abs(numeric)),
  );
}

const cases = mlpWithBatchArbitrary({
  maxLayers: 3,
  maxWidth: 6,
  range: 1,
  maxBatch: 4,
  values: 'uniform',
}).chain((batch) => {
  const outSize = batch.mlp.layers[batch.mlp.layers.length - 1]!.outFeatures;
  return fc
    .array(fc.double({ min: -1, max: 1, noNaN: true }), {
      minLength: batch.n * outSize,
      maxLength: batch.n * outSize,
    })
    .map((c) => ({ ...batch, c }));
});

describe('backwardTrain', () => {
  it('matches central finite differences for weights, biases and inputs', () => {
    fc.assert(
      fc.property(cases, ({ mlp, n, inputs, c }) => {
        const layers = widen(mlp);
        const x = Float64Array.from(inputs);
        const base = reference(layers, x, n);
        fc.pre(base.closestToKink > MARGIN);

        const workspace = createTrainingWorkspace(mlp, n);
        const y = forwardTrain(workspace, inputs, n);
        const dOutput = Float64Array.from(y, (value, k) => c[k]! + value);
        const gradients = createMlpGradients(mlp);
        const dInput = new Float64Array(x.length);
        backwardTrain(workspace, dOutput, { gradients, dInput });

        const difference = (tensor: Float64Array, index: number, values: Float64Array): number => {
          const saved = tensor[index]!;
          tensor[index] = saved + H;
          const plus = loss(reference(layers, values, n).outputs, c);
          tensor[index] = saved - H;
          const minus = loss(reference(layers, values, n).outputs, c);
          tensor[index] = saved;
          return (plus - minus) / (2 * H);
        };
        layers.forEach((layer, l) => {
          const g = gradients.layers[l]!;
          for (let k = 0; k < layer.weight.length; k++) {
            expectClose(g.weight[k]!, difference(layer.weight, k, x));
          }
          for (let k = 0; k < layer.bias.length; k++) {
            expectClose(g.bias[k]!, difference(layer.bias, k, x));
          }
        });
        for (let k = 0; k < x.length; k++) expectClose(dInput[k]!, difference(x, k, x));
      }),
    );
  });
});
