// Cody's rational Chebyshev approximations of erf and of erfcx(y) = exp(y^2) erfc(y)
// (W. J. Cody, Math. Comp. 23 (1969) 631-638; the coefficient sets of Netlib specfun CALERF),
// relative error about 1e-16 on each interval.
//
// assembly/erf.ts sums a series of up to 38 terms with a division in each; the smoothed
// activations of the reduced particle solver need Phi(t/r) at 10^5 points per step, and these
// fixed-degree rationals are several times faster. Callers pass exp(-y^2), which they need
// anyway for the Gaussian density, so each evaluation costs one exp.

/** Below this |y| erf itself is approximated (no cancellation in 1 - erf). */
export const ERF_SMALL_LIMIT: f64 = 0.46875;
/** Above this y erfcx uses the asymptotic rational (erfcxLargePair). */
export const ERFCX_ASYMPTOTIC: f64 = 4.0;
const ONE_OVER_SQRT_PI: f64 = 0.56418958354775628695;

const A0: f64 = 3.16112374387056560e0;
const A1: f64 = 1.13864154151050156e2;
const A2: f64 = 3.77485237685302021e2;
const A3: f64 = 3.20937758913846947e3;
const A4: f64 = 1.85777706184603153e-1;
const B0: f64 = 2.36012909523441209e1;
const B1: f64 = 2.44024637934444173e2;
const B2: f64 = 1.28261652607737228e3;
const B3: f64 = 2.84423683343917062e3;

const C0: f64 = 5.64188496988670089e-1;
const C1: f64 = 8.88314979438837594e0;
const C2: f64 = 6.61191906371416295e1;
const C3: f64 = 2.98635138197400131e2;
const C4: f64 = 8.81952221241769090e2;
const C5: f64 = 1.71204761263407058e3;
const C6: f64 = 2.05107837782607147e3;
const C7: f64 = 1.23033935479799725e3;
const C8: f64 = 2.15311535474403846e-8;
const D0: f64 = 1.57449261107098347e1;
const D1: f64 = 1.17693950891312499e2;
const D2: f64 = 5.37181101862009858e2;
const D3: f64 = 1.62138957456669019e3;
const D4: f64 = 3.29079923573345963e3;
const D5: f64 = 4.36261909014324716e3;
const D6: f64 = 3.43936767414372164e3;
const D7: f64 = 1.23033935480374942e3;

const P0: f64 = 3.05326634961232344e-1;
const P1: f64 = 3.60344899949804439e-1;
const P2: f64 = 1.25781726111229246e-1;
const P3: f64 = 1.60837851487422766e-2;
const P4: f64 = 6.58749161529837803e-4;
const P5: f64 = 1.63153871373020978e-2;
const Q0: f64 = 2.56852019228982242e0;
const Q1: f64 = 1.87295284992346047e0;
const Q2: f64 = 5.27905102951428412e-1;
const Q3: f64 = 6.05183413124413191e-2;
const Q4: f64 = 2.33520497626869185e-3;

/** erf(y) for |y| < ERF_SMALL_LIMIT. */
@inline export function erfSmall(y: f64): f64 {
  const z = y * y;
  const num = (((A4 * z + A0) * z + A1) * z + A2) * z + A3;
  const den = (((z + B0) * z + B1) * z + B2) * z + B3;
  return (y * num) / den;
}

/** erfcx(y) = exp(y^2) erfc(y) for y >= ERF_SMALL_LIMIT (+Inf gives 0). */
@inline export function erfcx(y: f64): f64 {
  if (y <= ERFCX_ASYMPTOTIC) {
    const num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
    const den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
    return num / den;
  }
  const z = 1.0 / (y * y);
  const num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
  const den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
  return (ONE_OVER_SQRT_PI - (z * num) / den) / y;
}

// Two lanes, each with the operations of the scalar functions above, so a lane's result does not
// depend on the build. The caller picks the interval per lane.

@inline function mulAdd(a: v128, b: v128, c: f64): v128 {
  return f64x2.add(f64x2.mul(a, b), f64x2.splat(c));
}

@inline function addMul(a: v128, c: f64, b: v128): v128 {
  return f64x2.mul(f64x2.add(a, f64x2.splat(c)), b);
}

/** erfSmall on two lanes. */
@inline export function erfSmallPair(y: v128): v128 {
  const z = f64x2.mul(y, y);
  const num = mulAdd(mulAdd(mulAdd(mulAdd(f64x2.splat(A4), z, A0), z, A1), z, A2), z, A3);
  const den = f64x2.add(addMul(addMul(addMul(z, B0, z), B1, z), B2, z), f64x2.splat(B3));
  return f64x2.div(f64x2.mul(y, num), den);
}

/** erfcx on two lanes of [ERF_SMALL_LIMIT, 4]. */
@inline export function erfcxMidPair(y: v128): v128 {
  let num = mulAdd(f64x2.splat(C8), y, C0);
  num = mulAdd(mulAdd(mulAdd(mulAdd(mulAdd(mulAdd(num, y, C1), y, C2), y, C3), y, C4), y, C5), y, C6);
  num = mulAdd(num, y, C7);
  let den = addMul(y, D0, y);
  den = addMul(addMul(addMul(addMul(addMul(addMul(den, D1, y), D2, y), D3, y), D4, y), D5, y), D6, y);
  den = f64x2.add(den, f64x2.splat(D7));
  return f64x2.div(num, den);
}

/** erfcx on two lanes beyond 4. */
@inline export function erfcxLargePair(y: v128): v128 {
  const z = f64x2.div(f64x2.splat(1.0), f64x2.mul(y, y));
  const num = mulAdd(mulAdd(mulAdd(mulAdd(mulAdd(f64x2.splat(P5), z, P0), z, P1), z, P2), z, P3), z, P4);
  const den = f64x2.add(addMul(addMul(addMul(addMul(z, Q0, z), Q1, z), Q2, z), Q3, z), f64x2.splat(Q4));
  return f64x2.div(f64x2.sub(f64x2.splat(ONE_OVER_SQRT_PI), f64x2.div(f64x2.mul(z, num), den)), y);
}

/** erf(y) given e = exp(-y^2). */
@inline export function erfWith(y: f64, e: f64): f64 {
  const ay = Math.abs(y);
  if (ay < ERF_SMALL_LIMIT) return erfSmall(y);
  const v = 1.0 - e * erfcx(ay);
  return y < 0 ? -v : v;
}
