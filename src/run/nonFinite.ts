// Results are finite or the run fails: the first non-finite number in a result, by its path, so
// the failure names the field instead of printing NaN, Infinity or JSON's null.

/** Path of the first number in value (objects and arrays searched depth-first) that is NaN or infinite, or null. */
export function firstNonFinite(value: unknown, path = ""): { path: string; value: number } | null {
  if (typeof value === "number") return Number.isFinite(value) ? null : { path: path || "(value)", value };
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = value as ArrayLike<unknown>;
    for (let i = 0; i < items.length; i++) {
      const bad = firstNonFinite(items[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const bad = firstNonFinite(v, path ? `${path}.${k}` : k);
      if (bad) return bad;
    }
  }
  return null;
}
