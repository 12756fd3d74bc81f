// Checks that can fail: every experiment declares deliberately broken variants (a wrong target, a
// frozen layer, an activation of too low degree, ...), each naming the checks it must fail. Each
// variant runs at scale "test" here, and each named check must fail; an experiment without
// variants is listed as skipped until it declares them.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { experiments } from "../src/experiments/registry.js";
import { runExperiment } from "../src/experiments/runExperiment.js";
import { runtimeFor } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "meanfield-broken-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("every experiment's checks fail on its broken variants", () => {
  for (const experiment of experiments) {
    it.skipIf(experiment.brokenVariants.length === 0)(`${experiment.id}: declares broken variants whose named checks exist`, () => {
      expect(experiment.brokenVariants.length).toBeGreaterThan(0);
      for (const v of experiment.brokenVariants) {
        expect(v.fails.length, `${experiment.id}/${v.name} names the checks it fails`).toBeGreaterThan(0);
        expect(v.description.length).toBeGreaterThan(20);
      }
    });
    for (const variant of experiment.brokenVariants) {
      it(`${experiment.id} --variant ${variant.name}: ${variant.fails.join(", ")} fail`, async () => {
        const { summary } = await runExperiment(experiment, {
          scale: "test",
          variant: variant.name,
          out: join(root, `${experiment.id}-${variant.name}`),
          runtime: await runtimeFor("simd"),
        });
        expect(summary.error).toBeNull();
        const byName = new Map(summary.checks.map((c) => [c.name, c]));
        for (const name of variant.fails) {
          const c = byName.get(name);
          expect(c, `${experiment.id}/${variant.name}: check "${name}" exists`).toBeDefined();
          expect(c!.pass, `${experiment.id}/${variant.name}: "${name}" = ${c!.measured} must leave ${JSON.stringify(c!.expected)}`).toBe(false);
        }
      }, 180_000);
    }
  }
});
