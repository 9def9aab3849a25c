import { and, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { FieldIssue } from "../../../platform/errors";
import { ServiceError } from "../../../platform/errors";
import type { FieldDef, FieldType } from "../fields";
import type { FieldDefInput } from "../schemas";
import { recordsets } from "../tables";

/** Field names → snake_case keys ("Close date" → close_date). */
export function fieldKeyOf(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 63)
    .replace(/_+$/, "");
  if (!s) return "field";
  return /^[a-z]/.test(s) ? s : `f_${s}`.slice(0, 63);
}

/** The database or a transaction on it. */
import type { Tx } from "../../../platform/db";

export type { Tx };

const SELECTS: FieldType[] = ["select", "multi_select"];

/**
 * Checks and normalises a fields definition (keys made from names when missing, unique keys,
 * options for selects and unique, at most one primary, relation targets that exist). Throws one
 * 422 listing every problem with its location (loc: [body, fields, index, attribute]).
 */
export async function normaliseFields(db: Tx, input: FieldDefInput[], selfId?: string): Promise<FieldDef[]> {
  const issues: FieldIssue[] = [];
  const add = (loc: (string | number)[], msg: string) => issues.push({ loc: ["body", "fields", ...loc], msg, type: "value_error" });
  const seen = new Map<string, number>();
  const out: FieldDef[] = [];
  let primary = -1;
  input.forEach((f, i) => {
    const key = f.key ?? fieldKeyOf(f.name);
    if (seen.has(key)) add([i, "key"], `Duplicate field key '${key}' (also field ${seen.get(key)})`);
    else seen.set(key, i);
    const def: FieldDef = { key, name: f.name, type: f.type };
    if (f.required) def.required = true;
    if (f.description) def.description = f.description;
    if (SELECTS.includes(f.type)) {
      const options = f.options ?? [];
      if (options.length === 0) add([i, "options"], `Field '${key}' (${f.type}) needs at least one option`);
      const dupes = options.filter((o, j) => options.indexOf(o) !== j);
      if (dupes.length) add([i, "options"], `Field '${key}' has duplicate options: ${[...new Set(dupes)].join(", ")}`);
      def.options = options;
    } else if (f.options?.length) {
      add([i, "options"], `Field '${key}': options are only for select and multi_select fields`);
    }
    if (f.type === "currency") def.currency = f.currency ?? "USD";
    else if (f.currency) add([i, "currency"], `Field '${key}': currency is only for currency fields`);
    if (f.relation_recordset_id) {
      if (f.type !== "relation") add([i, "relation_recordset_id"], `Field '${key}': relation_recordset_id is only for relation fields`);
      else def.relation_recordset_id = f.relation_recordset_id;
    }
    if (f.is_primary) {
      if (primary >= 0) add([i, "is_primary"], `At most one primary field (field ${primary} is primary already)`);
      else primary = i;
      def.is_primary = true;
    }
    out.push(def);
  });
  const targets = [...new Set(out.flatMap((f) => (f.relation_recordset_id ? [f.relation_recordset_id] : [])))].filter(
    (id) => id !== selfId,
  );
  if (targets.length && issues.length === 0) {
    const rows = await db
      .select({ id: recordsets.id })
      .from(recordsets)
      .where(and(inArray(recordsets.id, targets), isNull(recordsets.deletedAt)));
    const found = new Set(rows.map((r) => r.id));
    out.forEach((f, i) => {
      if (f.relation_recordset_id && f.relation_recordset_id !== selfId && !found.has(f.relation_recordset_id)) {
        add([i, "relation_recordset_id"], `Field '${f.key}': recordset ${f.relation_recordset_id} does not exist`);
      }
    });
  }
  if (issues.length) throw new ServiceError("validation_error", issues.map((x) => x.msg).join("; "), { issues });
  return out;
}

// ---- keeping stored values valid when fields change ---------------------------------------------

const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

const optionsArray = (options: string[] | undefined) => sql`${JSON.stringify(options ?? [])}::jsonb`;

/**
 * SQL: the stored value `v` (jsonb, not null) satisfies field `f` — the same rules as
 * checkFieldValue in fields.ts, as far as stored (already normalised) values go.
 */
