import { describe, expect, it } from "vitest";
import { gegenbauer, gegenbauerDerivative } from "../src/special/gegenbauer.js";
import { hermite, hermiteDerivative } from "../src/special/hermite.js";
import { BUILDS, normals, relativeError, runtimeFor, testRandom } from "./helpers.js";

const KMAX = 30;

function points(count: number, seed: number): Float64Array {
  const rand = testRandom(seed);
  const t = Float64Array.from({ length: count }, () => 2 * rand() - 1);
  t.set([1, -1, 0, 1e-300].slice(0, count));
  return t;
}

/** The n x (kmax+1) table of a scalar function. */
function scalarTable(kmax: number, xs: ArrayLike<number>, f: (k: number, x: number) => number): Float64Array {
  const out = new Float64Array(xs.length * (kmax + 1));
  for (let i = 0; i < xs.length; i++) for (let k = 0; k <= kmax; k++) out[i * (kmax + 1) + k] = f(k, xs[i]!);
  return out;
}

/** Max over rows of the row-normwise relative error, and the number of entries that differ at all. */
function compare(got: Float64Array, expected: Float64Array, kmax: number): { error: number; differing: number } {
  let error = 0;
  let differing = 0;
  for (let i = 0; i * (kmax + 1) < expected.length; i++) {
    const row = (a: Float64Array) => a.subarray(i * (kmax + 1), (i + 1) * (kmax + 1));
    error = Math.max(error, relativeError(row(got), row(expected)));
  }
  got.forEach((g, j) => (differing += g === expected[j] ? 0 : 1));
  return { error, differing };
}

describe("Wasm polynomial tables against the TypeScript scalar functions", () => {
  for (const build of BUILDS) {
    for (const d of [2, 3, 7, 1000, 100000]) {
      it(`${build}, d = ${d}: Legendre values and derivatives, n = 101 (odd), kmax = ${KMAX}: bit-identical`, async () => {
        const rt = await runtimeFor(build);
        const t = points(101, d);
        const values = compare(rt.special.gegenbauerTable(KMAX, d, t), scalarTable(KMAX, t, (k, x) => gegenbauer(k, d, x)), KMAX);
        const slopes = compare(rt.special.gegenbauerDerivativeTable(KMAX, d, t), scalarTable(KMAX, t, (k, x) => gegenbauerDerivative(k, d, x)), KMAX);
        expect(values.error).toBeLessThanOrEqual(1e-14);
        expect(slopes.error).toBeLessThanOrEqual(1e-14);
        expect(values.differing + slopes.differing).toBe(0);
      });
    }

    it(`${build}: Hermite values and derivatives, n = 101 (odd), |z| up to ~10, kmax = ${KMAX}: bit-identical`, async () => {
      const rt = await runtimeFor(build);
      const z = normals(testRandom(31), 101, 3);
      const values = compare(rt.special.hermiteTable(KMAX, z), scalarTable(KMAX, z, hermite), KMAX);
      const slopes = compare(rt.special.hermiteDerivativeTable(KMAX, z), scalarTable(KMAX, z, hermiteDerivative), KMAX);
      expect(values.error).toBeLessThanOrEqual(1e-14);
      expect(slopes.error).toBeLessThanOrEqual(1e-14);
      expect(values.differing + slopes.differing).toBe(0);
    });

    it(`${build}: small shapes (n = 0, 1, 2, 3; kmax = 0, 1, 2)`, async () => {
      const rt = await runtimeFor(build);
      for (const n of [0, 1, 2, 3]) {
        for (const kmax of [0, 1, 2]) {
          const t = points(n, 40 + n);
          expect(Array.from(rt.special.gegenbauerTable(kmax, 5, t))).toEqual(Array.from(scalarTable(kmax, t, (k, x) => gegenbauer(k, 5, x))));
          expect(Array.from(rt.special.gegenbauerDerivativeTable(kmax, 5, t))).toEqual(
            Array.from(scalarTable(kmax, t, (k, x) => gegenbauerDerivative(k, 5, x))),
          );
          expect(Array.from(rt.special.hermiteTable(kmax, t))).toEqual(Array.from(scalarTable(kmax, t, hermite)));
          expect(Array.from(rt.special.hermiteDerivativeTable(kmax, t))).toEqual(Array.from(scalarTable(kmax, t, hermiteDerivative)));
        }
      }
    });
  }

  it("the Into forms work on Wasm buffers and subarrays without copying", async () => {
    const rt = await runtimeFor("simd");
    const t = points(9, 77);
    const buf = rt.arena.f64From(t);
    const out = rt.arena.f64(7 * 5);
    try {
      rt.special.gegenbauerTableInto(4, 11, buf.subarray(2), out);
      expect(Array.from(out.view)).toEqual(Array.from(scalarTable(4, t.subarray(2), (k, x) => gegenbauer(k, 11, x))));
      rt.special.hermiteDerivativeTableInto(4, buf.subarray(1, 8), out);
      expect(Array.from(out.view)).toEqual(Array.from(scalarTable(4, t.subarray(1, 8), hermiteDerivative)));
    } finally {
      buf.free();
      out.free();
    }
  });
});

describe("SpecialKernels: validation", () => {
  it("bad arguments throw a RangeError naming them, and the copying forms free their temporaries", async () => {
    const rt = await runtimeFor("simd");
    const live = rt.arena.liveAllocations;
    const cases: [() => unknown, RegExp][] = [
      [() => rt.special.gegenbauerTable(-1, 3, [0.5]), /meanfield: kmax must be an integer in \[0, 2147483646\], got -1/],
      [() => rt.special.gegenbauerTable(2.5, 3, [0.5]), /kmax must be an integer/],
      [() => rt.special.gegenbauerTable(3, 1, [0.5]), /meanfield: d \(dimension\) must be an integer >= 2, got 1/],
      [() => rt.special.gegenbauerDerivativeTable(3, 3, [0.5, 1.5]), /meanfield: t\[1\] is 1.5; every entry must be a finite number in \[-1, 1\]/],
      [() => rt.special.gegenbauerTable(3, 3, [Number.NaN]), /t\[0\] is NaN/],
      [() => rt.special.hermiteTable(3, [0, Infinity]), /meanfield: z\[1\] is Infinity; every entry must be finite/],
      [() => rt.special.hermiteDerivativeTable(-2, [0]), /kmax must be an integer/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(RangeError);
      expect(call).toThrow(message);
    }
    expect(rt.arena.liveAllocations).toBe(live);
    const t = rt.arena.f64From([0.1, 0.2]);
    const out = rt.arena.f64(5);
    try {
      expect(() => rt.special.gegenbauerTableInto(2, 3, t, out)).toThrow(/meanfield: out has length 5, expected 6 \(n x \(kmax\+1\) = 2 x 3\)/);
      expect(() => rt.special.hermiteTableInto(2, t, out)).toThrow(/out has length 5, expected 6/);
      t.set([2, 0.5]);
      const wide = rt.arena.f64(6);
      try {
        // The range check can be skipped by a trusted caller; the recurrence still runs.
        rt.special.gegenbauerTableInto(2, 3, t, wide, { checkFinite: false });
        // P_{2,3}(2) = (3 * 2^2 - 1) / 2.
        expect(wide.view[2]).toBe(5.5);
      } finally {
        wide.free();
      }
    } finally {
      t.free();
      out.free();
    }
  });
});
