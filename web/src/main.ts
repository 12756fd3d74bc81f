// The demo page: the form (validated by the library's config schema, each error next to its field),
// two workers (the network and its mean-field limit), and the plots. window.meanfieldDemo holds
// the run's config and records exactly as the worker sent them, for the end-to-end test.

import { ConfigError, configSchema, parseConfig, type ConfigInput, type MetricRecord, type RunSummary } from "meanfield";
import { COLORS, drawComponents, drawHistogram, drawLoss, type LossSeries } from "./plots.ts";
import { configOf, defaultSettings, FIELD_OF_PATH, TASKS, type DemoSettings, type TaskId } from "./presets.ts";
import type { FromWorker, LimitRecord, ToWorker } from "./protocol.ts";

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
}

declare global {
  interface Window {
    meanfieldDemo: DemoState;
  }
}

const FIELDS: (keyof DemoSettings)[] = ["task", "width", "d", "scaling", "stepSize", "batch", "steps", "seed", "threads", "loss"];
const NUMERIC = new Set<keyof DemoSettings>(["width", "d", "batch", "steps", "stepSize", "seed", "threads"]);
/** Threads share Wasm memory, which browsers allow only on cross-origin isolated pages. */
const THREADS_ALLOWED = globalThis.crossOriginIsolated === true;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("settings");
const runButton = $<HTMLButtonElement>("run");
const pauseButton = $<HTMLButtonElement>("pause");
const resetButton = $<HTMLButtonElement>("reset");
const downloadConfig = $<HTMLButtonElement>("download-config");
const downloadMetrics = $<HTMLButtonElement>("download-metrics");
const statusLine = $<HTMLParagraphElement>("status");
const limitLine = $<HTMLParagraphElement>("limit-status");
const canvases = { loss: $<HTMLCanvasElement>("loss-plot"), histogram: $<HTMLCanvasElement>("histogram-plot"), components: $<HTMLCanvasElement>("components-plot") };

const fresh = (): DemoState => ({
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
});
let state = fresh();
window.meanfieldDemo = state;
let workers: Worker[] = [];
let valid = true;

const taskSelect = $<HTMLSelectElement>("task");
for (const [id, preset] of Object.entries(TASKS)) taskSelect.add(new Option(preset.label, id));

function input(field: keyof DemoSettings): HTMLInputElement | HTMLSelectElement {
  return $(field);
}

function writeSettings(s: DemoSettings): void {
  for (const field of FIELDS) input(field).value = String(s[field]);
  $("task-blurb").textContent = TASKS[s.task].blurb;
}

function readSettings(): DemoSettings {
  const s = {} as Record<string, unknown>;
  for (const field of FIELDS) {
    const el = input(field);
    s[field] = NUMERIC.has(field) ? (el as HTMLInputElement).valueAsNumber : el.value;
  }
  return s as unknown as DemoSettings;
}

