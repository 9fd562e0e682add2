import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { boxAround, float32BoxProblem, parseBoxFlag, regionOf } from './region.js';

const FLOAT32_MAX = 3.4028234663852886e38;

describe('float32BoxProblem', () => {
  it('accepts boxes with float32 values inside, out to ±FLOAT32_MAX', () => {
    expect(float32BoxProblem([-FLOAT32_MAX, 0.1], [FLOAT32_MAX, 0.2])).toBeNull();
    // 3.4028235e38 (how FLOAT32_MAX is often printed) rounds to FLOAT32_MAX as a float32.
    expect(float32BoxProblem([0], [3.4028235e38])).toBeNull();
    expect(float32BoxProblem([Math.fround(0.1)], [Math.fround(0.1)])).toBeNull();
  });

  it('refuses bounds beyond float32, and dimensions without a float32 value', () => {
    expect(float32BoxProblem([-1e39], [0])).toMatch(
      /^dimension 0 has the bound -1e\+39, beyond the float32 range; bounds must be finite float32 values/,
    );
    expect(float32BoxProblem([0, 0.1], [1, 0.1])).toMatch(
      /^dimension 1 is \[0\.1, 0\.1\], which holds no float32 value \(0\.1 is not a float32 value; the nearest are 0\.09999999403953552 and 0\.10000000149011612\)/,
    );
    expect(float32BoxProblem([0.1], [0.1000000001])).toMatch(/no float32 value lies between/);
    expect(float32BoxProblem([Number.NaN], [1])).toMatch(/NaN bound/);
    expect(float32BoxProblem([0], [Infinity])).toMatch(/unbounded/);
    expect(float32BoxProblem([1], [0])).toMatch(/lower 1 > upper 0; swap them/);
  });
});

describe('parseBoxFlag', () => {
  it('reads lo,hi;lo,hi and names the part it cannot read', () => {
    expect(parseBoxFlag('-1, 1;0,2.5')).toEqual({ lower: [-1, 0], upper: [1, 2.5] });
    expect(() => parseBoxFlag('0,1;0')).toThrow(/--box dimension 1 is "0"/);
    expect(() => parseBoxFlag('0,1;a,1')).toThrow(/--box dimension 1: "a" is not a decimal number/);
    // Number() would read these as 16, 1, 8 and 0.
    for (const text of ['0x10', '0b1', '0o10', ' ']) {
      expect(() => parseBoxFlag(`0,1;0,${text}`), text).toThrow(/is not a decimal number|lo,hi/);
    }
    expect(parseBoxFlag('.5,1e-3;-2E2,+3.')).toEqual({ lower: [0.5, -200], upper: [0.001, 3] });
  });
});

describe('--around and --radius', () => {
  it('make the box state ± radius, one half-width for all inputs or one per input', async () => {
    expect(boxAround('0.5,-1', '0.25', 2)).toEqual({ lower: [0.25, -1.25], upper: [0.75, -0.75] });
    expect(boxAround('0.5,-1', '0,0.5', 2)).toEqual({ lower: [0.5, -1.5], upper: [0.5, -0.5] });
    const box = await regionOf({ around: '0.5,-1', radius: '0.25' }, 2);
    expect(Array.from(box.lower)).toEqual([0.25, -1.25]);
    expect(Array.from(box.upper)).toEqual([0.75, -0.75]);
  });

  it('refuse what is not a state and a radius, naming the flag', async () => {
    const usage = async (flags: Parameters<typeof regionOf>[0], pattern: RegExp) => {
      const error = await regionOf(flags, 2).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(pattern);
    };
    await usage({ around: '0.5,-1' }, /^--around needs --radius/);
    await usage({ radius: '0.1' }, /^--radius goes with --around/);
    await usage({ around: '0.5', radius: '0.1' }, /^--around has 1 value; the models take 2/);
    await usage({ around: '0.5,x', radius: '0.1' }, /^--around value 1 is "x"/);
    await usage({ around: '0.5,1', radius: '0.1,0.2,0.3' }, /^--radius has 3 values/);
    await usage({ around: '0.5,1', radius: '-0.1' }, /^--radius -0.1 for input 0/);
    await usage({ around: '0.5,1', radius: '0.1', box: '0,1;0,1' }, /^give one of --box/);
    // A point that is not a float32 value, with radius 0, holds no float32 input.
    await usage({ around: '0.1,1', radius: '0' }, /^--around\/--radius: dimension 0 .* no float32/);
  });
});
