import { eq, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { ROLE_RANK } from "../../platform/identity/roles";
import { isUuid } from "../../platform/ids";
import { visibleChannelIdsSql } from "../channels/internal";
import { currentMember } from "../members/service";
import { myPermissions, type Permission } from "../permissions/service";
import { visibleRecordsetIdsSql } from "../recordsets/internal";
import { visibleTasksSql } from "../tasks/internal";
import { myTeamIds } from "../teams/service";
import { documents } from "./tables";

export type DocumentRow = typeof documents.$inferSelect;
export type DocumentNeed = "view" | "edit" | "delete";

/** Workspace owners and admins see every document (the seed's rule). */
export const seesAllDocuments = (ctx: ServiceContext) => ROLE_RANK[ctx.workspace?.role ?? "viewer"] >= ROLE_RANK.admin;

/**
 * THE visibility rule of documents, as SQL over `documents` (spelled with the table name so it
 * also works inside subqueries and joins). Lists, search, stats, the reverse lookup and
 * knowledge retrieval all filter with it, so a document is never shown (or cited) to someone
 * who could not open it. Undefined = sees all.
 *
 * Owners/admins see all. Others see what they uploaded, and, with can_view_document, documents
 * linked to something they can see: a channel they can view, a task they can open, a record in
 * a recordset they can view, that recordset, a goal they can see, or themselves (member links).
 * Each part is the owning module's own rule as SQL (channels, tasks, recordsets, goals).
 */
export async function visibleDocumentsSql(ctx: ServiceContext): Promise<SQL | undefined> {
  if (seesAllDocuments(ctx)) return undefined;
  const [me, teamIds, perms] = await Promise.all([currentMember(ctx), myTeamIds(ctx), myPermissions(ctx)]);
  const mine = sql`"documents"."uploaded_by_member_id" = ${me.id}`;
  if (!perms.has("can_view_document")) return mine;
  const channelIds = visibleChannelIdsSql({
    memberId: me.id,
    teamIds,
    manageAll: perms.has("can_manage_channel"),
    viewPublic: perms.has("can_view_channel"),
  });
  const tasksVisible = (await visibleTasksSql(ctx)) ?? sql`true`;
  const goalsVisible = perms.has("can_view_goal") ? sql`true` : sql`(g.owner_member_id = ${me.id} or g.created_by_member_id = ${me.id})`;
  const recordsets = visibleRecordsetIdsSql(ctx);
  return sql`(${mine} or exists (
    select 1 from document_links dl where dl.document_id = "documents"."id" and (
      (dl.entity_type = 'channel' and ${channelIds ? sql`dl.entity_id in (${channelIds})` : sql`true`})
      or (dl.entity_type = 'task' and ${perms.has("can_view_action") ? sql`exists (select 1 from tasks where tasks.id = dl.entity_id and ${tasksVisible})` : sql`false`})
      or (dl.entity_type = 'record' and exists (
        select 1 from records rec where rec.id = dl.entity_id and rec.status <> 'deleted' and rec.recordset_id in (${recordsets})))
      or (dl.entity_type = 'recordset' and dl.entity_id in (${recordsets}))
      or (dl.entity_type = 'goal' and exists (select 1 from goals g where g.id = dl.entity_id and ${goalsVisible}))
      or (dl.entity_type = 'member' and dl.entity_id = ${me.id})
    )
  ))`;
}

/**
 * Fetch-or-404 with the caller's access: invisible documents (and other workspaces' ids) are
 * 404. Visible but not allowed to `need` is 403: edit needs can_edit_document, or
 * can_edit_own_document on a document they uploaded; delete likewise. Owners/admins may do all.
 */
export async function getDocumentForActor(
  ctx: ServiceContext,
  documentId: string,
  need: DocumentNeed = "view",
): Promise<{ document: DocumentRow; memberId: string }> {
  if (!isUuid(documentId)) throw new ServiceError("not_found", "Document not found");
  const visible = await visibleDocumentsSql(ctx);
  const where = visible ? sql`${eq(documents.id, documentId)} and ${visible}` : eq(documents.id, documentId);
  const [[document], me] = await Promise.all([ctx.db.select().from(documents).where(where).limit(1), currentMember(ctx)]);
  if (!document) throw new ServiceError("not_found", "Document not found");
  if (need !== "view" && !seesAllDocuments(ctx)) {
    const perms = await myPermissions(ctx);
    const own = document.uploadedByMemberId === me.id;
    const [any, mine]: [Permission, Permission] =
      need === "edit" ? ["can_edit_document", "can_edit_own_document"] : ["can_delete_document", "can_delete_own_document"];
    if (!perms.has(any) && !(own && perms.has(mine))) {
      throw new ServiceError("forbidden", `You need ${any}, or ${mine} on a document you uploaded`);
    }
  }
  return { document, memberId: me.id };
}
