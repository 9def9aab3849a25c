import { and, eq, inArray, ne, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import type { Db } from "../../../platform/db";
import { type FieldIssue, ServiceError } from "../../../platform/errors";
import { emitEvent, emitEvents } from "../../../platform/events/outbox";
import { isUuid } from "../../../platform/ids";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service";
import { type FieldDef, promotedColumns, validateFieldValues } from "../../recordsets/fields";
import { getRecordsetForActor, type RecordsetRow } from "../../recordsets/internal";
import { recordsets } from "../../recordsets/tables";
import { getRecordForActor, type RecordRow, recordAllows, toRecordJson } from "../internal";
import type { BulkDeleteRequest } from "../schemas";
import { records, recordVersions } from "../tables";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** validateFieldValues' errors → one 422 naming every field (loc body.field_values.<key>). */
export function checkValues(fields: FieldDef[], input: Record<string, unknown>, partial: boolean): Record<string, unknown> {
  const { values, errors } = validateFieldValues(fields, input, { partial });
  if (errors.length) {
    const issues: FieldIssue[] = errors.map((e) => ({
      loc: ["body", "field_values", e.field],
      msg: `${e.field}: ${e.message}`,
      type: "value_error",
    }));
    throw new ServiceError("validation_error", issues.map((i) => i.msg).join("; "), { issues });
  }
  return values;
}

/** Nulls mean "no value": they are not stored. */
function withoutNulls(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined));
}

type Position = [number, number];
function positions(c: unknown, out: Position[]) {
  if (Array.isArray(c) && typeof c[0] === "number" && typeof c[1] === "number") out.push([c[0], c[1]]);
  else if (Array.isArray(c)) for (const x of c) positions(x, out);
}

/**
 * Geo columns promoted from the recordset's first geo field that has a value: a point ({lat,lng} or
 * a GeoJSON Point) fills lng/lat; any geometry fills the bounding box the map and spatial filters
 * prefilter on. Without a geo value the columns are cleared.
 */
export function geoColumns(fields: FieldDef[], values: Record<string, unknown>) {
  const none = { geometry: null, lng: null, lat: null, minLng: null, minLat: null, maxLng: null, maxLat: null };
  const geoField = fields.find((f) => f.type === "geo" && values[f.key] && typeof values[f.key] === "object");
  if (!geoField) return none;
  const v = values[geoField.key] as Record<string, unknown>;
  const geometry: Record<string, unknown> =
    typeof v.lat === "number" && typeof v.lng === "number" ? { type: "Point", coordinates: [v.lng, v.lat] } : v;
  const pts: Position[] = [];
  if (geometry.type === "GeometryCollection" && Array.isArray(geometry.geometries)) {
    for (const g of geometry.geometries as { coordinates?: unknown }[]) positions(g.coordinates, pts);
  } else positions(geometry.coordinates, pts);
  if (pts.length === 0) return none;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const point = geometry.type === "Point";
  return {
    geometry,
    lng: point ? xs[0]! : null,
    lat: point ? ys[0]! : null,
    minLng: Math.min(...xs),
    minLat: Math.min(...ys),
    maxLng: Math.max(...xs),
    maxLat: Math.max(...ys),
  };
}

/** Everything a record row derives from its values. */
function derived(fields: FieldDef[], values: Record<string, unknown>) {
  const p = promotedColumns(fields, values);
  return { fieldValues: values, title: p.title, searchText: p.searchText, ...geoColumns(fields, values) };
}

const bumpCount = (tx: Tx, recordsetId: string, delta: number) =>
  tx
    .update(recordsets)
    .set({ recordCount: sql`${recordsets.recordCount} + ${delta}` })
    .where(eq(recordsets.id, recordsetId));

export interface NewRecordInput {
  recordset_id: string;
  field_values: Record<string, unknown>;
  tags: string[];
  status: "active" | "archived";
}

