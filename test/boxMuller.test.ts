// The polynomial Box-Muller of assembly/rng.ts: bit for bit equal to its TypeScript reference
// (test/reference/philox.ts) in both builds, on Philox streams and on chosen words, and
// accurate against mpmath (test/fixtures/make_box_muller.py).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { streamKey } from "../src/wasm/random.js";
import {
  polynomialCos,
  polynomialCosSinTurn,
  polynomialGaussian,
  polynomialGaussianPair,
  polynomialLog,
  polynomialSin,
} from "./reference/philox.js";
import { BUILDS, runtimeFor, testRandom } from "./helpers.js";

interface Fixture {
  /** [K, nearest double to log(1 - K 2^-53), (exact - nearest) / ulp]. */
  log: [string, number, number][];
  /** [K, cos(2 pi K 2^-53) nearest, its remainder, sin(...) nearest, its remainder]. */
  turn: [string, number, number, number, number][];
}

const fixture = JSON.parse(readFileSync(new URL("./fixtures/box_muller.json", import.meta.url), "utf8")) as Fixture;

const view = new DataView(new ArrayBuffer(8));

/** The spacing of doubles at x (x normal and nonzero). */
function ulpOf(x: number): number {
  view.setFloat64(0, x);
  const exponent = (view.getUint16(0) & 0x7ff0) >> 4;
  return 2 ** (exponent - 1075);
}

/** Error of got in ulps of the exact value, from the fixture's nearest double and remainder. */
function ulpError(got: number, nearest: number, remainder: number): number {
  if (nearest === 0) return got === 0 ? 0 : Infinity;
  return Math.abs((got - nearest) / ulpOf(nearest) - remainder);
}

/** The raw bits of each double, so +0 and -0 (and every ulp) count as different. */
function bits(values: ArrayLike<number>): string[] {
  return Array.from(values, (v) => {
    view.setFloat64(0, v);
    return view.getBigUint64(0).toString(16);
  });
}

/** The Philox words (hi, lo) whose uniform is K 2^-53, with low bits the uniform ignores set. */
function wordsOf(k: bigint, junk: number): [number, number] {
  return [Number(k >> 21n), Number(k & 0x1fffffn) * 2 ** 11 + (junk & 0x7ff)];
}

const uniformOf = (k: string) => Number(BigInt(k)) / 2 ** 53;

describe("polynomial Box-Muller: accuracy against mpmath", () => {
  // fdlibm's bound for e_log; measured here: 0.72 ulp (at 1 - u = 0.63).
  it("log(1 - u) is within 1 ulp of the exact value over 3000 u, including 1 - u = 1, 2^-53 and sqrt(2)/2", () => {
    let worst = 0;
    for (const [k, nearest, remainder] of fixture.log) worst = Math.max(worst, ulpError(polynomialLog(1 - uniformOf(k)), nearest, remainder));
    expect(worst).toBeLessThan(1);
  });

  // theta = r pi/2 rounds once (half an ulp of theta, carried into sin and cos at most as such
  // since |theta| <= pi/4) on top of the kernels' own error of about an ulp; measured: 1.61 ulp
  // (cos at theta = -0.5).
  it("cos and sin of 2 pi u are within 2 ulp of the exact values over 3000 u, including every octant boundary", () => {
    let worst = 0;
    for (const [k, cosNearest, cosRemainder, sinNearest, sinRemainder] of fixture.turn) {
      const [c, s] = polynomialCosSinTurn(uniformOf(k));
      worst = Math.max(worst, ulpError(c, cosNearest, cosRemainder), ulpError(s, sinNearest, sinRemainder));
    }
    expect(worst).toBeLessThan(2);
  });

  it("the log and the sin/cos kernels agree with V8's Math.log/sin/cos to within 1 ulp on a dense grid", () => {
    let logWorst = 0;
    for (let i = 1; i <= 200_000; i++) {
      const v = i / 200_000;
      logWorst = Math.max(logWorst, Math.abs(polynomialLog(v) - Math.log(v)) / ulpOf(Math.log(v) || 1));
    }
    for (let e = 1; e <= 53; e++) {
      const v = 2 ** -e * 1.2345;
      logWorst = Math.max(logWorst, Math.abs(polynomialLog(v) - Math.log(v)) / ulpOf(Math.log(v)));
    }
    let kernelWorst = 0;
    for (let i = -100_000; i <= 100_000; i++) {
      const x = ((i / 100_000) * Math.PI) / 4;
      kernelWorst = Math.max(kernelWorst, Math.abs(polynomialCos(x) - Math.cos(x)) / ulpOf(Math.cos(x)));
      if (x !== 0) kernelWorst = Math.max(kernelWorst, Math.abs(polynomialSin(x) - Math.sin(x)) / ulpOf(Math.sin(x)));
    }
    expect(logWorst).toBeLessThanOrEqual(1);
    expect(kernelWorst).toBeLessThanOrEqual(1);
  });
});

