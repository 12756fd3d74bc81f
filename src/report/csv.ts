// Metric tables as files: CSV (RFC 4180 quoting, one header of the union of the rows' keys in
// first-seen order) and NDJSON (one JSON object per line).

/** One row of a metric table: column to number, string or null (an empty cell). */
export type TableRow = Record<string, number | string | null>;

function cell(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : value > 0 ? "Infinity" : value < 0 ? "-Infinity" : "NaN";
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The union of the rows' keys in first-seen order, so rows logging different metrics share one header. */
export function tableColumns(rows: readonly TableRow[]): string[] {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return columns;
}

/**
 * RFC 4180 CSV under one header (tableColumns); a missing or null value is an empty cell and a
 * non-finite number is spelled Infinity, -Infinity or NaN.
 */
export function toCsv(rows: readonly TableRow[]): string {
  const columns = tableColumns(rows);
  const lines = [columns.map(cell).join(",")];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}

/** One JSON object per line, each row as it is (JSON has no Infinity: a non-finite number becomes null). */
export function toNdjson(rows: readonly TableRow[]): string {
  return rows.map((r) => `${JSON.stringify(r)}\n`).join("");
}
