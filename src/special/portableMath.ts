// Transcendental functions with the same bits in every JavaScript engine. ECMAScript leaves the
// last bits of Math.exp, Math.log, Math.sin, ... and of `x ** y` to the engine: Chromium 156's
// differ from Node 20's in up to 1 result in 14 (exp), by 1-3 ulp. Every value on a result path
// (metrics, checkpoints, kernels, PDE solutions, experiment checks) uses these instead: stdlib's
// ports of FreeBSD's msun (fdlibm) to plain JavaScript, which use only + - * /, Math.sqrt and bit
// operations on the float64 words, all exactly specified, so they round the same everywhere.
// test/portableMath.test.ts pins their bits and bounds their error against the host's Math.*;
// test/deterministicMath.test.ts fails on a Math.* transcendental or a general `**` in src/.

import stdAcos from "@stdlib/math-base-special-acos";
import stdAsin from "@stdlib/math-base-special-asin";
import stdAtan from "@stdlib/math-base-special-atan";
import stdCos from "@stdlib/math-base-special-cos";
import stdExp from "@stdlib/math-base-special-exp";
import stdHypot from "@stdlib/math-base-special-hypot";
import stdLn from "@stdlib/math-base-special-ln";
import stdLog1p from "@stdlib/math-base-special-log1p";
import stdPow from "@stdlib/math-base-special-pow";
import stdSin from "@stdlib/math-base-special-sin";
import stdSinh from "@stdlib/math-base-special-sinh";
import stdTanh from "@stdlib/math-base-special-tanh";

/** e^x (fdlibm e_exp). */
export const exp: (x: number) => number = stdExp;
/** Natural logarithm (fdlibm e_log). */
export const log: (x: number) => number = stdLn;
/** log(1 + x), accurate for small x (fdlibm s_log1p). */
export const log1p: (x: number) => number = stdLog1p;
/** sin x, x in radians (fdlibm k_sin with Payne–Hanek reduction for large x). */
export const sin: (x: number) => number = stdSin;
/** cos x, x in radians. */
export const cos: (x: number) => number = stdCos;
/** arcsin x in [-pi/2, pi/2]; NaN outside [-1, 1]. */
export const asin: (x: number) => number = stdAsin;
/** arccos x in [0, pi]; NaN outside [-1, 1]. */
export const acos: (x: number) => number = stdAcos;
/** arctan x in (-pi/2, pi/2). */
export const atan: (x: number) => number = stdAtan;
/** sinh x = (e^x - e^-x) / 2. */
export const sinh: (x: number) => number = stdSinh;
/** tanh x. */
export const tanh: (x: number) => number = stdTanh;
/** sqrt(x^2 + y^2) without overflow or underflow in the squares. */
export const hypot: (x: number, y: number) => number = stdHypot;
/** x^y for a real exponent (fdlibm e_pow); integer exponents: integerPower. */
export const pow: (x: number, y: number) => number = stdPow;

/**
 * x^n for an integer n >= 0 by n - 1 multiplications from the left (x * x * ... * x), so the
 * rounding is fixed; x^0 = 1. For the small degrees of polynomial features and monomials.
 */
export function integerPower(x: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`integerPower: n must be an integer >= 0, got ${n}`);
  let p = 1;
  for (let k = 0; k < n; k++) p *= x;
  return p;
}

const word = new DataView(new ArrayBuffer(8));

/** 2^n for an integer n in [-1022, 1023], exact (built from the exponent bits). */
export function powerOfTwo(n: number): number {
  if (!Number.isInteger(n) || n < -1022 || n > 1023) throw new RangeError(`powerOfTwo: n must be an integer in [-1022, 1023], got ${n}`);
  word.setUint32(0, (n + 1023) << 20);
  word.setUint32(4, 0);
  return word.getFloat64(0);
}
