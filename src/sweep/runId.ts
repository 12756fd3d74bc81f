// A run's id: the first 16 hex digits of SHA-256 over the canonical JSON (keys sorted at every
// level) of what the run computes, i.e. its method and its resolved config. Equal runs get equal
// ids in any sweep, on any machine, whatever the key order of the files they came from, which is
// what makes resume, shards and queue deliveries idempotent.

import { createHash } from "node:crypto";
import { canonicalJson } from "../run/runFiles.js";

/** The run id of (method, resolved config): 16 hex digits of SHA-256 over their canonical JSON. */
export function runId(method: string, config: unknown): string {
  return createHash("sha256").update(canonicalJson({ method, config })).digest("hex").slice(0, 16);
}