/** The field a config path (as ConfigError prints it) belongs to, or null for the general slot. */
function fieldOf(path: string): keyof DemoSettings | null {
  return FIELD_OF_PATH.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`))?.[1] ?? null;
}

function showErrors(errors: Map<keyof DemoSettings | null, string>): void {
  for (const field of FIELDS) {
    $(`error-${field}`).textContent = errors.get(field) ?? "";
    input(field).closest(".field")!.classList.toggle("invalid", errors.has(field));
    input(field).setAttribute("aria-invalid", String(errors.has(field)));
  }
  $("error-general").textContent = errors.get(null) ?? "";
}

function errorsOfMessage(message: string): Map<keyof DemoSettings | null, string> {
  const colon = message.indexOf(": ");
  const path = colon > 0 ? message.slice(0, colon) : "";
  return new Map([[fieldOf(path), message]]);
}

/** The config of the form, or null after showing why not: every schema issue next to its field, then the cross-field checks. */
function validate(): ConfigInput | null {
  const config = configOf(readSettings());
  const parsed = configSchema.safeParse(config);
  const errors = new Map<keyof DemoSettings | null, string>();
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join(".");
      const field = fieldOf(path);
      if (!errors.has(field)) errors.set(field, `${path}: ${issue.message}`);
    }
  } else {
    try {
      parseConfig(config);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const [field, message] of errorsOfMessage(err.message)) errors.set(field, message);
    }
  }
  showErrors(errors);
  valid = errors.size === 0;
  return valid ? config : null;
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

function start(): void {
  const config = validate();
  if (!config) return;
  stopWorkers();
  state = fresh();
  window.meanfieldDemo = state;
  state.settings = readSettings();
  state.config = config;
  rememberInUrl(state.settings);
  state.status = "running";
  state.total = state.settings.steps;
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

function reset(): void {
  stopWorkers();
  state = fresh();
  window.meanfieldDemo = state;
  validate();
  update();
}

let framePending = false;
function update(): void {
  const busy = state.status === "running" || state.status === "paused";
  pauseButton.disabled = !busy;
  pauseButton.textContent = state.status === "paused" ? "Resume" : "Pause";
  runButton.disabled = busy || !valid;
  for (const field of FIELDS) input(field).disabled = busy || (field === "threads" && !THREADS_ALLOWED);
  downloadConfig.disabled = state.config === null;
  downloadMetrics.disabled = state.records.length === 0;
  const rate = (state.stepsPerSecond > 0 ? ` · ${state.stepsPerSecond.toFixed(0)} steps/s` : "") + (state.build ? ` · Wasm ${state.build}` : "");
  const words: Record<DemoState["status"], string> = {
    idle: "Pick a task and press Run.",
    running: `running: step ${state.step} / ${state.total} (t = ${timeAt(state.step)})${rate}`,
    paused: `paused at step ${state.step} / ${state.total}`,
    done: `done: ${state.step} steps (t = ${timeAt(state.step)})${rate}`,
    diverged: `diverged: ${state.error ?? ""}`,
    error: `error: ${state.error ?? ""}`,
  };
  statusLine.textContent = words[state.status];
  limitLine.textContent = state.limit
    ? `mean-field limit: ${state.limit.kind}${state.limit.done ? "" : ", solving…"}`
    : state.limitMessage
      ? `no mean-field limit drawn: ${state.limitMessage}`
      : state.status === "idle"
        ? ""
        : "mean-field limit: solving…";
  showConfig();
  if (!framePending) {
    framePending = true;
    requestAnimationFrame(() => {
      framePending = false;
      draw();
    });
  }
}

/** Mean-field time after a step: each step advances it by the step size. */
function timeAt(step: number): string {
  const h = state.settings?.stepSize ?? 0;
  return Number((step * h).toPrecision(4)).toString();
}

function showConfig(): void {
  const config = state.config ?? (valid ? configOf(readSettings()) : null);
  // Arrays of numbers on one line each keep the JSON short enough to read in the panel.
  $("config-json").textContent = config
    ? JSON.stringify(config, null, 2).replace(/\[\s+([-\d.e,\s]*?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(", ")}]`)
    : "";
}

function lossOf(r: MetricRecord): { loss: number; se?: number } | null {
  if (typeof r.populationLoss === "number") return { loss: r.populationLoss };
  if (typeof r.testLoss === "number") return { loss: r.testLoss, ...(typeof r.testLossSE === "number" ? { se: r.testLossSE } : {}) };
  return null;
}

