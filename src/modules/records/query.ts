import { and, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { type FieldIssue, ServiceError } from "../../platform/errors";
import type { FieldDef, FieldType } from "../recordsets/fields";
import { records } from "./tables";

/**
 * The records list query language (GET /api/v1/records, recordset views). Everything becomes
 * parameterised SQL over `records`; field keys and values are always bound parameters, never
 * spliced. Unknown fields or operators are a 422 naming them (loc: [where, param, index, key]).
 *
 * Syntax (query parameters are JSON; a view stores the same values already parsed):
 * - search: case-insensitive substring of the promoted search_text (trigram-indexed).
 * - status: comma-separated active|archived|deleted; default: everything but deleted.
 * - tags: comma-separated; tags_mode=any (default, overlap) or all (contains every tag).
 * - tool: hide records dismissed from that tool view.
 * - fields: comma-separated field keys: field_values holds only those (projection).
 * - sort_by: comma-separated keys, each "key", "-key" (descending) or "key:asc|desc"; keys are field
 *   keys or built-in columns (created_at, updated_at, title, status, version, id). sort_order
 *   (asc|desc) is the direction of keys that name none (default desc for created_at, else asc).
 *   number/currency fields sort numerically, date fields chronologically, nulls last.
 * - column_filters: [{"field":"stage","op":"eq","value":"won"}, …] or compact {"stage":"won","region":["n","s"]}
 *   (a scalar = eq, an array = in). ops: eq, neq, in, not_in (value: array), contains, starts_with,
 *   ends_with (text), is_empty, is_not_empty (no value). Built-in fields: title, status, created_by_member_id.
 *   On multi_select fields eq/in match records having that option among theirs.
 * - date_filters: [{"field":"close_date","op":"after","value":"2026-01-01"}, …] or compact
 *   {"close_date":{"after":"2026-01-01","before":"2026-02-01"}}. ops: before, after (exclusive), on (that
 *   UTC day), between (value [from, to], inclusive), last / next (value "7d", "2w", "3m", "1y": from now
 *   back/forward), today, this_week, this_month, this_year (UTC), is_empty, is_not_empty. Fields: date fields,
 *   created_at, updated_at.
 * - numeric_filters: [{"field":"amount","op":"gte","value":1000}, …] or compact {"amount":{"gte":1000,"lt":5000}}.
 *   ops: eq, neq, gt, gte, lt, lte, between (value [min, max], inclusive), is_empty, is_not_empty. Fields:
 *   number and currency fields, version.
 */
export interface RecordQueryParams {
  search?: string | undefined;
  status?: string | undefined;
  tags?: string | undefined;
  tags_mode?: "any" | "all" | undefined;
  tool?: string | undefined;
  fields?: string | undefined;
  sort_by?: string | undefined;
  sort_order?: "asc" | "desc" | undefined;
  column_filters?: unknown;
  date_filters?: unknown;
  numeric_filters?: unknown;
}

export interface CompiledRecordQuery {
  /** Conditions to AND (besides the recordset scope). */
  conditions: SQL[];
  orderBy: SQL[];
  /** Field keys to keep in field_values, or null for all. */
  projection: string[] | null;
}

const STATUSES = ["active", "archived", "deleted"] as const;
const NUMERIC: FieldType[] = ["number", "currency"];
const TEXT_OPS = ["eq", "neq", "in", "not_in", "contains", "starts_with", "ends_with", "is_empty", "is_not_empty"] as const;
const DATE_OPS = [
  "before",
  "after",
  "on",
  "between",
  "last",
  "next",
  "today",
  "this_week",
  "this_month",
  "this_year",
  "is_empty",
  "is_not_empty",
] as const;
const NUM_OPS = ["eq", "neq", "gt", "gte", "lt", "lte", "between", "is_empty", "is_not_empty"] as const;
const BUILTIN_SORT: Record<string, SQL> = {
  created_at: sql`${records.createdAt}`,
  updated_at: sql`${records.updatedAt}`,
  title: sql`${records.title}`,
  status: sql`${records.status}`,
  version: sql`${records.version}`,
  id: sql`${records.id}`,
};
const BUILTIN_TEXT: Record<string, SQL> = {
  title: sql`${records.title}`,
  status: sql`${records.status}`,
  created_by_member_id: sql`${records.createdByMemberId}::text`,
};
const BUILTIN_DATE: Record<string, SQL> = { created_at: sql`${records.createdAt}`, updated_at: sql`${records.updatedAt}` };
const BUILTIN_NUM: Record<string, SQL> = { version: sql`${records.version}::numeric` };

interface Filter {
  field: string;
  op: string;
  value?: unknown;
}

class Issues {
  readonly list: FieldIssue[] = [];
  constructor(readonly where: string) {}
  add(loc: (string | number)[], msg: string, type = "value_error") {
    this.list.push({ loc: [this.where, ...loc], msg, type });
  }
}

// ---- value extraction from field_values (guarded casts: a stray value never raises a SQL error) ----

const fv = sql`${records.fieldValues}`;
export const textOf = (key: string) => sql`(${fv} ->> ${key}::text)`;
export const numberOf = (key: string) =>
  sql`(CASE WHEN jsonb_typeof(${fv} -> ${key}::text) = 'number' THEN (${fv} ->> ${key}::text)::numeric END)`;
export const dateOf = (key: string) =>
  sql`(CASE WHEN (${fv} ->> ${key}::text) ~ '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])' THEN (${fv} ->> ${key}::text)::timestamptz END)`;
const isEmpty = (key: string) => sql`coalesce(${fv} -> ${key}::text, 'null'::jsonb) IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb)`;
/** Containment: the GIN jsonb_path_ops index on field_values answers it. */
const contains = (key: string, value: unknown) => sql`${fv} @> ${JSON.stringify({ [key]: value })}::jsonb`;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function parseJson(raw: unknown, name: string, issues: Issues): unknown {
  if (typeof raw !== "string") return raw;
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    issues.add([name], `${name} must be JSON (see the endpoint description for the syntax)`, "json_invalid");
    return undefined;
  }
}

