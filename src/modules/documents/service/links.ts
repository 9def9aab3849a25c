import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { currentMember } from "../../members/service";
import { getDocumentForActor, visibleDocumentsSql } from "../access";
import { toDocument } from "../internal";
import type { LinkCreate } from "../schemas";
import { documentLinks, documents, type LinkEntityType } from "../tables";
import { selectDocuments } from "./crud";
import { type EntityRef, type EntityType, visibleEntity, visibleEntityNames } from "./entities";

type LinkRow = typeof documentLinks.$inferSelect;

/** Links a document may have at most (lists are read whole). */
export const MAX_LINKS = 500;

function toLink(l: LinkRow, ref: EntityRef | undefined) {
  return {
    id: l.id,
    document_id: l.documentId,
    entity_type: l.entityType,
    entity_id: l.entityId,
    is_primary: l.isPrimary,
    note: l.note,
    // null when the caller cannot see the target: its name is not theirs to read.
    entity_name: ref?.name ?? null,
    entity_url: ref?.url ?? null,
    accessible: ref !== undefined,
    created_by_member_id: l.createdByMemberId,
    created_at: l.createdAt.toISOString(),
  };
}

/** 422 on a body field naming something that does not exist or that the caller cannot see. */
export async function visibleTarget(ctx: ServiceContext, type: EntityType, id: string, loc: (string | number)[]): Promise<EntityRef> {
  try {
    return await visibleEntity(ctx, type, id);
  } catch (e) {
    if (e instanceof ServiceError && e.code === "not_found") {
      throw new ServiceError("validation_error", `${e.message}, or not visible to you`, {
        issues: [{ loc: ["body", ...loc], msg: `${e.message}, or not visible to you`, type: "value_error" }],
      });
    }
    throw e;
  }
}

/** Whoever sees the document: its links, primary first, with the targets' names where the caller may see them. */
export async function listDocumentLinks(ctx: ServiceContext, documentId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "view");
  const rows = await ctx.db
    .select()
    .from(documentLinks)
    .where(eq(documentLinks.documentId, document.id))
    .orderBy(desc(documentLinks.isPrimary), asc(documentLinks.createdAt), asc(documentLinks.id))
    .limit(MAX_LINKS);
  const names = await visibleEntityNames(
    ctx,
    rows.map((r) => ({ type: r.entityType, id: r.entityId })),
  );
  return rows.map((r) => toLink(r, names.get(`${r.entityType}:${r.entityId}`)));
}

/**
 * Linking widens who sees the document (everyone who sees the target), so it needs the edit
 * rule on the document and sight of the target. Linking twice returns the existing link.
 */
export async function createDocumentLink(ctx: ServiceContext, documentId: string, input: LinkCreate) {
  const { document, memberId } = await getDocumentForActor(ctx, documentId, "edit");
  const target = await visibleTarget(ctx, input.entity_type, input.entity_id, ["entity_id"]);
  const count = await ctx.db.$count(documentLinks, eq(documentLinks.documentId, document.id));
  if (count >= MAX_LINKS) throw new ServiceError("conflict", `A document can have at most ${MAX_LINKS} links`);
  await ctx.db
    .insert(documentLinks)
    .values({
      documentId: document.id,
      entityType: input.entity_type,
      entityId: target.id,
      note: input.note ?? null,
      createdByMemberId: memberId,
    })
    .onConflictDoNothing();
  const [row] = await ctx.db
    .select()
    .from(documentLinks)
    .where(
      and(
        eq(documentLinks.documentId, document.id),
        eq(documentLinks.entityType, input.entity_type),
        eq(documentLinks.entityId, target.id),
      ),
    )
    .limit(1);
  return toLink(row as LinkRow, target);
}

/** The edit rule on the document; the primary link (where it was uploaded) stays: 409. */
export async function deleteDocumentLink(ctx: ServiceContext, documentId: string, linkId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "edit");
  const [link] = isUuid(linkId)
    ? await ctx.db
        .select()
        .from(documentLinks)
        .where(and(eq(documentLinks.id, linkId), eq(documentLinks.documentId, document.id)))
        .limit(1)
    : [];
  if (!link) throw new ServiceError("not_found", "Link not found");
  if (link.isPrimary) {
    throw new ServiceError("conflict", "The primary link (where the document was uploaded) cannot be deleted; delete the document instead");
  }
  await ctx.db.delete(documentLinks).where(eq(documentLinks.id, link.id));
  return { message: "Link deleted" };
}

/**
 * GET /documents/entity/{type}/{id}: documents linked to an entity the caller can see (else
 * 404), and among them only the documents the caller can see (the one visibility rule), newest
 * link first.
 */
export async function documentsForEntity(
  ctx: ServiceContext,
  type: LinkEntityType,
  entityId: string,
  page: { skip: number; limit: number },
) {
  const target = await visibleEntity(ctx, type, entityId);
  const [me, visible] = await Promise.all([currentMember(ctx), visibleDocumentsSql(ctx)]);
  const linked = sql`exists (select 1 from document_links dl where dl.document_id = "documents"."id"
    and dl.entity_type = ${type} and dl.entity_id = ${target.id})`;
  const cond = visible ? and(linked, visible) : linked;
  const [rows, total] = await Promise.all([
    selectDocuments(ctx, me.id).where(cond).orderBy(desc(documents.createdAt), desc(documents.id)).offset(page.skip).limit(page.limit),
    ctx.db.$count(documents, cond),
  ]);
  const links = rows.length
    ? await ctx.db
        .select()
        .from(documentLinks)
        .where(
          and(
            eq(documentLinks.entityType, type),
            eq(documentLinks.entityId, target.id),
            inArray(
              documentLinks.documentId,
              rows.map((r) => r.d.id),
            ),
          ),
        )
    : [];
  const linkOf = new Map(links.map((l) => [l.documentId, l]));
  const items = await Promise.all(
    rows.map(async (r) => {
      const l = linkOf.get(r.d.id) as LinkRow;
      return {
        ...(await toDocument(ctx, r.d, r)),
        link: { id: l.id, is_primary: l.isPrimary, note: l.note, created_at: l.createdAt.toISOString() },
      };
    }),
  );
  return { entity_type: type, entity_id: target.id, entity_name: target.name, items, total, skip: page.skip, limit: page.limit };
}
