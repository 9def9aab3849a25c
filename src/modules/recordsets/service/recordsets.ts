import { and, asc, eq, gt, ilike, isNotNull, isNull, lt, ne, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { type Db, isUniqueViolation } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { freeSlug, slugify as slugifyName } from "../../../platform/slugs";
import { sumOverTenants } from "../../../platform/tenancy/each";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service";
import { requirePermission } from "../../permissions/service";
import { records } from "../../records/tables";
import { promotedColumns } from "../fields";
import { findRecordset, getRecordsetForActor, type RecordsetRow, toRecordsetJson, visibleRecordsetIdsSql } from "../internal";
import type { ListRecordsetsQuery, RecordsetCreate, RecordsetReplace, RecordsetUpdate, TrashQuery } from "../schemas";
import { recordsetPipelines, recordsets } from "../tables";
import { normaliseFields, planFieldChanges, type Tx } from "./definition";

/** Trashed recordsets are deleted for good this long after deleted_at (by the cron). */
export const TRASH_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

export const isWorkspaceAdmin = (ctx: ServiceContext) => ctx.workspace?.role === "owner" || ctx.workspace?.role === "admin";

export function requireWorkspaceAdmin(ctx: ServiceContext, what: string) {
  if (!isWorkspaceAdmin(ctx)) throw new ServiceError("forbidden", `Only workspace admins and owners can ${what}`);
}

/** Records that count: everything not deleted (the same rule as record_count everywhere). */
export const liveRecordCountSql = (recordsetId: SQL | string) =>
  sql<number>`(select count(*)::int from ${records} where ${records.recordsetId} = ${recordsetId} and ${records.status} <> 'deleted')`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function page(q: { page: number; page_size: number }, total: number) {
  return { total, page: q.page, page_size: q.page_size, pages: Math.ceil(total / q.page_size) };
}

// ---- list / get -------------------------------------------------------------------------------

/**
 * The recordsets the caller can see (workspace owners/admins: all; others: created by them or
 * granted to them or their teams), by name. `exactCounts` counts the records in the same query
 * (the CRUD list) instead of serving the stored record_count.
 */
export async function listRecordsets(ctx: ServiceContext, q: ListRecordsetsQuery, opts: { exactCounts?: boolean } = {}) {
  const where: (SQL | undefined)[] = [];
  if (q.is_active === false) {
    // Trashed recordsets are only for workspace admins (the same rule as GET /recordsets/trash).
    if (!isWorkspaceAdmin(ctx)) return { items: [], ...page(q, 0) };
    where.push(isNotNull(recordsets.deletedAt));
  } else {
    where.push(sql`${recordsets.id} in (${visibleRecordsetIdsSql(ctx)})`);
  }
  if (q.search) {
    const p = `%${escapeLike(q.search)}%`;
    where.push(or(ilike(recordsets.name, p), ilike(recordsets.slug, p), ilike(recordsets.description, p)));
  }
  if (q.type) where.push(eq(recordsets.type, q.type));
  const rows = await ctx.db
    .select({
      r: recordsets,
      total: sql<number>`count(*) over()`,
      ...(opts.exactCounts ? { exact: liveRecordCountSql(sql`${recordsets.id}`) } : {}),
    })
    .from(recordsets)
    .where(and(...where))
    .orderBy(asc(sql`lower(${recordsets.name})`), asc(recordsets.id))
    .offset((q.page - 1) * q.page_size)
    .limit(q.page_size);
  let total = rows[0] ? Number(rows[0].total) : 0;
  if (rows.length === 0 && q.page > 1) total = await ctx.db.$count(recordsets, and(...where));
  return {
    items: rows.map((x) => toRecordsetJson(x.exact === undefined ? x.r : { ...x.r, recordCount: Number(x.exact) })),
    ...page(q, total),
  };
}

/** One recordset (by slug or id) with its exact record count, counted now. */
export async function getRecordset(ctx: ServiceContext, slugOrId: string) {
  const { recordset } = await getRecordsetForActor(ctx, slugOrId, "can_view");
  const n = await ctx.db.$count(records, and(eq(records.recordsetId, recordset.id), ne(records.status, "deleted")));
  return toRecordsetJson({ ...recordset, recordCount: n });
}

// ---- create -----------------------------------------------------------------------------------

// Static paths beside /recordsets/{recordset_slug}: a recordset with such a slug could never be reached.
const RESERVED_SLUGS = new Set(["trash", "new", "search", "count", "stream", "import", "imports"]);

export const slugify = (name: string) => slugifyName(name, "recordset");

const slugTaken = (slug: string) =>
  new ServiceError("conflict", `The slug '${slug}' is already used by another recordset (trashed ones included)`);

/** Needs can_create_recordset; the creator administers the new recordset. */
export async function createRecordset({ ctx, input }: { ctx: ServiceContext; input: RecordsetCreate }) {
  await requirePermission(ctx, "can_create_recordset");
  const me = await currentMember(ctx);
  const fields = await normaliseFields(ctx.db, input.fields ?? []);
  if (input.slug && RESERVED_SLUGS.has(input.slug)) {
    throw new ServiceError("validation_error", `'${input.slug}' is reserved`, {
      issues: [{ loc: ["body", "slug"], msg: `'${input.slug}' is reserved`, type: "value_error" }],
    });
  }
  const base = slugify(input.name);
  let created: RecordsetRow | undefined;
  // Two creates may pick the same free slug; the unique index makes the loser retry.
  for (let attempt = 0; !created; attempt++) {
    try {
      const slug = input.slug ?? (await freeSlug(ctx.db, recordsets, recordsets.slug, base, RESERVED_SLUGS));
      const [row] = await ctx.db
        .insert(recordsets)
        .values({
          slug,
          name: input.name,
          description: input.description ?? null,
          icon: input.icon ?? null,
          color: input.color ?? null,
          type: input.type ?? "custom",
          mode: input.mode ?? "table",
          fields,
          settings: input.settings ?? {},
          createdByMemberId: me.id,
        })
        .returning();
      created = row;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      if (input.slug) throw slugTaken(input.slug);
      if (attempt >= 5) throw new ServiceError("conflict", "Could not find a free slug, please retry", { retryable: true });
    }
  }
  if (!created) throw new ServiceError("internal_error", "Recordset was not created");
  await recordActivity(ctx, {
    type: "recordset.created",
    subjectType: "recordset",
    subjectId: created.id,
    summary: "Created a recordset",
    data: { recordset_id: created.id, fields: fields.length },
  });
  return toRecordsetJson(created);
}

// ---- update -----------------------------------------------------------------------------------

/**
 * Applies a fields change to the stored values, inside `tx`: 422 naming each field whose stored
 * values the new definition rejects; else conversions (→ text, select → multi_select) and removed
 * fields' values are dropped from the records. A pipeline whose stage field is gone (or no longer
 * a select) is deleted with it.
 */
async function applyFieldChange(tx: Tx, rs: RecordsetRow, after: RecordsetRow["fields"]) {
  const plan = planFieldChanges(rs.fields, after);
  const issues = [];
  for (const c of plan.checks) {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(records)
      .where(and(eq(records.recordsetId, rs.id), sql`${records.status} <> 'deleted'`, c.condition));
    const n = Number(row?.n ?? 0);
    if (n > 0) {
      const msg =
        c.reason === "required"
          ? `Field '${c.key}' cannot become required: ${n} record(s) have no value`
          : `Field '${c.key}': ${n} record(s) have values that do not fit ${c.reason}; change or clear them first`;
      issues.push({ loc: ["body", "fields", c.index], msg, type: "value_error" });
    }
  }
  if (issues.length) throw new ServiceError("validation_error", issues.map((i) => i.msg).join("; "), { issues });
  for (const c of plan.conversions) {
    await tx.execute(sql`update ${records} set field_values = jsonb_set(field_values, ARRAY[${c.key}::text], ${c.to})
      where ${records.recordsetId} = ${rs.id} and coalesce(field_values -> ${c.key}::text, 'null'::jsonb) <> 'null'::jsonb`);
  }
  if (plan.removed.length) {
    const keys = sql`ARRAY[${sql.join(
      plan.removed.map((k) => sql`${k}`),
      sql`, `,
    )}]::text[]`;
    await tx.execute(sql`update ${records} set field_values = field_values - ${keys}
      where ${records.recordsetId} = ${rs.id} and field_values ?| ${keys}`);
  }
  const [pipeline] = await tx.select().from(recordsetPipelines).where(eq(recordsetPipelines.recordsetId, rs.id)).limit(1);
  if (pipeline && !after.some((f) => f.key === pipeline.stageField && f.type === "select")) {
    await tx.delete(recordsetPipelines).where(eq(recordsetPipelines.id, pipeline.id));
  }
}

/**
 * PUT /recordsets/{slug}, PATCH /crud/recordsets/{id} (partial) and PUT /crud/recordsets/{id}
 * (`replace`: omitted optional attributes go back to their defaults). Needs is_admin on the
 * recordset. The slug never changes. Map mode is only entered through enable-map.
 */
export async function updateRecordset({
  ctx,
  slugOrId,
  input,
  replace = false,
}: {
  ctx: ServiceContext;
  slugOrId: string;
  input: RecordsetUpdate | RecordsetReplace;
  replace?: boolean;
}) {
  const { recordset: rs } = await getRecordsetForActor(ctx, slugOrId, "is_admin");
  if (input.mode === "map" && rs.mode !== "map") {
    throw new ServiceError("validation_error", "Map mode is enabled with POST /api/v1/recordsets/{recordset_id}/enable-map", {
      issues: [{ loc: ["body", "mode"], msg: "Use enable-map to switch to map mode", type: "value_error" }],
    });
  }
  const fields = input.fields ? await normaliseFields(ctx.db, input.fields, rs.id) : undefined;
  const set: Partial<typeof recordsets.$inferInsert> = {};
  const pick = <K extends keyof typeof input>(k: K, fallback: unknown) =>
    input[k] !== undefined ? input[k] : replace ? fallback : undefined;
  const assign = (col: keyof typeof set, v: unknown) => {
    if (v !== undefined) (set as Record<string, unknown>)[col] = v;
  };
  assign("name", input.name);
  assign("description", pick("description", null));
  assign("icon", pick("icon", null));
  assign("color", pick("color", null));
  assign("type", pick("type", "custom"));
  assign("settings", pick("settings", {}));
  assign("mode", input.mode);
  if (fields) set.fields = fields;
  const updated = await ctx.db.transaction(async (tx) => {
    // Lock the row: two concurrent field changes must not check against each other's old fields.
    const [locked] = await tx.select().from(recordsets).where(eq(recordsets.id, rs.id)).for("update");
    if (!locked || locked.deletedAt) throw new ServiceError("not_found", "Recordset not found");
    if (fields) await applyFieldChange(tx, locked, fields);
    if (Object.keys(set).length === 0) return locked;
    const [row] = await tx.update(recordsets).set(set).where(eq(recordsets.id, rs.id)).returning();
    return row ?? locked;
  });
  await recordActivity(ctx, {
    type: "recordset.updated",
    subjectType: "recordset",
    subjectId: rs.id,
    summary: "Updated a recordset",
    data: { recordset_id: rs.id, changed: Object.keys(set) },
  });
  return toRecordsetJson(updated);
}

// ---- trash ------------------------------------------------------------------------------------

/** Soft delete (to the trash); is_admin on the recordset. The cron purges it after 30 days. */
export async function trashRecordset(ctx: ServiceContext, slug: string) {
  const { recordset: rs } = await getRecordsetForActor(ctx, slug, "is_admin");
  const me = await currentMember(ctx);
  await ctx.db
    .update(recordsets)
    .set({ deletedAt: new Date(), deletedByMemberId: me.id })
    .where(and(eq(recordsets.id, rs.id), isNull(recordsets.deletedAt)));
  await recordActivity(ctx, {
    type: "recordset.trashed",
    subjectType: "recordset",
    subjectId: rs.id,
    summary: "Moved a recordset to the trash",
    data: { recordset_id: rs.id },
  });
}

function toTrashed(r: RecordsetRow, now: number) {
  const purgeAt = (r.deletedAt?.getTime() ?? now) + TRASH_RETENTION_DAYS * DAY_MS;
  return {
    ...toRecordsetJson(r),
    purge_at: new Date(purgeAt).toISOString(),
    days_until_purge: Math.max(0, Math.ceil((purgeAt - now) / DAY_MS)),
  };
}

/** The trash: workspace admins and owners only; most recently deleted first. */
export async function listTrash(ctx: ServiceContext, q: TrashQuery) {
  requireWorkspaceAdmin(ctx, "see the trash");
  const where: (SQL | undefined)[] = [isNotNull(recordsets.deletedAt)];
  if (q.search) {
    const p = `%${escapeLike(q.search)}%`;
    where.push(or(ilike(recordsets.name, p), ilike(recordsets.slug, p)));
  }
  const [rows, total] = await Promise.all([
    ctx.db
      .select()
      .from(recordsets)
      .where(and(...where))
      .orderBy(sql`${recordsets.deletedAt} desc`, asc(recordsets.id))
      .offset((q.page - 1) * q.page_size)
      .limit(q.page_size),
    ctx.db.$count(recordsets, and(...where)),
  ]);
  const now = Date.now();
  return { items: rows.map((r) => toTrashed(r, now)), ...page(q, total) };
}

async function trashedOrThrow(ctx: ServiceContext, slug: string) {
  const rs = await findRecordset(ctx, slug, { trashed: true });
  if (!rs) throw new ServiceError("not_found", "Recordset not found in the trash");
  return rs;
}

export async function restoreRecordset(ctx: ServiceContext, slug: string) {
  requireWorkspaceAdmin(ctx, "restore recordsets");
  const rs = await trashedOrThrow(ctx, slug);
  const [row] = await ctx.db
    .update(recordsets)
    .set({ deletedAt: null, deletedByMemberId: null })
    .where(eq(recordsets.id, rs.id))
    .returning();
  await recordActivity(ctx, {
    type: "recordset.restored",
    subjectType: "recordset",
    subjectId: rs.id,
    summary: "Restored a recordset from the trash",
    data: { recordset_id: rs.id },
  });
  return toRecordsetJson(row ?? rs);
}

/** DELETE /recordsets/trash/{slug}: a trashed recordset and its records, for good. */
export async function deleteTrashedRecordset(ctx: ServiceContext, slug: string) {
  requireWorkspaceAdmin(ctx, "delete recordsets permanently");
  const rs = await trashedOrThrow(ctx, slug);
  await ctx.db.delete(recordsets).where(eq(recordsets.id, rs.id));
  await recordActivity(ctx, {
    type: "recordset.deleted",
    subjectType: "recordset",
    subjectId: rs.id,
    summary: "Deleted a recordset permanently",
    data: { recordset_id: rs.id },
  });
}

/** DELETE /crud/recordsets/{id}: a live recordset and (by cascade) its records, for good. */
export async function deleteRecordset(ctx: ServiceContext, id: string) {
  const { recordset: rs } = await getRecordsetForActor(ctx, id, "is_admin");
  requireWorkspaceAdmin(ctx, "delete recordsets permanently");
  await ctx.db.delete(recordsets).where(eq(recordsets.id, rs.id));
  await recordActivity(ctx, {
    type: "recordset.deleted",
    subjectType: "recordset",
    subjectId: rs.id,
    summary: "Deleted a recordset permanently",
    data: { recordset_id: rs.id },
  });
}

/** One tenant's purge: recordsets trashed more than 30 days before `now` (records cascade). */
export async function purgeTrashIn(db: Db, now = Date.now()): Promise<number> {
  const gone = await db
    .delete(recordsets)
    .where(lt(recordsets.deletedAt, new Date(now - TRASH_RETENTION_DAYS * DAY_MS)))
    .returning({ id: recordsets.id });
  return gone.length;
}

/**
 * The cron's purge: every active workspace's tenant database drops the recordsets trashed more
 * than 30 days ago. Returns how many recordsets were purged.
 */
export function purgeTrashedRecordsets(ctx: ServiceContext, now = Date.now()): Promise<number> {
  return sumOverTenants(ctx, "recordset trash purge", (db) => purgeTrashIn(db, now));
}

// ---- counts and promoted columns ------------------------------------------------------------

/**
 * Recomputes every recordset's record_count with one UPDATE (only rows whose count was wrong are
 * written). Workspace admins and owners.
 */
export async function syncRecordCounts(ctx: ServiceContext) {
  requireWorkspaceAdmin(ctx, "resync record counts");
  const res = await ctx.db.execute<{ recordsets: number; updated: number }>(sql`
    with counts as (
      select r.id, (select count(*)::int from records x where x.recordset_id = r.id and x.status <> 'deleted') as n
      from recordsets r
    ), upd as (
      update recordsets set record_count = counts.n from counts
      where recordsets.id = counts.id and recordsets.record_count <> counts.n
      returning 1
    )
    select (select count(*)::int from counts) as recordsets, (select count(*)::int from upd) as updated`);
  const row = res.rows[0];
  return { recordsets: Number(row?.recordsets ?? 0), updated: Number(row?.updated ?? 0) };
}

/** Records read per batch by resync-promoted (keyset order by id). */
const RESYNC_BATCH = 1000;

/**
 * Recomputes title and search_text of every record of the recordset from its fields (is_admin):
 * records are read in id order, RESYNC_BATCH at a time, and the changed ones written with one
 * UPDATE … FROM jsonb_to_recordset per batch. Versions and updated_at are untouched.
 */
export async function resyncPromoted(ctx: ServiceContext, slug: string) {
  const { recordset: rs } = await getRecordsetForActor(ctx, slug, "is_admin");
  let after: string | undefined;
  let updated = 0;
  for (;;) {
    const batch = await ctx.db
      .select({ id: records.id, fieldValues: records.fieldValues, title: records.title, searchText: records.searchText })
      .from(records)
      .where(and(eq(records.recordsetId, rs.id), after ? gt(records.id, after) : undefined))
      .orderBy(asc(records.id))
      .limit(RESYNC_BATCH);
    if (batch.length === 0) break;
    after = batch[batch.length - 1]?.id;
    const changed = batch.flatMap((r) => {
      const p = promotedColumns(rs.fields, r.fieldValues ?? {});
      return p.title === r.title && p.searchText === r.searchText ? [] : [{ id: r.id, title: p.title, search_text: p.searchText }];
    });
    if (changed.length) {
      const res = await ctx.db.execute(sql`
        update records set title = v.title, search_text = v.search_text
        from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as v(id uuid, title text, search_text text)
        where records.id = v.id`);
      updated += res.rowCount ?? changed.length;
    }
    if (batch.length < RESYNC_BATCH) break;
  }
  return { recordset_id: rs.id, updated };
}
