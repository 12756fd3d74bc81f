// Every argument check of the library: messages name the argument (and, for the special
// functions, the function) and the allowed range, e.g. "meanfield: gegenbauer: d must be an
// integer >= 2, got 1". Config files are checked by the zod schema in config.ts instead.

interface HasLength {
  readonly length: number;
}

/** value is a safe integer >= min (counts, sizes, indices). */
export function checkCount(name: string, value: number, min = 1): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`meanfield: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** array holds exactly `expected` entries; `shape` says why (e.g. "rows x d = 4 x 3"). */
export function checkLength(name: string, array: HasLength, expected: number, shape: string): void {
  if (array.length !== expected) {
    throw new RangeError(`meanfield: ${name} has length ${array.length}, expected ${expected} (${shape})`);
  }
}

/** A finite number (not NaN, not infinite). */
export function checkFiniteNumber(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`meanfield: ${name} must be a finite number, got ${value}`);
  }
}

/** Every entry finite; the message names the first bad index. */
export function checkFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) {
      throw new RangeError(`meanfield: ${name}[${i}] is ${v}; every entry must be finite`);
    }
  }
}

/** A random seed: the Philox key, any integer in [0, 2^53 - 1]. */
export function checkSeed(seed: number, field = "seed"): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`meanfield: ${field} must be an integer in [0, 2^53 - 1], got ${seed}`);
  }
}

/** checkCount for an argument of the special function `fn`. */
export function checkInteger(fn: string, name: string, value: number, min: number): void {
  checkCount(`${fn}: ${name}`, value, min);
}

/** checkFiniteNumber for an argument of the special function `fn`. */
export function checkReal(fn: string, name: string, value: number): void {
  checkFiniteNumber(`${fn}: ${name}`, value);
}

/** t in [-1, 1], the domain of the sphere's Legendre polynomials. */
export function checkUnitInterval(fn: string, name: string, value: number): void {
  if (typeof value !== "number" || !(Math.abs(value) <= 1)) {
    throw new RangeError(`meanfield: ${fn}: ${name} must be a finite number in [-1, 1], got ${String(value)}`);
  }
}

/** A finite number strictly above `bound`. */
export function checkGreaterThan(fn: string, name: string, value: number, bound: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || !(value > bound)) {
    throw new RangeError(`meanfield: ${fn}: ${name} must be a finite number > ${bound}, got ${String(value)}`);
  }
}

/** Checks a task's sampleInto call for input dimension d; returns the number of rows. */
export function checkSampleArguments(d: number, stream: string, start: number, x: HasLength, y: HasLength): number {
  if (typeof stream !== "string" || stream.length === 0) {
    throw new RangeError(`meanfield: stream must be a non-empty string, got ${String(stream)}`);
  }
  checkCount("start", start, 0);
  const rows = y.length;
  checkCount("y.length (rows)", rows);
  checkLength("x", x, rows * d, `rows x d = ${rows} x ${d}`);
  // Philox counters are read from f64 value indices, which are exact only up to 2^53.
  if ((start + rows) * d > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`meanfield: sample index (start + rows) * d = ${(start + rows) * d} exceeds 2^53`);
  }
  return rows;
}

/** Checks a population loss's network: w is N x d with N = a.length, every entry finite, scale finite; returns N. */
export function checkNetworkArguments(w: Float64Array, a: Float64Array, scale: number, d: number): number {
  const n = a.length;
  checkCount("a.length (number of neurons)", n);
  if (w.length !== n * d) throw new RangeError(`meanfield: w has length ${w.length}, expected ${n * d} (N x d)`);
  checkFinite("w", w);
  checkFinite("a", a);
  checkFiniteNumber("scale", scale);
  return n;
}
