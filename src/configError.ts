// The error of bad input: one line naming the field (or the file), exit code 2. Its own module so
// the command line can tell it apart without loading the config schema (zod) at startup.

import type { z } from "zod";

/** A config error: `path: message`, one line. */
export class ConfigError extends RangeError {
  override name = "ConfigError";
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), "") || "(config)";
}

/**
 * The issue to report, as `path: message`. zod checks integers against 2^53 - 1 besides the
 * field's own range; that bound is never the field's real limit, so the field's own issue at the
 * same path is preferred, and the bare number is spelled out where it is the only one.
 */
export function describeIssue(issues: readonly z.core.$ZodIssue[], root: string): string {
  const safe = (i: z.core.$ZodIssue) => /9007199254740991/.test(i.message);
  const first = issues[0]!;
  const issue = safe(first) ? (issues.find((i) => !safe(i) && formatPath(i.path) === formatPath(first.path)) ?? first) : first;
  const path = formatPath(issue.path).replace(/^\(config\)$/, root);
  return `${path}: ${issue.message.replace("9007199254740991", "2^53 - 1")}`;
}
