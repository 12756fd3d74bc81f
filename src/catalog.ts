// What `meanfield list` shows: the example configs shipped in examples/ and the registered
// paper experiments.

import { readdirSync, readFileSync } from "node:fs";
import { citationText, type PaperCitation } from "./experiments/experiment.js";
import { experiments as registered } from "./experiments/registry.js";

/** An example config in examples/: its name, path relative to the package, and description. */
export interface ExampleEntry {
  name: string;
  file: string;
  description: string;
}

/** A registered paper experiment with its papers cited by authors, year and arXiv id. */
export interface ExperimentEntry {
  id: string;
  description: string;
  papers: PaperCitation[];
  /** The papers as one line: authors (year), venue, arXiv id, figure. */
  cites: string;
  /** Broken variants and the checks each must fail (`meanfield reproduce <id> --variant <name>`). */
  brokenVariants: { name: string; fails: string[] }[];
}

/** Paper experiments runnable by `meanfield reproduce <id>` (src/experiments/registry.ts). */
export const experiments: ExperimentEntry[] = registered.map((e) => ({
  id: e.id,
  description: e.description,
  papers: e.papers,
  cites: e.papers.map(citationText).join("; "),
  brokenVariants: e.brokenVariants.map((v) => ({ name: v.name, fails: v.fails })),
}));

export const examplesDir = new URL("../examples/", import.meta.url);

/** The example configs shipped in examples/, sorted by file name, as `meanfield list` shows them. */
export function listExamples(): ExampleEntry[] {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const json = JSON.parse(readFileSync(new URL(file, examplesDir), "utf8")) as { name?: string; description?: string };
      return { name: json.name ?? file.replace(/\.json$/, ""), file: `examples/${file}`, description: json.description ?? "" };
    });
}

/** Everything `meanfield list` shows: the shipped example configs and the paper experiments. */
export function listCatalog(): { examples: ExampleEntry[]; experiments: ExperimentEntry[] } {
  return { examples: listExamples(), experiments };
}
