// SPDX-License-Identifier: LGPL-2.1-or-later
// Derived from glibc (sysdeps/ieee754/dbl-64/s_sin.c, IBM Accurate Mathematical Library); see
// packages/env/LICENSES.md. The rest of @quantproof/env is MIT.
//
// sin and cos with the exact results of glibc 2.36's libm on x86-64 CPUs with FMA and AVX2, which
// is what Gymnasium's `np.sin`/`np.cos` return there (numpy calls libm for float64 scalars).
//
// V8's Math.sin/Math.cos (fdlibm) differ from glibc in the last bit on about 2 % of arguments
// (1.1 % and 0.4 % for |x| <= 0.21), and glibc itself is not correctly rounded (its comments bound
// the error by 0.548 ulp), so matching Gymnasium bit for bit means evaluating glibc's algorithm with
// glibc's constants, table and rounding steps. glibc selects its `__sin_fma`/`__cos_fma` variants
// on such CPUs: the same C source (sysdeps/ieee754/dbl-64/s_sin.c) compiled with -mfma, where GCC
// fused every product whose only use is an addition. The operation order below follows the machine
// code of those variants (read from libm.so.6 with its debug symbols); `fma` is an exact emulation.
//
// The exact emulation costs about 20 ns per fused operation, so for |x| < 0.855469 (every angle
// CartPole reaches) sin and cos first evaluate the same formulas with separate roundings, whose
// tail differs from the fused one by less than a bound derived per formula below. glibc's last step
// is a plain addition head + tail; with a margin m above that bound plus the rounding of tail -/+ m,
// if head + (tail - m) and head + (tail + m) round to the same double, then, rounding being
// monotone, glibc's head + tail rounds to it too. Otherwise (a few percent of arguments, near a
// rounding boundary) the exact emulation decides.
//
// Arguments with |x| >= 105414336 go through glibc's Payne-Hanek reduction, which is not
// reproduced: there Math.sin/Math.cos are used and results may differ from glibc in the last bit.

import { fma } from './fma.js';
import { SINCOS_TABLE } from './sincos-table.js';

// Taylor coefficients of sin for |x| < 0.126 (usncs.h s1..s5).
const S1 = -0.16666666666666666;
const S2 = 0.008333333333332329;
const S3 = -0.00019841269834414642;
const S4 = 2.755729806860771e-6;
const S5 = -2.5022014848318398e-8;
// Polynomials for sin and cos of the reduced argument |r| <= 1/256 (s_sin.c sn3, sn5, cs2..cs6).
const SN3 = -0.16666666666666488;
const SN5 = 0.008333332142857223;
const CS2 = 0.5;
const CS4 = -0.04166666666666644;
const CS6 = 0.001388888740079376;
// 1.5 * 2^45: adding it rounds |x| to a multiple of 1/128.
const BIG = 52776558133248;
// pi/2 as a double-double.
const HP0 = 1.5707963267948966;
const HP1 = 6.123233995736766e-17;
// Cody-Waite reduction by pi/2: 2/pi, 1.5 * 2^52, and pi/2 split into mp1 + mp2 + pp3 + pp4.
const HPINV = 0.6366197723675814;
const TOINT = 6755399441055744;
const MP1 = 1.5707963407039642;
const MP2 = -1.3909067564377153e-8;
const PP3 = -4.97899623147991e-17;
const PP4 = -1.9034889620193266e-25;
// Range limits, the doubles whose high words glibc compares against.
const SIN_TINY = 1.4901161193847656e-8; // 2^-26
const COS_TINY = 7.450580596923828e-9; // 2^-27
const TAYLOR_LIMIT = 0.126;
const TABLE_LIMIT = 0.85546875;
const NEAR_PI_2_LIMIT = 2.4262638092041016;
const REDUCE_LIMIT = 105414336;

/** glibc's TAYLOR_SIN(x*x, x, dx): sin(x + dx) for |x| < 0.126. */
function taylorSin(x: number, dx: number): number {
  const xx = x * x;
  const poly = fma(xx, fma(xx, fma(xx, fma(xx, S5, S4), S3), S2), S1);
  const t = fma(xx, fma(poly, x, -(0.5 * dx)), dx);
  return x + t;
}

