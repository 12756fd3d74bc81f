// The page's address as a run: ?task=sphere&width=512&autorun sets the form over the preset's
// defaults, so a teaching page can link to or embed one exact run, and "copy link" writes the
// address of the run on screen. A link the page cannot follow says so instead of quietly running
// something else.

import { CHOICES, FIELDS, NUMERIC } from "./form.ts";
import { defaultSettings, TASKS, type DemoSettings, type TaskId } from "./presets.ts";

/**
 * A run described by the page's address: settings over the preset's defaults, whether to start at
 * once, and why the link could not be followed as written (null when it could).
 */
export interface LinkedRun {
  settings: DemoSettings;
  autorun: boolean;
  /** Why the link was not followed as written, in words for the visitor; null when it was. */
  problem: string | null;
}

/** Numeric values are not range-checked here: a bad one shows up next to its field like any typed input. */
export function settingsFromQuery(search: string): LinkedRun {
  const params = new URLSearchParams(search);
  const task = params.get("task");
  const known = task === null || task in TASKS;
  const settings: Record<string, unknown> = { ...defaultSettings(known && task !== null ? (task as TaskId) : undefined) };
  const problems: string[] = [];
  if (!known) {
    problems.push(
      `The link asks for the preset "${task}", which this page does not have (it has ${Object.keys(TASKS).join(", ")}). ` +
        `It shows the ${defaultSettings().task} preset instead and does not start on its own: pick a preset and press Run.`,
    );
  }
  for (const field of FIELDS) {
    const value = params.get(field);
    if (value === null || field === "task") continue;
    const choices = CHOICES[field];
    // A select cannot show a value it does not offer: say so and keep the preset's.
    if (choices && !choices.includes(value)) {
      problems.push(`The link's ${field} "${value}" is not one this page offers (${choices.join(" or ")}); it uses ${String(settings[field])}.`);
      continue;
    }
    settings[field] = NUMERIC.has(field) ? (value.trim() === "" ? Number.NaN : Number(value)) : value;
  }
  const unknown = [...params.keys()].filter((k) => k !== "autorun" && !(FIELDS as string[]).includes(k));
  if (unknown.length) problems.push(`The link's ${unknown.map((k) => `"${k}"`).join(", ")} ${unknown.length > 1 ? "are not settings" : "is not a setting"} of this page and ${unknown.length > 1 ? "were" : "was"} ignored.`);
  return { settings: settings as unknown as DemoSettings, autorun: params.has("autorun") && known, problem: problems.length ? problems.join(" ") : null };
}

/** The query string of a run's settings. */
export function queryOf(settings: DemoSettings, autorun: boolean): string {
  const params = new URLSearchParams(FIELDS.map((k) => [k, String(settings[k])]));
  if (autorun) params.set("autorun", "");
  return `?${params.toString().replace(/autorun=$/, "autorun")}`;
}