describe("polynomial Box-Muller: Wasm equals the reference bit for bit", () => {
  for (const build of BUILDS) {
    it(`${build}: chosen words (u1 near 0 and 1, log's sqrt(2)/2 switch, every octant boundary) through the lanes and the tail`, async () => {
      const rt = await runtimeFor(build);
      const rand = testRandom(11);
      // 3041 blocks: the SIMD build's runs of four plus a remainder of one.
      const blocks = fixture.turn.length + 1;
      const words = new Uint32Array(4 * blocks);
      const expected: number[] = [];
      for (let b = 0; b < blocks; b++) {
        const logK = BigInt(fixture.log[b % fixture.log.length]![0]);
        const turnK = BigInt(fixture.turn[(b * 7) % fixture.turn.length]![0]);
        const [w0, w1] = wordsOf(logK, Math.floor(rand() * 2048));
        const [w2, w3] = wordsOf(turnK, Math.floor(rand() * 2048));
        words.set([w0, w1, w2, w3], 4 * b);
        expected.push(...polynomialGaussianPair(w0, w1, w2, w3));
      }
      const wordsPtr = rt.arena.alloc(words.byteLength);
      const out = rt.arena.f64(2 * blocks);
      try {
        new Uint32Array(rt.exports.memory.buffer, wordsPtr, words.length).set(words);
        rt.exports.gaussianFromWords(wordsPtr, blocks, out.ptr);
        expect(bits(out.toArray())).toEqual(bits(expected));
      } finally {
        rt.arena.free(wordsPtr);
        out.free();
      }
    });

    it(`${build}: fillGaussian on Philox streams, at random starts up to 2^53 and lengths 0 .. 40`, async () => {
      const rt = await runtimeFor(build);
      const rand = testRandom(12);
      for (let trial = 0; trial < 150; trial++) {
        const seed = Math.floor(rand() * 2 ** 40);
        const key = streamKey(seed, "x");
        const start = trial % 3 === 0 ? Math.floor(rand() * 2 ** 53) : Math.floor(rand() * 2 ** 34);
        const count = Math.floor(rand() * 41);
        const got = rt.random.gaussian(seed, "x", count, start);
        const expected = Array.from({ length: count }, (_, j) => polynomialGaussian(key, start + j));
        expect(bits(got), `seed ${seed}, start ${start}, count ${count}`).toEqual(bits(expected));
      }
    });

    it(`${build}: fillGaussian over several of the SIMD build's 1024-value staging chunks`, async () => {
      const rt = await runtimeFor(build);
      const key = streamKey(5, "long");
      const start = 2 ** 32 - 1001;
      const got = rt.random.gaussian(5, "long", 3001, start);
      const checked = [0, 1, 2, 7, 8, 15, 16, 1022, 1023, 1024, 1025, 1026, 2047, 2048, 2049, 2050, 2999, 3000];
      expect(bits(checked.map((j) => got[j]!))).toEqual(bits(checked.map((j) => polynomialGaussian(key, start + j))));
      const scalar = await runtimeFor("scalar");
      expect(bits(got)).toEqual(bits(scalar.random.gaussian(5, "long", 3001, start)));
    });

    it(`${build}: fillGaussian32 writes Math.fround of fillGaussian's values`, async () => {
      const rt = await runtimeFor(build);
      const key = streamKey(77, "x32");
      for (const [start, count] of [[0, 0], [0, 1], [1, 1], [3, 8], [5, 9], [2 ** 33 - 5, 37], [12345, 1003]] as const) {
        const g = rt.random.gaussian(77, "x32", count, start);
        const ptr = rt.arena.alloc(4 * count + 4);
        try {
          rt.exports.fillGaussian32(key.k0, key.k1, key.s0, key.s1, start, ptr, count);
          const got = Array.from(new Float32Array(rt.exports.memory.buffer, ptr, count));
          expect(got, `start ${start}, count ${count}`).toEqual(Array.from(g, Math.fround));
        } finally {
          rt.arena.free(ptr);
        }
      }
    });
  }
});
