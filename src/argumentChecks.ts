// Argument checks shared by the kernel wrappers: every message names the argument.

interface HasLength {
  readonly length: number;
}

export function checkCount(name: string, value: number, min = 1): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`meanfield: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

export function checkLength(name: string, array: HasLength, expected: number, shape: string): void {
  if (array.length !== expected) {
    throw new RangeError(`meanfield: ${name} has length ${array.length}, expected ${expected} (${shape})`);
  }
}

export function checkFiniteNumber(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`meanfield: ${name} must be a finite number, got ${value}`);
  }
}

export function checkFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v - v !== 0) {
      throw new RangeError(`meanfield: ${name}[${i}] is ${v}; every entry must be finite`);
    }
  }
}
