// The demo page: the form (checked field by field, each message next to its field), two workers
// (the network and its mean-field limit), and the plots. window.meanfieldDemo holds the run's
// config and records exactly as the worker sent them, and window.meanfieldPlots what the loss
// plot drew, for the end-to-end test.

import { parseConfig, type ConfigInput, type MetricRecord, type RunSummary } from "meanfield";
import { throttledAnnouncer } from "./announce.ts";
import { calibrate, durationText, estimateSeconds, LONG_RUN_SECONDS } from "./estimate.ts";
import { copyText, plotsPng, save } from "./exports.ts";
import { checkSettings, errorsOfMessage, FIELDS, input, readSettings, showErrors, writeSettings } from "./form.ts";
import { drawPlots, type PlotLayouts } from "./figures.ts";
import type { LossSeries } from "./plots.ts";
import { citationOf, defaultSettings, TASKS, type DemoSettings, type TaskId, type TimeAxis } from "./presets.ts";
import type { FromWorker, LimitRecord, ToWorker } from "./protocol.ts";
import { queryOf, settingsFromQuery } from "./query.ts";

/**
 * The page's state, exposed on window.meanfieldDemo for the end-to-end test: the run's config and
 * records exactly as the worker sent them, the limit's records, and whether the plots are stale.
 */
export interface DemoState {
  status: "idle" | "running" | "paused" | "done" | "diverged" | "error";
  /** The form as it was when Run was pressed, and the config built from it. */
  settings: DemoSettings | null;
  config: ConfigInput | null;
  records: MetricRecord[];
  summary: RunSummary | null;
  step: number;
  total: number;
  stepsPerSecond: number;
  limit: { kind: string; records: LimitRecord[]; done: boolean } | null;
  limitMessage: string | null;
  error: string | null;
  /** The Wasm build the worker loaded ("simd" or "scalar"). */
  build: string | null;
  /** The settings changed since this run: its plots are greyed out. */
  stale: boolean;
  /** The loss curve of the run before, overlaid for comparison. */
  previous: LossSeries | null;
  /** The last link "copy link" made. */
  link: string | null;
}

declare global {
  interface Window {
    meanfieldDemo: DemoState;
    meanfieldPlots: PlotLayouts;
  }
}

/** Threads share Wasm memory, which browsers allow only on cross-origin isolated pages. */
const THREADS_ALLOWED = globalThis.crossOriginIsolated === true;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const runButton = $<HTMLButtonElement>("run");
const pauseButton = $<HTMLButtonElement>("pause");
const statusLine = $<HTMLParagraphElement>("status");
const announce = throttledAnnouncer($("announcer"));
const plotsSection = $<HTMLElement>("plots");
const canvases = { loss: $<HTMLCanvasElement>("loss-plot"), histogram: $<HTMLCanvasElement>("histogram-plot"), components: $<HTMLCanvasElement>("components-plot") };

const fresh = (previous: LossSeries | null = null): DemoState => ({
  status: "idle",
  settings: null,
  config: null,
  records: [],
  summary: null,
  step: 0,
  total: 0,
  stepsPerSecond: 0,
  limit: null,
  limitMessage: null,
  error: null,
  build: null,
  stale: false,
  previous,
  link: null,
});
let state = fresh();
window.meanfieldDemo = state;
window.meanfieldPlots = { loss: null };
let workers: Worker[] = [];
let valid = true;
/** A long run waits for a second press of Run; any change of the settings asks again. */
let longRunConfirmed = false;
let queryProblem: string | null = null;

const taskSelect = $<HTMLSelectElement>("task");
for (const [id, preset] of Object.entries(TASKS)) taskSelect.add(new Option(preset.label, id));

/** The preset's plain sentences and its paper under the selector. */
function showPreset(task: TaskId): void {
  const preset = TASKS[task];
  $("task-text").textContent = preset.watch;
  const cite = citationOf(preset.paper);
  Object.assign($<HTMLAnchorElement>("task-paper"), { textContent: cite.text, href: cite.href });
}

