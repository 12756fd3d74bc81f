// The exact pieces of Li, Ma, Zhang's separation in d: the normalized teacher's energy per Hermite
// order against the closed forms of |z|'s Hermite coefficients, the exact population loss of
// feature-space kernel ridge against a Monte-Carlo test set, and the resolvable degree; and the
// kernels' part of the sweep listed with `meanfield kernel` commands that succeed from the CLI.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { rerunLine, type RerunPart } from "../src/experiments/experiment.js";
import { runSeparation } from "../src/experiments/lmzSeparation.js";
import { memoryContext } from "./experimentContext.js";
import type { ConfigInput } from "../src/config.js";
import { kernelBaseline } from "../src/kernels/kernelRidge.js";
import { KernelFeatures } from "../src/kernels/kernelFeatures.js";
import { modelKernel } from "../src/kernels/modelKernel.js";
import { teacherFeatureRidge } from "../src/kernels/teacherFeatureRidge.js";
import { parseConfig } from "../src/config.js";
import { GaussianActivation } from "../src/activation/gaussianMoments.js";
import { normalizedTeacherTask, resolvableDegree, tailAbove, teacherOrders } from "../src/experiments/normalizedTeacher.js";
import { randomOrthonormalRows } from "../src/tasks/orthonormalRows.js";
import { runtimeFor } from "./helpers.js";

// |z| = sum_k alpha_k h_k(z): alpha_0^2 = 2/pi, alpha_2^2 = 1/pi, alpha_4^2 = (2/pi)/24 (E|z| He_4 = -sqrt(2/pi)).
const A0 = 2 / Math.PI;
const A2 = 1 / Math.PI;
const A4 = 2 / Math.PI / 24;

function config(d: number): ConfigInput {
  return {
    seed: 5,
    task: normalizedTeacherTask(d),
    model: { width: 8, activation: "abs" },
    algorithm: { kind: "onlineSgd", batch: 8, steps: 1, stepSize: 1 },
    metrics: { include: ["populationLoss"] },
  };
}

describe("normalized teacher of Li, Ma, Zhang 2020", () => {
  it("splits E y^2 by Hermite order as the closed forms: 2/pi, then alpha_k^2 / d", async () => {
    const rt = await runtimeFor("simd");
    const d = 12;
    const orders = teacherOrders(rt, normalizedTeacherTask(d), 3, 8);
    expect(orders.halfEnergies[0]).toBeCloseTo(0.5 * A0, 12);
    expect(orders.halfEnergies[1]).toBeCloseTo(0, 12);
    expect(orders.halfEnergies[2]! / (0.5 * A2 / d)).toBeCloseTo(1, 10);
    expect(orders.halfEnergies[4]! / (0.5 * A4 / d)).toBeCloseTo(1, 10);
    expect(orders.halfSquare / (0.5 * (A0 + (1 - A0) / d))).toBeCloseTo(1, 10);
    expect(tailAbove(orders, 3) / (0.5 * (1 - 3 / Math.PI) / d)).toBeCloseTo(1, 9);
    // The unnormalized teacher: every order k >= 1 carries alpha_k^2 d.
    const ones = teacherOrders(rt, normalizedTeacherTask(d, "ones"), 3, 8);
    expect(tailAbove(ones, 3) / (0.5 * (1 - 3 / Math.PI) * d)).toBeCloseTo(1, 9);
  });

  it("counts the degrees whose Hermite space fits in n samples", () => {
    // C(d + k - 1, k) at d = 16: 16, 136, 816, 3876, 15504, 54264.
    expect(resolvableDegree(16, 54263)).toBe(5);
    expect(resolvableDegree(16, 54264)).toBe(6);
    expect(resolvableDegree(16, 100)).toBe(1);
  });

  it("projects a sum of |.| neurons on Hermite features as the closed forms", async () => {
    const rt = await runtimeFor("simd");
    const d = 6;
    const kernel = modelKernel(parseConfig(config(d)), "nngp");
    const features = new KernelFeatures(rt, kernel, 4, 1);
    try {
      const w = randomOrthonormalRows(rt, 9, "test", d, d);
      const b = Float64Array.from({ length: d }, (_, j) => 0.5 + j / d);
      const abs = new GaussianActivation("abs");
      const c = features.neuronProjection(w, b, (r) => abs.hermite(r, 4).values);
      const energy = [0, 0, 0, 0, 0];
      for (const block of features.blocks) for (let j = block.offset; j < block.offset + block.size; j++) energy[block.degree]! += c[j]! ** 2;
      const sum = b.reduce((s, v) => s + v, 0);
      const square = b.reduce((s, v) => s + v * v, 0);
      expect(energy[0]! / (A0 * sum * sum)).toBeCloseTo(1, 10);
      expect(energy[2]! / (A2 * square)).toBeCloseTo(1, 10);
      expect(energy[4]! / (A4 * square)).toBeCloseTo(1, 10);
    } finally {
      features.free();
    }
  });

  it("scores feature-space kernel ridge by its exact population loss, within 4 standard errors of a 200000-point test set", async () => {
    const rt = await runtimeFor("simd");
    const d = 10;
    const [early, exact, ntk] = teacherFeatureRidge(rt, config(d), ["nngp", "ntk"], 2, [1000, 3000]).filter((_, i) => i !== 1);
    // The path's fit at n = 1000 is the fit on the first 1000 samples alone.
    expect(early!.loss / teacherFeatureRidge(rt, config(d), ["nngp"], 2, [1000])[0]!.loss).toBeCloseTo(1, 10);
    expect(ntk!.kernel).toBe("ntk");
    const mc = await kernelBaseline(config(d), { n: 3000, m: 200_000, kernel: "nngp", method: "features", degree: 2, runtime: rt });
    expect(exact!.features).toBe(1 + 55);
    expect(Math.abs(exact!.loss - mc.testLoss)).toBeLessThan(4 * mc.testLossSE);
    // A degree-2 kernel keeps at least the orders >= 4 (orders 1 and 3 are zero for |.|).
    expect(exact!.loss).toBeGreaterThan(tailAbove(teacherOrders(rt, normalizedTeacherTask(d), 5, 12), 3));
  });
});

describe("the separation's kernel part reruns from its report", () => {
  it("saves a config per d with a `meanfield kernel` command per kernel, and the command succeeds from the CLI", async () => {
    const runtime = await runtimeFor("simd");
    const base = memoryContext(runtime);
    const reruns = new Map<string, readonly RerunPart[]>();
    const context = { ...base, saveConfig: (name: string, cfg: unknown, commands?: readonly RerunPart[]) => (base.saveConfig(name, cfg), reruns.set(name, commands ?? [])) };
    await runSeparation(context, { dims: [5, 6], budget: 2, batch: 8, stepSize: 1, kernelWork: 1e6 }, {});
    const parts = reruns.get("lmz20-separation-d6-kernels");
    expect(parts?.map((p) => (typeof p === "string" ? p : p.command))).toEqual(["kernel", "kernel"]);
    const dir = mkdtempSync(join(tmpdir(), "meanfield-lmz-rerun-"));
    try {
      writeFileSync(join(dir, "kernels.json"), JSON.stringify(base.configs.get("lmz20-separation-d6-kernels")));
      for (const part of parts!) {
        const line = rerunLine(part, "kernels.json").split(" ").slice(1);
        const out = spawnSync(process.execPath, [fileURLToPath(new URL("../dist/cli.js", import.meta.url)), ...line], { cwd: dir, encoding: "utf8", timeout: 120_000 });
        expect(out.status, `${line.join(" ")}: ${out.stderr}`).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
