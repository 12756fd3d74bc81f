// Coordinate directions e_1..e_k as rows, the hidden directions of axis-aligned targets.

/** k x d rows, row q = e_{q+1}. */
export function coordinateRows(k: number, d: number): Float64Array {
  const rows = new Float64Array(k * d);
  for (let q = 0; q < k; q++) rows[q * d + q] = 1;
  return rows;
}
