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