/** Array form as is; compact object form → array (column: scalar = eq, array = in; others: {op: value}). */
function normaliseFilters(raw: unknown, name: string, issues: Issues, compactScalarOp: boolean): Filter[] {
  const parsed = parseJson(raw, name, issues);
  if (parsed === undefined || parsed === null) return [];
  const out: Filter[] = [];
  if (Array.isArray(parsed)) {
    parsed.forEach((f, i) => {
      if (
        !f ||
        typeof f !== "object" ||
        Array.isArray(f) ||
        typeof (f as Filter).field !== "string" ||
        typeof (f as Filter).op !== "string"
      ) {
        issues.add([name, i], 'Each filter is an object {"field", "op", "value"}');
        return;
      }
      out.push(f as Filter);
    });
    return out;
  }
  if (typeof parsed !== "object") {
    issues.add([name], `${name} must be a JSON array of filters or an object`);
    return [];
  }
  for (const [field, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (compactScalarOp && (v === null || typeof v !== "object" || Array.isArray(v))) {
      out.push({ field, op: Array.isArray(v) ? "in" : "eq", value: v });
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      for (const [op, value] of Object.entries(v as Record<string, unknown>)) out.push({ field, op, value });
    } else {
      issues.add([name, field], `${name}.${field} must be an object of {operator: value}`);
    }
  }
  return out;
}

function fieldMap(fields: FieldDef[] | null): Map<string, FieldDef> {
  return new Map((fields ?? []).map((f) => [f.key, f]));
}

function unknownField(issues: Issues, loc: (string | number)[], field: string, fields: FieldDef[] | null, allowed: string) {
  issues.add(
    loc,
    fields === null
      ? `Unknown field '${field}': field filters need recordset_id (without it only ${allowed} are allowed)`
      : `Unknown field '${field}' (this recordset's fields, or ${allowed})`,
    "unknown_field",
  );
}

function badOp(issues: Issues, loc: (string | number)[], op: string, ops: readonly string[]) {
  issues.add(loc, `Unknown operator '${op}' (one of: ${ops.join(", ")})`, "unknown_operator");
}

/** A value compared with a field of this type, as stored in field_values (undefined = wrong type). */
function typedValue(type: FieldType | "builtin", v: unknown): unknown {
  if (NUMERIC.includes(type as FieldType)) {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    return typeof n === "number" && Number.isFinite(n) ? n : undefined;
  }
  if (type === "boolean") {
    if (typeof v === "boolean") return v;
    return v === "true" ? true : v === "false" ? false : undefined;
  }
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function columnFilter(f: Filter, i: number, fields: Map<string, FieldDef>, raw: FieldDef[] | null, issues: Issues): SQL | undefined {
  const loc = ["column_filters", i];
  if (!(TEXT_OPS as readonly string[]).includes(f.op)) return void badOp(issues, [...loc, "op"], f.op, TEXT_OPS);
  const builtin = BUILTIN_TEXT[f.field];
  const def = fields.get(f.field);
  if (!builtin && !def) return void unknownField(issues, [...loc, "field"], f.field, raw, Object.keys(BUILTIN_TEXT).join(", "));
  const needsList = f.op === "in" || f.op === "not_in";
  const noValue = f.op === "is_empty" || f.op === "is_not_empty";
  if (needsList && (!Array.isArray(f.value) || f.value.length === 0 || f.value.length > 100)) {
    return void issues.add([...loc, "value"], `${f.op} needs a non-empty array value (at most 100) for '${f.field}'`);
  }
  if (!noValue && !needsList && f.value === undefined) return void issues.add([...loc, "value"], `${f.op} needs a value for '${f.field}'`);
  const type: FieldType | "builtin" = def ? def.type : "builtin";
  const values = needsList ? (f.value as unknown[]) : noValue ? [] : [f.value];
  const typed = values.map((v) => typedValue(type, v));
  if (typed.some((v) => v === undefined)) {
    return void issues.add([...loc, "value"], `Value of the wrong type for '${f.field}' (${type === "builtin" ? "text" : type})`);
  }
  const textOps = f.op === "contains" || f.op === "starts_with" || f.op === "ends_with";
  if (builtin) {
    if (noValue) return f.op === "is_empty" ? sql`coalesce(${builtin}, '') = ''` : sql`coalesce(${builtin}, '') <> ''`;
    if (textOps) {
      const s = escapeLike(String(typed[0]));
      const pattern = f.op === "contains" ? `%${s}%` : f.op === "starts_with" ? `${s}%` : `%${s}`;
      return sql`${builtin} ILIKE ${pattern}`;
    }
    const list = typed.map(String);
    const cond = sql`${builtin} IN (${sql.join(
      list.map((v) => sql`${v}`),
      sql`, `,
    )})`;
    return f.op === "neq" || f.op === "not_in" ? sql`(${builtin} IS NULL OR NOT ${cond})` : cond;
  }
  const key = f.field;
  if (noValue) return f.op === "is_empty" ? isEmpty(key) : sql`NOT ${isEmpty(key)}`;
  if (textOps) {
    const s = escapeLike(String(typed[0]));
    const pattern = f.op === "contains" ? `%${s}%` : f.op === "starts_with" ? `${s}%` : `%${s}`;
    return sql`${textOf(key)} ILIKE ${pattern}`;
  }
  // multi_select holds arrays; relation holds one id or an array of ids.
  const any = sql`(${sql.join(
    typed.flatMap((v) =>
      type === "multi_select" ? [contains(key, [v])] : type === "relation" ? [contains(key, v), contains(key, [v])] : [contains(key, v)],
    ),
    sql` OR `,
  )})`;
  return f.op === "neq" || f.op === "not_in" ? sql`NOT ${any}` : any;
}

const DURATION = /^(\d{1,4})\s*([dwmy])$/;

function shift(now: Date, n: number, unit: string): Date {
  const d = new Date(now);
  if (unit === "d") d.setUTCDate(d.getUTCDate() + n);
  else if (unit === "w") d.setUTCDate(d.getUTCDate() + 7 * n);
  else if (unit === "m") d.setUTCMonth(d.getUTCMonth() + n);
  else d.setUTCFullYear(d.getUTCFullYear() + n);
  return d;
}

function parseDate(v: unknown): Date | undefined {
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(v)) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function dateFilter(f: Filter, i: number, fields: Map<string, FieldDef>, raw: FieldDef[] | null, issues: Issues, now: Date) {
  const loc = ["date_filters", i];
  if (!(DATE_OPS as readonly string[]).includes(f.op)) return void badOp(issues, [...loc, "op"], f.op, DATE_OPS);
  const def = fields.get(f.field);
  const builtin = BUILTIN_DATE[f.field];
  if (!builtin && def?.type !== "date") {
    if (def) return void issues.add([...loc, "field"], `'${f.field}' is a ${def.type} field, not a date field`, "wrong_field_type");
    return void unknownField(issues, [...loc, "field"], f.field, raw, "created_at, updated_at");
  }
  const col = builtin ?? dateOf(f.field);
  const range = (from: Date, to: Date) => sql`(${col} >= ${from.toISOString()}::timestamptz AND ${col} < ${to.toISOString()}::timestamptz)`;
  const startOfDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const bad = (msg: string) => void issues.add([...loc, "value"], `${msg} for '${f.field}'`);
  switch (f.op) {
    case "is_empty":
      return sql`${col} IS NULL`;
    case "is_not_empty":
      return sql`${col} IS NOT NULL`;
    case "before":
    case "after":
    case "on": {
      const d = parseDate(f.value);
      if (!d) return bad(`${f.op} needs an ISO date value`);
      if (f.op === "on") return range(startOfDay(d), shift(startOfDay(d), 1, "d"));
      return f.op === "before" ? sql`${col} < ${d.toISOString()}::timestamptz` : sql`${col} > ${d.toISOString()}::timestamptz`;
    }
    case "between": {
      const [a, b] = Array.isArray(f.value) ? f.value.map(parseDate) : [];
      if (!a || !b || (f.value as unknown[]).length !== 2) return bad("between needs [from, to] ISO dates");
      // A date-only upper bound includes that whole day.
      const to = typeof (f.value as string[])[1] === "string" && (f.value as string[])[1]!.length === 10 ? shift(b, 1, "d") : b;
      return sql`(${col} >= ${a.toISOString()}::timestamptz AND ${col} ${to === b ? sql`<=` : sql`<`} ${to.toISOString()}::timestamptz)`;
    }
    case "last":
    case "next": {
      const m = typeof f.value === "string" ? DURATION.exec(f.value.trim()) : null;
      if (!m) return bad(`${f.op} needs a duration like "7d", "2w", "3m" or "1y"`);
      const n = Number(m[1]);
      return f.op === "last" ? range(shift(now, -n, m[2]!), now) : range(now, shift(now, n, m[2]!));
    }
    case "today":
      return range(startOfDay(now), shift(startOfDay(now), 1, "d"));
    case "this_week": {
      const s = startOfDay(now);
      s.setUTCDate(s.getUTCDate() - ((s.getUTCDay() + 6) % 7)); // ISO weeks start on Monday
      return range(s, shift(s, 1, "w"));
    }
    case "this_month": {
      const s = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      return range(s, shift(s, 1, "m"));
    }
    default: {
      const s = new Date(Date.UTC(now.getUTCFullYear(), 0, 1));
      return range(s, shift(s, 1, "y"));
    }
  }
}

function numericFilter(f: Filter, i: number, fields: Map<string, FieldDef>, raw: FieldDef[] | null, issues: Issues) {
  const loc = ["numeric_filters", i];
  if (!(NUM_OPS as readonly string[]).includes(f.op)) return void badOp(issues, [...loc, "op"], f.op, NUM_OPS);
  const def = fields.get(f.field);
  const builtin = BUILTIN_NUM[f.field];
  if (!builtin && (!def || !NUMERIC.includes(def.type))) {
    if (def)
      return void issues.add([...loc, "field"], `'${f.field}' is a ${def.type} field, not a number or currency field`, "wrong_field_type");
    return void unknownField(issues, [...loc, "field"], f.field, raw, "version");
  }
  const col = builtin ?? numberOf(f.field);
  if (f.op === "is_empty") return sql`${col} IS NULL`;
  if (f.op === "is_not_empty") return sql`${col} IS NOT NULL`;
  const num = (v: unknown) => typedValue("number", v) as number | undefined;
  if (f.op === "between") {
    const [a, b] = Array.isArray(f.value) && f.value.length === 2 ? f.value.map(num) : [];
    if (a === undefined || b === undefined) return void issues.add([...loc, "value"], `between needs [min, max] numbers for '${f.field}'`);
    return sql`(${col} BETWEEN ${a}::numeric AND ${b}::numeric)`;
  }
  const n = num(f.value);
  if (n === undefined) return void issues.add([...loc, "value"], `${f.op} needs a number for '${f.field}'`);
  const op = { eq: sql`=`, neq: sql`<>`, gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` }[f.op as "eq"]!;
  return sql`${col} ${op} ${n}::numeric`;
}

function sortKeys(p: RecordQueryParams, fields: Map<string, FieldDef>, raw: FieldDef[] | null, issues: Issues): SQL[] {
  const items = (p.sort_by ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length > 5) issues.add(["sort_by"], "At most 5 sort keys");
  const out: SQL[] = [];
  for (const item of items.slice(0, 5)) {
    let key = item;
    let dir: string | undefined;
    if (key.startsWith("-")) {
      key = key.slice(1);
      dir = "desc";
    }
    const colon = key.lastIndexOf(":");
    if (colon > 0) {
      dir = key.slice(colon + 1).toLowerCase();
      key = key.slice(0, colon);
    }
    if (dir !== undefined && dir !== "asc" && dir !== "desc") {
      issues.add(["sort_by"], `Unknown sort direction '${dir}' (asc or desc)`);
      continue;
    }
    const builtin = BUILTIN_SORT[key];
    const def = fields.get(key);
    if (!builtin && !def) {
      unknownField(issues, ["sort_by"], key, raw, Object.keys(BUILTIN_SORT).join(", "));
      continue;
    }
    const direction = dir ?? p.sort_order ?? (key === "created_at" || key === "updated_at" ? "desc" : "asc");
    const expr = builtin ?? (NUMERIC.includes(def!.type) ? numberOf(key) : def!.type === "date" ? dateOf(key) : textOf(key));
    out.push(direction === "desc" ? sql`${expr} DESC NULLS LAST` : sql`${expr} ASC NULLS LAST`);
  }
  if (out.length === 0) out.push(p.sort_order === "asc" ? sql`${records.createdAt} ASC` : sql`${records.createdAt} DESC`);
  // A unique tie-breaker keeps pages stable.
  out.push(sql`${records.id} ASC`);
  return out;
}

const list = (s: string | undefined) =>
  (s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Compiles the parameters against a recordset's fields (null: a list across recordsets, where only
 * built-in columns can be filtered or sorted on). Throws a 422 listing every problem.
 */
export function compileRecordQuery(
  fields: FieldDef[] | null,
  p: RecordQueryParams,
  opts: { where?: string; now?: Date } = {},
): CompiledRecordQuery {
  const issues = new Issues(opts.where ?? "query");
  const now = opts.now ?? new Date();
  const byKey = fieldMap(fields);
  const conditions: SQL[] = [];

  const statuses = list(p.status);
  const badStatus = statuses.filter((s) => !(STATUSES as readonly string[]).includes(s));
  if (badStatus.length) issues.add(["status"], `Unknown status '${badStatus.join(", ")}' (active, archived, deleted)`);
  if (statuses.length === 0) conditions.push(sql`${records.status} <> 'deleted'`);
  else if (!badStatus.length)
    conditions.push(
      sql`${records.status} IN (${sql.join(
        statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );

  const search = p.search?.trim();
  if (search) conditions.push(sql`${records.searchText} ILIKE ${`%${escapeLike(search)}%`}`);

  const tags = list(p.tags);
  if (tags.length) {
    const arr = sql`ARRAY[${sql.join(
      tags.map((t) => sql`${t}`),
      sql`, `,
    )}]::text[]`;
    conditions.push(p.tags_mode === "all" ? sql`${records.tags} @> ${arr}` : sql`${records.tags} && ${arr}`);
  }
  if (p.tool?.trim()) conditions.push(sql`NOT (${p.tool.trim()}::text = ANY(${records.dismissedFrom}))`);

  let projection: string[] | null = null;
  if (p.fields !== undefined) {
    projection = list(p.fields);
    for (const k of projection) if (!byKey.has(k)) unknownField(issues, ["fields"], k, fields, "no built-in columns");
  }

  normaliseFilters(p.column_filters, "column_filters", issues, true).forEach((f, i) => {
    const c = columnFilter(f, i, byKey, fields, issues);
    if (c) conditions.push(c);
  });
  normaliseFilters(p.date_filters, "date_filters", issues, false).forEach((f, i) => {
    const c = dateFilter(f, i, byKey, fields, issues, now);
    if (c) conditions.push(c);
  });
  normaliseFilters(p.numeric_filters, "numeric_filters", issues, false).forEach((f, i) => {
    const c = numericFilter(f, i, byKey, fields, issues);
    if (c) conditions.push(c);
  });
  const orderBy = sortKeys(p, byKey, fields, issues);

  if (issues.list.length) {
    throw new ServiceError("validation_error", issues.list.map((i) => i.msg).join("; "), { issues: issues.list });
  }
  return { conditions, orderBy, projection };
}

/** field_values restricted to the projected keys. */
export function project(values: Record<string, unknown>, projection: string[] | null): Record<string, unknown> {
  if (!projection) return values;
  const out: Record<string, unknown> = {};
  for (const k of projection) if (k in values) out[k] = values[k];
  return out;
}

/**
 * One page of the list in one statement: conditions, sort and paging, with the total alongside
 * (count(*) over ()), so a page costs one round trip. The endpoint and bench/records-list.ts both
 * build their SQL here, so the bench times exactly what the endpoint runs.
 */
export function selectRecordPage(db: Db, scope: SQL, compiled: CompiledRecordQuery, skip: number, limit: number) {
  return db
    .select({ ...getTableColumns(records), total: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(records)
    .where(and(scope, ...compiled.conditions))
    .orderBy(...compiled.orderBy)
    .limit(limit)
    .offset(skip);
}