function setAxis(axis: TimeAxis): void {
  $<HTMLInputElement>(`axis-${axis}`).checked = true;
}
const timeAxis = (): TimeAxis => ($<HTMLInputElement>("axis-log").checked ? "log" : "linear");

/** Checks the form, shows every message next to its field and the run-time estimate; the config when it can run. */
function validate(): ConfigInput | null {
  const settings = readSettings();
  const { config, errors } = checkSettings(settings);
  showErrors(errors);
  if (queryProblem) $("error-query").textContent = queryProblem;
  valid = errors.size === 0;
  const estimate = $("estimate");
  const seconds = valid ? estimateSeconds(settings) : Number.NaN;
  const long = seconds > LONG_RUN_SECONDS;
  estimate.classList.toggle("warn", long);
  estimate.textContent = !valid
    ? ""
    : long
      ? `This run would take ${durationText(seconds)} on this machine. Lower the steps, N, d or B, or press "Run anyway".`
      : `Estimated run time: ${durationText(seconds)}.`;
  return config;
}

function stopWorkers(): void {
  for (const w of workers) w.terminate();
  workers = [];
}

function spawn(message: ToWorker, onMessage: (m: FromWorker) => void, onError: (message: string) => void): Worker {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: message.type });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onMessage(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    onError(event.message || "the worker failed to start");
  };
  worker.postMessage(message);
  workers.push(worker);
  return worker;
}

function fail(message: string, configError = false): void {
  stopWorkers();
  if (configError) valid = false;
  state.status = "error";
  state.error = message;
  if (configError) showErrors(errorsOfMessage(message));
  else $("error-general").textContent = message;
  update();
}

/** The network's loss of a run as a series, in mean-field time. */
function lossSeries(settings: DemoSettings, records: MetricRecord[], label: string, color: string, dashed = false): LossSeries {
  const points = records.flatMap((r) => {
    const t = r.step * settings.stepSize;
    if (typeof r.populationLoss === "number") return [{ t, loss: r.populationLoss }];
    if (typeof r.testLoss === "number") return [{ t, loss: r.testLoss, ...(typeof r.testLossSE === "number" ? { se: r.testLossSE } : {}) }];
    return [];
  });
  return { label, color, dashed, points };
}

const runName = (s: DemoSettings) => `N = ${s.width}${s.scaling === "ntk" ? ", NTK" : ""}`;

function start(): void {
  const config = validate();
  if (!config) return;
  const settings = readSettings();
  if (estimateSeconds(settings) > LONG_RUN_SECONDS && !longRunConfirmed) {
    longRunConfirmed = true;
    runButton.textContent = "Run anyway";
    return;
  }
  stopWorkers();
  const previous = state.settings && state.records.length ? lossSeries(state.settings, state.records, `previous run, ${runName(state.settings)}`, "#6b6b6b", true) : null;
  state = fresh(previous);
  window.meanfieldDemo = state;
  state.settings = settings;
  state.config = config;
  queryProblem = null;
  $("error-query").textContent = "";
  window.history.replaceState(null, "", queryOf(settings, false));
  state.status = "running";
  state.total = settings.steps;
  const simulation = spawn({ type: "simulate", config }, (m) => {
    switch (m.type) {
      case "runtime":
        state.build = m.build;
        break;
      case "record":
        state.records.push(m.record);
        state.step = m.record.step;
        break;
      case "progress":
        state.step = m.step;
        state.stepsPerSecond = m.stepsPerSecond;
        break;
      case "done":
        state.summary = m.summary;
        state.step = m.summary.steps;
        state.stepsPerSecond = m.stepsPerSecond;
        state.status = m.summary.status === "completed" ? "done" : "diverged";
        if (m.summary.divergence) state.error = m.summary.divergence.message;
        calibrate(settings, m.summary.steps, m.stepsPerSecond);
        simulation.terminate();
        break;
      case "error":
        fail(m.message, m.configError);
        return;
    }
    update();
  }, (message) => fail(message));
  const limit = spawn({ type: "limit", config }, (m) => {
    switch (m.type) {
      case "limitRecords":
        state.limit ??= { kind: m.kind, records: [], done: false };
        state.limit.records.push(...m.records);
        break;
      case "limitDone":
        if (state.limit) state.limit.done = true;
        limit.terminate();
        break;
      case "limitUnavailable":
        state.limitMessage = m.message;
        limit.terminate();
        break;
    }
    update();
  }, (message) => {
    state.limitMessage = message;
    update();
  });
  update();
}

