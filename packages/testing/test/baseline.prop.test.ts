// Baselines: a document round-trips through its JSON text; a verification compared with itself
// passes; a bracket proved above the baseline's upper end regresses, one not proved no larger is
// inconclusive, one proved below improves; a new inconsistency regresses; bad documents are
// refused with a message that says how to regenerate them. The JUnit report counts the failures.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BaselineFormatError,
  type CertifiedBracket,
  type CertifiedNumbers,
  compareWithBaseline,
  createBaseline,
  junitReport,
  parseBaseline,
  serializeBaseline,
} from '../src/index.js';

const share = fc.double({ min: 0, max: 1, noNaN: true });
const bracketArb: fc.Arbitrary<CertifiedBracket> = fc
  .tuple(
    fc.double({ min: 0, max: 100, noNaN: true }),
    fc.double({ min: 0, max: 100, noNaN: true }),
    fc.boolean(),
  )
  .map(([a, b, infinite]) => ({ lower: Math.min(a, b), upper: infinite ? null : Math.max(a, b) }));
const numbersArb: fc.Arbitrary<CertifiedNumbers> = fc.record({
  verdict: fc.constantFrom('consistent', 'unknown', 'inconsistent'),
  flipMargin: fc.option(bracketArb),
  errorBound: fc.option(bracketArb),
  disagreement: fc
    .tuple(share, share)
    .map(([a, b]) => ({ lower: Math.min(a, b), upper: Math.max(a, b) })),
});

const base: CertifiedNumbers = {
  verdict: 'inconsistent',
  flipMargin: { lower: 1, upper: 2 },
  errorBound: { lower: 3, upper: 4 },
  disagreement: { lower: 0.1, upper: 0.2 },
};

describe('baselines', () => {
  it('round-trip through their JSON text', () => {
    fc.assert(
      fc.property(numbersArb, (numbers) => {
        const b = createBaseline(numbers, { lower: [-1, 0], upper: [1, 0.5] }, { int8: 'a.onnx' });
        expect(parseBaseline(serializeBaseline(b))).toEqual(b);
      }),
    );
  });

  it('pass when compared with themselves', () => {
    fc.assert(
      fc.property(numbersArb, (numbers) => {
        const c = compareWithBaseline(numbers, numbers);
        expect(c.kind).toBe('pass');
        expect(new Set(c.metrics.map((m) => m.status))).toEqual(new Set(['unchanged']));
      }),
    );
  });

  it('regress exactly when a lower end passes the baseline upper end (beyond the tolerance)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (lower, width) => {
          const now = { ...base, flipMargin: { lower, upper: lower + width } };
          const c = compareWithBaseline(base, now, { tolerance: 0.01 });
          const status = c.metrics.find((m) => m.metric === 'flipMargin')!.status;
          if (lower > 2 * 1.01 + 1e-12) expect(status).toBe('regressed');
          else if (lower + width > 2 * 1.01 + 1e-12) expect(status).toBe('inconclusive');
          else if (1 > (lower + width) * 1.01 + 1e-12) expect(status).toBe('improved');
          else expect(status).toBe('unchanged');
        },
      ),
    );
  });

  it('regress on a new inconsistency, and are inconclusive on a new unknown', () => {
    const consistent: CertifiedNumbers = {
      verdict: 'consistent',
      flipMargin: null,
      errorBound: { lower: 3, upper: 3.02 },
      disagreement: { lower: 0, upper: 0 },
    };
    const broken = compareWithBaseline(consistent, {
      ...base,
      errorBound: consistent.errorBound,
      disagreement: { lower: 0, upper: 0.001 },
    });
    expect(broken.kind).toBe('regressed');
    expect(broken.metrics[0]).toMatchObject({ metric: 'verdict', status: 'regressed' });
    expect(broken.metrics[3]).toMatchObject({ metric: 'disagreement', status: 'inconclusive' });
    const unknown = compareWithBaseline(consistent, { ...consistent, verdict: 'unknown' });
    expect(unknown.kind).toBe('inconclusive');
    expect(compareWithBaseline(base, consistent).kind).toBe('pass');
  });

  it('refuse documents they did not write, saying how to regenerate them', () => {
    const good = JSON.parse(serializeBaseline(createBaseline(base, { lower: [0], upper: [1] })));
    for (const [text, pattern] of [
      ['{', /not JSON/],
      ['{"format": "other"}', /not a quantproof baseline/],
      [JSON.stringify({ ...good, version: 2 }), /version 2/],
      [JSON.stringify({ ...good, verdict: 'fine' }), /verdict is "fine"/],
      [JSON.stringify({ ...good, region: { lower: 'x' } }), /region must be/],
      [JSON.stringify({ ...good, flipMargin: { lower: 'a' } }), /flipMargin must be/],
    ] as const) {
      expect(() => parseBaseline(text)).toThrow(BaselineFormatError);
      expect(() => parseBaseline(text)).toThrow(pattern);
    }
  });
});

describe('junitReport', () => {
  it('has one test case per metric and one failure per regressed or inconclusive metric', () => {
    const c = compareWithBaseline(base, {
      ...base,
      flipMargin: { lower: 5, upper: 6 },
      errorBound: { lower: 3, upper: null },
    });
    const xml = junitReport(c, { suite: 'check <a & b>', seconds: 1.5, output: 'x < y' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain('failures="2"');
    expect(xml).toContain('<failure type="regressed" message="flipMargin regressed');
    expect(xml).toContain('<failure type="inconclusive" message="errorBound inconclusive');
    expect(xml).toContain('name="check &lt;a &amp; b&gt;"');
    expect(xml).toContain('<system-out>x &lt; y</system-out>');
    expect(xml).not.toMatch(/<[^>]*<|&(?!amp;|lt;|gt;|quot;|apos;)/);
  });
});
