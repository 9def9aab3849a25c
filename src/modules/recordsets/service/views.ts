import { and, asc, desc, eq, ne } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { type FieldIssue, isServiceError, ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { currentMember } from "../../members/service";
import { compileRecordQuery } from "../../records/query";
import type { FieldDef } from "../fields";
import { getRecordsetForActor } from "../internal";
import type { RecordsetViewCreate, RecordsetViewUpdate } from "../schemas";
import { recordsetViews } from "../tables";

type ViewRow = typeof recordsetViews.$inferSelect;

function toView(v: ViewRow) {
  return {
    id: v.id,
    recordset_id: v.recordsetId,
    name: v.name,
    filters: v.filters,
    sort: v.sort,
    columns: v.columns,
    is_default: v.isDefault,
    created_by_member_id: v.createdByMemberId,
    created_at: v.createdAt.toISOString(),
    updated_at: v.updatedAt.toISOString(),
  };
}

/** Columns a view may show besides the recordset's fields. */
const BUILTIN_COLUMNS = new Set([
  "id",
  "title",
  "status",
  "tags",
  "version",
  "created_at",
  "updated_at",
  "created_by_member_id",
  "updated_by_member_id",
]);

/**
 * Checks a view's filters and sort with the records list's own compiler (records/query.ts), so
 * a saved view always runs; and its columns against the fields. One 422 listing every problem.
 */
function checkView(fields: FieldDef[], input: RecordsetViewCreate | RecordsetViewUpdate) {
  const issues: FieldIssue[] = [];
  if (input.filters || input.sort) {
    try {
      compileRecordQuery(
        fields,
        { ...(input.filters ?? {}), sort_by: input.sort?.map((s) => `${s.field}:${s.direction}`).join(",") },
        { where: "body" },
      );
    } catch (e) {
      if (!isServiceError(e) || e.code !== "validation_error") throw e;
      for (const i of e.issues ?? []) {
        const [, param, ...rest] = i.loc;
        issues.push({ ...i, loc: param === "sort_by" ? ["body", "sort"] : ["body", "filters", param ?? "filters", ...rest] });
      }
    }
  }
  const keys = new Set(fields.map((f) => f.key));
  input.columns?.forEach((c, i) => {
    if (!keys.has(c) && !BUILTIN_COLUMNS.has(c)) {
      issues.push({
        loc: ["body", "columns", i],
        msg: `Unknown column '${c}' (this recordset's fields, or ${[...BUILTIN_COLUMNS].join(", ")})`,
        type: "unknown_field",
      });
    }
  });
  if (issues.length) throw new ServiceError("validation_error", issues.map((i) => i.msg).join("; "), { issues });
}

export async function listRecordsetViews(ctx: ServiceContext, slug: string) {
  const { recordset } = await getRecordsetForActor(ctx, slug, "can_view");
  const rows = await ctx.db
    .select()
    .from(recordsetViews)
    .where(eq(recordsetViews.recordsetId, recordset.id))
    .orderBy(desc(recordsetViews.isDefault), asc(recordsetViews.createdAt), asc(recordsetViews.id));
  return rows.map(toView);
}

/**
 * Anyone who can view the recordset saves views (shared with everyone who sees it); making one
 * the default changes it for everyone, so that needs is_admin (the right to edit the recordset).
 */
export async function createRecordsetView(ctx: ServiceContext, slug: string, input: RecordsetViewCreate) {
  const { recordset } = await getRecordsetForActor(ctx, slug, input.is_default ? "is_admin" : "can_view");
  checkView(recordset.fields, input);
  const me = await currentMember(ctx);
  const view = await ctx.db.transaction(async (tx) => {
    const [v] = await tx
      .insert(recordsetViews)
      .values({
        recordsetId: recordset.id,
        name: input.name,
        filters: input.filters ?? {},
        sort: input.sort ?? [],
        columns: input.columns ?? [],
        isDefault: input.is_default ?? false,
        createdByMemberId: me.id,
      })
      .returning();
    if (!v) throw new ServiceError("internal_error", "View was not created");
    if (v.isDefault) {
      await tx
        .update(recordsetViews)
        .set({ isDefault: false })
        .where(and(eq(recordsetViews.recordsetId, recordset.id), ne(recordsetViews.id, v.id), eq(recordsetViews.isDefault, true)));
    }
    return v;
  });
  return toView(view);
}

/** The view of this recordset; editing needs is_admin on the recordset or having made the view. */
async function editableView(ctx: ServiceContext, slug: string, viewId: string) {
  const { recordset, permissions } = await getRecordsetForActor(ctx, slug, "can_view");
  const [view] = isUuid(viewId)
    ? await ctx.db
        .select()
        .from(recordsetViews)
        .where(and(eq(recordsetViews.id, viewId), eq(recordsetViews.recordsetId, recordset.id)))
        .limit(1)
    : [];
  if (!view) throw new ServiceError("not_found", "View not found");
  const me = await currentMember(ctx);
  if (!permissions.is_admin && view.createdByMemberId !== me.id) {
    throw new ServiceError("forbidden", "Only the view's creator and the recordset's admins can change it");
  }
  return { recordset, view, permissions };
}

export async function updateRecordsetView(ctx: ServiceContext, slug: string, viewId: string, input: RecordsetViewUpdate) {
  const { recordset, view, permissions } = await editableView(ctx, slug, viewId);
  // Setting or unsetting the default changes it for everyone: is_admin, as on create.
  if (input.is_default !== undefined && input.is_default !== view.isDefault && !permissions.is_admin) {
    throw new ServiceError("forbidden", "Only the recordset's admins can change its default view");
  }
  checkView(recordset.fields, input);
  const set = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.filters !== undefined ? { filters: input.filters } : {}),
    ...(input.sort !== undefined ? { sort: input.sort } : {}),
    ...(input.columns !== undefined ? { columns: input.columns } : {}),
    ...(input.is_default !== undefined ? { isDefault: input.is_default } : {}),
  };
  // Nothing given: the view as it is (drizzle refuses an empty SET).
  if (Object.keys(set).length === 0) return toView(view);
  const updated = await ctx.db.transaction(async (tx) => {
    const [v] = await tx.update(recordsetViews).set(set).where(eq(recordsetViews.id, view.id)).returning();
    if (input.is_default) {
      await tx
        .update(recordsetViews)
        .set({ isDefault: false })
        .where(and(eq(recordsetViews.recordsetId, recordset.id), ne(recordsetViews.id, view.id), eq(recordsetViews.isDefault, true)));
    }
    return v ?? view;
  });
  return toView(updated);
}

export async function deleteRecordsetView(ctx: ServiceContext, slug: string, viewId: string) {
  const { view } = await editableView(ctx, slug, viewId);
  await ctx.db.delete(recordsetViews).where(eq(recordsetViews.id, view.id));
}
