import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { getDocumentForActor, seesAllDocuments } from "../access";
import type { BulkDeleteDocuments, DocumentStatusQuery, DocumentUpdate } from "../schemas";
import { documents, documentVersions } from "../tables";
import { documentView } from "./crud";

/** PUT /documents/{id}: metadata only (the file changes through versions). Needs the edit rule. */
export async function updateDocument(ctx: ServiceContext, documentId: string, input: DocumentUpdate) {
  const { document, memberId } = await getDocumentForActor(ctx, documentId, "edit");
  const set: Partial<typeof documents.$inferInsert> = {};
  if (input.title !== undefined) set.title = input.title;
  if (input.description !== undefined) set.description = input.description;
  if (input.category !== undefined) set.category = input.category;
  if (input.tags !== undefined) set.tags = [...new Set(input.tags)];
  if (input.folder_id !== undefined) set.folderId = input.folder_id;
  if (input.agent_ids !== undefined) set.agentIds = input.agent_ids === null ? null : [...new Set(input.agent_ids)];
  if (Object.keys(set).length > 0) await ctx.db.update(documents).set(set).where(eq(documents.id, document.id));
  return documentView(ctx, document.id, memberId);
}

/** Every R2 object the document owns: each version's, and the current one (a metadata row may carry one without versions). */
async function objectKeysOf(ctx: ServiceContext, document: typeof documents.$inferSelect): Promise<string[]> {
  const rows = await ctx.db
    .select({ key: documentVersions.storageKey })
    .from(documentVersions)
    .where(eq(documentVersions.documentId, document.id));
  return [...new Set([...rows.map((r) => r.key), ...(document.storageKey ? [document.storageKey] : [])])];
}

/** Deletes the row (links, versions, shares, stars and relationships go with it) and then every stored object. */
async function removeDocument(ctx: ServiceContext, document: typeof documents.$inferSelect) {
  const keys = await objectKeysOf(ctx, document);
  await ctx.db.delete(documents).where(eq(documents.id, document.id));
  // R2 deletes up to 1000 keys per call.
  for (let i = 0; i < keys.length; i += 1000) await ctx.env.FILES.delete(keys.slice(i, i + 1000));
}

/** DELETE /documents/{id}: the delete rule (can_delete_document, or own with can_delete_own_document). */
export async function deleteDocument(ctx: ServiceContext, documentId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "delete");
  await removeDocument(ctx, document);
}

/**
 * POST /documents/bulk-delete: each id on its own, with the seed's rule (the same as a single
 * delete). Ids the caller cannot see, and ids of nothing, are both reported as not_found, so the
 * answer never confirms a hidden document exists.
 */
export async function bulkDeleteDocuments(ctx: ServiceContext, input: BulkDeleteDocuments) {
  const results: { document_id: string; status: "deleted" | "not_found" | "forbidden"; detail: string | null }[] = [];
  for (const id of [...new Set(input.document_ids)]) {
    try {
      const { document } = await getDocumentForActor(ctx, id, "delete");
      await removeDocument(ctx, document);
      results.push({ document_id: id, status: "deleted", detail: null });
    } catch (e) {
      if (!(e instanceof ServiceError) || (e.code !== "not_found" && e.code !== "forbidden")) throw e;
      results.push({ document_id: id, status: e.code, detail: e.message });
    }
  }
  const deleted = results.filter((r) => r.status === "deleted").length;
  return { deleted_count: deleted, failed_count: results.length - deleted, results };
}

/**
 * PUT /documents/{id}/status: what processing jobs report. Atrium's own jobs call this verb
 * directly (a system actor); over HTTP only workspace admins and owners may (people or their API
 * keys): a status is what every reader trusts, so members cannot set it even on their own
 * documents. An error text goes with `failed` only.
 */
export async function setDocumentStatus(ctx: ServiceContext, documentId: string, q: DocumentStatusQuery) {
  if (!isUuid(documentId)) throw new ServiceError("not_found", "Document not found");
  if (ctx.actor.kind !== "system") {
    // Visible first: a 403 must not confirm a document someone cannot see.
    await getDocumentForActor(ctx, documentId, "view");
    if (!seesAllDocuments(ctx))
      throw new ServiceError("forbidden", "Only workspace admins and owners (or processing jobs) can set a document's status");
  }
  if (q.error !== undefined && q.status !== "failed") {
    throw new ServiceError("validation_error", "error goes with status=failed only", {
      issues: [{ loc: ["query", "error"], msg: "error goes with status=failed only", type: "value_error" }],
    });
  }
  const [row] = await ctx.db
    .update(documents)
    .set({ status: q.status, statusError: q.status === "failed" ? (q.error ?? null) : null })
    .where(eq(documents.id, documentId))
    .returning({ id: documents.id, status: documents.status, statusError: documents.statusError, updatedAt: documents.updatedAt });
  if (!row) throw new ServiceError("not_found", "Document not found");
  return { id: row.id, status: row.status, status_error: row.statusError, updated_at: row.updatedAt.toISOString() };
}
