import { describe, expect, it } from "vitest";
import { choleskySolve } from "../src/kernels/cholesky.js";
import { referenceCholesky, referenceCholeskySolve } from "./reference/cholesky.js";
import { BUILDS, normals, relativeError, runtimeFor, testRandom } from "./helpers.js";

const SIZES = [1, 2, 3, 5, 63, 64, 65, 127, 129, 130, 257];

/** A = B B^T + n I with Gaussian B: SPD with condition number of order 5. */
function randomSpd(n: number, seed: number): Float64Array {
  const b = normals(testRandom(seed), n * n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

function residual(a: Float64Array, n: number, x: Float64Array, b: Float64Array, m: number): number {
  let r2 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      let s = -b[i * m + c]!;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * x[k * m + c]!;
      r2 += s * s;
      b2 += b[i * m + c]! ** 2;
    }
  }
  return Math.sqrt(r2 / b2);
}

describe("Cholesky factorization and solve", () => {
  for (const build of BUILDS) {
    it(`${build} build: factor and solution match the textbook reference to 1e-12, residual <= 1e-12`, async () => {
      const rt = await runtimeFor(build);
      const worst = { factor: 0, solution: 0, residual: 0 };
      for (const n of SIZES) {
        const a = randomSpd(n, 1000 + n);
        const l = referenceCholesky(a, n);
        const buf = rt.arena.f64From(a);
        expect(rt.exports.choleskyInPlace(buf.ptr, n)).toBe(0);
        worst.factor = Math.max(worst.factor, relativeError(buf.toArray(), l));
        buf.free();
        for (const m of [1, 3]) {
          const b = normals(testRandom(7 * n + m), n * m);
          const x = choleskySolve(rt, a, n, b, m);
          worst.solution = Math.max(worst.solution, relativeError(x, referenceCholeskySolve(l, n, b, m)));
          worst.residual = Math.max(worst.residual, residual(a, n, x, b, m));
        }
      }
      expect(worst.factor).toBeLessThanOrEqual(1e-12);
      expect(worst.solution).toBeLessThanOrEqual(1e-12);
      expect(worst.residual).toBeLessThanOrEqual(1e-12);
      expect(rt.arena.bytesInUse).toBe(0);
    });

    it(`${build} build: the ridge is added to the diagonal`, async () => {
      const rt = await runtimeFor(build);
      const n = 70;
      const a = randomSpd(n, 5);
      const shifted = a.slice();
      for (let i = 0; i < n; i++) shifted[i * n + i]! += 2.5;
      const b = normals(testRandom(6), n * 2);
      const x = choleskySolve(rt, a, n, b, 2, 2.5);
      expect(residual(shifted, n, x, b, 2)).toBeLessThanOrEqual(1e-12);
      expect(rt.arena.bytesInUse).toBe(0);
    });

    it(`${build} build: a matrix that is not positive definite names its pivot and frees the arena`, async () => {
      const rt = await runtimeFor(build);
      const n = 100;
      // Rank 80: the pivot after the first 80 rows vanishes up to rounding, past the first panel.
      const g = normals(testRandom(9), n * 80);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < 80; k++) s += g[i * 80 + k]! * g[j * 80 + k]!;
          a[i * n + j] = s;
        }
      }
      a[85 * n + 85] = -1e6;
      a[3 * n + 3] = -1;
      expect(() => choleskySolve(rt, a, n, new Float64Array(n), 1)).toThrow(
        /100 x 100 Gram matrix is not positive definite: Cholesky pivot 3 .*increase the ridge/,
      );
      a[3 * n + 3] = 80;
      expect(() => choleskySolve(rt, a, n, new Float64Array(n), 1)).toThrow(/Cholesky pivot (8[0-5]) /);
      expect(() => choleskySolve(rt, [1, 2, 2, 1], 2, [1, 1], 1, 0.5)).toThrow(
        /2 x 2 Gram matrix plus ridge 0.5 is not positive definite: Cholesky pivot 1 /,
      );
      expect(rt.arena.bytesInUse).toBe(0);
    });
  }

  it("validates shapes, finiteness and the ridge", async () => {
    const rt = await runtimeFor("simd");
    expect(() => choleskySolve(rt, [1, 0, 0], 2, [1, 1], 1)).toThrow(/gram has length 3, expected 4 \(n x n = 2 x 2\)/);
    expect(() => choleskySolve(rt, [1, 0, 0, 1], 2, [1, 1, 1], 2)).toThrow(/rhs has length 3, expected 4 \(n x m = 2 x 2\)/);
    expect(() => choleskySolve(rt, [1, 0, 0, NaN], 2, [1, 1], 1)).toThrow(/gram\[3\] is NaN/);
    expect(() => choleskySolve(rt, [1, 0, 0, 1], 2, [Infinity, 1], 1)).toThrow(/rhs\[0\] is Infinity/);
    expect(() => choleskySolve(rt, [1], 1, [1], 1, -1)).toThrow(/ridge must be >= 0/);
    expect(() => choleskySolve(rt, [1], 0, [1], 1)).toThrow(/n must be an integer >= 1/);
    expect(rt.arena.bytesInUse).toBe(0);
  });
});