function togglePause(): void {
  const running = state.status === "running";
  if (!running && state.status !== "paused") return;
  state.status = running ? "paused" : "running";
  workers[0]?.postMessage({ type: running ? "pause" : "resume" } satisfies ToWorker);
  update();
}

/** Back to the preset's defaults: no run, no overlay, no query string. */
function reset(): void {
  stopWorkers();
  state = fresh();
  window.meanfieldDemo = state;
  const task = (taskSelect.value in TASKS ? taskSelect.value : defaultSettings().task) as TaskId;
  const defaults = defaultSettings(task);
  if (!THREADS_ALLOWED) defaults.threads = 1;
  writeSettings(defaults);
  setAxis(TASKS[task].axis);
  queryProblem = null;
  $("error-query").textContent = "";
  window.history.replaceState(null, "", window.location.pathname);
  settingsChanged();
}

/** Mean-field time after a step: each step advances it by the step size. */
function timeAt(step: number): string {
  const h = state.settings?.stepSize ?? 0;
  return Number((step * h).toPrecision(4)).toString();
}

function statusText(): string {
  const rate = (state.stepsPerSecond > 0 ? ` · ${state.stepsPerSecond.toFixed(0)} steps/s` : "") + (state.build ? ` · Wasm ${state.build}` : "");
  const words: Record<DemoState["status"], string> = {
    idle: "Pick a preset and press Run.",
    running: `running: step ${state.step} / ${state.total} (t = ${timeAt(state.step)})${rate}`,
    paused: `paused at step ${state.step} / ${state.total} (t = ${timeAt(state.step)})`,
    done: `done: ${state.step} steps (t = ${timeAt(state.step)})${rate}`,
    diverged: `diverged: ${state.error ?? ""}`,
    error: `error: ${state.error ?? ""}`,
  };
  return words[state.status] + (state.stale ? ". Settings changed since: press Run to see them." : "");
}

let framePending = false;
function update(): void {
  const busy = state.status === "running" || state.status === "paused";
  pauseButton.disabled = !busy;
  pauseButton.textContent = state.status === "paused" ? "Resume" : "Pause";
  runButton.disabled = busy || !valid;
  if (!longRunConfirmed) runButton.textContent = "Run";
  for (const field of FIELDS) input(field).disabled = busy || (field === "threads" && !THREADS_ALLOWED);
  $<HTMLButtonElement>("download-config").disabled = state.config === null;
  $<HTMLButtonElement>("download-metrics").disabled = state.records.length === 0;
  $<HTMLButtonElement>("export-png").disabled = state.records.length === 0;
  $<HTMLButtonElement>("copy-link").disabled = state.settings === null;
  statusLine.textContent = statusText();
  // Progress is for the eye; the live region speaks what changed in kind, at most once a second.
  announce(busy ? `${state.status}: step ${state.step} of ${state.total}` : statusLine.textContent);
  $("limit-status").textContent = state.limit
    ? `mean-field limit: ${state.limit.kind}${state.limit.done ? "" : ", solving…"}`
    : state.limitMessage
      ? `no mean-field limit drawn: ${state.limitMessage}`
      : state.status === "idle"
        ? ""
        : "mean-field limit: solving…";
  plotsSection.classList.toggle("stale", state.stale);
  $("stale-note").hidden = !state.stale;
  showConfig();
  if (!framePending) {
    framePending = true;
    requestAnimationFrame(() => {
      framePending = false;
      draw();
    });
  }
}

