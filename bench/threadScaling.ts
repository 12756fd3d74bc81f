// `npm run bench:threads [-- --shapes 100x1000x256,1000x4096x512 --rounds 7 --slice 1]`: whole
// online-SGD steps (batch draw, forward, backward, update) through the Trainer, as `threads` in a
// run config gives them, with 1 thread (the SIMD build, fused step), 1 thread over the blocked
// passes that threads split (the shared-memory build with a team of one: same bits, no fused
// step) and 2 threads; prints the speed-up of 2 threads over 1 with the load average and the CPU
// time, and writes bench/results/threads.json.
//
// Method: the cases run round robin, the order reversed every other round, each for SLICE
// seconds of whole steps per round; figures are medians over rounds. A slice records its wall
// time, the CPU time of this process (all its threads, spinning included) and the CPU time the
// rest of the machine used meanwhile (/proc/stat's busy time minus this process's, in cores), so
// a round that others' work slowed down shows as such. The speed-up is taken per round (2 threads
// against 1 thread in the same round) and its median printed, with the speed-up of the round in
// which the rest of the machine was quietest. CPU efficiency is 1-thread CPU per step over
// 2-thread CPU per step: 1 when the threads add no work (no spinning, no duplicated reads).
//
// Here the kernel groups threads by session (sched_autogroup), so while other sessions keep both
// cores busy a process gets its session's share of CPU whatever its thread count, and the wall-time
// speed-up measures that share, not the threads. The bench therefore also prints what an idle
// machine would give by Amdahl's law from CPU times, which load inflates far less: the blocked
// 1-thread path's CPU per step split into the part inside the calls a team splits (P) and the rest
// (S), and 2 threads bounded by S + P / 2 (no memory-bandwidth contention, no waiting counted).
//
// Both team cases also record the process's CPU time inside each kind of team call (forward,
// backward, the batch draw, the weight update): with 2 threads that is both threads' CPU while
// the pass runs, so a pass that gets dearer per unit of work when two threads run it at once
// shows as such. And the cores need not be equally fast: on a VM the host may run one vCPU on a
// busier or slower physical core, and a team whose threads claim blocks as they go then does less
// than half the work on it, for as long a time. So before and after its rounds the bench times the
// blocked 1-thread step with its thread pinned to each of two cores (taskset, Linux): 2
// threads can at best run 1 + (slower core's speed / faster core's) times faster than the blocked
// step on the faster core.

