// The demo's form: reading and writing its fields, and checking them with messages a visitor can
// act on ("width N must be a whole number from 1 to 1,000,000; got 0"), each next to its field
// and tied to its input by aria-describedby. The ranges are the config schema's
// (test/demoFields.test.ts); the schema and parseConfig's cross-field checks run after them, their
// messages reworded to name the field rather than the config path.

import { ConfigError, configSchema, parseConfig, type ConfigInput } from "meanfield";
import { configOf, FIELD_OF_PATH, FIELD_RANGES, minDimension, TASKS, type DemoSettings, type FieldRange } from "./presets.ts";

export const FIELDS: (keyof DemoSettings)[] = ["task", "width", "d", "scaling", "stepSize", "batch", "steps", "seed", "threads", "loss"];
export const NUMERIC = new Set<keyof DemoSettings>(["width", "d", "batch", "steps", "stepSize", "seed", "threads"]);
const LABELS: Record<keyof DemoSettings, string> = {
  task: "preset",
  scaling: "scaling",
  loss: "loss",
  ...Object.fromEntries(Object.entries(FIELD_RANGES).map(([k, r]) => [k, r.label])),
} as Record<keyof DemoSettings, string>;

/** Field errors by field, null for what belongs to no single field. */
export type FieldErrors = Map<keyof DemoSettings | null, string>;

/** The form control of a settings field (its element id is the field name). */
export function input(field: keyof DemoSettings): HTMLInputElement | HTMLSelectElement {
  return document.getElementById(field) as HTMLInputElement | HTMLSelectElement;
}

/** Puts settings into the form, every field as text. */
export function writeSettings(s: DemoSettings): void {
  for (const field of FIELDS) input(field).value = String(s[field]);
}

/**
 * The form's values as settings, numbers read as numbers and unchecked: checkSettings gives the
 * visitor one message per field.
 */
export function readSettings(): DemoSettings {
  const s = {} as Record<string, unknown>;
  for (const field of FIELDS) {
    const el = input(field);
    s[field] = NUMERIC.has(field) ? (el as HTMLInputElement).valueAsNumber : el.value;
  }
  return s as unknown as DemoSettings;
}

/** The values a select field offers (those of web/index.html's options), in the words a link uses. */
export const CHOICES: Partial<Record<keyof DemoSettings, readonly string[]>> = { scaling: ["meanfield", "ntk"], loss: ["population", "test"] };

/** 1,000,000 in words a visitor reads; 1e99 and 1e-9 in exponent form rather than a hundred digits or a zero. */
const number = (v: number) => (v !== 0 && (Math.abs(v) >= 1e12 || Math.abs(v) < 1e-6) ? v.toExponential().replace("e+", "e") : v.toLocaleString("en-US", { maximumFractionDigits: 6 }));

/** "a whole number from 1 to 1,000,000" */
export function rangeText(range: FieldRange, min = range.min): string {
  if (range.open) return `a number above ${number(min)} and at most ${number(range.max)}`;
  return `${range.integer ? "a whole number" : "a number"} from ${number(min)} to ${number(range.max)}`;
}

/** The message for a numeric field's value, or null when it is in range. */
export function numericError(field: keyof typeof FIELD_RANGES, value: number, task: DemoSettings["task"]): string | null {
  const range = FIELD_RANGES[field];
  const min = field === "d" ? minDimension(task) : range.min;
  const must = `${range.label} must be ${rangeText(range, min)}`;
  if (!Number.isFinite(value)) return `${must}; the box is empty or not a number`;
  const low = range.open ? value <= min : value < min;
  if (low || value > range.max || (range.integer && !Number.isInteger(value))) return `${must}; got ${number(value)}`;
  return null;
}

/** The field a config path (as ConfigError prints it) belongs to, or null for the general slot. */
function fieldOf(path: string): keyof DemoSettings | null {
  return FIELD_OF_PATH.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`))?.[1] ?? null;
}

/** A library message "path: text" reworded as "field label: text", in the slot of that field. */
export function errorsOfMessage(message: string): FieldErrors {
  const colon = message.indexOf(": ");
  const path = colon > 0 ? message.slice(0, colon) : "";
  const field = fieldOf(path);
  const text = field && colon > 0 ? `${LABELS[field]}: ${message.slice(colon + 2)}` : message;
  return new Map([[field, text]]);
}

/** Each field's message next to it (aria-invalid on its input), and the general one at the end of the form. */
export function showErrors(errors: FieldErrors): void {
  for (const field of FIELDS) {
    document.getElementById(`error-${field}`)!.textContent = errors.get(field) ?? "";
    input(field).closest(".field")!.classList.toggle("invalid", errors.has(field));
    input(field).setAttribute("aria-invalid", String(errors.has(field)));
  }
  document.getElementById("error-general")!.textContent = errors.get(null) ?? "";
}

/** The config of the settings, or the reasons it cannot run: ranges first, then the schema, then the cross-field checks. */
export function checkSettings(settings: DemoSettings): { config: ConfigInput | null; errors: FieldErrors } {
  const errors: FieldErrors = new Map();
  if (!(settings.task in TASKS)) errors.set("task", `preset: pick one of ${Object.keys(TASKS).join(", ")}`);
  for (const [field, values] of Object.entries(CHOICES) as [keyof DemoSettings, readonly string[]][]) {
    if (!values.includes(String(settings[field]))) errors.set(field, `${LABELS[field]}: pick one in the list`);
  }
  for (const field of Object.keys(FIELD_RANGES) as (keyof typeof FIELD_RANGES)[]) {
    const message = numericError(field, settings[field], settings.task);
    if (message) errors.set(field, message);
  }
  if (errors.size) return { config: null, errors };
  const config = configOf(settings);
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join(".");
      const field = fieldOf(path);
      if (!errors.has(field)) errors.set(field, `${field ? LABELS[field] : path}: ${issue.message}`);
    }
    return { config: null, errors };
  }
  try {
    parseConfig(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { config: null, errors: errorsOfMessage(err.message) };
  }
  return { config, errors };
}