function showConfig(): void {
  const config = state.config ?? (valid ? checkSettings(readSettings()).config : null);
  // Arrays of numbers on one line each keep the JSON short enough to read in the panel.
  $("config-json").textContent = config
    ? JSON.stringify(config, null, 2).replace(/\[\s+([-\d.e,\s]*?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(", ")}]`)
    : "";
}

function draw(): void {
  const settings = state.settings ?? readSettings();
  plotsSection.classList.toggle("empty", state.records.length === 0);
  if (state.records.length === 0) return;
  const network = lossSeries(settings, state.records, `network, ${runName(settings)}`, "");
  const overlay = $<HTMLInputElement>("overlay").checked ? state.previous : null;
  window.meanfieldPlots = drawPlots(canvases, {
    settings,
    axis: timeAxis(),
    network,
    previous: overlay,
    records: state.records,
    limit: (state.limit?.records ?? []).filter((r) => r.step <= state.step),
    final: state.status !== "running",
  });
}

/** Any change of a setting after a run greys its plots until the next Run. */
function settingsChanged(): void {
  longRunConfirmed = false;
  if (state.settings && state.status !== "running" && state.status !== "paused") state.stale = true;
  validate();
  update();
}

taskSelect.addEventListener("change", () => {
  const task = taskSelect.value as TaskId;
  writeSettings({ ...readSettings(), task, ...TASKS[task].defaults });
  showPreset(task);
  setAxis(TASKS[task].axis);
  queryProblem = null;
  $("error-query").textContent = "";
  settingsChanged();
});
$("settings").addEventListener("input", settingsChanged);
$("settings").addEventListener("submit", (event) => {
  event.preventDefault();
  if (state.status !== "running" && state.status !== "paused") start();
});
for (const id of ["axis-linear", "axis-log", "overlay"]) $(id).addEventListener("change", update);
// The same bytes as `meanfield run` writes to config.json and metrics.ndjson (src/run/runDirectory.ts).
$("download-config").addEventListener("click", () => {
  if (state.config) save("config.json", new Blob([`${JSON.stringify(parseConfig(state.config), null, 2)}\n`], { type: "application/json" }));
});
$("download-metrics").addEventListener("click", () => {
  save("metrics.ndjson", new Blob([state.records.map((r) => `${JSON.stringify(r)}\n`).join("")], { type: "application/x-ndjson" }));
});
$("export-png").addEventListener("click", async () => {
  const s = state.settings!;
  const blob = await plotsPng(Object.values(canvases), `meanfield demo · ${TASKS[s.task].label} · ${runName(s)}, d = ${s.d}, h = ${s.stepSize}, B = ${s.batch}, seed ${s.seed}`);
  save(`meanfield-${s.task}-N${s.width}.png`, blob);
});
$("copy-link").addEventListener("click", async () => {
  if (!state.settings) return;
  state.link = `${window.location.origin}${window.location.pathname}${queryOf(state.settings, true)}`;
  $("link-note").textContent = (await copyText(state.link)) ? "link copied" : `copy this link: ${state.link}`;
});
pauseButton.addEventListener("click", togglePause);
$("reset").addEventListener("click", reset);
window.addEventListener("resize", update);

$("threads-hint").textContent = THREADS_ALLOWED
  ? `Web Workers over shared memory (${navigator.hardwareConcurrency} cores here); same numbers for any count`
  : "1 here: threads share memory, which needs a cross-origin isolated page (COOP/COEP headers)";
const linked = settingsFromQuery(window.location.search);
if (!THREADS_ALLOWED) linked.settings.threads = 1;
queryProblem = linked.problem;
writeSettings(linked.settings);
showPreset(linked.settings.task in TASKS ? linked.settings.task : defaultSettings().task);
setAxis(TASKS[taskSelect.value as TaskId]?.axis ?? "linear");
validate();
update();
if (linked.autorun) start();
