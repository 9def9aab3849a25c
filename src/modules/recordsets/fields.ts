/**
 * The field types of a recordset and their validation (contract shared by records, imports and AI).
 * Implementation: owned by the recordsets module.
 */
export const FIELD_TYPES = [
  "text",
  "number",
  "currency",
  "date",
  "select",
  "multi_select",
  "email",
  "url",
  "boolean",
  "member",
  "relation",
  "geo",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Stored as JSON in recordsets.fields and served as is, so keys are snake_case. */
export interface FieldDef {
  /** Stable key in field_values (snake_case, unique in the recordset). */
  key: string;
  name: string;
  type: FieldType;
  required?: boolean;
  /** select / multi_select: the allowed options. */
  options?: string[];
  /** currency: ISO 4217 code. */
  currency?: string;
  /** relation: the recordset the values point into. */
  relation_recordset_id?: string;
  /** The field shown as the record's title (at most one). */
  is_primary?: boolean;
  description?: string;
}

// ---- validation ---------------------------------------------------------------------------------

export interface FieldValueError {
  field: string;
  message: string;
}

type Check = { ok: true; value: unknown } | { ok: false; reason: string };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Deliberately simple: one @, no spaces, a dot in the domain (what forms and CSVs accept).
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
/** Longest text value (characters); longer values are a validation error, not silently cut. */
export const MAX_TEXT_LENGTH = 100_000;
const GEOMETRY_TYPES = new Set(["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]);

const ok = (value: unknown): Check => ({ ok: true, value });
const bad = (reason: string): Check => ({ ok: false, reason });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A calendar date YYYY-MM-DD that exists (no 2025-02-30). */
function validDay(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Dates stay as given when date-only (YYYY-MM-DD); date-times are normalised to ISO 8601 UTC. */
function checkDate(v: unknown): Check {
  if (typeof v !== "string") return bad("must be an ISO 8601 date (YYYY-MM-DD) or date-time string");
  const s = v.trim();
  const d = DATE_RE.exec(s);
  if (d) return validDay(Number(d[1]), Number(d[2]), Number(d[3])) ? ok(s) : bad(`${s} is not a valid date`);
  if (DATETIME_RE.test(s)) {
    const day = DATE_RE.exec(s.slice(0, 10));
    const t = Date.parse(s.replace(" ", "T"));
    if (day && validDay(Number(day[1]), Number(day[2]), Number(day[3])) && Number.isFinite(t)) return ok(new Date(t).toISOString());
  }
  return bad("must be an ISO 8601 date (YYYY-MM-DD) or date-time string");
}

function checkPosition(p: unknown): boolean {
  return (
    Array.isArray(p) &&
    p.length >= 2 &&
    p.length <= 3 &&
    p.every((n) => typeof n === "number" && Number.isFinite(n)) &&
    Math.abs(p[0] as number) <= 180 &&
    Math.abs(p[1] as number) <= 90
  );
}

/** Nesting depth of `coordinates` per GeoJSON geometry type (Point 0 … MultiPolygon 3). */
const COORD_DEPTH: Record<string, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

function checkCoords(c: unknown, depth: number): boolean {
  if (depth === 0) return checkPosition(c);
  return Array.isArray(c) && c.every((x) => checkCoords(x, depth - 1));
}

function checkGeometry(g: Record<string, unknown>, nested = 0): string | null {
  const type = g.type;
  if (typeof type !== "string" || !GEOMETRY_TYPES.has(type)) return "must be {lat, lng} or a GeoJSON geometry (Point, Polygon, …)";
  if (type === "GeometryCollection") {
    if (nested > 0 || !Array.isArray(g.geometries)) return "a GeometryCollection needs a geometries array";
    for (const x of g.geometries) {
      const e = isPlainObject(x) ? checkGeometry(x, nested + 1) : "geometries must be GeoJSON geometries";
      if (e) return e;
    }
    return null;
  }
  const depth = COORD_DEPTH[type] as number;
  if (!checkCoords(g.coordinates, depth)) return `${type} coordinates must be [lng, lat] positions (lng within ±180, lat within ±90)`;
  if (type === "LineString" && (g.coordinates as unknown[]).length < 2) return "a LineString needs at least 2 positions";
  if (type === "Polygon" || type === "MultiPolygon") {
    const polys = (type === "Polygon" ? [g.coordinates] : g.coordinates) as number[][][][];
    for (const rings of polys) {
      if (rings.length === 0) return "a Polygon needs at least one ring";
      for (const ring of rings) {
        const first = ring[0];
        const last = ring[ring.length - 1];
        if (ring.length < 4 || !first || !last || first[0] !== last[0] || first[1] !== last[1]) {
          return "Polygon rings need at least 4 positions and must be closed (first = last)";
        }
      }
    }
  }
  return null;
}

/** {lat, lng} (numbers, or numeric strings) → {lat, lng}; a GeoJSON geometry (or Feature's geometry) → itself. */
function checkGeo(v: unknown): Check {
  if (!isPlainObject(v)) return bad("must be {lat, lng} or a GeoJSON geometry");
  if ("lat" in v || "lng" in v) {
    const lat = typeof v.lat === "string" && v.lat.trim() !== "" ? Number(v.lat) : v.lat;
    const lng = typeof v.lng === "string" && v.lng.trim() !== "" ? Number(v.lng) : v.lng;
    if (typeof lat !== "number" || typeof lng !== "number" || !Number.isFinite(lat) || !Number.isFinite(lng)) {
      return bad("lat and lng must be numbers");
    }
    if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return bad("lat must be within ±90 and lng within ±180");
    return ok({ lat, lng });
  }
  const geometry = v.type === "Feature" && isPlainObject(v.geometry) ? v.geometry : v;
  const e = checkGeometry(geometry);
  return e ? bad(e) : ok(geometry);
}

function checkUrl(v: unknown): Check {
  if (typeof v !== "string") return bad("must be a URL string");
  const s = v.trim();
  try {
    const u = new URL(s);
    if (u.protocol !== "http:" && u.protocol !== "https:") return bad("must be an http(s) URL");
    return ok(s);
  } catch {
    return bad("must be an absolute http(s) URL");
  }
}

function optionOf(field: FieldDef, v: unknown): string | undefined {
  return typeof v === "string" ? field.options?.find((o) => o === v) : undefined;
}

function listOptions(field: FieldDef): string {
  const o = field.options ?? [];
  return o.length ? `one of: ${o.slice(0, 20).join(", ")}${o.length > 20 ? ", …" : ""}` : "no options are defined";
}

/** One value (not null) against its field's type; returns the normalised value. */
export function checkFieldValue(field: FieldDef, v: unknown): Check {
  switch (field.type) {
    case "text":
      if (typeof v !== "string") return bad("must be a string");
      return v.length > MAX_TEXT_LENGTH ? bad(`must be at most ${MAX_TEXT_LENGTH} characters`) : ok(v);
    case "number":
    case "currency":
      return typeof v === "number" && Number.isFinite(v) ? ok(v) : bad("must be a number");
    case "date":
      return checkDate(v);
    case "select": {
      const o = optionOf(field, v);
      return o !== undefined ? ok(o) : bad(`must be ${listOptions(field)}`);
    }
    case "multi_select": {
      if (!Array.isArray(v)) return bad("must be an array of options");
      const out: string[] = [];
      for (const x of v) {
        const o = optionOf(field, x);
        if (o === undefined) return bad(`${JSON.stringify(x)} is not an option (${listOptions(field)})`);
        if (!out.includes(o)) out.push(o);
      }
      return ok(out);
    }
    case "email":
      return typeof v === "string" && EMAIL_RE.test(v.trim()) && v.length <= 320 ? ok(v.trim()) : bad("must be an email address");
    case "url":
      return checkUrl(v);
    case "boolean":
      return typeof v === "boolean" ? ok(v) : bad("must be true or false");
    case "member":
      return typeof v === "string" && UUID_RE.test(v) ? ok(v.toLowerCase()) : bad("must be a member id (UUID)");
    case "relation": {
      if (typeof v === "string") return UUID_RE.test(v) ? ok(v.toLowerCase()) : bad("must be a record id (UUID) or an array of them");
      if (Array.isArray(v) && v.every((x) => typeof x === "string" && UUID_RE.test(x))) {
        return ok([...new Set(v.map((x: string) => x.toLowerCase()))]);
      }
      return bad("must be a record id (UUID) or an array of them");
    }
    case "geo":
      return checkGeo(v);
    default:
      return bad(`has an unknown type ${String((field as FieldDef).type)}`);
  }
}

/**
 * Validates field values against a recordset's fields. Unknown keys are errors; so is a wrong
 * type, and (unless `partial`) a missing or null required field. `values` holds the normalised
 * values of the keys given: null means "clear the field" and is kept, so a partial update can
 * remove keys. Nothing is thrown; callers turn `errors` into a 422 naming each field.
 */
export function validateFieldValues(
  fields: FieldDef[],
  input: Record<string, unknown>,
  opts: { partial?: boolean } = {},
): { values: Record<string, unknown>; errors: FieldValueError[] } {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const values: Record<string, unknown> = {};
  const errors: FieldValueError[] = [];
  if (!isPlainObject(input)) return { values, errors: [{ field: "field_values", message: "must be an object" }] };
  for (const [key, raw] of Object.entries(input)) {
    const field = byKey.get(key);
    if (!field) {
      errors.push({ field: key, message: "Unknown field" });
      continue;
    }
    if (raw === null || raw === undefined) {
      if (field.required) errors.push({ field: key, message: `${field.name} is required` });
      else values[key] = null;
      continue;
    }
    const r = checkFieldValue(field, raw);
    if (r.ok) values[key] = r.value;
    else errors.push({ field: key, message: `${field.name} ${r.reason}` });
  }
  if (!opts.partial) {
    for (const f of fields) {
      if (f.required && !(f.key in input)) errors.push({ field: f.key, message: `${f.name} is required` });
    }
  }
  return { values, errors };
}

// ---- CSV cells --------------------------------------------------------------------------------

const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1", "on", "x", "✓"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "0", "off"]);

/**
 * Spreadsheet numbers: "1,234.50", "1.234,50", "1 234", "$1,234", "(12.5)" (negative), "12.5%".
 * Thousands separators must group by three ("1,2,3" is not a number); a single comma followed by
 * one or two digits ("12,5") is a decimal comma.
 */
function parseNumber(raw: string, currency: boolean): number | null {
  let s = raw.trim().replace(/[\s\u00a0']/g, "");
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (currency) s = s.replace(/^[A-Za-z]{3}|[A-Za-z]{3}$/g, "").replace(/[$€£¥₹₽₩₺₪₫฿]/g, "");
  s = s.replace(/%$/, "");
  const sign = /^[-+]/.test(s) ? (s[0] as string) : "";
  let body = sign ? s.slice(1) : s;
  const comma = body.lastIndexOf(",");
  const dot = body.lastIndexOf(".");
  const grouped = (int: string, sep: string) => new RegExp(`^\\d{1,3}(\\${sep}\\d{3})+$`).test(int);
  if (comma >= 0 && dot >= 0) {
    // Both: the last one is the decimal separator, the other groups thousands.
    const [dec, thou] = comma > dot ? [",", "."] : [".", ","];
    const at = body.lastIndexOf(dec);
    const int = body.slice(0, at);
    if (!grouped(int, thou) && int.includes(thou)) return null;
    body = `${int.split(thou).join("")}.${body.slice(at + 1)}`;
  } else if (comma >= 0) {
    if (/^\d+,\d{1,2}$/.test(body)) body = body.replace(",", ".");
    else if (grouped(body, ",")) body = body.replace(/,/g, "");
    else return null;
  } else if (body.indexOf(".") !== dot) {
    // Several dots: thousands groups ("1.234.567").
    if (!grouped(body, ".")) return null;
    body = body.replace(/\./g, "");
  }
  if (!/^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(body)) return null;
  const n = Number(body);
  if (!Number.isFinite(n)) return null;
  return (sign === "-") !== negative ? -n : n;
}

/** ISO forms, YYYY/MM/DD, and US M/D/YYYY (the common spreadsheet exports). */
function parseDateCell(s: string): Check {
  const iso = checkDate(s);
  if (iso.ok) return iso;
  let m = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(s);
  if (m) return checkDate(`${m[1]}-${(m[2] as string).padStart(2, "0")}-${(m[3] as string).padStart(2, "0")}`);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (m) return checkDate(`${m[3]}-${(m[1] as string).padStart(2, "0")}-${(m[2] as string).padStart(2, "0")}`);
  return bad("is not a date (use YYYY-MM-DD, an ISO date-time, YYYY/MM/DD or M/D/YYYY)");
}

const splitList = (s: string) =>
  s
    .split(/[;|,]/)
    .map((x) => x.trim())
    .filter((x) => x !== "");

function matchOption(field: FieldDef, s: string): string | undefined {
  const lower = s.toLowerCase();
  return field.options?.find((o) => o === s) ?? field.options?.find((o) => o.toLowerCase() === lower);
}

/**
 * Turns one CSV/spreadsheet cell into a field value. An empty (or blank) cell is `null` (no
 * value; whether that is allowed is validateFieldValues' job). Select options match
 * case-insensitively; multi-select and relation cells split on `;`, `|` or `,`; booleans read
 * yes/no/true/false/1/0/y/n/on/off; geo reads "lat,lng" or JSON ({lat,lng} or GeoJSON).
 */
export function coerceFieldValue(field: FieldDef, raw: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const s = String(raw ?? "").trim();
  if (s === "") return ok(null);
  switch (field.type) {
    case "text":
      return checkFieldValue(field, String(raw));
    case "number":
    case "currency": {
      const n = parseNumber(s, field.type === "currency");
      return n === null ? bad(`${JSON.stringify(s)} is not a number`) : ok(n);
    }
    case "date":
      return parseDateCell(s);
    case "select": {
      const o = matchOption(field, s);
      return o !== undefined ? ok(o) : bad(`${JSON.stringify(s)} is not ${listOptions(field)}`);
    }
    case "multi_select": {
      const out: string[] = [];
      for (const part of splitList(s)) {
        const o = matchOption(field, part);
        if (o === undefined) return bad(`${JSON.stringify(part)} is not ${listOptions(field)}`);
        if (!out.includes(o)) out.push(o);
      }
      return ok(out);
    }
    case "boolean": {
      const l = s.toLowerCase();
      if (TRUE_WORDS.has(l)) return ok(true);
      if (FALSE_WORDS.has(l)) return ok(false);
      return bad(`${JSON.stringify(s)} is not a yes/no value`);
    }
    case "relation": {
      const ids = splitList(s);
      return checkFieldValue(field, ids.length === 1 ? ids[0] : ids);
    }
    case "geo": {
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(s);
      if (m) return checkGeo({ lat: Number(m[1]), lng: Number(m[2]) });
      if (s.startsWith("{")) {
        try {
          return checkGeo(JSON.parse(s));
        } catch {
          return bad("is not valid JSON");
        }
      }
      return bad('must be "lat,lng" or a JSON {lat, lng} / GeoJSON geometry');
    }
    default:
      return checkFieldValue(field, s);
  }
}

// ---- promoted columns ---------------------------------------------------------------------------

/** Longest search_text kept (characters). */
export const MAX_SEARCH_TEXT = 10_000;
const TITLE_MAX = 500;
/** Types whose values are words a person would search for (ids, booleans and shapes are not). */
const SEARCHABLE = new Set<FieldType>(["text", "number", "currency", "date", "select", "multi_select", "email", "url"]);
const TITLE_TYPES = new Set<FieldType>(["text", "email", "url", "select", "number", "currency", "date"]);

function displayValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v.trim() || null;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    const parts = v.map(displayValue).filter((x): x is string => x !== null);
    return parts.length ? parts.join(", ") : null;
  }
  return null;
}

/**
 * The promoted columns of a record. title: the primary field's value, else the first text field
 * (in field order) with a value, else the first title-like field (email, url, select, number,
 * date) with one; null when none has. searchText: the values of the searchable fields (text,
 * numbers, dates, options, email, url) in field order, lower-cased and space-joined, at most
 * MAX_SEARCH_TEXT characters — the list's `search` matches against it.
 */
export function promotedColumns(fields: FieldDef[], values: Record<string, unknown>): { title: string | null; searchText: string } {
  const primary = fields.find((f) => f.is_primary);
  let title = primary ? displayValue(values[primary.key]) : null;
  if (title === null && !primary) {
    const firstText = fields.find((f) => f.type === "text" && displayValue(values[f.key]) !== null);
    const firstAny = firstText ?? fields.find((f) => TITLE_TYPES.has(f.type) && displayValue(values[f.key]) !== null);
    title = firstAny ? displayValue(values[firstAny.key]) : null;
  }
  const parts: string[] = [];
  let length = 0;
  for (const f of fields) {
    if (!SEARCHABLE.has(f.type)) continue;
    const v = displayValue(values[f.key]);
    if (v === null) continue;
    parts.push(v);
    length += v.length + 1;
    if (length >= MAX_SEARCH_TEXT) break;
  }
  return {
    title: title === null ? null : title.slice(0, TITLE_MAX),
    searchText: parts.join(" ").toLowerCase().slice(0, MAX_SEARCH_TEXT),
  };
}
