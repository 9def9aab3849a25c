import { and, eq, ne } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { iso } from "../../platform/openapi";
import { currentMember } from "../members/service";
import type { members } from "../members/tables";
import { getRecordsetForActor, type RecordsetPermissions, type RecordsetRow } from "../recordsets/internal";
import { records } from "./tables";

export type RecordRow = typeof records.$inferSelect;
export type RecordNeed = "view" | "edit" | "delete";

/** Whether the caller may edit/delete this record: the recordset-wide flag, or the *_own flag on a record they created. */
export function recordAllows(need: RecordNeed, record: RecordRow, permissions: RecordsetPermissions, memberId: string): boolean {
  if (need === "view") return permissions.can_view;
  const own = record.createdByMemberId !== null && record.createdByMemberId === memberId;
  if (need === "edit") return permissions.can_edit || (permissions.can_edit_own && own);
  return permissions.can_delete || (permissions.can_delete_own && own);
}

/**
 * The one access check of records: 404 when missing, deleted, or in a recordset the caller cannot
 * see (another workspace's ids simply do not exist here); 403 when visible but `need` is not met
 * (edit: can_edit, or can_edit_own on a record the caller created; delete likewise).
 */
export async function getRecordForActor(
  ctx: ServiceContext,
  recordId: string,
  need: RecordNeed = "view",
): Promise<{ record: RecordRow; recordset: RecordsetRow; permissions: RecordsetPermissions; memberId: string }> {
  if (!isUuid(recordId)) throw new ServiceError("not_found", "Record not found");
  const [record] = await ctx.db
    .select()
    .from(records)
    .where(and(eq(records.id, recordId), ne(records.status, "deleted")))
    .limit(1);
  if (!record) throw new ServiceError("not_found", "Record not found");
  const [{ recordset, permissions }, me] = await Promise.all([
    getRecordsetForActor(ctx, record.recordsetId).catch((e) => {
      // The record exists but its recordset is invisible (or trashed): the record is not found either.
      if (e instanceof ServiceError && e.code === "not_found") throw new ServiceError("not_found", "Record not found");
      throw e;
    }),
    currentMember(ctx),
  ]);
  if (!recordAllows(need, record, permissions, me.id)) {
    throw new ServiceError(
      "forbidden",
      need === "edit"
        ? "You need can_edit on this recordset, or can_edit_own on a record you created"
        : "You need can_delete on this recordset, or can_delete_own on a record you created",
    );
  }
  return { record, recordset, permissions, memberId: me.id };
}

/** The API shape of a record, used by every module that returns records. */
export function toRecordJson(r: RecordRow, opts: { fieldValues?: Record<string, unknown> } = {}) {
  return {
    id: r.id,
    recordset_id: r.recordsetId,
    field_values: opts.fieldValues ?? r.fieldValues,
    title: r.title,
    status: r.status,
    tags: r.tags,
    version: r.version,
    is_latest: true,
    dismissed_from: r.dismissedFrom,
    geometry: r.geometry,
    lat: r.lat,
    lng: r.lng,
    geo_precision: r.geoPrecision,
    import_job_id: r.importJobId,
    created_by_member_id: r.createdByMemberId,
    updated_by_member_id: r.updatedByMemberId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    deleted_at: iso(r.deletedAt),
  };
}
export type RecordJson = ReturnType<typeof toRecordJson>;

type MemberRow = typeof members.$inferSelect;
/** Who did something (history, comments): the member's public fields, or null when gone. */
export function memberInfo(m: Pick<MemberRow, "id" | "email" | "fullName" | "displayName" | "avatarUrl"> | null | undefined) {
  if (!m?.id) return null;
  return { id: m.id, email: m.email, full_name: m.fullName, display_name: m.displayName, avatar_url: m.avatarUrl };
}