/** Needs can_create on the recordset. Writes the record, version 1 and record_count + 1 together. */
export async function createRecord(ctx: ServiceContext, input: NewRecordInput) {
  const { recordset } = await getRecordsetForActor(ctx, input.recordset_id, "can_create");
  if (recordset.isIntegration) throw new ServiceError("conflict", "Integration recordsets are read-only");
  const values = withoutNulls(checkValues(recordset.fields, input.field_values, false));
  const me = await currentMember(ctx);
  const tags = [...new Set(input.tags)];
  const row = await ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .insert(records)
      .values({
        recordsetId: recordset.id,
        ...derived(recordset.fields, values),
        tags,
        status: input.status,
        createdByMemberId: me.id,
        updatedByMemberId: me.id,
      })
      .returning();
    await tx.insert(recordVersions).values({
      recordId: r!.id,
      version: 1,
      fieldValues: values,
      status: r!.status,
      tags,
      changeType: "create",
      changedByMemberId: me.id,
    });
    await bumpCount(tx, recordset.id, 1);
    await emitEvent(ctx, tx, "record.created", { record: recordEventData(r!), actor_member_id: me.id });
    return r!;
  });
  await recordActivity(ctx, {
    type: "record.created",
    subjectType: "record",
    subjectId: row.id,
    summary: `Created ${row.title ?? "a record"} in ${recordset.name}`,
    data: { recordset_id: recordset.id, recordset_slug: recordset.slug },
  });
  return toRecordJson(row);
}

/**
 * Writes a new version of a record (update or restore). The version check makes a concurrent
 * write a 409 instead of a lost update.
 */
async function writeVersion(
  ctx: ServiceContext,
  record: RecordRow,
  recordset: RecordsetRow,
  memberId: string,
  next: { values: Record<string, unknown>; tags: string[]; status: "active" | "archived" | "deleted" },
  change: { type: "update" | "restore"; restoredFrom?: number },
) {
  return ctx.db.transaction(async (tx) => {
    const [r] = await tx
      .update(records)
      .set({
        ...derived(recordset.fields, next.values),
        tags: next.tags,
        status: next.status,
        version: sql`${records.version} + 1`,
        updatedByMemberId: memberId,
        updatedAt: new Date(),
      })
      .where(and(eq(records.id, record.id), eq(records.version, record.version), ne(records.status, "deleted")))
      .returning();
    if (!r) throw new ServiceError("conflict", "The record was changed by someone else meanwhile; reload it and try again");
    await tx.insert(recordVersions).values({
      recordId: r.id,
      version: r.version,
      fieldValues: next.values,
      status: r.status,
      tags: r.tags,
      changeType: change.type,
      restoredFromVersion: change.restoredFrom ?? null,
      changedByMemberId: memberId,
    });
    const changed = [...new Set([...Object.keys(next.values), ...Object.keys(record.fieldValues)])].filter(
      (k) => JSON.stringify(next.values[k]) !== JSON.stringify(record.fieldValues[k]),
    );
    await emitEvent(ctx, tx, "record.updated", { record: recordEventData(r), changed_fields: changed, actor_member_id: memberId });
    return r;
  });
}

const recordEventData = (r: RecordRow) => ({ id: r.id, recordset_id: r.recordsetId, field_values: r.fieldValues, version: r.version });

export interface RecordChange {
  field_values?: Record<string, unknown> | undefined;
  tags?: string[] | undefined;
  status?: "active" | "archived" | undefined;
}

/**
 * Needs can_edit, or can_edit_own on a record the caller created. mode "merge" (PUT /records,
 * PATCH /crud): the given values are merged in, null clears a field; "replace" (PUT /crud): the
 * given values are the whole new set (required fields must be there).
 */
export async function updateRecord(ctx: ServiceContext, recordId: string, input: RecordChange, mode: "merge" | "replace" = "merge") {
  const { record, recordset, memberId } = await getRecordForActor(ctx, recordId, "edit");
  if (recordset.isIntegration) throw new ServiceError("conflict", "Integration recordsets are read-only");
  let values = record.fieldValues;
  if (input.field_values !== undefined || mode === "replace") {
    const checked = checkValues(recordset.fields, input.field_values ?? {}, mode === "merge");
    values = withoutNulls(mode === "merge" ? { ...record.fieldValues, ...checked } : checked);
  }
  const row = await writeVersion(
    ctx,
    record,
    recordset,
    memberId,
    { values, tags: input.tags ? [...new Set(input.tags)] : record.tags, status: input.status ?? record.status },
    { type: "update" },
  );
  const changed = [...new Set([...Object.keys(values), ...Object.keys(record.fieldValues)])].filter(
    (k) => JSON.stringify(values[k]) !== JSON.stringify(record.fieldValues[k]),
  );
  await recordActivity(ctx, {
    type: "record.updated",
    subjectType: "record",
    subjectId: row.id,
    summary: `Updated ${row.title ?? "a record"} in ${recordset.name}`,
    data: { recordset_id: recordset.id, version: row.version, changed_fields: changed },
  });
  return toRecordJson(row);
}