function draw(): void {
  const settings = state.settings ?? readSettings();
  const records = state.records;
  const last = records[records.length - 1];
  const limitRecords = (state.limit?.records ?? []).filter((r) => r.step <= state.step);
  const limitAt = last ? [...limitRecords].reverse().find((r) => r.step <= last.step) ?? null : null;
  const series: LossSeries[] = [
    {
      label: `network, N = ${settings.width}`,
      color: COLORS.network,
      points: records.flatMap((r) => {
        const l = lossOf(r);
        return l ? [{ step: r.step, ...l }] : [];
      }),
    },
  ];
  if (limitRecords.length) series.push({ label: "mean-field limit", color: COLORS.limit, dashed: true, points: limitRecords });
  drawLoss(canvases.loss, state.total || settings.steps, series);
  drawHistogram(canvases.histogram, (last?.overlapHistogram as number[] | undefined) ?? null, limitAt?.density ?? null, {
    network: "network",
    limit: "mean-field limit",
  });
  const task = settings.task;
  if (task === "staircase") {
    const network = (last?.projections as number[] | undefined) ?? [];
    const names = network.map((_, p) => `x${p + 1}`);
    drawComponents(canvases.components, "projections sqrt(mean_i <e_p, w_i>^2)", names, network, null, limitAt?.projections ?? null);
    return;
  }
  const components = (last?.components as number[] | undefined) ?? [];
  const residuals = (last?.residuals as number[] | undefined) ?? [];
  const target = components.map((c, k) => c - (residuals[k] ?? 0));
  const limit = limitAt?.coefficients ?? (limitAt?.residuals ? limitAt.residuals.slice(0, target.length).map((dk, k) => target[k]! + dk) : null);
  const basis = task === "sphere" ? "Legendre P_k,d" : "Hermite h_k";
  drawComponents(canvases.components, `${basis} components of f along q*`, components.map((_, k) => `k=${k}`), components, components.length ? target : null, limit);
}

taskSelect.addEventListener("change", () => {
  writeSettings({ ...readSettings(), task: taskSelect.value as TaskId, ...TASKS[taskSelect.value as TaskId].defaults });
  validate();
  update();
});
form.addEventListener("input", () => {
  validate();
  update();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (state.status !== "running" && state.status !== "paused") start();
});
/** Saves text as a file through a temporary object URL. */
function save(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// The same bytes as `meanfield run` writes to config.json and metrics.ndjson (src/run/runDirectory.ts).
downloadConfig.addEventListener("click", () => {
  if (state.config) save("config.json", `${JSON.stringify(parseConfig(state.config), null, 2)}\n`, "application/json");
});
downloadMetrics.addEventListener("click", () => {
  save("metrics.ndjson", state.records.map((r) => `${JSON.stringify(r)}\n`).join(""), "application/x-ndjson");
});
pauseButton.addEventListener("click", togglePause);
resetButton.addEventListener("click", reset);
window.addEventListener("resize", update);

/**
 * Settings from the page's query string (?task=sphere&width=512&autorun), over the task's
 * defaults, so a teaching page can link to or embed one exact run. Values are not checked here:
 * a bad one shows up next to its field like any typed input.
 */
function settingsFromUrl(): { settings: DemoSettings; autorun: boolean } {
  const params = new URLSearchParams(window.location.search);
  const task = params.get("task");
  const settings: Record<string, unknown> = { ...defaultSettings(task !== null && task in TASKS ? (task as TaskId) : undefined) };
  for (const field of FIELDS) {
    const value = params.get(field);
    if (value !== null && field !== "task") settings[field] = NUMERIC.has(field) ? Number(value) : value;
  }
  return { settings: settings as unknown as DemoSettings, autorun: params.has("autorun") };
}

/** The query string of a run's settings, kept in the address bar so the page can be shared. */
function rememberInUrl(settings: DemoSettings): void {
  const params = new URLSearchParams(Object.entries(settings).map(([k, v]) => [k, String(v)]));
  window.history.replaceState(null, "", `?${params}`);
}

$("threads-note").textContent = THREADS_ALLOWED
  ? `Web Workers over shared memory (${navigator.hardwareConcurrency} cores here); same numbers for any count`
  : "1 here: threads share memory, which needs a cross-origin isolated page (COOP/COEP headers)";
const initial = settingsFromUrl();
if (!THREADS_ALLOWED) initial.settings.threads = 1;
writeSettings(initial.settings);
validate();
update();
if (initial.autorun) start();
