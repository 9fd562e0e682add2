// z3's evaluation of the int8 encoding at a concrete float32 input equals traceInt8 bit for bit.
import { traceInt8 } from '@quantproof/quant';
import { fc, test } from '@fast-check/vitest';
import { afterAll, expect } from 'vitest';
import { encodeBoth, prepareBox } from '../src/disagreement-query.js';
import { checkSmt, releaseZ3 } from '../src/z3-session.js';
import { tinyCase } from './support/tiny-nets.js';

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
