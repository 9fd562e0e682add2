// The int8 encoding's big-M constants are interval's `ibpInt8` ranges over the box, as prepareBox
// hands them to encodeInt8. Tested against quant's executor (traceInt8): they are exact integers,
// they contain every quantised input, int32 accumulator and requantised output the executor
// computes at the box's float32 inputs, and each end of the first layer's ranges is attained.
import { fc, test } from '@fast-check/vitest';
import { type Bounds } from '@quantproof/interval';
import { type LayerTrace, traceInt8 } from '@quantproof/quant';
import { expect } from 'vitest';
import { type PreparedBox, prepareBox } from '../src/disagreement-query.js';
import { smallBox, staticSchemeCase } from './support/tiny-nets.js';

const fractions = fc.array(
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
  { minLength: 8, maxLength: 8 },
);

const cases = staticSchemeCase.chain((c) =>
  fc.record({
    box: smallBox(c.mlp.layers[0]!.inFeatures, 0.5),
    fractions,
    c: fc.constant(c),
  }),
);

/** The float32 box's corners and float32 points at the given fractions of each side. */
function pointsOf(p: PreparedBox, at: readonly (readonly number[])[]): Float32Array[] {
  const { lower, upper } = p.box;
  const d = lower.length;
  const points: Float32Array[] = [];
  for (let corner = 0; corner < 2 ** d; corner++) {
    points.push(Float32Array.from(lower, (lo, i) => ((corner >> i) & 1 ? upper[i]! : lo)));
  }
  for (const f of at) {
    points.push(
      Float32Array.from(lower, (lo, i) => {
        const v = Math.fround(lo + f[i]! * (upper[i]! - lo));
        return Math.min(Math.max(v, lo), upper[i]!);
      }),
    );
  }
  return points;
}

function expectIntegerRange(bounds: Bounds): void {
  bounds.lower.forEach((lo, j) => {
    expect(Number.isSafeInteger(lo)).toBe(true);
    expect(Number.isSafeInteger(bounds.upper[j]!)).toBe(true);
    expect(lo).toBeLessThanOrEqual(bounds.upper[j]!);
  });
}

function expectInside(bounds: Bounds, values: ArrayLike<number>, what: string): void {
  bounds.lower.forEach((lo, j) => {
    expect(values[j], `${what}[${j}]`).toBeGreaterThanOrEqual(lo);
    expect(values[j], `${what}[${j}]`).toBeLessThanOrEqual(bounds.upper[j]!);
  });
}

function integerTrace(layer: LayerTrace | undefined): Extract<LayerTrace, { kind: 'integer' }> {
  if (layer?.kind !== 'integer') throw new Error('expected a fused-integer trace');
  return layer;
}

test.prop([cases], { numRuns: 300 })(
  'prepareBox ranges are exact integers containing traceInt8 at the box’s float32 inputs',
  ({ box, fractions: at, c: { mlp, model } }) => {
    const p = prepareBox(mlp, model, box, {});
    fc.pre(!('unknown' in p));
    if ('unknown' in p) return;
    const points = pointsOf(p, at);
    const traces = points.map((x) => traceInt8(model, x).layers.map(integerTrace));
    p.ranges.layers.forEach((ranges, l) => {
      if (ranges.kind !== 'integer') throw new Error('expected fused-integer ranges');
      expectIntegerRange(ranges.input);
      expectIntegerRange(ranges.accumulator);
      if (ranges.output !== null) expectIntegerRange(ranges.output);
      for (const trace of traces) {
        const t = trace[l]!;
        expectInside(ranges.input, t.input, `layer ${l} input`);
        expectInside(ranges.accumulator, t.accumulator, `layer ${l} accumulator`);
        if (ranges.output === null) expect(t.output).toBeNull();
        else expectInside(ranges.output, t.output!, `layer ${l} output`);
      }
    });
    // Tight on the first layer: the corner that pushes each accumulator to one side attains it.
    const first = p.ranges.layers[0]!;
    if (first.kind !== 'integer') throw new Error('expected fused-integer ranges');
    const layer = model.layers[0]!;
    const k = layer.inFeatures;
    for (let j = 0; j < layer.outFeatures; j++) {
      const zpW =
        layer.weightQuant.zeroPoints[layer.weightQuant.granularity === 'per-tensor' ? 0 : j]!;
      for (const side of ['lower', 'upper'] as const) {
        const corner = Float32Array.from({ length: k }, (_, i) =>
          layer.weight[j * k + i]! - zpW >= 0 === (side === 'upper')
            ? p.box.upper[i]!
            : p.box.lower[i]!,
        );
        const t = integerTrace(traceInt8(model, corner).layers[0]);
        expect(t.accumulator[j]).toBe(first.accumulator[side][j]);
        if (first.output !== null) expect(t.output![j]).toBe(first.output[side][j]);
      }
    }
  },
);
