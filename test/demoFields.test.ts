// The demo's own field checks (web/src/form.ts) say the config schema's ranges in words: every
// value they accept the schema accepts, every one they refuse it refuses, at both ends of every
// field and for every preset; and a link the page cannot follow (an unknown preset, setting or
// choice) is reported, not replaced.

import { describe, expect, it } from "vitest";
import { configSchema, parseConfig } from "../dist/index.js";
import { numericError } from "../web/src/form.ts";
import { configOf, defaultSettings, FIELD_RANGES, minDimension, TASKS, type DemoSettings, type TaskId } from "../web/src/presets.ts";
import { queryOf, settingsFromQuery } from "../web/src/query.ts";

const schemaAccepts = (s: DemoSettings) => configSchema.safeParse(configOf(s)).success;

describe("the demo's field ranges", () => {
  for (const task of Object.keys(TASKS) as TaskId[]) {
    it(`are the schema's for the ${task} preset`, () => {
      for (const [field, range] of Object.entries(FIELD_RANGES) as [keyof typeof FIELD_RANGES, (typeof FIELD_RANGES)["width"]][]) {
        const min = field === "d" ? minDimension(task) : range.min;
        const lowest = range.open ? min + 1e-9 : min;
        const below = range.open ? min : min - 1;
        const cases: [number, boolean][] = [[lowest, true], [range.max, true], [below, false], [range.max * (1 + 1e-9) + 1, false]];
        if (range.integer) cases.push([min + 0.5, false]);
        for (const [value, ok] of cases) {
          const settings = { ...defaultSettings(task), [field]: value };
          expect(numericError(field, value, task) === null, `${field} = ${value}`).toBe(ok);
          expect(schemaAccepts(settings), `${field} = ${value} in the schema`).toBe(ok);
        }
      }
    });
  }

  it("name the field and its range, never the config path", () => {
    expect(numericError("width", 0, "bmz23")).toBe("width N must be a whole number from 1 to 1,000,000; got 0");
    expect(numericError("steps", Number.NaN, "bmz23")).toBe("steps must be a whole number from 1 to 1,000,000,000; the box is empty or not a number");
    expect(numericError("d", 1, "sphere")).toBe("dimension d must be a whole number from 2 to 100,000; got 1");
    expect(numericError("stepSize", 0, "bmz23")).toBe("step size h must be a number above 0 and at most 1,000,000; got 0");
    // A huge value in exponent form, not a hundred digits (the link ?stepSize=1e99).
    expect(numericError("stepSize", 1e99, "bmz23")).toBe("step size h must be a number above 0 and at most 1,000,000; got 1e99");
  });

  it("every preset's defaults run, and its paper is cited by authors, year and arXiv id", () => {
    for (const [task, preset] of Object.entries(TASKS)) {
      expect(() => parseConfig(configOf(defaultSettings(task as TaskId)))).not.toThrow();
      expect(preset.paper.arxiv).toMatch(/^\d{4}\.\d{5}$/);
      expect(preset.label).toContain(String(preset.paper.year));
      expect(preset.watch.split(/(?<=\.) /).length, task).toBeGreaterThanOrEqual(2);
      expect(`${preset.label} ${preset.watch}`).not.toMatch(/seed\s*\d{3}/i);
    }
  });
});

describe("the demo's links", () => {
  it("round-trip a run's settings", () => {
    const settings = { ...defaultSettings("sphere"), width: 100, seed: 9 };
    const linked = settingsFromQuery(queryOf(settings, true));
    expect(linked).toEqual({ settings, autorun: true, problem: null });
  });

  it("report an unknown preset and unknown settings instead of running another preset", () => {
    const linked = settingsFromQuery("?task=foo&widht=5&autorun");
    expect(linked.autorun).toBe(false);
    expect(linked.problem).toMatch(/preset "foo", which this page does not have/);
    expect(linked.problem).toMatch(/"widht" is not a setting/);
  });

  it("report a choice the page does not offer (?scaling=xx&loss=yy) and keep the preset's, rather than the schema's words or a silent default", () => {
    const linked = settingsFromQuery("?task=sphere&scaling=xx&loss=yy");
    expect(linked.problem).toBe('The link\'s scaling "xx" is not one this page offers (meanfield or ntk); it uses meanfield. The link\'s loss "yy" is not one this page offers (population or test); it uses population.');
    expect(linked.settings).toEqual(defaultSettings("sphere"));
  });
});
