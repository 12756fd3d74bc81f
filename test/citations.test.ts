import { describe, expect, it } from "vitest";
import { citationText } from "../src/experiments/experiment.js";
import { experiments } from "../src/experiments/registry.js";

describe("every experiment cites its papers", () => {
  it("with authors, year, an arXiv id or DOI, and the figure or result it reproduces; no seed-file jargon", () => {
    for (const e of experiments) {
      expect(e.papers.length, e.id).toBeGreaterThan(0);
      for (const p of e.papers) {
        expect(p.authors.length, e.id).toBeGreaterThan(2);
        expect(p.year, e.id).toBeGreaterThan(1900);
        expect(Boolean(p.arxiv) || Boolean(p.doi), `${e.id}: ${p.title}`).toBe(true);
        expect(p.figure?.length ?? 0, `${e.id}: ${p.title} has no figure`).toBeGreaterThan(3);
        expect(citationText(p)).not.toMatch(/seed|lecture/i);
      }
      expect(`${e.title} ${e.description}`).not.toMatch(/seed (paper|\d{3})/i);
    }
  });
});
