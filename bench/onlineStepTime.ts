// `npm run bench:step [-- BASELINE_DIR] [--shapes 320x800x1] [--task relu|mmn18] [--rounds 9]`:
// process CPU time per whole fused online-SGD step (assembly/onlineStep.ts, through the Trainer:
// draw, labels, forward, loss, backward and update), f64 and f32, in the SIMD and relaxed-SIMD
// builds. With BASELINE_DIR (another checkout, built, e.g. /work/main), that checkout's own dist/
// and build/ run in the same process, so that a change is measured before and after side by side:
// every (checkout, precision, build) case is a trainer set up and warmed once, the rounds go round
// robin over the cases in slices of at least SLICE_MS of wall time, the order reversed every other
// round, and each figure is the median over rounds of CPU microseconds per step. Tasks: relu, the
// gaussianSingleIndex ReLU teacher of bench:peers (step 1/d, both layers), and mmn18, the
// isotropic Gaussians of mmn18-isotropic (its activation, first layer only, kappa 0.4, step 4e-4).
// The load average is printed before and after.

import { loadavg } from "node:os";
import { pathToFileURL } from "node:url";
import { printColumns } from "./textTable.js";

// This file runs as bench/.build/bench/onlineStepTime.js.
const repoRoot = new URL("../../../", import.meta.url);
const FILES = { simd: "meanfield.wasm", relaxed: "meanfield.relaxed.wasm" } as const;
const SLICE_MS = 300;
const WARM_UP_STEPS = 50;
const MMN18_ACTIVATION = { kind: "piecewiseLinear" as const, breakpoints: [0, 0.5, 1.5], slopes: [0, -3, 11.5, 0], valueAtZero: -2.5 };

interface Options {
  baseline: string | null;
  shapes: { d: number; n: number; b: number }[];
  task: "relu" | "mmn18";
  rounds: number;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string, fallback: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
  };
  const shapes = value("--shapes", "320x800x1").split(",").map((s) => {
    const [d, n, b] = s.split("x").map(Number);
    if (![d, n, b].every((v) => Number.isInteger(v) && v! > 0)) throw new RangeError(`--shapes: expected DxNxB with positive integers, got ${s}`);
    return { d: d!, n: n!, b: b! };
  });
  const task = value("--task", "relu");
  if (task !== "relu" && task !== "mmn18") throw new RangeError(`--task: expected relu or mmn18, got ${task}`);
  const rounds = Number(value("--rounds", "9"));
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`--rounds: expected a positive integer, got ${rounds}`);
  const flagged = new Set(["--shapes", "--task", "--rounds"]);
  const baseline = argv.find((a, i) => !a.startsWith("--") && !flagged.has(argv[i - 1] ?? "")) ?? null;
  return { baseline, shapes, task, rounds };
}

/** A warmed-up Trainer of one checkout (its own dist/ and build/) as a step closure. */
async function stepOf(root: URL, task: Options["task"], shape: Options["shapes"][number], precision: "f64" | "f32", build: keyof typeof FILES): Promise<() => void> {
  const from = (path: string) => import(new URL(`dist/${path}`, root).href);
  const { parseConfig } = await from("config.js");
  const { networkOptionsOf, TwoLayerNetwork } = await from("model/network.js");
  const { createTask } = await from("tasks/createTask.js");
  const { linkToActivation } = await from("activation/link.js");
  const { Trainer } = await from("train/trainer.js");
  const { loadRuntime } = await from("wasm/runtime.js");
  const runtime = await loadRuntime({ url: new URL(`build/${FILES[build]}`, root) });
  const { d, n, b } = shape;
  const config = parseConfig({
    seed: 1,
    precision,
    threads: 1,
    ...(task === "relu"
      ? {
          task: { kind: "gaussianSingleIndex", d, link: "relu" },
          model: { width: n, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
          algorithm: { kind: "onlineSgd", batch: b, steps: 1e9, stepSize: 1 / d },
        }
      : {
          task: { kind: "isotropicGaussians", d, delta: 0.5 },
          model: { width: n, activation: MMN18_ACTIVATION, train: "first", init: { firstLayer: { kind: "gaussian", kappa: 0.4 }, secondLayer: { kind: "constant", value: 1 } } },
          algorithm: { kind: "onlineSgd", batch: b, steps: 1e9, stepSize: 4e-4 },
        }),
  });
  const activation = linkToActivation(config.model.activation, d);
  const trainer = new Trainer(config, createTask(runtime, config.task, 1, activation), new TwoLayerNetwork(runtime, networkOptionsOf(config, activation)));
  if (!trainer.fused) throw new Error(`${root.pathname}: the ${precision} ${build} steps are not fused`);
  for (let t = 0; t < WARM_UP_STEPS; t++) trainer.advance();
  return () => void trainer.advance();
}

/** CPU microseconds per step over one slice of at least SLICE_MS of wall time. */
function slice(step: () => void): number {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let steps = 0;
  do {
    for (let i = 0; i < 100; i++) step();
    steps += 100;
  } while (performance.now() - start < SLICE_MS);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / steps;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const load = () => loadavg().map((v) => v.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const roots = [{ label: "this", root: repoRoot }, ...(options.baseline ? [{ label: "baseline", root: pathToFileURL(`${options.baseline.replace(/\/$/, "")}/`) }] : [])];
  for (const shape of options.shapes) {
    const cases: { label: string; step: () => void; us: number[] }[] = [];
    for (const precision of ["f64", "f32"] as const) {
      for (const build of ["simd", "relaxed"] as const) {
        for (const { label, root } of roots) cases.push({ label: `${label} ${precision} ${build}`, step: await stepOf(root, options.task, shape, precision, build), us: [] });
      }
    }
    const before = load();
    for (let round = 0; round < options.rounds; round++) {
      for (const c of round % 2 === 1 ? [...cases].reverse() : cases) c.us.push(slice(c.step));
    }
    console.log(`\n${options.task}, d = ${shape.d}, N = ${shape.n}, B = ${shape.b}: CPU us per fused step, median of ${options.rounds} alternating slices (load average ${before} before, ${load()} after)`);
    const rows = [["case", "median us", "min us", ...(options.baseline ? ["this / baseline"] : [])]];
    for (const c of cases) {
      const base = cases.find((o) => o.label === c.label.replace(/^this/, "baseline"));
      const ratio = c.label.startsWith("this") && base && base !== c ? (median(c.us) / median(base.us)).toFixed(3) : "";
      rows.push([c.label, median(c.us).toFixed(1), Math.min(...c.us).toFixed(1), ...(options.baseline ? [ratio] : [])]);
    }
    printColumns(rows);
  }
}

await main();
