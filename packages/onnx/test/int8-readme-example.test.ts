// The int8 example of README.md, line for line, with its comments turned into assertions.
import { createMlp, createSeededRng } from '@quantproof/nn';
import { quantizeStatic } from '@quantproof/quant';
import { expect, it } from 'vitest';
import {
  compareInt8WithOrt,
  differentialInputs,
  ortExecutionPath,
  readModelOnnx,
  writeQMlpOnnx,
} from '../src/index.js';

it('runs the README int8 example', async () => {
  const rng = createSeededRng(1);
  const mlp = createMlp({ sizes: [4, 64, 64, 2], rng });
  const calibration = Float32Array.from({ length: 4 * 500 }, () => 2 * rng.nextFloat64() - 1);
  const { model } = quantizeStatic(mlp, calibration, { activationType: 'uint8' });
  const bytes = writeQMlpOnnx(model, { metadata: { seed: '1' } });
  const read = readModelOnnx(bytes);
  const report = await ortExecutionPath(bytes, 'all');
  const ties = differentialInputs(model, 'ties', 10_000, { seed: 2 });
  const result = await compareInt8WithOrt(model, ties);

  expect(model.format).toBe('qdq');
  expect(read.kind === 'int8' && read.model).toStrictEqual(model);
  expect(report.layers.map((layer) => layer.node.opType)).toEqual(['QGemm', 'QGemm', 'QGemm']);
  expect(report.executionPath).toEqual({ kind: 'fused-integer' });
  expect(result).toMatchObject({ rows: 10_000, differingOutputs: 0 });
});
