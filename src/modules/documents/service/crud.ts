import { and, asc, count, desc, eq, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { uuidv7 } from "../../../platform/ids";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { requirePermission } from "../../permissions/service";
import { type DocumentRow, getDocumentForActor, visibleDocumentsSql } from "../access";
import { toDocument } from "../internal";
import type { DocumentCreate, ListDocumentsQuery } from "../schemas";
import { documentLinks, documents, documentVersions } from "../tables";
import { resolveLinkTarget } from "./targets";

const PROCESSING_STATUSES = new Set(["uploaded", "processing", "processed", "failed"]);
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Documents with what every read shows beside the row: the uploader's name and whether I starred it. */
export function selectDocuments(ctx: ServiceContext, memberId: string) {
  return ctx.db
    .select({
      d: documents,
      uploaderName: sql<string | null>`coalesce(${members.displayName}, ${members.fullName}, ${members.email})`,
      isStarred: sql<boolean>`exists (select 1 from document_stars s where s.document_id = "documents"."id" and s.member_id = ${memberId})`,
    })
    .from(documents)
    .leftJoin(members, eq(members.id, documents.uploadedByMemberId));
}

/** One document as the API shows it to the caller (already access-checked). */
export async function documentView(ctx: ServiceContext, documentId: string, memberId: string) {
  const [row] = await selectDocuments(ctx, memberId).where(eq(documents.id, documentId)).limit(1);
  if (!row) throw new Error(`document ${documentId} vanished`);
  return toDocument(ctx, row.d, row);
}

const SORT_COLUMNS = {
  created_at: documents.createdAt,
  updated_at: documents.updatedAt,
  title: documents.title,
  size_bytes: documents.sizeBytes,
  last_accessed_at: documents.lastAccessedAt,
  access_count: documents.accessCount,
} as const;

/** GET /documents: the visible documents, filtered, sorted and paged (skip/limit). */
export async function listDocuments(ctx: ServiceContext, q: ListDocumentsQuery) {
  const me = await currentMember(ctx);
  const where: SQL[] = [];
  const visible = await visibleDocumentsSql(ctx);
  if (visible) where.push(visible);
  if (q.search) {
    const p = `%${escapeLike(q.search)}%`;
    where.push(sql`(${documents.title} ilike ${p} or ${documents.description} ilike ${p} or ${documents.fileName} ilike ${p})`);
  }
  if (q.category) where.push(eq(documents.category, q.category));
  if (q.folder_id) where.push(eq(documents.folderId, q.folder_id));
  if (q.tags?.length) where.push(sql`${documents.tags} @> ${sql.param(q.tags)}::text[]`);
  if (q.status)
    where.push(PROCESSING_STATUSES.has(q.status) ? sql`${documents.status} = ${q.status}` : sql`${documents.indexStatus} = ${q.status}`);
  const starred = sql`exists (select 1 from document_stars s where s.document_id = "documents"."id" and s.member_id = ${me.id})`;
  if (q.starred === true) where.push(starred);
  if (q.starred === false) where.push(sql`not ${starred}`);
  const cond = where.length ? and(...where) : undefined;
  const dir = q.sort_order === "asc" ? asc : desc;
  const [rows, [total]] = await Promise.all([
    selectDocuments(ctx, me.id)
      .where(cond)
      .orderBy(sql`${dir(SORT_COLUMNS[q.sort_by])} nulls last`, dir(documents.id))
      .offset(q.skip)
      .limit(q.limit),
    ctx.db.select({ n: count() }).from(documents).where(cond),
  ]);
  return {
    items: await Promise.all(rows.map((r) => toDocument(ctx, r.d, r))),
    total: total?.n ?? 0,
    skip: q.skip,
    limit: q.limit,
  };
}

/** GET /documents/{id}: the document, counting the access (the seed's "record access"). */
export async function getDocument(ctx: ServiceContext, documentId: string) {
  const { document, memberId } = await getDocumentForActor(ctx, documentId, "view");
  await ctx.db
    .update(documents)
    .set({ accessCount: sql`${documents.accessCount} + 1`, lastAccessedAt: new Date(), updatedAt: document.updatedAt })
    .where(eq(documents.id, document.id));
  return documentView(ctx, document.id, memberId);
}

/** What a new document row needs; shared by metadata-only create and uploads. */
export interface NewDocument {
  id?: string;
  title: string;
  description?: string | null | undefined;
  category?: string | null | undefined;
  tags?: string[] | undefined;
  folderId?: string | null | undefined;
  agentIds?: string[] | null | undefined;
  link?: { type: DocumentCreate["entity_type"] & string; id: string } | undefined;
}

/**
 * Inserts the document (and its primary link) in `tx`; the link target was checked visible by
 * the caller. With a stored `file`, that file is version 1. Returns the row.
 */
export async function insertDocument(
  tx: ServiceContext["db"],
  memberId: string,
  input: NewDocument,
  file?: { fileName: string; contentType: string; sizeBytes: number; storageKey: string; sha256: string },
): Promise<DocumentRow> {
  const [row] = await tx
    .insert(documents)
    .values({
      id: input.id ?? uuidv7(),
      title: input.title,
      description: input.description ?? null,
      category: input.category ?? null,
      tags: input.tags ?? [],
      folderId: input.folderId ?? null,
      agentIds: input.agentIds ?? null,
      uploadedByMemberId: memberId,
      sourceType: input.link?.type ?? null,
      sourceId: input.link?.id ?? null,
      ...(file
        ? {
            fileName: file.fileName,
            contentType: file.contentType,
            sizeBytes: file.sizeBytes,
            storageKey: file.storageKey,
            currentVersion: 1,
          }
        : {}),
    })
    .returning();
  const d = row as DocumentRow;
  if (file) await tx.insert(documentVersions).values({ documentId: d.id, versionNumber: 1, ...file, uploadedByMemberId: memberId });
  if (input.link) {
    await tx.insert(documentLinks).values({
      documentId: d.id,
      entityType: input.link.type as never,
      entityId: input.link.id,
      isPrimary: true,
      createdByMemberId: memberId,
    });
  }
  return d;
}

/** POST /documents: a metadata-only document (no file, nothing to index). Needs can_create_document. */
export async function createDocument(ctx: ServiceContext, input: DocumentCreate) {
  await requirePermission(ctx, "can_create_document");
  const me = await currentMember(ctx);
  const link = input.entity_type && input.entity_id ? { type: input.entity_type, id: input.entity_id } : undefined;
  if (link) await resolveLinkTarget(ctx, link.type as never, link.id);
  const d = await ctx.db.transaction((tx) =>
    insertDocument(tx, me.id, {
      title: input.title,
      description: input.description,
      category: input.category,
      tags: input.tags,
      folderId: input.folder_id,
      agentIds: input.agent_ids,
      link,
    }),
  );
  return documentView(ctx, d.id, me.id);
}
