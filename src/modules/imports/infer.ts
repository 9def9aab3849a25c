import { coerceFieldValue, type FieldDef, type FieldType } from "../recordsets/fields";
import type { ImportRowError } from "./tables";

/** Rows looked at to suggest field types. */
export const SAMPLE_ROWS = 200;

/** "Deal Value ($)" → "deal_value"; keys start with a letter and are unique. */
export function fieldKey(name: string, taken: Set<string>): string {
  let base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 60);
  if (!base) base = "field";
  if (!/^[a-z]/.test(base)) base = `f_${base}`;
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  taken.add(key);
  return key;
}

/** A cell as the text a CSV would hold (JSON sources bring numbers, booleans and objects). */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// Tried in order; the first type every non-empty sample value coerces to wins.
const CANDIDATES: FieldType[] = ["number", "currency", "boolean", "date", "email", "url", "geo"];
const probe = (type: FieldType): FieldDef => ({ key: "probe", name: "probe", type });

/** The field type suggested for a column from its sample values. */
export function inferType(values: string[]): Pick<FieldDef, "type" | "options" | "currency"> {
  const filled = values.map((v) => v.trim()).filter((v) => v !== "");
  if (filled.length === 0) return { type: "text" };
  for (const type of CANDIDATES) {
    if (filled.every((v) => coerceFieldValue(probe(type), v).ok)) {
      if (type === "currency") {
        const sym = filled.map((v) => /[$€£¥]/.exec(v)?.[0]).find(Boolean);
        return { type, currency: sym === "€" ? "EUR" : sym === "£" ? "GBP" : sym === "¥" ? "JPY" : "USD" };
      }
      return { type };
    }
  }
  // A short list of repeated values reads as a select (e.g. status, stage, country).
  const distinct = [...new Set(filled)];
  if (filled.length >= 10 && distinct.length <= 12 && distinct.length * 4 <= filled.length && distinct.every((d) => d.length <= 60)) {
    return { type: "select", options: distinct.sort() };
  }
  return { type: "text" };
}

/** Suggested fields for the columns, and the column → field key mapping that goes with them. */
export function suggestFields(headers: string[], sample: Record<string, unknown>[]) {
  const taken = new Set<string>();
  const fields: FieldDef[] = [];
  const mapping: Record<string, string> = {};
  for (const h of headers) {
    const key = fieldKey(h, taken);
    const t = inferType(sample.map((r) => cellText(r[h])));
    fields.push({ key, name: h.slice(0, 200), ...t });
    mapping[h] = key;
  }
  const primary = fields.find((f) => f.type === "text");
  if (primary) primary.is_primary = true;
  return { fields, mapping };
}

/**
 * Maps and coerces one source row with `plan` ([column, field] pairs): the values by field key,
 * or the row's errors, each with the original cell. Shared by the import and by the analysis
 * that predicts it, so both reject the same rows.
 */
export function coerceRow(
  plan: [string, FieldDef][],
  source: Record<string, unknown>,
  rowNo: number,
): { values: Record<string, unknown>; errors: ImportRowError[] } {
  const values: Record<string, unknown> = {};
  const errors: ImportRowError[] = [];
  for (const [col, field] of plan) {
    const text = cellText(source[col]);
    const c = coerceFieldValue(field, text);
    if (!c.ok) errors.push({ row: rowNo, column: col, value: text.slice(0, 200), reason: c.reason });
    else if (c.value === null || c.value === undefined) {
      if (field.required) errors.push({ row: rowNo, column: col, value: text.slice(0, 200), reason: `${field.name} is required` });
    } else values[field.key] = c.value;
  }
  if (errors.length === 0 && Object.keys(values).length === 0) errors.push({ row: rowNo, column: null, reason: "The row is empty" });
  return { values, errors };
}
