import { quantizeStatic } from '@quantproof/quant';
import type { QMlpStatic } from '@quantproof/quant';
import { describe, expect, it } from 'vitest';
import { calibrationInputs, policyMlp } from '../test/helpers/qmlp-fixtures.js';
import { InvalidRunInputError } from './errors.js';
import { compareInt8WithOrt } from './int8-ort-comparison.js';

const model = quantizeStatic(policyMlp([4, 8, 2], 41), calibrationInputs(4, 100, 42)).model;

describe('compareInt8WithOrt', () => {
  it('counts rows and logits and times both sides', async () => {
    const result = await compareInt8WithOrt(model, calibrationInputs(4, 10, 43), { batchSize: 3 });
    expect(result).toMatchObject({ rows: 10, outputs: 20, differingOutputs: 0, differences: [] });
    expect(result.ortSeconds).toBeGreaterThan(0);
    expect(result.executorSeconds).toBeGreaterThan(0);
  });

  it('refuses batches the executor does not model and inputs that are not whole rows', async () => {
    const unfused: QMlpStatic = {
      ...model,
      executionPath: { kind: 'unfused-float', gemm: 'gemm-transb' },
    };
    await expect(
      compareInt8WithOrt(unfused, new Float32Array(8), { batchSize: 2 }),
    ).rejects.toThrow(/for one row per onnxruntime run only/);
    await expect(compareInt8WithOrt(model, new Float32Array(6))).rejects.toThrow(
      InvalidRunInputError,
    );
    await expect(compareInt8WithOrt(model, new Float32Array(8), { batchSize: 0 })).rejects.toThrow(
      /batchSize = 0/,
    );
  });
});
