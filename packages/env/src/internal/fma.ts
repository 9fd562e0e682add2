// Exact fused multiply-add for binary64, emulated with error-free transformations.
//
// a*b is split exactly into p + e (Dekker/Veltkamp), p + c into s + t (Knuth's TwoSum); the
// correctly rounded a*b + c is then RN(s + RO(t + e)), where RO rounds to odd (Boldo & Melquiond,
// "Emulation of FMA and correctly rounded sums: proved algorithms using rounding to odd", 2008).
// Valid while no intermediate overflows or underflows, i.e. for |a|, |b| < 2^996 and products far
// above 2^-969: the only callers are the sin/cos kernels, whose operands are bounded well inside.

const SPLITTER = 134217729; // 2^27 + 1

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LOW = LITTLE_ENDIAN ? 0 : 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;

/** Rounds v + d to odd, given v = RN(v + d) and d != 0: v if its last bit is odd, else its neighbour toward d. */
export function toOdd(v: number, d: number): number {
  scratch[0] = v;
  const low = scratchWords[LOW] as number;
  if ((low & 1) === 1) return v;
  if (d > 0 === v > 0) {
    scratchWords[LOW] = low + 1;
  } else if (low === 0) {
    scratchWords[LOW] = 0xffffffff;
    scratchWords[HIGH] = (scratchWords[HIGH] as number) - 1;
  } else {
    scratchWords[LOW] = low - 1;
  }
  return scratch[0] as number;
}

/** The correctly rounded a*b + c (IEEE 754 fusedMultiplyAdd, round to nearest even). */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const as = SPLITTER * a;
  const ah = as - (as - a);
  const al = a - ah;
  const bs = SPLITTER * b;
  const bh = bs - (bs - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const z = s - p;
  const t = p - (s - z) + (c - z);
  let v = t + e;
  const w = v - t;
  const d = t - (v - w) + (e - w);
  if (d !== 0) v = toOdd(v, d);
  return s + v;
}
