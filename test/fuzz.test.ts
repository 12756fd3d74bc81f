// Seeded fuzzing of the command line (issue 18), in process: a few hundred generated run configs,
// sweep specs and corrupted checkpoints through runCommandLine, each outcome held to the rules of
// fuzzCases.ts (exit 0, 2 or 3; exit 2 one line naming the field or file; exit 0 never with a
// non-finite number in any output, and a successful resume equal to the uninterrupted run).

import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCommandLine } from "../src/commandLine.js";
import { fuzzCases, preparePristine, violations, type Outcome } from "./fuzzCases.js";

/** One invocation with stdout, stderr and process.exit captured. */
async function runInProcess(args: string[]): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  let exited: { code: number; stderrLength: number } | null = null;
  const capture = (append: (s: string) => void) => (chunk: unknown) => {
    append(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(capture((s) => (stdout += s)) as never),
    vi.spyOn(process.stderr, "write").mockImplementation(capture((s) => (stderr += s)) as never),
    vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
      exited ??= { code: code ?? 0, stderrLength: stderr.length };
      throw new Error("process.exit");
    }) as never),
  ];
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    code = await runCommandLine(["node", "meanfield", ...args]);
  } catch (err) {
    code = exited ? 0 : 1;
    if (!exited) stderr += `uncaught: ${(err as Error).stack}\n`;
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const ended = exited as { code: number; stderrLength: number } | null;
  if (ended) {
    code = ended.code;
    // What the command line's last-resort handler wrote about the stubbed exit is not output.
    stderr = stderr.slice(0, ended.stderrLength);
  } else if (code === 0 && typeof process.exitCode === "number") code = process.exitCode;
  process.exitCode = exitCode;
  return { code, stdout, stderr };
}

describe("fuzzed command lines", () => {
  it("exit 0, 2 or 3 only; exit 2 is one line naming the field or file; exit 0 never with a non-finite number", async () => {
    const root = mkdtempSync(join(tmpdir(), "meanfield-fuzz-"));
    const pristineMetrics = await preparePristine(root, runInProcess);
    const cases = fuzzCases(18);
    const codes: Record<number, number> = {};
    const found: string[] = [];
    for (const [k, c] of cases.entries()) {
      const dir = join(root, `case-${k}`);
      mkdirSync(dir);
      const out = await runInProcess(c.prepare(dir, join(root, "pristine")));
      codes[out.code] = (codes[out.code] ?? 0) + 1;
      for (const v of violations(c, out, dir, pristineMetrics)) found.push(`${v} | ${c.name} | ${out.stderr.trim().slice(0, 300)}`);
    }
    expect(found).toEqual([]);
    // The cases reach every outcome.
    expect(Object.keys(codes).sort()).toEqual(["0", "2", "3"]);
  }, 120_000);
});
