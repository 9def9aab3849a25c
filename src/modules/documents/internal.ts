import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { iso } from "../../platform/openapi";
import { signDownloadUrl } from "../../platform/signed-urls";
import { documents } from "./tables";

/** Queue message (IMPORTS_QUEUE) that extracts and indexes one version of a document; the knowledge module consumes it. */
export const INDEX_MESSAGE = "document.index";

export interface IndexMessage {
  type: typeof INDEX_MESSAGE;
  request_id: string;
  workspace_id: string;
  document_id: string;
  version: number;
  /** Set when the message belongs to a bulk upload or re-index job (progress on JobProgress). */
  job_id?: string;
}

/**
 * Marks the document's index `queued` and sends the message. Called after the version's row is
 * committed; the consumer is idempotent per (document, version), so a redelivery changes nothing.
 */
export async function queueIndexing(ctx: ServiceContext, documentId: string, version: number, jobId?: string): Promise<void> {
  const workspaceId = ctx.workspace?.id;
  if (!workspaceId) throw new Error("queueIndexing needs a workspace");
  await ctx.db.update(documents).set({ indexStatus: "queued", indexError: null }).where(eq(documents.id, documentId));
  const msg: IndexMessage = {
    type: INDEX_MESSAGE,
    request_id: ctx.requestId,
    workspace_id: workspaceId,
    document_id: documentId,
    version,
    ...(jobId ? { job_id: jobId } : {}),
  };
  await ctx.env.IMPORTS_QUEUE.send(msg);
}

type DocumentRow = typeof documents.$inferSelect;

/** Signed links of document files live this long; every read mints a fresh one. */
export const DOCUMENT_URL_TTL_SECONDS = 15 * 60;

/** A fresh signed download URL of the document's current file, or nulls for a metadata-only one. */
export async function signedFileUrl(ctx: ServiceContext, d: Pick<DocumentRow, "storageKey">, download = false) {
  if (!d.storageKey) return { url: null, expires_at: null };
  return signDownloadUrl({
    secret: ctx.env.SIGNING_KEY,
    baseUrl: ctx.env.API_URL,
    key: d.storageKey,
    ttlSeconds: DOCUMENT_URL_TTL_SECONDS,
    download,
  });
}

/** The API shape of a document; `extra` is what the list/get queries select beside the row. */
export async function toDocument(ctx: ServiceContext, d: DocumentRow, extra: { isStarred: boolean; uploaderName: string | null }) {
  const signed = await signedFileUrl(ctx, d);
  return {
    id: d.id,
    title: d.title,
    description: d.description,
    category: d.category,
    tags: d.tags,
    folder_id: d.folderId,
    file_name: d.fileName,
    content_type: d.contentType,
    size_bytes: d.sizeBytes,
    current_version: d.currentVersion,
    status: d.status,
    status_error: d.statusError,
    index_status: d.indexStatus,
    index_error: d.indexError,
    indexed_version: d.indexedVersion,
    indexed_at: iso(d.indexedAt),
    agent_ids: d.agentIds,
    source_type: d.sourceType,
    source_id: d.sourceId,
    uploaded_by_member_id: d.uploadedByMemberId,
    uploaded_by_name: extra.uploaderName,
    is_starred: extra.isStarred,
    access_count: d.accessCount,
    last_accessed_at: iso(d.lastAccessedAt),
    ai_summary: d.aiSummary,
    url: signed.url,
    url_expires_at: signed.expires_at,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

/** R2 key of one stored version: documents/<document>/v<n>/<safe file name>. */
export const versionKey = (documentId: string, version: number, fileName: string) => `documents/${documentId}/v${version}/${fileName}`;
