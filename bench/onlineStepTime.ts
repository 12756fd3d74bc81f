// `npm run bench:step [-- BASELINE_DIR] [--shapes 320x800x1] [--task relu|mmn18] [--rounds 9] [--pieces]`:
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
//
// With --pieces (this checkout only), each case also times the pieces of its step on the
// trainer's own buffers, as the unfused kernels run them: the draw (fillGaussian or fillSphere),
// the teacher's labels, forward (in f32 with x narrowed), backward (backward32), the axpy of w and
// the axpy of a; the fused step beside their sum shows what the fusion saves or costs, and the
// fused step without its first-layer update (moveW = 0) what the first layer's gradient and
// update cost inside it.

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
  pieces: boolean;
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
  return { baseline, shapes, task, rounds, pieces: argv.includes("--pieces") };
}

/** A warmed-up Trainer of one checkout (its own dist/ and build/): its step as a closure and, with pieces, the step's pieces. */
async function stepOf(
  root: URL, task: Options["task"], shape: Options["shapes"][number], precision: "f64" | "f32", build: keyof typeof FILES, pieces: boolean,
): Promise<{ step: () => void; pieces: [string, () => void][] }> {
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
  const step = () => void trainer.advance();
  if (!pieces) return { step, pieces: [] };
  const { PLAN_SLOTS } = await from("train/onlineStepPlan.js");
  const names = PLAN_SLOTS as readonly string[];
  // The plan is private to the trainer: read its slots for the buffers of the step.
  const plan = (trainer as unknown as { fusedStep: { plan: { ptr: number; view: Float64Array } } }).fusedStep.plan;
  const at = (name: string) => plan.view[names.indexOf(name)]!;
  const ex = runtime.exports;
  const rows = b;
  const [k0, k1, s0, s1] = ["key0", "key1", "stream0", "stream1"].map(at) as [number, number, number, number];
  const [x, y, w, a, z, f, r, g, gradW, gradA] = ["x", "y", "w", "a", "z", "f", "r", "g", "gradW", "gradA"].map(at) as number[];
  const [kind, params, np, scale] = ["kind", "params", "nparams", "scale"].map(at) as number[];
  const [x32, wT32, g32, gradW32, dp, nPad] = ["x32", "wT32", "g32", "gradW32", "dp", "nPad"].map(at) as number[];
  const input = at("input");
  const drift = config.algorithm.stepSize / (n * scale! * scale!);
  let t = trainer.step;
  const list: [string, () => void][] = [
    [
      "draw",
      input === 1
        ? () => ex.fillSphere(k0, k1, s0, s1, t * rows, x!, rows, d)
        : () => ex.fillGaussian(k0, k1, s0, s1, t * rows * d, x!, rows * d),
    ],
    [
      "labels",
      () => {
        const m = at("teacherM");
        const chunk = at("teacherRows");
        for (let r0 = 0; r0 < rows && m > 0; r0 += chunk) {
          const rb = Math.min(chunk, rows - r0);
          ex.forward(x! + 8 * r0 * d, at("teacherW"), at("teacherB"), m, d, rb, 1, at("teacherKind"), at("teacherParams"), at("teacherNparams"), at("teacherZ"), y! + 8 * r0);
        }
      },
    ],
    [
      "forward",
      precision === "f64"
        ? () => ex.forward(x!, w!, a!, n, d, rows, scale!, kind!, params!, np!, z!, f!)
        : () => {
            ex.narrowRowsToF32(x!, x32!, rows, d, dp!);
            ex.forward32(x32!, wT32!, a!, n, nPad!, d, dp!, rows, scale!, kind!, params!, np!, z!, f!);
          },
    ],
    [
      "backward",
      precision === "f64"
        ? () => ex.backward(x!, a!, n, d, rows, scale!, kind!, params!, np!, z!, r!, g!, gradW!, gradA!)
        : () => ex.backward32(x32!, a!, n, d, dp!, rows, scale!, kind!, params!, np!, z!, r!, g32!, gradW32!, gradW!, gradA!),
    ],
    // Zero steps, so that w and a stay where they are while the pieces are timed.
    ["axpy w", () => ex.axpy(0, gradW!, w!, n * d)],
    ["axpy a", () => ex.axpy(0, gradA!, a!, n)],
    ["fused, a only", () => void ex.onlineStep(plan.ptr, t++, 0, 0, 1, drift)],
  ];
  return { step: () => void (trainer.advance(), (t = trainer.step)), pieces: list };
}

