import { describe, expect, it } from "vitest";
import { streamKey } from "../src/wasm/random.js";
import { philox4x32, referenceGaussian, referenceUniform } from "./reference/philox.js";
import { BUILDS, runtimeFor } from "./helpers.js";

// Random123's published known-answer vectors for Philox4x32-10 (its tests/kat_vectors).
const KAT: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

/** Kolmogorov-Smirnov statistic of samples against a CDF. */
function ksStatistic(samples: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const c = cdf(sorted[i]!);
    worst = Math.max(worst, Math.abs(c - i / n), Math.abs((i + 1) / n - c));
  }
  return worst;
}

describe("Philox4x32-10", () => {
  for (const build of BUILDS) {
    it(`${build}: matches Random123's known-answer vectors`, async () => {
      const rt = await runtimeFor(build);
      const out = rt.arena.alloc(16);
      try {
        for (const [ctr, key, expected] of KAT) {
          rt.exports.philoxBlock(ctr[0]!, ctr[1]!, ctr[2]!, ctr[3]!, key[0]!, key[1]!, out);
          expect(Array.from(new Uint32Array(rt.exports.memory.buffer, out, 4))).toEqual(expected);
          expect(philox4x32(ctr, key)).toEqual(expected);
        }
      } finally {
        rt.arena.free(out);
      }
    });
  }

  it("uniforms equal the BigInt reference bit for bit; Gaussians to 1e-14", async () => {
    const rt = await runtimeFor("simd");
    const key = streamKey(2 ** 40 + 12345, "train.batch");
    const start = 2 ** 33 + 1;
    const u = rt.random.uniform(2 ** 40 + 12345, "train.batch", 301, start);
    for (let j = 0; j < u.length; j++) expect(u[j]).toBe(referenceUniform(key, start + j));
    const g = rt.random.gaussian(2 ** 40 + 12345, "train.batch", 301, start);
    for (let j = 0; j < g.length; j++) {
      expect(Math.abs(g[j]! - referenceGaussian(key, start + j))).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(g[j]!)));
    }
  });
});

describe("streams", () => {
  it("value i never depends on where a draw starts or how it is split", async () => {
    const rt = await runtimeFor("simd");
    for (const kind of ["uniform", "gaussian"] as const) {
      const whole = rt.random[kind](3, "s", 1000);
      const parts = [rt.random[kind](3, "s", 333), rt.random[kind](3, "s", 1, 333), rt.random[kind](3, "s", 666, 334)];
      expect(Array.from(parts.flatMap((p) => Array.from(p)))).toEqual(Array.from(whole));
    }
    const sphere = rt.random.sphere(3, "w", 10, 7);
    expect(Array.from(rt.random.sphere(3, "w", 3, 7, 7))).toEqual(Array.from(sphere.subarray(49)));
  });

  it("different seeds and different stream names give different values; the same give the same", async () => {
    const rt = await runtimeFor("simd");
    const base = rt.random.uniform(1, "init.w", 64);
    expect(Array.from(rt.random.uniform(1, "init.w", 64))).toEqual(Array.from(base));
    for (const other of [rt.random.uniform(2, "init.w", 64), rt.random.uniform(1, "init.a", 64), rt.random.uniform(2 ** 32 + 1, "init.w", 64)]) {
      const equal = base.filter((v, i) => v === other[i]).length;
      expect(equal).toBe(0);
    }
  });

  it("both builds draw identical bits", async () => {
    const [simd, scalar] = await Promise.all([runtimeFor("simd"), runtimeFor("scalar")]);
    expect(Array.from(scalar.random.gaussian(9, "x", 999, 17))).toEqual(Array.from(simd.random.gaussian(9, "x", 999, 17)));
    expect(Array.from(scalar.random.sphere(9, "x", 5, 33))).toEqual(Array.from(simd.random.sphere(9, "x", 5, 33)));
  });

  it("the SIMD build's four-blocks-at-once Gaussians equal the scalar build's at every start parity and length, and across the 2^32 block boundary", async () => {
    const [simd, scalar] = await Promise.all([runtimeFor("simd"), runtimeFor("scalar")]);
    // Block index 2^32 - 2 .. 2^32 + 2: lanes of one SIMD run then differ in the counter's high word.
    for (const base of [0, 2 ** 33 - 4]) {
      for (let offset = 0; offset < 4; offset++) {
        for (let count = 0; count <= 19; count++) {
          const start = base + offset;
          expect(Array.from(simd.random.gaussian(4, "x", count, start)), `start ${start}, count ${count}`).toEqual(
            Array.from(scalar.random.gaussian(4, "x", count, start)),
          );
        }
      }
    }
  });
});

