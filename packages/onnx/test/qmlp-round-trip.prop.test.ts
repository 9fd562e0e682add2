// Writing a quantised model and reading it back gives the identical QMlp (typed arrays, bit
// patterns, execution path, scheme, output head), and writing what was read gives the same bytes —
// over random small networks, with or without a Softmax head, quantised with random schemes
// (per-feature input scales included).
import type { Activation, Mlp } from '@quantproof/nn';
import { quantizeDynamic, quantizeStatic } from '@quantproof/quant';
import type { ExecutionPath, QMlp, QuantElementType } from '@quantproof/quant';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readQMlpOnnx, writeQMlpOnnx } from '../src/index.js';
import type { ReadQMlpResult, WriteQMlpOptions } from '../src/index.js';
import { calibrationInputs, policyMlp } from './helpers/qmlp-fixtures.js';

interface Recipe {
  readonly sizes: readonly number[];
  readonly seed: number;
  readonly hiddenActivation: Activation;
  readonly format: 'qdq' | 'qoperator' | 'dynamic';
  readonly activationType: QuantElementType;
  readonly activationSymmetric: boolean;
  readonly weightType: QuantElementType;
  readonly weightSymmetric: boolean;
  readonly perChannel: boolean;
  readonly reduceRange: boolean;
  readonly bits: readonly number[];
  readonly logits: 'dequantize' | 'float';
  readonly executionPath: ExecutionPath;
  readonly softmax: boolean;
  /** Per-feature input scales (QOperator only). */
  readonly perFeatureInput: boolean;
}

const recipe: fc.Arbitrary<Recipe> = fc
  .array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 5 })
  .chain((sizes) =>
    fc.record({
      sizes: fc.constant(sizes),
      seed: fc.nat(),
      hiddenActivation: fc.constantFrom<Activation>('relu', 'identity'),
      format: fc.constantFrom('qdq' as const, 'qoperator' as const, 'dynamic' as const),
      activationType: fc.constantFrom<QuantElementType>('int8', 'uint8'),
      activationSymmetric: fc.boolean(),
      weightType: fc.constantFrom<QuantElementType>('int8', 'uint8'),
      weightSymmetric: fc.boolean(),
      perChannel: fc.boolean(),
      reduceRange: fc.boolean(),
      bits: fc.array(fc.integer({ min: 2, max: 8 }), {
        minLength: sizes.length - 1,
        maxLength: sizes.length - 1,
      }),
      logits: fc.constantFrom('dequantize' as const, 'float' as const),
      executionPath: fc.constantFrom<ExecutionPath>(
        { kind: 'fused-integer' },
        { kind: 'unfused-float', gemm: 'gemm-transb' },
        { kind: 'unfused-float', gemm: 'gemm' },
        { kind: 'unfused-float', gemm: 'matmul-add' },
      ),
      softmax: fc.boolean(),
      perFeatureInput: fc.boolean(),
    }),
  );

/** The QMlp a recipe describes, bent where quantizeStatic refuses the combination. */
function build(r: Recipe): QMlp {
  const policy = policyMlp(r.sizes, r.seed);
  const mlp: Mlp = r.softmax ? { ...policy, head: 'softmax' } : policy;
  for (const [l, layer] of mlp.layers.entries()) {
    if (l < mlp.layers.length - 1)
      (layer as { activation: Activation }).activation = r.hiddenActivation;
  }
  // Below 8 bits the quantiser takes symmetric int8 weights without reduced range only.
  const narrow = r.bits.some((b) => b < 8);
  const weightType = narrow || r.activationType === 'int8' ? 'int8' : r.weightType;
  const weights = {
    weightType,
    weightSymmetric: narrow || r.weightSymmetric,
    perChannel: r.perChannel,
    reduceRange: !narrow && r.reduceRange,
    weightBits: r.bits,
  };
  if (r.format === 'dynamic')
    return quantizeDynamic(mlp, { ...weights, weightType: narrow ? 'int8' : r.weightType }).model;
  return quantizeStatic(mlp, calibrationInputs(r.sizes[0] ?? 1, 64, r.seed + 1), {
    format: r.format,
    activationType: r.activationType,
    activationSymmetric: r.activationSymmetric && r.hiddenActivation === 'identity',
    ...weights,
    logits: r.logits,
    executionPath: r.format === 'qoperator' ? { kind: 'fused-integer' } : r.executionPath,
    inputScale: r.format === 'qoperator' && r.perFeatureInput ? 'per-feature' : 'per-tensor',
  }).model;
}

function optionsOf(read: ReadQMlpResult): WriteQMlpOptions {
  const metadata = Object.fromEntries(
    Object.entries(read.metadata).filter(([key]) => !key.startsWith('quantproof.')),
  );
  return {
    inputName: read.inputName,
    outputName: read.outputName,
    ...(read.batch.kind === 'symbolic' ? { batchDimName: read.batch.name } : {}),
    metadata,
    producerVersion: read.producer.version,
  };
}

describe('writeQMlpOnnx → readQMlpOnnx round trip', () => {
  it('reads back the identical QMlp, with no notes', () => {
    fc.assert(
      fc.property(recipe, (r) => {
        const model = build(r);
        const read = readQMlpOnnx(writeQMlpOnnx(model, { metadata: { run: String(r.seed) } }));
        expect(read.model).toStrictEqual(model);
        expect(read.notes).toEqual([]);
        expect(read.metadata['run']).toBe(String(r.seed));
      }),
    );
  });

  it('write(read(write(m))) is byte-identical to write(m)', () => {
    fc.assert(
      fc.property(recipe, (r) => {
        const bytes = writeQMlpOnnx(build(r), { inputName: 'x', batchDimName: 'B' });
        const read = readQMlpOnnx(bytes);
        expect(writeQMlpOnnx(read.model, optionsOf(read))).toEqual(bytes);
      }),
    );
  });
});
