// Argument checks of the special functions. Every message names the function, the argument
// and the allowed range, e.g. "meanfield: gegenbauer: d must be an integer >= 2, got 1".

export function checkInteger(fn: string, name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`meanfield: ${fn}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

export function checkReal(fn: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`meanfield: ${fn}: ${name} must be a finite number, got ${String(value)}`);
  }
}

/** t in [-1, 1], the domain of the sphere's Legendre polynomials. */
export function checkUnitInterval(fn: string, name: string, value: number): void {
  if (typeof value !== "number" || !(Math.abs(value) <= 1)) {
    throw new RangeError(`meanfield: ${fn}: ${name} must be a finite number in [-1, 1], got ${String(value)}`);
  }
}

export function checkGreaterThan(fn: string, name: string, value: number, bound: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || !(value > bound)) {
    throw new RangeError(`meanfield: ${fn}: ${name} must be a finite number > ${bound}, got ${String(value)}`);
  }
}