/** glibc's do_sin(x, dx): sin(x + dx) for |x| < 0.855469 from the table and two polynomials. */
function doSin(x: number, dx: number): number {
  if (Math.abs(x) < TAYLOR_LIMIT) return taylorSin(x, dx);
  const d = x <= 0 ? -dx : dx;
  const ax = Math.abs(x);
  const u = BIG + ax;
  const base = u - BIG;
  const r = ax - base;
  const k = (base * 512) | 0;
  const xx = r * r;
  const s = r + fma(r * xx, fma(xx, SN5, SN3), d);
  const c = fma(r, d, xx * fma(xx, fma(xx, CS6, CS4), CS2));
  const sn = SINCOS_TABLE[k] as number;
  const ssn = SINCOS_TABLE[k + 1] as number;
  const cs = SINCOS_TABLE[k + 2] as number;
  const ccs = SINCOS_TABLE[k + 3] as number;
  const cor = fma(s, cs, fma(-c, sn, fma(s, ccs, ssn)));
  const result = Math.abs(sn + cor);
  return x < 0 ? -result : result;
}

/** glibc's do_cos(x, dx): cos(x + dx) for |x| < 0.855469 from the table and two polynomials. */
function doCos(x: number, dx: number): number {
  const d = x < 0 ? -dx : dx;
  const ax = Math.abs(x);
  const u = BIG + ax;
  const base = u - BIG;
  const r = ax - base + d;
  const k = (base * 512) | 0;
  const xx = r * r;
  const s = fma(r * xx, fma(xx, SN5, SN3), r);
  const c = xx * fma(xx, fma(xx, CS6, CS4), CS2);
  const sn = SINCOS_TABLE[k] as number;
  const ssn = SINCOS_TABLE[k + 1] as number;
  const cs = SINCOS_TABLE[k + 2] as number;
  const ccs = SINCOS_TABLE[k + 3] as number;
  const cor = fma(-s, sn, fma(-c, cs, fma(-s, ssn, ccs)));
  return cs + cor;
}

let reducedHigh = 0;
let reducedLow = 0;

/** glibc's reduce_sincos: x - n*pi/2 into reducedHigh + reducedLow; returns n mod 4. */
function reduce(x: number): number {
  const t = fma(x, HPINV, TOINT);
  const xn = t - TOINT;
  const y = fma(-xn, MP2, fma(-xn, MP1, x));
  const t2 = fma(-xn, PP3, y);
  const db = fma(-xn, PP3, y - t2);
  const b = fma(-xn, PP4, t2);
  reducedHigh = b;
  reducedLow = db + fma(-xn, PP4, t2 - b);
  return ((xn % 4) + 4) % 4;
}

/** glibc's do_sincos: sin(a + da) rotated by n quarter turns. */
function doSinCos(a: number, da: number, n: number): number {
  const result = (n & 1) === 1 ? doCos(a, da) : doSin(a, da);
  return (n & 2) === 2 ? -result : result;
}

// The fast paths' margins. With u = 2^-53, |RN(y) - y| <= u|y| and ulp(y) <= 2u|y|; two roundings
// of arguments that differ by d differ by at most d + one ulp. Each margin is the bound on
// |fused - unfused| derived in the comment of its function, plus u|tail| (1.01u) for rounding
// tail -/+ margin itself, rounded up.
const U = 2 ** -53;
const TINY = 2 ** -98; // bounds every product with the table corrections ssn, ccs (< 2^-52)

/**
 * sin(x) for 2^-26 <= |x| < 0.126, glibc's TAYLOR_SIN with dx = 0: t = RN(xx * RN(poly * x)).
 * Only poly's four fused steps differ unfused: by one ulp of poly (~ -1/6) plus terms scaled by
 * xx < 2^-6, at most 1.52u|poly|; through the two products t differs by at most 5.53u|t|.
 * Margin: 8u|t|.
 */
function fastTaylorSin(x: number): number {
  const xx = x * x;
  const poly = xx * (xx * (xx * (xx * S5 + S4) + S3) + S2) + S1;
  const t = xx * (poly * x);
  const margin = 8 * U * Math.abs(t);
  const low = x + (t - margin);
  return low === x + (t + margin) ? low : taylorSin(x, 0);
}

/**
 * sin(x) for 0.126 <= |x| < 0.855469, glibc's do_sin(x, 0) unfused. Fused and unfused s differ by
 * at most 2.0001u|s| (one ulp of A, scaled by r^3/6, and one flip of s), c by 4u|c| (one ulp of B,
 * one flip of c), and cor = s*cs + ((s*ccs + ssn) - c*sn) by at most 5.0001u|s| + 9u|c| + 2^-101.
 * Margin: 8u|s| + 12u|c| + 2^-98.
 */