export function validValueSql(v: SQL, f: FieldDef): SQL {
  const str = sql`jsonb_typeof(${v}) = 'string'`;
  const text = sql`(${v} #>> '{}')`;
  switch (f.type) {
    case "text":
      return str;
    case "number":
    case "currency":
      return sql`jsonb_typeof(${v}) = 'number'`;
    case "boolean":
      return sql`jsonb_typeof(${v}) = 'boolean'`;
    case "date":
      return sql`(${str} and ${text} ~ '^\\d{4}-\\d{2}-\\d{2}')`;
    case "select":
      return sql`(${str} and ${optionsArray(f.options)} @> jsonb_build_array(${v}))`;
    case "multi_select":
      return sql`(jsonb_typeof(${v}) = 'array' and ${optionsArray(f.options)} @> ${v})`;
    case "email":
      return sql`(${str} and ${text} ~ '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$')`;
    case "url":
      return sql`(${str} and ${text} ~* '^https?://')`;
    case "member":
      return sql`(${str} and ${text} ~ ${UUID_PATTERN})`;
    case "relation":
      return sql`((${str} and ${text} ~ ${UUID_PATTERN}) or (jsonb_typeof(${v}) = 'array' and not exists (
        select 1 from jsonb_array_elements(${v}) e where jsonb_typeof(e) <> 'string' or (e #>> '{}') !~ ${UUID_PATTERN})))`;
    case "geo":
      return sql`jsonb_typeof(${v}) = 'object'`;
    default:
      return sql`false`;
  }
}

/** SQL: `v` (jsonb) as the text a text field would store. */
function asTextSql(v: SQL): SQL {
  return sql`to_jsonb(case jsonb_typeof(${v})
    when 'string' then ${v} #>> '{}'
    when 'array' then (select string_agg(coalesce(e #>> '{}', ''), ', ') from jsonb_array_elements(${v}) e)
    else ${v}::text end)`;
}

export interface FieldChangePlan {
  /** Keys whose values are dropped from records (field removed). */
  removed: string[];
  /** Conversions run as UPDATEs (to text; select → multi_select). */
  conversions: { key: string; to: SQL }[];
  /** Checks: fields whose stored values must satisfy the new definition (count of offenders must be 0). */
  checks: { key: string; index: number; condition: SQL; reason: string }[];
}

const sameOptions = (a: FieldDef, b: FieldDef) => JSON.stringify(a.options ?? []) === JSON.stringify(b.options ?? []);

/** What a change from `before` to `after` means for the stored values (per field key). */
export function planFieldChanges(before: FieldDef[], after: FieldDef[]): FieldChangePlan {
  const plan: FieldChangePlan = { removed: [], conversions: [], checks: [] };
  const next = new Map(after.map((f) => [f.key, f]));
  for (const old of before) if (!next.has(old.key)) plan.removed.push(old.key);
  const prev = new Map(before.map((f) => [f.key, f]));
  after.forEach((f, index) => {
    const old = prev.get(f.key);
    const v = sql`(field_values -> ${f.key}::text)`;
    const present = sql`coalesce(${v}, 'null'::jsonb) <> 'null'::jsonb`;
    if (old && old.type !== f.type) {
      if (f.type === "text") {
        plan.conversions.push({ key: f.key, to: asTextSql(v) });
      } else if (old.type === "select" && f.type === "multi_select") {
        plan.conversions.push({ key: f.key, to: sql`jsonb_build_array(${v})` });
        plan.checks.push({
          key: f.key,
          index,
          condition: sql`(${present} and not ${validValueSql(sql`jsonb_build_array(${v})`, f)})`,
          reason: "the new options",
        });
      } else if (!(["number", "currency"].includes(old.type) && ["number", "currency"].includes(f.type))) {
        plan.checks.push({ key: f.key, index, condition: sql`(${present} and not ${validValueSql(v, f)})`, reason: `type ${f.type}` });
      }
    } else if (old && SELECTS.includes(f.type) && !sameOptions(old, f)) {
      plan.checks.push({ key: f.key, index, condition: sql`(${present} and not ${validValueSql(v, f)})`, reason: "the new options" });
    }
    if (f.required && !old?.required) {
      plan.checks.push({ key: f.key, index, condition: sql`not (${present})`, reason: "required" });
    }
  });
  return plan;
}
