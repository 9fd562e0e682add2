// z3's evaluation of the int8 encoding at a concrete float32 input equals traceInt8 bit for bit:
// encoded on that point alone, and encoded over a whole box (its big-M constants and constant
// folding from interval's ibpInt8 ranges) with the input pinned to a point of the box.
import { traceInt8 } from '@quantproof/quant';
import { fc, test } from '@fast-check/vitest';
import { afterAll, expect } from 'vitest';
import { encodeBoth, prepareBox } from '../src/disagreement-query.js';
import { realOf } from '../src/smtlib.js';
import { checkSmt, releaseZ3 } from '../src/z3-session.js';
import { smallBox, staticSchemeCase, tinyCase } from './support/tiny-nets.js';

afterAll(releaseZ3);

const point = fc.array(fc.float({ min: Math.fround(-1.2), max: Math.fround(1.2), noNaN: true }), {
  minLength: 3,
  maxLength: 3,
});

test.prop([tinyCase, point], { numRuns: 25 })(
  'the encoding at a fixed input reproduces forwardInt8/traceInt8',
  async ({ mlp, model }, xs) => {
    const d = mlp.layers[0]!.inFeatures;
    const x = Float32Array.from(xs.slice(0, d));
    const p = prepareBox(mlp, model, { lower: x, upper: x }, {});
    if ('unknown' in p) throw new Error(`unexpected ${p.unknown}`);
    const { script, int8 } = encodeBoth(p);
    const result = await checkSmt(
      { body: script.body(), reals: script.reals, ints: script.ints },
      10_000,
    );
    expect(result.kind).toBe('sat');
    if (result.kind !== 'sat') return;
    const trace = traceInt8(model, x);
    const first = trace.layers[0]!;
    const last = trace.layers[trace.layers.length - 1]!;
    if (first.kind !== 'integer' || last.kind !== 'integer') throw new Error('not fused-integer');
    int8.inputs.forEach((name, i) => {
      expect(Number(result.ints.get(name)!) + model.input.zeroPoint).toBe(first.input[i]);
    });
    const zp = model.layers[model.layers.length - 1]!.output!.zeroPoint;
    int8.decision.forEach((term, j) => {
      expect(Number(result.ints.get(term)!) + zp, `logit ${j}`).toBe(last.output![j]);
    });
  },
);

const boxAndPoint = staticSchemeCase.chain((c) =>
  fc.record({
    c: fc.constant(c),
    box: smallBox(c.mlp.layers[0]!.inFeatures, 0.3),
    at: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
  }),
);

test.prop([boxAndPoint], { numRuns: 40 })(
  'the encoding of a whole box, pinned to one of its float32 points, reproduces traceInt8',
  async ({ c: { mlp, model }, box, at }) => {
    const p = prepareBox(mlp, model, box, {});
    fc.pre(!('unknown' in p));
    if ('unknown' in p) return;
    const x = Float32Array.from(p.box.lower, (lo, i) => {
      const v = Math.fround(lo + at[i]! * (p.box.upper[i]! - lo));
      return Math.min(Math.max(v, lo), p.box.upper[i]!);
    });
    const { script, inputs, int8 } = encodeBoth(p);
    inputs.forEach((name, i) => script.assert(`(= ${name} ${realOf(x[i]!)})`));
    // Read back every accumulator and requantised output the encoding declared.
    const body = script.body();
    const observed: { name: string; layer: number; j: number; kind: 'a' | 'o' }[] = [];
    model.layers.forEach((layer, l) => {
      for (let j = 0; j < layer.outFeatures; j++) {
        for (const kind of ['a', 'o'] as const) {
          const name = `q${kind}${l}_${j}`;
          if (body.includes(`(declare-const ${name} Int)`))
            observed.push({ name, layer: l, j, kind });
        }
      }
    });
    const result = await checkSmt(
      { body, reals: script.reals, ints: [...script.ints, ...observed.map((o) => o.name)] },
      10_000,
    );
    expect(result.kind).toBe('sat');
    if (result.kind !== 'sat') return;
    const trace = traceInt8(model, x).layers;
    int8.inputs.forEach((name, i) => {
      const first = trace[0]!;
      expect(Number(result.ints.get(name)!) + model.input.zeroPoint).toBe(first.input[i]);
    });
    for (const { name, layer: l, j, kind } of observed) {
      const t = trace[l]!;
      if (t.kind !== 'integer') throw new Error('not fused-integer');
      const value = Number(result.ints.get(name)!);
      if (kind === 'a') expect(value, name).toBe(t.accumulator[j]);
      else expect(value + model.layers[l]!.output!.zeroPoint, name).toBe(t.output![j]);
    }
    // Float logits decide on the last accumulators, which are always declared.
    expect(observed.some((o) => o.layer === model.layers.length - 1)).toBe(true);
  },
);
