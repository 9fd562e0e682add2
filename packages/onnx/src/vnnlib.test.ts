import { describe, expect, it } from 'vitest';
import {
  parseVnnlib,
  parseVnnlibDecimal,
  UnsupportedVnnlibError,
  VnnlibParseError,
  vnnlibRationalToNumber,
} from './vnnlib.js';

// VNN-COMP 2022 rl_benchmarks, vnnlib/cartpole_case_safe_14.vnnlib, verbatim. Every property of that
// benchmark is parsed by packages/cli/test/vnnlib.test.ts.
const cartpole = `; cartpole property safe_14

(declare-const X_0 Real)
(declare-const X_1 Real)
(declare-const X_2 Real)
(declare-const X_3 Real)

(declare-const Y_0 Real)
(declare-const Y_1 Real)

; Input 0
(assert (<= X_0 -0.23960987339265516))
(assert (>= X_0 -0.2564032266073448))

; Input 1
(assert (<= X_1 -0.042275951392655164))
(assert (>= X_1 -0.05906930460734483))

; Input 2
(assert (<= X_2 -0.06551135339265517))
(assert (>= X_2 -0.08230470660734483))

; Input 3
(assert (<= X_3 -0.37800327339265516))
(assert (>= X_3 -0.3947966266073448))

; unsafe if command is [1] (spec type maximal) 
(assert 
(<= Y_0 Y_1)
)
`;

const head = `(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)(declare-const Y_1 Real)
(assert (<= X_0 1))(assert (>= X_0 -0.5))(assert (<= X_1 2))(assert (>= X_1 0))\n`;

describe('parseVnnlib', () => {
  it('reads a VNN-COMP 2022 cartpole property exactly', () => {
    const p = parseVnnlib(cartpole);
    expect(p.inputSize).toBe(4);
    expect(p.outputSize).toBe(2);
    const { numerator, denominator } = p.upper[0]!.exact;
    expect(numerator * 100000000000000000n).toBe(-23960987339265516n * denominator);
    expect(p.upper[0]!.value).toBe(-0.23960987339265516);
    expect(p.lower[3]!.value).toBe(-0.3947966266073448);
    // (<= Y_0 Y_1)  ≡  Y_0 - Y_1 ≤ 0
    expect(p.output).toEqual([
      [
        {
          terms: [
            { index: 0, coefficient: { numerator: 1n, denominator: 1n } },
            { index: 1, coefficient: { numerator: -1n, denominator: 1n } },
          ],
          bound: { numerator: 0n, denominator: 1n },
          strict: false,
        },
      ],
    ]);
  });

  it('reads disjunctions of conjunctions and distributes several asserts', () => {
    const p = parseVnnlib(
      `${head}(assert (or (and (<= Y_0 Y_1) (>= Y_0 0.5)) (and (< (+ Y_0 (* 2 Y_1)) (- 3)))))(assert (<= Y_1 7))`,
    );
    expect(p.output).toHaveLength(2);
    expect(p.output[0]).toHaveLength(3);
    const second = p.output[1]!;
    expect(second[0]).toEqual({
      terms: [
        { index: 0, coefficient: { numerator: 1n, denominator: 1n } },
        { index: 1, coefficient: { numerator: 2n, denominator: 1n } },
      ],
      bound: { numerator: -3n, denominator: 1n },
      strict: true,
    });
    // (>= Y_0 0.5)  ≡  -Y_0 ≤ -1/2
    expect(p.output[0]![1]).toEqual({
      terms: [{ index: 0, coefficient: { numerator: -1n, denominator: 1n } }],
      bound: { numerator: -1n, denominator: 2n },
      strict: false,
    });
  });

  it('keeps the tighter of repeated bounds and mirrored bounds', () => {
    const p = parseVnnlib(`${head}(assert (<= X_0 0.75))(assert (>= 0.9 X_0))(assert (<= Y_0 0))`);
    expect(p.upper[0]!.value).toBe(0.75);
  });

  it('rejects malformed and unsupported text with typed errors', () => {
    expect(() => parseVnnlib('(declare-const X_0 Real')).toThrow(VnnlibParseError);
    expect(() => parseVnnlib(`${head})`)).toThrow(VnnlibParseError);
    expect(() => parseVnnlib(`${head}(assert (<= Y_0 Z))`)).toThrow(VnnlibParseError);
    expect(() => parseVnnlib('(declare-const X_0 Int)')).toThrow(UnsupportedVnnlibError);
    expect(() => parseVnnlib('(declare-const X_0 Real)(declare-const Y_0 Real)')).toThrow(
      /unbounded input X_0/,
    );
    expect(() => parseVnnlib(`${head}(assert (or (<= X_0 0) (<= Y_0 0)))`)).toThrow(
      UnsupportedVnnlibError,
    );
    expect(() => parseVnnlib(`${head}(assert (<= (* Y_0 Y_1) 0))`)).toThrow(/product/);
    expect(() => parseVnnlib(`${head}(assert (not (<= Y_0 0)))`)).toThrow(/'not'/);
  });
});

describe('exact numbers', () => {
  it('parses decimals exactly and rounds them to the nearest double', () => {
    expect(parseVnnlibDecimal('-0.25')).toEqual({ numerator: -1n, denominator: 4n });
    expect(parseVnnlibDecimal('1.5e-3')).toEqual({ numerator: 3n, denominator: 2000n });
    expect(parseVnnlibDecimal('X_0')).toBeNull();
    for (const text of [
      '0.1',
      '-0.3947966266073448',
      '1e-300',
      '123456789.987654321',
      '2.5e-320',
    ]) {
      expect(vnnlibRationalToNumber(parseVnnlibDecimal(text)!)).toBe(Number(text));
    }
    expect(vnnlibRationalToNumber({ numerator: 1n, denominator: 3n })).toBe(1 / 3);
  });
});
