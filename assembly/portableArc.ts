// atan and asin with the bits of src/special/portableMath.ts's (stdlib's ports of Cephes' atan.c
// and asin.c, the same constants, branches and operation order), so the relu ODE kernels round as
// their TypeScript references do; AssemblyScript's Math.atan and Math.asin (musl) differ from them
// in the last bit of about 1 result in 150. Only + - * / and sqrt: the same bits in every engine.

const PIO2: f64 = 1.5707963267948966;
const PIO4: f64 = 7.85398163397448309616e-1;
/** π/2 = PIO2 + MOREBITS. */
const MOREBITS: f64 = 6.123233995736765886130e-17;
/** tan(3π/8). */
const T3P8: f64 = 2.41421356237309504880;

/** arctan x (stdlib's atan). */
export function portableAtan(x: f64): f64 {
  if (isNaN(x) || x === 0) return x;
  if (x === Infinity) return PIO2;
  if (x === -Infinity) return -PIO2;
  let sgn = false;
  if (x < 0) {
    sgn = true;
    x = -x;
  }
  let flg = 0;
  let y: f64;
  if (x > T3P8) {
    y = PIO2;
    flg = 1;
    x = -(1.0 / x);
  } else if (x <= 0.66) {
    y = 0;
  } else {
    y = PIO4;
    flg = 2;
    x = (x - 1.0) / (x + 1.0);
  }
  let z = x * x;
  z = (z * atanP(z)) / atanQ(z);
  z = x * z + x;
  if (flg === 2) z += 0.5 * MOREBITS;
  else if (flg === 1) z += MOREBITS;
  y += z;
  return sgn ? -y : y;
}

@inline function atanP(x: f64): f64 {
  if (x === 0) return -64.85021904942025;
  return -64.85021904942025 + x * (-122.88666844901361 + x * (-75.00855792314705 + x * (-16.157537187333652 + x * -0.8750608600031904)));
}

@inline function atanQ(x: f64): f64 {
  if (x === 0) return 194.5506571482614;
  return 194.5506571482614 + x * (485.3903996359137 + x * (432.88106049129027 + x * (165.02700983169885 + x * (24.858464901423062 + x * 1.0))));
}

/** arcsin x, NaN outside [-1, 1] (stdlib's asin). */
export function portableAsin(x: f64): f64 {
  if (isNaN(x)) return NaN;
  let sgn = false;
  let a: f64;
  if (x > 0) a = x;
  else {
    sgn = true;
    a = -x;
  }
  if (a > 1.0) return NaN;
  let z: f64;
  if (a > 0.625) {
    let zz = 1.0 - a;
    const p = zz * asinRS(zz);
    zz = Math.sqrt(zz + zz);
    z = PIO4 - zz;
    zz = zz * p - MOREBITS;
    z -= zz;
    z += PIO4;
  } else {
    if (a < 1.0e-8) return x;
    const zz = a * a;
    z = zz * asinPQ(zz);
    z = a * z + a;
  }
  return sgn ? -z : z;
}

/** The rational function of stdlib's asin for |x| <= 0.625, at x² in [0, 0.39] (its branch for arguments in [-1, 1]). */
function asinPQ(x: f64): f64 {
  if (x === 0) return 0.16666666666666713;
  const s1 = -8.198089802484825 + x * (19.562619833175948 + x * (-16.262479672107002 + x * (5.444622390564711 + x * (-0.6019598008014124 + x * 0.004253011369004428))));
  const s2 = -49.18853881490881 + x * (139.51056146574857 + x * (-147.1791292232726 + x * (70.49610280856842 + x * (-14.740913729888538 + x * 1.0))));
  return s1 / s2;
}

/** The rational function of stdlib's asin for |x| > 0.625, at 1 - |x| in [0, 0.375] (its branch for arguments in [-1, 1]). */
function asinRS(x: f64): f64 {
  if (x === 0) return 0.08333333333333809;
  const s1 = 28.536655482610616 + x * (-25.56901049652825 + x * (6.968710824104713 + x * (-0.5634242780008963 + x * 0.002967721961301243)));
  const s2 = 342.43986579130785 + x * (-383.8770957603691 + x * (147.0656354026815 + x * (-21.947795316429207 + x * 1.0)));
  return s1 / s2;
}
