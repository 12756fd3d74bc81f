// Philox4x32-10 written from the paper's description with BigInt arithmetic, for tests only.

const M0 = 0xd2511f53n;
const M1 = 0xcd9e8d57n;
const W0 = 0x9e3779b9n;
const W1 = 0xbb67ae85n;
const MASK = 0xffffffffn;

export function philox4x32(counter: number[], key: number[]): number[] {
  let [c0, c1, c2, c3] = counter.map(BigInt) as [bigint, bigint, bigint, bigint];
  let [k0, k1] = key.map(BigInt) as [bigint, bigint];
  for (let round = 0; round < 10; round++) {
    const p0 = M0 * c0;
    const p1 = M1 * c2;
    [c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & MASK, (p0 >> 32n) ^ c3 ^ k1, p0 & MASK];
    k0 = (k0 + W0) & MASK;
    k1 = (k1 + W1) & MASK;
  }
  return [c0, c1, c2, c3].map(Number);
}

/** Value i of a stream as the kernels define it: block i >> 1, words (0,1) or (2,3), top 53 bits. */
export function referenceUniform(key: { k0: number; k1: number; s0: number; s1: number }, i: number): number {
  const block = Math.floor(i / 2);
  const words = philox4x32([block % 2 ** 32, Math.floor(block / 2 ** 32), key.s0, key.s1], [key.k0, key.k1]);
  const [hi, lo] = i % 2 === 0 ? [words[0]!, words[1]!] : [words[2]!, words[3]!];
  return (hi * 2 ** 21 + Math.floor(lo / 2 ** 11)) / 2 ** 53;
}

export function referenceGaussian(key: { k0: number; k1: number; s0: number; s1: number }, i: number): number {
  const m = Math.floor(i / 2);
  const radius = Math.sqrt(-2 * Math.log(1 - referenceUniform(key, 2 * m)));
  const angle = 2 * Math.PI * referenceUniform(key, 2 * m + 1);
  return i % 2 === 0 ? radius * Math.cos(angle) : radius * Math.sin(angle);
}

// The polynomial Box-Muller of assembly/rng.ts, operation for operation in plain doubles.

const bitsView = new DataView(new ArrayBuffer(8));

function fromBits(bits: bigint): number {
  bitsView.setBigUint64(0, bits);
  return bitsView.getFloat64(0);
}

function toBits(x: number): bigint {
  bitsView.setFloat64(0, x);
  return bitsView.getBigUint64(0);
}

const LN2_HI = fromBits(0x3fe62e42fee00000n);
const LN2_LO = fromBits(0x3dea39ef35793c76n);
const [LG1, LG2, LG3, LG4, LG5, LG6, LG7] = [
  0x3fe5555555555593n, 0x3fd999999997fa04n, 0x3fd2492494229359n, 0x3fcc71c51d8e78afn,
  0x3fc7466496cb03den, 0x3fc39a09d078c69fn, 0x3fc2f112df3e5244n,
].map(fromBits) as [number, number, number, number, number, number, number];
const [S1, S2, S3, S4, S5, S6] = [
  0xbfc5555555555549n, 0x3f8111111110f8a6n, 0xbf2a01a019c161d5n, 0x3ec71de357b1fe7dn, 0xbe5ae5e68a2b9cebn, 0x3de5d93a5acfd57cn,
].map(fromBits) as [number, number, number, number, number, number];
const [C1, C2, C3, C4, C5, C6] = [
  0x3fa555555555554cn, 0xbf56c16c16c15177n, 0x3efa01a019cb1590n, 0xbe927e4f809c52adn, 0x3e21ee9ebdb4b1c4n, 0xbda8fae9be8838d4n,
].map(fromBits) as [number, number, number, number, number, number];

/** log(v) for v in [2^-53, 1] by fdlibm's e_log, as assembly/rng.ts's logUnit. */
export function polynomialLog(v: number): number {
  const bits = toBits(v) + ((0x3ff00000n - 0x3fe6a09en) << 32n);
  const k = Number(bits >> 52n) - 0x3ff;
  const f = fromBits((bits & 0x000fffffffffffffn) + (0x3fe6a09en << 32n)) - 1;
  const hfsq = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  return s * (hfsq + (t2 + t1)) + k * LN2_LO - hfsq + f + k * LN2_HI;
}

/** sin(x), |x| <= pi/4 (fdlibm's __kernel_sin). */
export function polynomialSin(x: number): number {
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  return x + v * (S1 + z * r);
}

/** cos(x), |x| <= pi/4 (fdlibm's __kernel_cos). */
export function polynomialCos(x: number): number {
  const z = x * x;
  const w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const h = 1 - hz;
  return h + ((1 - h - hz) + z * r);
}

/** [cos(2 pi u), sin(2 pi u)] for u in [0, 1) by exact quadrant reduction and the kernels. */
export function polynomialCosSinTurn(u: number): [number, number] {
  const t = 4 * u;
  const q = roundHalfEven(t);
  const theta = (t - q) * (Math.PI / 2);
  const s = polynomialSin(theta);
  const c = polynomialCos(theta);
  return [[c, -s, -c, s][q & 3]!, [s, c, -s, -c][q & 3]!];
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Box-Muller on one block's words with the polynomial routines: [value 2m, value 2m + 1]. */
export function polynomialGaussianPair(w0: number, w1: number, w2: number, w3: number): [number, number] {
  const u1 = (w0 * 2 ** 21 + Math.floor(w1 / 2 ** 11)) / 2 ** 53;
  const u2 = (w2 * 2 ** 21 + Math.floor(w3 / 2 ** 11)) / 2 ** 53;
  const radius = Math.sqrt(-2 * polynomialLog(1 - u1));
  // radius (-s) and -(radius s) are the same double, so scaling after the quadrant's sign is exact.
  const [c, s] = polynomialCosSinTurn(u2);
  return [radius * c, radius * s];
}

/** Value i of a stream as fillGaussian computes it. */
export function polynomialGaussian(key: { k0: number; k1: number; s0: number; s1: number }, i: number): number {
  const block = Math.floor(i / 2);
  const words = philox4x32([block % 2 ** 32, Math.floor(block / 2 ** 32), key.s0, key.s1], [key.k0, key.k1]);
  return polynomialGaussianPair(words[0]!, words[1]!, words[2]!, words[3]!)[i % 2]!;
}