/** A new version with the values of an earlier one (fields removed since are dropped). Needs the edit rule. */
export async function restoreRecordVersion(ctx: ServiceContext, recordId: string, historyId: string) {
  const { record, recordset, memberId } = await getRecordForActor(ctx, recordId, "edit");
  const [old] = isUuid(historyId)
    ? await ctx.db
        .select()
        .from(recordVersions)
        .where(and(eq(recordVersions.id, historyId), eq(recordVersions.recordId, record.id)))
        .limit(1)
    : [];
  if (!old) throw new ServiceError("not_found", "History entry not found");
  const keys = new Set(recordset.fields.map((f) => f.key));
  const kept = Object.fromEntries(Object.entries(old.fieldValues).filter(([k]) => keys.has(k)));
  // Partial: a required field added after that version must not make the old values unrestorable.
  const values = withoutNulls(checkValues(recordset.fields, kept, true));
  const row = await writeVersion(
    ctx,
    record,
    recordset,
    memberId,
    { values, tags: record.tags, status: record.status },
    { type: "restore", restoredFrom: old.version },
  );
  await recordActivity(ctx, {
    type: "record.restored",
    subjectType: "record",
    subjectId: row.id,
    summary: `Restored ${row.title ?? "a record"} to version ${old.version}`,
    data: { recordset_id: recordset.id, version: row.version, restored_from_version: old.version },
  });
  return toRecordJson(row);
}

/**
 * Soft-deletes records of one recordset in one statement: status deleted + deleted_at, a new
 * "delete" version each, and record_count lowered by the rows actually deleted (a record already
 * deleted is not counted twice). Returns the ids deleted.
 */
async function softDelete(ctx: ServiceContext, recordsetId: string, memberId: string, only: SQL | undefined): Promise<string[]> {
  return ctx.db.transaction(async (tx) => {
    const res = await tx.execute<{ id: string }>(sql`
    with d as (
      update records set status = 'deleted', deleted_at = now(), updated_at = now(), version = version + 1,
        updated_by_member_id = ${memberId}
      where recordset_id = ${recordsetId} and status <> 'deleted' ${only ? sql`and ${only}` : sql``}
      returning id, version, field_values, tags
    ), v as (
      insert into record_versions (id, record_id, version, field_values, status, tags, change_type, changed_by_member_id)
      select gen_random_uuid(), d.id, d.version, d.field_values, 'deleted', d.tags, 'delete', ${memberId} from d
    ), c as (
      update recordsets set record_count = greatest(record_count - (select count(*) from d), 0) where id = ${recordsetId}
    )
    select id from d`);
    const ids = res.rows.map((r) => r.id);
    await emitEvents(
      ctx,
      tx,
      "record.deleted",
      ids.map((id) => ({ record: { id, recordset_id: recordsetId }, actor_member_id: memberId })),
    );
    return ids;
  });
}

/** Needs can_delete, or can_delete_own on a record the caller created. */
export async function deleteRecord(ctx: ServiceContext, recordId: string) {
  const { record, recordset, memberId } = await getRecordForActor(ctx, recordId, "delete");
  if (recordset.isIntegration) throw new ServiceError("conflict", "Integration recordsets are read-only");
  const deleted = await softDelete(ctx, recordset.id, memberId, sql`id = ${record.id}`);
  if (deleted.length === 0) throw new ServiceError("not_found", "Record not found");
  await recordActivity(ctx, {
    type: "record.deleted",
    subjectType: "record",
    subjectId: record.id,
    summary: `Deleted ${record.title ?? "a record"} from ${recordset.name}`,
    data: { recordset_id: recordset.id },
  });
}

type Failure = { record_id: string; reason: "not_found" | "forbidden"; detail: string };

/**
 * all=true: every record of the recordset (needs can_delete). record_ids: each is checked on its
 * own — can_delete on its recordset, or can_delete_own when the caller created it; the rest are
 * reported in `failed` (not_found for missing, deleted or invisible ones) and left alone.
 */
