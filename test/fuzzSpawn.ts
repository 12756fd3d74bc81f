// The fuzz cases of fuzzCases.ts against any built command line, each in its own process (to
// compare builds, e.g. before and after a change): `npx tsx test/fuzzSpawn.ts path/to/cli.js [seed]`.
// Prints the counts (cases, exit codes, stderr lines of exit 2, violations) and every violation.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fuzzCases, preparePristine, violations, type Outcome } from "./fuzzCases.js";

const cli = resolve(process.argv[2] ?? "dist/cli.js");
const seed = Number(process.argv[3] ?? 18);

function runCli(args: string[]): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("close", (code, signal) => done({ code: code ?? (signal ? 124 : 1), stdout, stderr }));
  });
}

const root = mkdtempSync(join(tmpdir(), "meanfield-fuzz-spawn-"));
const pristineMetrics = await preparePristine(root, runCli);
const cases = fuzzCases(seed);
const codes = new Map<number, number>();
const found: string[] = [];
let multiLine = 0;
let next = 0;
async function lane(): Promise<void> {
  while (next < cases.length) {
    const k = next++;
    const c = cases[k]!;
    const dir = join(root, `case-${k}`);
    mkdirSync(dir);
    const out = await runCli(c.prepare(dir, join(root, "pristine")));
    codes.set(out.code, (codes.get(out.code) ?? 0) + 1);
    if (out.code === 2 && out.stderr.trim().split("\n").length > 1) multiLine++;
    for (const v of violations(c, out, dir, pristineMetrics)) found.push(`${v} | ${c.name} | ${out.stderr.trim().split("\n")[0]!.slice(0, 200)}`);
  }
}
const started = performance.now();
await Promise.all([lane(), lane()]);
const byKind = (kind: string) => cases.filter((c) => c.kind === kind).length;
console.log(`${cli}: ${cases.length} cases (${byKind("config")} configs, ${byKind("sweep")} sweep specs, ${byKind("checkpoint")} corrupted checkpoints) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(`exit codes: ${[...codes].sort(([a], [b]) => a - b).map(([c, n]) => `${c}: ${n}`).join(", ")}; exit 2 with more than one stderr line: ${multiLine}`);
console.log(`violations: ${found.length}`);
const kinds = new Map<string, number>();
for (const v of found) kinds.set(v.split(" | ")[0]!, (kinds.get(v.split(" | ")[0]!) ?? 0) + 1);
for (const [k, n] of kinds) console.log(`  ${n} x ${k}`);
for (const v of found) console.log(`  ${v}`);