/**
 * CPU microseconds per call over one slice of at least SLICE_MS of wall time, in whole calls: the
 * calls between clock readings double while they take under a tenth of the slice, so that one
 * call of a third of a second still makes a slice of a few calls.
 */
function slice(step: () => void): number {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let steps = 0;
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) step();
    steps += batch;
    const now = performance.now();
    if (now - start >= SLICE_MS) break;
    if (now - t0 < SLICE_MS / 10) batch *= 2;
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / steps;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;
const load = () => loadavg().map((v) => v.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const roots = [{ label: "this", root: repoRoot }, ...(options.baseline ? [{ label: "baseline", root: pathToFileURL(`${options.baseline.replace(/\/$/, "")}/`) }] : [])];
  for (const shape of options.shapes) {
    const cases: { label: string; step: () => void; us: number[]; pieces: { name: string; run: () => void; us: number[] }[] }[] = [];
    for (const precision of ["f64", "f32"] as const) {
      for (const build of ["simd", "relaxed"] as const) {
        for (const { label, root } of roots) {
          const made = await stepOf(root, options.task, shape, precision, build, options.pieces && label === "this");
          cases.push({ label: `${label} ${precision} ${build}`, step: made.step, us: [], pieces: made.pieces.map(([name, run]) => ({ name, run, us: [] })) });
        }
      }
    }
    const timed = cases.flatMap((c) => [{ run: c.step, us: c.us }, ...c.pieces]);
    const before = load();
    for (let round = 0; round < options.rounds; round++) {
      for (const p of round % 2 === 1 ? [...timed].reverse() : timed) p.us.push(slice(p.run));
    }
    console.log(`\n${options.task}, d = ${shape.d}, N = ${shape.n}, B = ${shape.b}: CPU us per fused step, median of ${options.rounds} alternating slices (load average ${before} before, ${load()} after)`);
    const rows = [["case", "median us", "min us", ...(options.baseline ? ["this / baseline"] : [])]];
    for (const c of cases) {
      const base = cases.find((o) => o.label === c.label.replace(/^this/, "baseline"));
      const ratio = c.label.startsWith("this") && base && base !== c ? (median(c.us) / median(base.us)).toFixed(3) : "";
      rows.push([c.label, median(c.us).toFixed(1), Math.min(...c.us).toFixed(1), ...(options.baseline ? [ratio] : [])]);
    }
    printColumns(rows);
    if (options.pieces) printPieces(cases.filter((c) => c.pieces.length > 0));
  }
}

/** Each case's pieces (median CPU us per call), their sum, and the fused step against forward + backward. */
function printPieces(cases: { label: string; us: number[]; pieces: { name: string; us: number[] }[] }[]): void {
  const names = cases[0]!.pieces.map((p) => p.name);
  const rows = [["case", ...names, "sum of pieces", "fused step", "fused / (fwd + bwd)", "fused / sum"]];
  for (const c of cases) {
    const us = Object.fromEntries(c.pieces.map((p) => [p.name, median(p.us)]));
    const sum = names.filter((name) => !name.startsWith("fused")).reduce((total, name) => total + us[name]!, 0);
    const fused = median(c.us);
    rows.push([c.label, ...names.map((name) => us[name]!.toFixed(1)), sum.toFixed(1), fused.toFixed(1), (fused / (us.forward! + us.backward!)).toFixed(3), (fused / sum).toFixed(3)]);
  }
  console.log("pieces, median CPU us per call");
  printColumns(rows);
}

await main();