function fastTableSin(x: number): number {
  const ax = Math.abs(x);
  const u = BIG + ax;
  const base = u - BIG;
  const r = ax - base;
  const k = (base * 512) | 0;
  const xx = r * r;
  const s = r + r * xx * (xx * SN5 + SN3);
  const c = xx * (xx * (xx * CS6 + CS4) + CS2);
  const sn = SINCOS_TABLE[k] as number;
  const ssn = SINCOS_TABLE[k + 1] as number;
  const cs = SINCOS_TABLE[k + 2] as number;
  const ccs = SINCOS_TABLE[k + 3] as number;
  const cor = s * cs + (s * ccs + ssn - c * sn);
  const margin = U * (8 * Math.abs(s) + 12 * Math.abs(c)) + TINY;
  const low = sn + (cor - margin);
  if (low !== sn + (cor + margin)) return doSin(x, 0);
  return x < 0 ? -low : low;
}

/**
 * cos(x) for |x| < 0.855469, glibc's do_cos(x, 0) unfused. s differs by at most 2.0001u|s|, c by
 * 4u|c|, and cor = ((ccs - s*ssn) - c*cs) - s*sn by at most 5.0001u|s*sn| + 9u|c| + 2^-101.
 * Margin: 8u|s*sn| + 12u|c| + 2^-98.
 */
function fastTableCos(x: number): number {
  const ax = Math.abs(x);
  const u = BIG + ax;
  const base = u - BIG;
  const r = ax - base;
  const k = (base * 512) | 0;
  const xx = r * r;
  const s = r * xx * (xx * SN5 + SN3) + r;
  const c = xx * (xx * (xx * CS6 + CS4) + CS2);
  const sn = SINCOS_TABLE[k] as number;
  const ssn = SINCOS_TABLE[k + 1] as number;
  const cs = SINCOS_TABLE[k + 2] as number;
  const ccs = SINCOS_TABLE[k + 3] as number;
  const cor = ccs - s * ssn - c * cs - s * sn;
  const margin = U * (8 * Math.abs(s * sn) + 12 * Math.abs(c)) + TINY;
  const low = cs + (cor - margin);
  return low === cs + (cor + margin) ? low : doCos(x, 0);
}

/** sin(x) through the exact emulation only: the reference the fast paths are tested against. */
export function libmSinExact(x: number): number {
  const ax = Math.abs(x);
  if (ax < SIN_TINY) return x;
  if (ax < TABLE_LIMIT) return doSin(x, 0);
  return libmSin(x);
}

/** cos(x) through the exact emulation only: the reference the fast paths are tested against. */
export function libmCosExact(x: number): number {
  const ax = Math.abs(x);
  if (ax < COS_TINY) return 1;
  if (ax < TABLE_LIMIT) return doCos(x, 0);
  return libmCos(x);
}

/** sin(x) with glibc 2.36's result (x86-64, FMA variant) for |x| < 105414336. */
export function libmSin(x: number): number {
  const ax = Math.abs(x);
  if (ax < SIN_TINY) return x;
  if (ax < TAYLOR_LIMIT) return fastTaylorSin(x);
  if (ax < TABLE_LIMIT) return fastTableSin(x);
  if (ax < NEAR_PI_2_LIMIT) {
    const result = Math.abs(doCos(HP0 - ax, HP1));
    return x < 0 ? -result : result;
  }
  if (ax < REDUCE_LIMIT) {
    const n = reduce(x);
    return doSinCos(reducedHigh, reducedLow, n);
  }
  return Math.sin(x);
}

/** cos(x) with glibc 2.36's result (x86-64, FMA variant) for |x| < 105414336. */
export function libmCos(x: number): number {
  const ax = Math.abs(x);
  if (ax < COS_TINY) return 1;
  if (ax < TABLE_LIMIT) return fastTableCos(x);
  if (ax < NEAR_PI_2_LIMIT) {
    const y = HP0 - ax;
    const a = y + HP1;
    return doSin(a, y - a + HP1);
  }
  if (ax < REDUCE_LIMIT) {
    const n = reduce(x);
    return doSinCos(reducedHigh, reducedLow, n + 1);
  }
  return Math.cos(x);
}
