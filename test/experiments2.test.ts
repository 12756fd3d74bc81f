// Experiments 6-10 at scale "test": every check passes and every plot carries data.

import { beforeAll, describe, expect, it } from "vitest";
import { experiments } from "../src/experiments/registry.js";
import type { WasmRuntime } from "../src/wasm/runtime.js";
import { memoryContext } from "./experimentContext.js";
import { runtimeFor } from "./helpers.js";

let rt: WasmRuntime;
beforeAll(async () => {
  rt = await runtimeFor("simd");
});

const IDS = ["abam22-staircase", "lmz20-tensors", "reflective-trap", "ts24-alignment", "kernel-separation"];

describe("paper experiments 6-10 (scale test)", () => {
  it("registers each id once, with a description", () => {
    const ids = experiments.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of IDS) {
      const e = experiments.find((x) => x.id === id);
      expect(e, id).toBeDefined();
      expect(e!.description.length).toBeGreaterThan(20);
      expect(e!.papers.length).toBeGreaterThan(0);
      for (const p of e!.papers) expect(p.arxiv ?? p.doi, `${id} cites ${p.authors} with an arXiv id or DOI`).toBeTruthy();
    }
  });

  for (const id of IDS) {
    it(`${id}: every check passes, every plot has data, configs and tables are saved`, async () => {
      const experiment = experiments.find((e) => e.id === id)!;
      const context = memoryContext(rt, "test", 1);
      const result = await experiment.run(context);
      expect(result.checks.length).toBeGreaterThan(0);
      for (const c of result.checks) {
        expect(c.pass, `${c.name}: measured ${c.measured}, expected [${c.expected[0]}, ${c.expected[1]}]`).toBe(true);
        expect(c.description.length).toBeGreaterThan(10);
      }
      expect(new Set(result.checks.map((c) => c.name)).size).toBe(result.checks.length);
      expect(result.plots.length).toBeGreaterThan(0);
      for (const p of result.plots) {
        const spec = p.spec as { $schema: string; data: { values: unknown[] } };
        expect(spec.$schema).toContain("vega-lite/v5");
        expect(spec.data.values.length, p.name).toBeGreaterThan(0);
        expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
      }
      expect(context.configs.size).toBeGreaterThan(0);
      expect(context.tables.size).toBeGreaterThan(0);
      expect(context.messages.length).toBeGreaterThan(0);
    }, 120_000);
  }
});
