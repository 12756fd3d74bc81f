// Solving (K + ridge I) X = Y for a symmetric positive definite Gram matrix K, the linear
// algebra of kernel ridge regression, by Cholesky factorization in Wasm.

import type { WasmF64Array } from "../wasm/arena.js";
import type { WasmRuntime } from "../wasm/runtime.js";
import { checkCount, checkFinite, checkFiniteNumber, checkLength } from "../argumentChecks.js";

/**
 * X = (gram + ridge I)^{-1} rhs for the n x n row-major gram (only its lower triangle is read)
 * and n x m row-major right-hand sides; returns X as n x m row-major. Throws a RangeError
 * naming the failing pivot when gram + ridge I is not positive definite.
 */
export function choleskySolve(
  runtime: WasmRuntime,
  gram: ArrayLike<number>,
  n: number,
  rhs: ArrayLike<number>,
  m: number,
  ridge = 0,
): Float64Array {
  checkCount("n", n);
  checkCount("m", m);
  checkLength("gram", gram, n * n, `n x n = ${n} x ${n}`);
  checkLength("rhs", rhs, n * m, `n x m = ${n} x ${m}`);
  checkFiniteNumber("ridge", ridge);
  if (ridge < 0) throw new RangeError(`meanfield: ridge must be >= 0, got ${ridge}`);
  checkFinite("gram", gram);
  checkFinite("rhs", rhs);

  const arena = runtime.arena;
  let a: WasmF64Array | null = null;
  let b: WasmF64Array | null = null;
  try {
    a = arena.f64From(gram);
    b = arena.f64From(rhs);
    if (ridge !== 0) {
      const view = a.view;
      for (let i = 0; i < n; i++) view[i * (n + 1)]! += ridge;
    }
    const status = runtime.linalg.choleskyInPlace(a, n);
    if (status !== 0) {
      const pivot = status - 1;
      throw new RangeError(
        `meanfield: the ${n} x ${n} Gram matrix${ridge !== 0 ? ` plus ridge ${ridge}` : ""} is not positive definite: ` +
          `Cholesky pivot ${pivot} (row and column ${pivot}, counting from 0) is not positive; increase the ridge`,
      );
    }
    runtime.linalg.solveLower(a, n, b, m);
    runtime.linalg.solveLowerTransposed(a, n, b, m);
    return b.toArray();
  } finally {
    a?.free();
    b?.free();
  }
}

/**
 * The Cholesky factor of an SPD matrix held in Wasm memory, factored in place once and used for
 * many solves (preconditioners, several right-hand sides). Takes ownership of `matrix`.
 */
export class CholeskyFactor {
  private constructor(
    private readonly runtime: WasmRuntime,
    private readonly factor: WasmF64Array,
    readonly n: number,
  ) {}

  /** Factors matrix (n x n, lower triangle read) + ridge I; frees it and throws a RangeError naming the pivot if not SPD. */
  static inPlace(runtime: WasmRuntime, matrix: WasmF64Array, n: number, ridge = 0): CholeskyFactor {
    checkCount("n", n);
    checkLength("matrix", matrix, n * n, `n x n = ${n} x ${n}`);
    if (ridge !== 0) {
      const view = matrix.view;
      for (let i = 0; i < n; i++) view[i * (n + 1)]! += ridge;
    }
    const status = runtime.linalg.choleskyInPlace(matrix, n);
    if (status !== 0) {
      matrix.free();
      throw new RangeError(
        `meanfield: the ${n} x ${n} matrix is not positive definite: Cholesky pivot ${status - 1} is not positive; increase the ridge`,
      );
    }
    return new CholeskyFactor(runtime, matrix, n);
  }

  /** Overwrites the n x m right-hand sides b (in Wasm memory) with the solution. */
  solveInPlace(b: WasmF64Array, m = 1): void {
    checkLength("rhs", b, this.n * m, `n x m = ${this.n} x ${m}`);
    this.runtime.linalg.solveLower(this.factor, this.n, b, m);
    this.runtime.linalg.solveLowerTransposed(this.factor, this.n, b, m);
  }

  free(): void {
    this.factor.free();
  }
}
