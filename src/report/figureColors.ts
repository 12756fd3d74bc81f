// One colour per method in every figure of the package: the network is always blue, its
// mean-field limit orange, the NNGP kernel green, and so on, whichever order a figure lists its
// series in. Series that are not a method (d = 100, kappa = 0.4, ...) take the palette's other
// colours, never one a method of the figure wears (a "best kernel" curve must not wear the
// network's blue), those no method owns first. When several series are one method ("network (seed 1)", "network (seed 2)"),
// the first takes the method's colour and the others free ones, so they stay distinguishable. Reference curves a spec names in
// usermeta.referenceSeries (lineChart's dashed floors, bounds and fits) are grey, dark to light,
// so a floor never wears the orange of the mean-field limit.

type Spec = Record<string, unknown>;

function isObject(v: unknown): v is Spec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Okabe–Ito: distinguishable under the common colour-vision deficiencies. Yellow last: a thin yellow line is barely visible on white, so only a figure of eight series uses it. */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"];

/** The methods with a fixed colour, recognised by the series' label; first match wins. */
export const METHOD_COLORS: readonly { method: string; pattern: RegExp; color: string }[] = [
  { method: "mean-field limit", pattern: /mean-field limit|\bPDE\b|infinite width/i, color: "#E69F00" },
  { method: "order-parameter ODE", pattern: /\bODEs?\b/, color: "#CC79A7" },
  { method: "NNGP kernel", pattern: /\bNNGP\b/, color: "#009E73" },
  { method: "NTK", pattern: /\bNTK\b/, color: "#D55E00" },
  { method: "linearized model", pattern: /lineari[sz]ed/i, color: "#D55E00" },
  { method: "random features", pattern: /random features/i, color: "#56B4E9" },
  { method: "network", pattern: /network|\b[bs]?SGD\b/i, color: "#0072B2" },
  { method: "bound, floor or fit", pattern: /\bfloor\b|\bbound\b|\bfit\b|^fit:|\bpart\b|Lemma|exp\(/i, color: "#555555" },
];

/** Greys for reference curves, in the order of their labels (contrast at least 3:1 on white). */
export const REFERENCE_GREYS = ["#555555", "#888888", "#000000"];

/** The fixed colour of a series label, or null. */
export function methodColor(label: string): string | null {
  return METHOD_COLORS.find((m) => m.pattern.test(label))?.color ?? null;
}

function colorEncodings(node: Spec, inherited: readonly unknown[], out: { encodings: Spec[]; labels: Set<string>; filtered: boolean }): void {
  const data = isObject(node.data) && Array.isArray(node.data.values) ? (node.data.values as unknown[]) : inherited;
  const enc = isObject(node.encoding) ? node.encoding.color : undefined;
  if (isObject(enc) && typeof enc.field === "string" && enc.type === "nominal") {
    out.encodings.push(enc);
    // A filtered layer draws only some of its rows: the labels it shows are not known here.
    if (node.transform !== undefined) out.filtered = true;
    for (const row of data) if (isObject(row) && row[enc.field] !== undefined && row[enc.field] !== null) out.labels.add(String(row[enc.field]));
  }
  if (Array.isArray(node.layer)) for (const child of node.layer) if (isObject(child)) colorEncodings(child, data, out);
  if (isObject(node.spec)) colorEncodings(node.spec, data, out);
}

/** Labels with numbers in numeric order: "d = 200" before "d = 1600". */
export const naturalOrder = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });

/** Gives the spec's colour scale a domain and range: methods their colour, the other series the rest of the palette (in place). */
export function assignMethodColors(spec: Spec): void {
  const found = { encodings: [] as Spec[], labels: new Set<string>(), filtered: false };
  colorEncodings(spec, [], found);
  if (found.encodings.length === 0 || found.labels.size === 0) return;
  const labels = [...found.labels].sort(naturalOrder);
  // Legends in natural order (d = 100, 200, ..., 1600), not Vega's string order (1600 before 200);
  // a sort array only orders the values drawn, so filtered layers keep theirs.
  for (const enc of found.encodings) if (enc.sort === undefined && !(isObject(enc.scale) && enc.scale.domain !== undefined)) enc.sort = labels;
  if (found.filtered) return;
  if (found.encodings.some((e) => isObject(e.scale) && (e.scale.range !== undefined || e.scale.scheme !== undefined))) return;
  const meta = isObject(spec.usermeta) && Array.isArray(spec.usermeta.referenceSeries) ? spec.usermeta.referenceSeries.map(String) : [];
  const references = labels.filter((label) => meta.includes(label));
  const byColor = new Map<string, string[]>();
  for (const label of labels) {
    if (references.includes(label)) continue;
    const color = methodColor(label);
    if (color) byColor.set(color, [...(byColor.get(color) ?? []), label]);
  }
  const assigned = new Map<string, string>();
  for (const [color, ls] of byColor) assigned.set(ls[0]!, color);
  references.forEach((label, i) => assigned.set(label, REFERENCE_GREYS[i % REFERENCE_GREYS.length]!));
  if (assigned.size === 0) return;
  const taken = new Set(assigned.values());
  // Colours no method owns first (black), then those of methods absent from this figure, yellow last.
  const reserved = new Set(METHOD_COLORS.map((m) => m.color));
  const rank = (c: string) => (c === PALETTE[PALETTE.length - 1] ? 2 : reserved.has(c) ? 1 : 0);
  const free = PALETTE.filter((c) => !taken.has(c)).sort((a, b) => rank(a) - rank(b));
  let next = 0;
  const range = labels.map((label) => assigned.get(label) ?? free[next++ % free.length]!);
  for (const enc of found.encodings) enc.scale = { ...(isObject(enc.scale) ? enc.scale : {}), domain: labels, range };
}
