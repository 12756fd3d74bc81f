// The layering of docs/architecture.md: folders of src/ form layers, each importing only from the
// layers below it, with the few upward imports listed here and why; and src/wasm/ is the only
// caller of the Wasm module's raw exports (everything else goes through its typed wrappers).

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

/** Lowest first; names in one entry share a layer (a folder of src/, or a module at its root). */
const LAYERS = [
  ["special", "argumentChecks", "configError"],
  ["activation"],
  ["config", "configSchemas", "metricSchedule"],
  ["wasm"],
  ["model"],
  ["population"],
  ["tasks"],
  ["kernels"],
  ["ode", "pde"],
  ["train"],
  ["metrics"],
  ["run"],
  ["sweep"],
  ["report"],
  ["experiments"],
  ["commands", "demo", "catalog"],
  ["commandLine", "cli", "node", "index"],
];

/** Upward imports that stay, each with its reason. */
const ALLOWED_UP = new Map([
  ["ode/compare.ts -> run/simulate.ts", "compares the ODEs with a finite-N run"],
  ["pde/compare.ts -> run/simulate.ts", "compares the mean-field limit with finite-N runs"],
  ["report/reportHtml.ts -> experiments/papers.ts", "the report cites the papers"],
  ["report/reportText.ts -> experiments/experiment.ts", "the types of an experiment's summary"],
  ["report/summary.ts -> experiments/experiment.ts", "the types of an experiment's summary"],
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

function layerOf(file: string): number {
  const top = relative(SRC, file).split("/")[0]!.replace(/\.ts$/, "");
  const layer = LAYERS.findIndex((names) => names.includes(top));
  if (layer < 0) throw new Error(`${relative(SRC, file)}: not in any layer of test/layering.test.ts; add it`);
  return layer;
}

describe("layering of src/", () => {
  const files = sourceFiles(SRC);

  it("every import points down (or sideways), apart from the listed ones", () => {
    const up: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+["'](\.[^"']+)["']/g)) {
        const target = normalize(join(dirname(file), match[1]!)).replace(/\.js$/, ".ts");
        if (layerOf(target) > layerOf(file)) up.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(up.filter((edge) => !ALLOWED_UP.has(edge))).toEqual([]);
  });

  it("only src/wasm/ calls the raw Wasm exports", () => {
    const callers = files.filter((f) => !relative(SRC, f).startsWith("wasm/") && /\bexports\.[a-zA-Z]/.test(readFileSync(f, "utf8")));
    expect(callers.map((f) => relative(SRC, f))).toEqual([]);
  });
});