export async function bulkDeleteRecords(ctx: ServiceContext, input: BulkDeleteRequest) {
  const me = await currentMember(ctx);
  if (input.all) {
    if (!input.recordset_id) {
      throw new ServiceError("validation_error", "all=true needs recordset_id", {
        issues: [{ loc: ["body", "recordset_id"], msg: "Required when all is true", type: "missing" }],
      });
    }
    const { recordset } = await getRecordsetForActor(ctx, input.recordset_id, "can_delete");
    const ids = await softDelete(ctx, recordset.id, me.id, undefined);
    await recordActivity(ctx, {
      type: "record.bulk_deleted",
      subjectType: "recordset",
      subjectId: recordset.id,
      summary: `Deleted all ${ids.length} records of ${recordset.name}`,
      data: { count: ids.length, all: true },
    });
    return { deleted_count: ids.length, deleted_ids: null, failed: [] as Failure[] };
  }
  const requested = [...new Set(input.record_ids ?? [])];
  if (requested.length === 0) {
    throw new ServiceError("validation_error", "Give record_ids or all=true", {
      issues: [{ loc: ["body", "record_ids"], msg: "Give record_ids or all=true", type: "missing" }],
    });
  }
  const scoped = input.recordset_id ? (await getRecordsetForActor(ctx, input.recordset_id)).recordset : undefined;
  const valid = requested.filter(isUuid);
  const rows = valid.length
    ? await ctx.db
        .select()
        .from(records)
        .where(and(inArray(records.id, valid), ne(records.status, "deleted"), scoped ? eq(records.recordsetId, scoped.id) : undefined))
    : [];
  const failed: Failure[] = [];
  const byRecordset = new Map<string, RecordRow[]>();
  for (const r of rows) byRecordset.set(r.recordsetId, [...(byRecordset.get(r.recordsetId) ?? []), r]);
  const allowed: { recordsetId: string; name: string; ids: string[] }[] = [];
  for (const [recordsetId, list] of byRecordset) {
    const access = await getRecordsetForActor(ctx, recordsetId).catch((e) => {
      if (e instanceof ServiceError && e.code === "not_found") return undefined;
      throw e;
    });
    if (!access || access.recordset.isIntegration) {
      for (const r of list) failed.push({ record_id: r.id, reason: "not_found", detail: "Record not found" });
      continue;
    }
    const ok: string[] = [];
    for (const r of list) {
      if (recordAllows("delete", r, access.permissions, me.id)) ok.push(r.id);
      else {
        failed.push({
          record_id: r.id,
          reason: "forbidden",
          detail: access.permissions.can_delete_own
            ? "You can only delete records you created"
            : "You cannot delete records in this recordset",
        });
      }
    }
    if (ok.length) allowed.push({ recordsetId, name: access.recordset.name, ids: ok });
  }
  const found = new Set(rows.map((r) => r.id));
  for (const id of requested) if (!found.has(id)) failed.push({ record_id: id, reason: "not_found", detail: "Record not found" });
  const deleted: string[] = [];
  for (const a of allowed) {
    deleted.push(...(await softDelete(ctx, a.recordsetId, me.id, inArray(records.id, a.ids))));
    await recordActivity(ctx, {
      type: "record.bulk_deleted",
      subjectType: "recordset",
      subjectId: a.recordsetId,
      summary: `Deleted ${a.ids.length} records of ${a.name}`,
      data: { count: a.ids.length, record_ids: a.ids.slice(0, 100) },
    });
  }
  return { deleted_count: deleted.length, deleted_ids: deleted, failed };
}

/** Hides the record from one tool view (the record stays). Needs the edit rule. */
export async function dismissRecord(ctx: ServiceContext, recordId: string, tool: string) {
  const { record } = await getRecordForActor(ctx, recordId, "edit");
  const [row] = await ctx.db
    .update(records)
    .set({
      dismissedFrom: sql`case when ${tool}::text = any(${records.dismissedFrom}) then ${records.dismissedFrom} else array_append(${records.dismissedFrom}, ${tool}::text) end`,
    })
    .where(eq(records.id, record.id))
    .returning();
  await recordActivity(ctx, {
    type: "record.dismissed",
    subjectType: "record",
    subjectId: record.id,
    summary: `Dismissed ${record.title ?? "a record"} from ${tool}`,
    data: { tool },
  });
  return toRecordJson(row ?? record);
}
