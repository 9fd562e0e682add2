// The README's example, verbatim apart from the assertions: it must keep running.
import type { Mlp } from '@quantproof/nn';
import { describe, expect, it } from 'vitest';
import { argmaxFirst, createInt8Executor, quantizeStatic } from '../src/index.js';

describe('README example', () => {
  it('runs and reports what it claims', () => {
    const mlp: Mlp = {
      layers: [
        {
          inFeatures: 2,
          outFeatures: 3,
          weight: Float32Array.from([1, -1, 0.5, 2, -0.3, 0.8]),
          bias: Float32Array.from([0, 0.1, -0.2]),
          activation: 'relu',
        },
        {
          inFeatures: 3,
          outFeatures: 2,
          weight: Float32Array.from([0.7, -1.2, 0.4, -0.5, 0.9, 1.1]),
          bias: Float32Array.from([0.05, -0.05]),
          activation: 'identity',
        },
      ],
    };
    const calibration = Float32Array.from([-1, 0.5, 0.3, 2, 1, -1, 0.2, 0.2]); // row-major [4, 2]
    const { model, warnings } = quantizeStatic(mlp, calibration, {
      operatingBox: { lower: [-1, -1], upper: [1, 2] },
    });
    const executor = createInt8Executor(model);
    const logits = executor.forward(Float32Array.from([0.25, -0.5]));
    const action = argmaxFirst(logits);
    const trace = executor.trace(Float32Array.from([0.25, -0.5]));
    expect(warnings).toEqual([]);
    expect(logits).toBeInstanceOf(Float32Array);
    expect([0, 1]).toContain(action);
    expect(trace.layers).toHaveLength(2);
    expect(Array.from(trace.logits)).toEqual(Array.from(logits));
  });
});
