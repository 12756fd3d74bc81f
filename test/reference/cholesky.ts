// Textbook (unblocked, row-by-row Cholesky-Banachiewicz) factorization and substitutions,
// independent of the panel ordering and SIMD summation of assembly/gram.ts.

/** Lower factor L of the n x n row-major SPD matrix a (zeros above the diagonal). */
export function referenceCholesky(a: ArrayLike<number>, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`reference: pivot ${i} is ${s}`);
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** x = (L L^T)^{-1} b for n x m row-major b. */
export function referenceCholeskySolve(l: Float64Array, n: number, b: ArrayLike<number>, m: number): Float64Array {
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let s = x[i * m + c]!;
      for (let k = 0; k < i; k++) s -= l[i * n + k]! * x[k * m + c]!;
      x[i * m + c] = s / l[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i * m + c]!;
      for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k * m + c]!;
      x[i * m + c] = s / l[i * n + i]!;
    }
  }
  return x;
}