import { spawnSync } from "node:child_process";
import { readFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../src/config.js";
import { networkOptionsOf, TwoLayerNetwork } from "../src/model/network.js";
import { createTask } from "../src/tasks/createTask.js";
import { linkToActivation } from "../src/activation/link.js";
import { Trainer } from "../src/train/trainer.js";
import type { NetworkShape } from "../src/wasm/networkKernels.js";
import { loadRuntime } from "../src/wasm/runtime.js";
import { ThreadTeam, type TeamKernel } from "../src/wasm/threadTeam.js";
import { cpuMs } from "./ceiling.js";
import { printColumns } from "./textTable.js";

// This file runs as bench/.build/bench/threadScaling.js.
const repoRoot = new URL("../../../", import.meta.url);
const RESULTS = fileURLToPath(new URL("bench/results/threads.json", repoRoot));
const DEFAULT_SHAPES = "100x1000x256,1000x4096x512";
const SEED = 2024;
/** USER_HZ of /proc/stat on Linux. */
const TICKS_PER_SECOND = 100;

const CASES = ["1 thread", "1 thread, blocked", "2 threads"] as const;
type CaseName = (typeof CASES)[number];

interface Slice {
  ms: number;
  cpuMs: number;
  /** Cores the rest of the machine kept busy during the slice. */
  otherCores: number | null;
  /** CPU ms per step inside team calls (team cases). */
  splitCpuMs: number | null;
  /** CPU ms per step inside team calls, per pass (team cases). */
  passCpuMs: Record<Pass, number> | null;
}

/** What a team call does in a step, by kernel. */
const PASSES = { forward: ["forwardRange", "forward32Range", "linearizedForwardRange"], backward: ["backwardRange", "backward32Range"], draw: ["fillUniformRange", "fillGaussianRange", "fillSphereRange"], update: ["axpyRange"], other: ["narrowTransposedRange"] } as const satisfies Record<string, readonly TeamKernel[]>;
type Pass = keyof typeof PASSES;
const passOf = (kernel: TeamKernel): Pass => (Object.keys(PASSES) as Pass[]).find((p) => (PASSES[p] as readonly TeamKernel[]).includes(kernel))!;

interface ShapeReport {
  shape: NetworkShape;
  loadBefore: number[];
  loadAfter: number[];
  /** Per case: median wall ms per step, median CPU ms per step, every slice. */
  cases: Record<CaseName, { msPerStep: number; cpuMsPerStep: number; slices: Slice[] }>;
  /** Median over rounds of 1 thread / 2 threads, wall time per step. */
  speedup: number;
  /** The same ratio in the round where the rest of the machine was quietest, and how busy it was. */
  quietest: { speedup: number; otherCores: number | null };
  /** 1 thread over 2 threads, CPU time per step. */
  cpuEfficiency: number;
  /** Share of the blocked path's CPU inside team calls, and Amdahl's bound for 2 threads over 1 thread on an idle machine. */
  amdahl: { splitShare: number; idleSpeedup: number };
  /** The blocked 1-thread step pinned to each of two cores, CPU ms per step (median of runs before and after the rounds), or null where it could not be pinned. */
  cores: { cores: [number, number]; cpuMsPerStep: [number, number]; slices: [number, number][] } | null;
}

function parseOptions(argv: string[]): { shapes: NetworkShape[]; rounds: number; slice: number } {
  const value = (flag: string, fallback: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
  };
  const shapes = value("--shapes", DEFAULT_SHAPES).split(",").map((s) => {
    const [d, n, b] = s.split("x").map(Number);
    if (![d, n, b].every((v) => Number.isInteger(v) && v! > 0)) throw new RangeError(`--shapes: expected DxNxB with positive integers, got ${s}`);
    return { d: d!, n: n!, b: b! };
  });
  const rounds = Number(value("--rounds", "7"));
  const slice = Number(value("--slice", "1"));
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new RangeError(`--rounds: expected a positive integer, got ${rounds}`);
  if (!(slice > 0 && slice <= 60)) throw new RangeError(`--slice: expected seconds in (0, 60], got ${slice}`);
  return { shapes, rounds, slice };
}

/** Busy CPU time of the whole machine in ms (all cores), or null where /proc/stat is missing. */
function machineBusyMs(): number | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    const busy = fields.slice(0, 8).reduce((s, v, k) => (k === 3 || k === 4 ? s : s + v), 0);
    return (busy * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

interface SgdCase {
  name: CaseName;
  step: () => void;
  /** CPU ms spent inside team calls so far, in all and per pass, where counted. */
  splitCpuMs: () => number | null;
  passCpuMs: () => Record<Pass, number> | null;
  close: () => Promise<void>;
}

async function sgdCase(name: CaseName, { d, n, b }: NetworkShape): Promise<SgdCase> {
  const shared = name !== "1 thread";
  const threads = name === "2 threads" ? 2 : 1;
  const runtime = await loadRuntime({ url: new URL(shared ? "build/meanfield.threads.wasm" : "build/meanfield.wasm", repoRoot) });
  const config = parseConfig({
    seed: SEED,
    threads,
    task: { kind: "gaussianSingleIndex", d, link: "relu" },
    model: { width: n, activation: "relu", init: { secondLayer: { kind: "gaussian", std: 1 } } },
    // Steps far beyond what the timing runs, at a step size that keeps the loss bounded throughout.
    algorithm: { kind: "onlineSgd", batch: b, steps: 1e9, stepSize: 0.01 },
  });
  const activation = linkToActivation(config.model.activation, d);
  const task = createTask(runtime, config.task, SEED, activation);
  const net = new TwoLayerNetwork(runtime, networkOptionsOf(config, activation));
  const team = shared ? await ThreadTeam.start(runtime, threads) : null;
  let inside: number | null = null;
  let passes: Record<Pass, number> | null = null;
  if (team) {
    // A team of one runs every unit on this thread: the CPU time inside its calls is the part 2 threads split.
    // With 2 threads it is both threads' CPU during the calls.
    const run = team.run.bind(team);
    inside = 0;
    const perPass = { forward: 0, backward: 0, draw: 0, update: 0, other: 0 };
    passes = perPass;
    team.run = (...call) => {
      const c0 = cpuMs();
      run(...call);
      const spent = cpuMs() - c0;
      inside! += spent;
      perPass[passOf(call[0])] += spent;
    };
  }
  const trainer = new Trainer(config, task, net);
  return {
    name,
    step: () => void trainer.advance(),
    splitCpuMs: () => inside,
    passCpuMs: () => (passes ? { ...passes } : null),
    close: async () => {
      await team?.close();
      trainer.free();
      net.free();
      task.free();
    },
  };
}

function timeSlice(c: SgdCase, seconds: number): Slice {
  const busy0 = machineBusyMs();
  const split0 = c.splitCpuMs();
  const passes0 = c.passCpuMs();
  const cpu0 = cpuMs();
  const t0 = performance.now();
  let steps = 0;
  do {
    c.step();
    steps++;
  } while (performance.now() - t0 < seconds * 1e3);
  const wall = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  const busy1 = machineBusyMs();
  const otherCores = busy0 === null || busy1 === null ? null : Math.max(0, busy1 - busy0 - cpu) / wall;
  const split1 = c.splitCpuMs();
  const splitCpuMs = split0 === null || split1 === null ? null : (split1 - split0) / steps;
  const passes1 = c.passCpuMs();
  const passCpuMs =
    passes0 === null || passes1 === null
      ? null
      : (Object.fromEntries((Object.keys(passes1) as Pass[]).map((p) => [p, (passes1[p] - passes0[p]) / steps])) as Record<Pass, number>);
  return { ms: wall / steps, cpuMs: cpu / steps, otherCores, splitCpuMs, passCpuMs };
}

/** Sets the cores this process's main thread (its thread id is the process id) may run on; the list before, or null where taskset fails. */
function pinMainThread(cores: string): string | null {
  const run = spawnSync("taskset", ["-pc", cores, String(process.pid)], { encoding: "utf8" });
  return run.status === 0 ? (/current affinity list: (\S+)/.exec(run.stdout)?.[1] ?? null) : null;
}

/**
 * CPU ms per step of c (a 1-thread case) pinned to each of the first two cores it may run on,
 * `seconds` on each, the second core first on the way back so that a drift falls on both alike;
 * null on fewer than 2 cores or where the thread cannot be pinned.
 */
function coreSlices(c: SgdCase, seconds: number): { cores: [number, number]; slices: [number, number][] } | null {
  if (availableParallelism() < 2) return null;
  const every = spawnSync("taskset", ["-pc", String(process.pid)], { encoding: "utf8" });
  const list = /affinity list: (\S+)/.exec(every.stdout ?? "")?.[1];
  if (every.status !== 0 || list === undefined) return null;
  const allowed = list.split(",").flatMap((r) => {
    const [lo, hi] = r.split("-").map(Number);
    return Array.from({ length: (hi ?? lo!) - lo! + 1 }, (_, k) => lo! + k);
  });
  const cores: [number, number] = [allowed[0]!, allowed[1]!];
  try {
    const times: [number, number] = [0, 0];
    const slices: [number, number][] = [];
    for (const order of [[0, 1], [1, 0]]) {
      for (const k of order) {
        if (pinMainThread(String(cores[k])) === null) return null;
        times[k] = timeSlice(c, seconds).cpuMs;
      }
      slices.push([times[0], times[1]]);
    }
    return { cores, slices };
  } finally {
    pinMainThread(list);
  }
}

const median = (values: number[]) => {
  const s = [...values].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function measureShape(shape: NetworkShape, rounds: number, seconds: number): Promise<ShapeReport> {
  const loadBefore = loadavg();
  const cases: SgdCase[] = [];
  try {
    for (const name of CASES) cases.push(await sgdCase(name, shape));
    for (const c of cases) c.step();
    const blockedCase = cases.find((c) => c.name === "1 thread, blocked")!;
    const coresBefore = coreSlices(blockedCase, seconds / 2);
    const slices = new Map<CaseName, Slice[]>(CASES.map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const c of round % 2 === 1 ? [...cases].reverse() : cases) slices.get(c.name)!.push(timeSlice(c, seconds));
    }
    const summary = (name: CaseName) => {
      const s = slices.get(name)!;
      return { msPerStep: median(s.map((x) => x.ms)), cpuMsPerStep: median(s.map((x) => x.cpuMs)), slices: s };
    };
    const report = { "1 thread": summary("1 thread"), "1 thread, blocked": summary("1 thread, blocked"), "2 threads": summary("2 threads") };
    const one = report["1 thread"].slices;
    const two = report["2 threads"].slices;
    const ratios = one.map((s, r) => s.ms / two[r]!.ms);
    const others = one.map((s, r) => (s.otherCores === null || two[r]!.otherCores === null ? null : (s.otherCores + two[r]!.otherCores!) / 2));
    let quiet = 0;
    others.forEach((o, r) => {
      if (o !== null && o < (others[quiet] ?? Infinity)) quiet = r;
    });
    const coresAfter = coresBefore === null ? null : coreSlices(blockedCase, seconds / 2);
    const coreRuns = coresBefore === null || coresAfter === null ? null : [...coresBefore.slices, ...coresAfter.slices];
    const blocked = report["1 thread, blocked"];
    const split = median(blocked.slices.map((x) => x.splitCpuMs!));
    const serial = blocked.cpuMsPerStep - split;
    return {
      shape,
      amdahl: { splitShare: split / blocked.cpuMsPerStep, idleSpeedup: report["1 thread"].cpuMsPerStep / (serial + split / 2) },
      cores:
        coreRuns === null
          ? null
          : { cores: coresBefore!.cores, cpuMsPerStep: [median(coreRuns.map((t) => t[0])), median(coreRuns.map((t) => t[1]))], slices: coreRuns },
      loadBefore,
      loadAfter: loadavg(),
      cases: report,
      speedup: median(ratios),
      quietest: { speedup: ratios[quiet]!, otherCores: others[quiet] ?? null },
      cpuEfficiency: report["1 thread"].cpuMsPerStep / report["2 threads"].cpuMsPerStep,
    };
  } finally {
    for (const c of cases) await c.close();
  }
}

function printShape(r: ShapeReport, previous: ShapeReport | undefined): void {
  const { d, n, b } = r.shape;
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
  console.log(`\nd = ${d}, N = ${n}, B = ${b}: load average ${load(r.loadBefore)} before, ${load(r.loadAfter)} after`);
  const rows = [["case", "ms/step", "samples/s", "CPU ms/step", "CPU/wall", "other load (cores)"]];
  for (const name of CASES) {
    const c = r.cases[name];
    const others = c.slices.map((s) => s.otherCores).filter((o): o is number => o !== null);
    rows.push([
      name,
      c.msPerStep.toFixed(3),
      ((b * 1e3) / c.msPerStep).toFixed(0),
      c.cpuMsPerStep.toFixed(3),
      (c.cpuMsPerStep / c.msPerStep).toFixed(2),
      others.length > 0 ? `${Math.min(...others).toFixed(2)}-${Math.max(...others).toFixed(2)}` : "-",
    ]);
  }
  printColumns(rows);
  const passRows = [["CPU ms/step in team calls", ...(Object.keys(PASSES) as Pass[]), "outside"]];
  for (const name of ["1 thread, blocked", "2 threads"] as const) {
    const c = r.cases[name];
    const perPass = (p: Pass) => median(c.slices.map((s) => s.passCpuMs![p]));
    const inside = median(c.slices.map((s) => s.splitCpuMs!));
    passRows.push([name, ...(Object.keys(PASSES) as Pass[]).map((p) => perPass(p).toFixed(2)), (c.cpuMsPerStep - inside).toFixed(2)]);
  }
  printColumns(passRows);
  if (r.cores) {
    const [c0, c1] = r.cores.cpuMsPerStep;
    const [k0, k1] = r.cores.cores;
    const ratio = Math.min(c0, c1) / Math.max(c0, c1);
    console.log(
      `1 thread, blocked, pinned: core ${k0} ${c0.toFixed(2)}, core ${k1} ${c1.toFixed(2)} CPU ms/step; the slower core runs at ${ratio.toFixed(2)} of the faster's speed,` +
        ` so 2 threads can run at most ${(1 + ratio).toFixed(2)}x the faster core's blocked step`,
    );
  }
  const quiet = r.quietest.otherCores === null ? "" : ` (${r.quietest.otherCores.toFixed(2)} cores busy elsewhere)`;
  console.log(
    `2 threads / 1 thread: ${r.speedup.toFixed(2)}x (median of rounds), ${r.quietest.speedup.toFixed(2)}x in the quietest round${quiet};` +
      ` over the blocked 1-thread path ${(r.cases["1 thread, blocked"].msPerStep / r.cases["2 threads"].msPerStep).toFixed(2)}x;` +
      ` CPU efficiency ${r.cpuEfficiency.toFixed(2)} (${(r.cases["1 thread, blocked"].cpuMsPerStep / r.cases["2 threads"].cpuMsPerStep).toFixed(2)} over the blocked path);` +
      ` idle bound (Amdahl, ${(100 * r.amdahl.splitShare).toFixed(1)}% of the blocked path's CPU split) ${r.amdahl.idleSpeedup.toFixed(2)}x` +
      (previous ? `; previous run ${previous.speedup.toFixed(2)}x` : ""),
  );
}

const options = parseOptions(process.argv.slice(2));
const previous: ShapeReport[] = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, "utf8")) as { shapes: ShapeReport[] }).shapes : [];
const reports: ShapeReport[] = [];
for (const shape of options.shapes) {
  const report = await measureShape(shape, options.rounds, options.slice);
  printShape(report, previous.find((p) => p.shape.d === shape.d && p.shape.n === shape.n && p.shape.b === shape.b));
  reports.push(report);
}
mkdirSync(fileURLToPath(new URL("bench/results/", repoRoot)), { recursive: true });
writeFileSync(
  RESULTS,
  `${JSON.stringify({ date: new Date().toISOString(), rounds: options.rounds, sliceSeconds: options.slice, shapes: reports }, null, 2)}\n`,
);
