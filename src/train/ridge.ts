// The second layer of the two-timescale limit (seed 004): a = argmin_a L(a) + ridge/2 |a|^2 with
// L(a) = 1/2 scale^2 a^T G a - scale a^T c + const, i.e. (scale^2 G + ridge I) a = scale c,
// solved by Cholesky (G is a Gram matrix, so the system is positive definite for ridge > 0).

export function solveRidge(gram: Float64Array, cross: Float64Array, scale: number, ridge: number): Float64Array {
  const n = cross.length;
  const m = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) m[k] = scale * scale * gram[k]!;
  for (let i = 0; i < n; i++) m[i * n + i]! += ridge;
  // In-place lower Cholesky factor L with M = L L^T.
  for (let j = 0; j < n; j++) {
    let diag = m[j * n + j]!;
    for (let k = 0; k < j; k++) diag -= m[j * n + k]! ** 2;
    if (!(diag > 0)) {
      throw new RangeError(`meanfield: the second-layer ridge system is singular at row ${j}; increase algorithm.ridge above ${ridge}`);
    }
    const l = Math.sqrt(diag);
    m[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = m[i * n + j]!;
      for (let k = 0; k < j; k++) s -= m[i * n + k]! * m[j * n + k]!;
      m[i * n + j] = s / l;
    }
  }
  const a = cross.map((c) => scale * c);
  for (let i = 0; i < n; i++) {
    let s = a[i]!;
    for (let k = 0; k < i; k++) s -= m[i * n + k]! * a[k]!;
    a[i] = s / m[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i]!;
    for (let k = i + 1; k < n; k++) s -= m[k * n + i]! * a[k]!;
    a[i] = s / m[i * n + i]!;
  }
  return a;
}
