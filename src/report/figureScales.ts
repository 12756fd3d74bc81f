// Scales chosen from the data a figure shows, so the phenomenon is visible whatever scale the
// experiment asked for: a linear axis over positive data spanning three decades or more becomes
// logarithmic (a loss falling from 2 to 1e-5 otherwise lies flat on zero for most of the axis), a
// log axis over data within a factor of 3 becomes linear (it would carry no labelled tick), and log
// axes hug the data (no padding out to whole decades) with labels 10^k at decades, or at 1, 2 and
// 5 times a decade when fewer than two decades are in view (then 20, 50, 100 on an axis near 1, else 2×10^k). Grid lines follow the labelled ticks.
// A spec that asks for type "linear" keeps it: a figure drawn in linear time on purpose (BMZ23's
// first row, where the plateaus must vanish) is not turned into its log-time twin. A log axis with a
// fixed domain keeps it and is labelled over it (mmn18-isotropic's risk from 1e-5: what falls below
// leaves through the frame, which lineChart clips and the caption names).

import { log } from "../special/portableMath.js";

type Spec = Record<string, unknown>;

function isObject(v: unknown): v is Spec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Log axes over data spanning at least this ratio; linear below LINEAR_BELOW. */
export const LOG_FROM_RATIO = 1e3;
export const LINEAR_BELOW_RATIO = 3;

const LN10 = log(10);

/** The encodings of one position channel across a (layered) spec, with the values their fields take. */
export interface ChannelData {
  encodings: Spec[];
  values: number[];
}

/** Every encoding of `channel` (and the values of it and of its partner, e.g. y2 for y) in the spec and its layers. */
export function channelData(node: Spec, channel: "x" | "y", inherited: readonly unknown[] = [], out: ChannelData = { encodings: [], values: [] }): ChannelData {
  const data = isObject(node.data) && Array.isArray(node.data.values) ? (node.data.values as unknown[]) : inherited;
  const encoding = isObject(node.encoding) ? node.encoding : {};
  for (const key of [channel, `${channel}2`]) {
    const enc = encoding[key];
    // scale: null places marks in pixels (labels at fixed heights): not data of the axis.
    if (!isObject(enc) || enc.scale === null) continue;
    if (key === channel && (enc.type === "quantitative" || enc.type === undefined)) out.encodings.push(enc);
    if (typeof enc.field !== "string") continue;
    for (const row of data) {
      const v = isObject(row) ? row[enc.field] : undefined;
      if (typeof v === "number" && Number.isFinite(v)) out.values.push(v);
    }
  }
  if (Array.isArray(node.layer)) for (const child of node.layer) if (isObject(child)) channelData(child, channel, data, out);
  if (isObject(node.spec)) channelData(node.spec, channel, data, out);
  return out;
}

const decadeOf = (x: number) => log(x) / LN10;

/** Number of exact powers of ten in [lo, hi]. */
export function decadesIn(lo: number, hi: number): number {
  return Math.max(0, Math.floor(decadeOf(hi) + 1e-9) - Math.ceil(decadeOf(lo) - 1e-9) + 1);
}

/** Vega expression: true on ticks that are powers of ten (or 1, 2, 5 times one when `dense`). */
function labelledTick(dense: boolean): string {
  const k = "floor(log(datum.value) / LN10 + 1e-9)";
  const mantissa = `datum.value / pow(10, ${k})`;
  return dense ? `(abs(${mantissa} - 1) < 1e-6 || abs(${mantissa} - 2) < 1e-6 || abs(${mantissa} - 5) < 1e-6)` : `abs(${mantissa} - 1) < 1e-6`;
}

/** Vega expression labelling powers of ten as 10^k with k in superscript. */
export function decadeLabel(): string {
  return powerOfTen("round(log(datum.value) / LN10)");
}

/** Vega expression writing 10^k for the integer expression k: '1', '10', '10⁻³'. */
function powerOfTen(k: string): string {
  let text = `'' + ${k}`;
  const superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  text = `replace(${text}, regexp('-', 'g'), '⁻')`;
  for (let digit = 0; digit < 10; digit++) text = `replace(${text}, regexp('${digit}', 'g'), '${superscripts[digit]}')`;
  return `${k} === 0 ? '1' : ${k} === 1 ? '10' : '10' + ${text}`;
}

/** Axis properties of a log axis showing [lo, hi]. */
function logAxis(lo: number, hi: number): Spec {
  const dense = decadesIn(lo, hi) < 2;
  const labelled = labelledTick(dense);
  const decade = labelledTick(false);
  // With 2 and 5 times a decade labelled, one style per axis: plain when the axis lies within
  // [0.01, 1000) (20, 50, 100, 200), else 10⁻⁷, 2×10⁻⁷ (never "2e-7" beside "10⁻⁷", nor "500" beside "10³").
  const k = "floor(log(datum.value) / LN10 + 1e-9)";
  const power = `(${decade} ? (${decadeLabel()}) : round(datum.value / pow(10, ${k})) + '×' + (${powerOfTen(k)}))`;
  const text = !dense ? `(${decadeLabel()})` : lo >= 0.01 && hi < 1000 ? "format(datum.value, '~g')" : power;
  return {
    labelExpr: `${labelled} ? ${text} : ''`,
    gridOpacity: { condition: { test: labelled, value: 1 }, value: 0 },
    tickSize: { condition: { test: labelled, value: 6 }, value: 3 },
    labelOverlap: "greedy",
  };
}

/** Scale type, domain padding and tick labels of one position channel, chosen from its data (in place). */
export function fitChannelScale(spec: Spec, channel: "x" | "y"): void {
  const { encodings, values } = channelData(spec, channel);
  if (encodings.length === 0) return;
  const scales = encodings.map((e) => (isObject(e.scale) ? e.scale : {}));
  // A fixed domain is kept as given; on a log axis it still gets the log axis's ticks, over that domain.
  const fixed = scales.find((s) => Array.isArray(s.domain))?.domain as [number, number] | undefined;
  const fixedLog = fixed !== undefined && scales.some((s) => s.type === "log") && fixed[0] > 0;
  if ((fixed !== undefined && !fixedLog) || scales.some((s) => s.type !== undefined && s.type !== "log" && s.type !== "linear")) return;
  const positive = fixedLog ? fixed : values.filter((v) => v > 0);
  if (positive.length === 0) return;
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  let isLog = scales.some((s) => s.type === "log");
  const linearOnPurpose = scales.some((s) => s.type === "linear");
  if (isLog && !fixedLog && hi / lo < LINEAR_BELOW_RATIO) isLog = false;
  else if (!isLog && !linearOnPurpose && positive.length === values.length && positive.length >= 2 && hi / lo >= LOG_FROM_RATIO) isLog = true;
  for (const [i, enc] of encodings.entries()) {
    const scale: Spec = { ...scales[i] };
    const axis: Spec = isObject(enc.axis) ? { ...enc.axis } : {};
    if (isLog) {
      scale.type = "log";
      scale.nice = false;
      delete scale.zero;
      delete axis.format;
      Object.assign(axis, logAxis(lo, hi));
    } else if (scale.type === "log") {
      delete scale.type;
      scale.zero = false;
      axis.format = "~g";
    }
    if (typeof enc.title === "string" && !isLog) enc.title = enc.title.replace(/\s*\(log\)\s*$/, "");
    enc.scale = scale;
    if (Object.keys(axis).length > 0) enc.axis = axis;
  }
}