describe("distributions (Monte Carlo, thresholds at about 5 standard errors)", () => {
  const M = 200_000;

  it("uniform: mean 1/2 and variance 1/12; KS distance below the 1e-4 critical value", async () => {
    const rt = await runtimeFor("simd");
    const u = rt.random.uniform(42, "stat.u", M);
    const mean = u.reduce((s, v) => s + v, 0) / M;
    const variance = u.reduce((s, v) => s + (v - mean) ** 2, 0) / (M - 1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / M));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / M));
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    // P(D_n > 1.95 / sqrt(n)) ~ 1e-3; 2.2 / sqrt(n) is the 1e-4 level.
    expect(ksStatistic(u, (x) => Math.min(1, Math.max(0, x)))).toBeLessThan(2.2 / Math.sqrt(M));
  });

  it("gaussian: first four moments and KS against the normal CDF", async () => {
    const rt = await runtimeFor("simd");
    const g = rt.random.gaussian(42, "stat.g", M);
    const moment = (k: number) => g.reduce((s, v) => s + v ** k, 0) / M;
    // Standard errors sqrt(Var(z^k)/M): Var z = 1, Var z^2 = 2, Var z^3 = 15, Var z^4 = 96.
    expect(Math.abs(moment(1))).toBeLessThan(5 * Math.sqrt(1 / M));
    expect(Math.abs(moment(2) - 1)).toBeLessThan(5 * Math.sqrt(2 / M));
    expect(Math.abs(moment(3))).toBeLessThan(5 * Math.sqrt(15 / M));
    expect(Math.abs(moment(4) - 3)).toBeLessThan(5 * Math.sqrt(96 / M));
    const erfRt = rt.exports.erf;
    expect(ksStatistic(g, (x) => 0.5 * (1 + erfRt(x / Math.SQRT2)))).toBeLessThan(2.2 / Math.sqrt(M));
  });

  it("sphere: unit norms, E[x_1^2] = 1/d, E[x_1 x_2] = 0, and <u, e_1> has the (1 - t^2)^((d-3)/2) law", async () => {
    const rt = await runtimeFor("simd");
    const d = 5;
    const rows = 40_000;
    const x = rt.random.sphere(7, "stat.s", rows, d);
    let first = 0;
    let cross = 0;
    const t = new Float64Array(rows);
    for (let m = 0; m < rows; m++) {
      let norm = 0;
      for (let k = 0; k < d; k++) norm += x[m * d + k]! ** 2;
      expect(Math.abs(Math.sqrt(norm) - 1)).toBeLessThan(1e-15);
      first += x[m * d]! ** 2;
      cross += x[m * d]! * x[m * d + 1]!;
      t[m] = x[m * d]!;
    }
    // For d = 5: Var(x_1^2) = E x_1^4 - 1/d^2 = 3/(d(d+2)) - 1/d^2; Var(x_1 x_2) = 1/(d(d+2)).
    expect(Math.abs(first / rows - 1 / d)).toBeLessThan(5 * Math.sqrt((3 / (d * (d + 2)) - 1 / d ** 2) / rows));
    expect(Math.abs(cross / rows)).toBeLessThan(5 * Math.sqrt(1 / (d * (d + 2)) / rows));
    // d = 5: density (3/4)(1 - t^2), CDF (2 + 3t - t^3)/4.
    expect(ksStatistic(t, (s) => (2 + 3 * s - s ** 3) / 4)).toBeLessThan(2.2 / Math.sqrt(rows));
  });
});
