// A run's id: the first 16 hex digits of SHA-256 over the canonical JSON (keys sorted at every
// level) of what the run computes, i.e. its method and its resolved config. Equal runs get equal
// ids in any sweep, on any machine, whatever the key order of the files they came from, which is
// what makes resume, shards and queue deliveries idempotent.

import { createHash } from "node:crypto";

/** JSON with object keys sorted, so equal values always serialize to equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * 16 hex digits of SHA-256 over the canonical JSON (keys sorted) of method and resolved config:
 * equal runs get equal ids anywhere, which makes resume, shards and queue deliveries idempotent.
 */
export function runId(method: string, config: unknown): string {
  return createHash("sha256").update(canonicalJson({ method, config })).digest("hex").slice(0, 16);
}
