// Eigenvalues of a small dense symmetric matrix by the cyclic Jacobi method: plane rotations
// zero each off-diagonal entry in turn until the off-diagonal mass is below round-off relative to
// the whole matrix. O(n^3) per sweep and a handful of sweeps: meant for Gram matrices of a few
// hundred points (the empirical NTK's sigma_min and sigma_max), where its accuracy in the small
// eigenvalues (relative to the largest) is what matters.

/** The eigenvalues, ascending, of the symmetric n x n matrix (row-major; only symmetry is assumed, the input is not changed). */
export function symmetricEigenvalues(matrix: ArrayLike<number>, n: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`meanfield: symmetricEigenvalues needs n >= 1, got ${n}`);
  if (matrix.length !== n * n) throw new RangeError(`meanfield: symmetricEigenvalues: matrix has ${matrix.length} entries, expected n^2 = ${n * n}`);
  const a = Float64Array.from(matrix);
  let total = 0;
  for (let k = 0; k < n * n; k++) {
    if (!Number.isFinite(a[k]!)) throw new RangeError(`meanfield: symmetricEigenvalues: entry ${k} is ${a[k]}`);
    total += a[k]! ** 2;
  }
  const tolerance = (1e-15 * Math.sqrt(total)) ** 2;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * a[p * n + q]! ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        // The rotation angle from the stable formula t = sgn(theta) / (|theta| + sqrt(theta^2 + 1)).
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) values[k] = a[k * n + k]!;
  return values.sort();
}
