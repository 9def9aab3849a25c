import { and, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { QueueMessage } from "../../../../queues";
import { embed } from "../../../platform/ai";
import { MAX_EMBEDDING_INPUTS } from "../../../platform/ai/media";
import type { ServiceContext } from "../../../platform/context";
import { isServiceError, ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { uuidv7 } from "../../../platform/ids";
import { bindSystemWorkspace } from "../../../platform/tenancy/resolve";
import { INDEX_MESSAGE } from "../../documents/internal";
import { documents, documentVersions } from "../../documents/tables";
import { countJobDocument, INDEX_MAX_ATTEMPTS, unit } from "../internal";
import { EMBEDDING_DIMENSIONS, knowledgeChunks } from "../tables";
import { type Chunk, chunkSections } from "./chunk";
import { extractSections, UnreadableFileError } from "./extract";

const IndexMessageSchema = z.object({
  type: z.literal(INDEX_MESSAGE),
  request_id: z.string().optional(),
  workspace_id: z.uuid(),
  document_id: z.uuid(),
  version: z.number().int().min(1),
  job_id: z.uuid().optional(),
});

/** Texts per embeddings call: well under the gateway's cap, so one request stays small. */
const EMBED_BATCH = Math.min(64, MAX_EMBEDDING_INPUTS);
/** Chunk rows per INSERT (each carries a 256-number vector). */
const INSERT_BATCH = 100;

/** What the embedding model sees of a chunk: its heading path gives short chunks their context. */
const embeddingInput = (c: Chunk) => (c.section ? `${c.section}\n\n${c.content}` : c.content);

async function setStatus(ctx: ServiceContext, documentId: string, version: number, set: Partial<typeof documents.$inferInsert>) {
  // Only while this version is still the current one: a newer upload owns the status then.
  await ctx.db
    .update(documents)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(documents.id, documentId), eq(documents.currentVersion, version)));
}

/** Ends the document's indexing as failed with a reason the API shows (index_error and status_error). */
async function fail(ctx: ServiceContext, documentId: string, version: number, reason: string) {
  await setStatus(ctx, documentId, version, { indexStatus: "failed", indexError: reason, status: "failed", statusError: reason });
}

/**
 * The IMPORTS_QUEUE consumer of `document.index`: extract the version's text from R2, chunk it,
 * embed the chunks through the gateway, store them, and mark the index ready. Idempotent per
 * (document, version): a version already indexed is skipped, and chunks are written as
 * delete-then-insert in one transaction, so a redelivery never duplicates them.
 *
 * Files that cannot be read fail the document with a reason (no retry). Provider failures are
 * retried by the queue with backoff (the error is rethrown) until INDEX_MAX_ATTEMPTS, then the
 * document is failed: it never stays "indexing".
 */
export async function runIndexMessage(ctx: ServiceContext, body: QueueMessage, attempt: number): Promise<void> {
  const parsed = IndexMessageSchema.safeParse(body);
  if (!parsed.success) throw new ServiceError("validation_error", `Malformed ${INDEX_MESSAGE} message: ${parsed.error.message}`);
  const m = parsed.data;
  if (!(await bindSystemWorkspace(ctx, m.workspace_id))) return;
  const outcome = await indexVersion(ctx, m.document_id, m.version, attempt);
  if (m.job_id && outcome !== "already") await countJobDocument(ctx, m.job_id, outcome);
}

type Outcome = "indexed" | "failed" | "skipped" | "already";

export async function indexVersion(ctx: ServiceContext, documentId: string, version: number, attempt = 1): Promise<Outcome> {
  const [doc] = await ctx.db.select().from(documents).where(eq(documents.id, documentId)).limit(1);
  if (!doc) return "skipped"; // deleted meanwhile
  // A newer version was uploaded: its own message indexes it.
  if (version < doc.currentVersion) return "skipped";
  if (doc.indexedVersion === version && doc.indexStatus === "ready") return "already";
  const [ver] = await ctx.db
    .select()
    .from(documentVersions)
    .where(and(eq(documentVersions.documentId, documentId), eq(documentVersions.versionNumber, version)))
    .limit(1);
  if (!ver) return "skipped";

  try {
    await setStatus(ctx, documentId, version, { indexStatus: "extracting", indexError: null, status: "processing", statusError: null });
    const { sections, truncated } = await extractSections(ctx.env.FILES, {
      key: ver.storageKey,
      fileName: ver.fileName,
      contentType: ver.contentType,
    });
    const chunks = chunkSections(sections);
    await setStatus(ctx, documentId, version, { indexStatus: "indexing" });
    const vectors: number[][] = [];
    let model = "";
    for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
      const batch = chunks.slice(i, i + EMBED_BATCH);
      const r = await embed(ctx, { input: batch.map(embeddingInput), operation: "knowledge_index", dimensions: EMBEDDING_DIMENSIONS });
      if (r.vectors.some((v) => v.length !== EMBEDDING_DIMENSIONS)) {
        throw new ServiceError(
          "ai_provider_error",
          `The embedding model ${r.model} returned vectors that are not ${EMBEDDING_DIMENSIONS} long`,
        );
      }
      vectors.push(...r.vectors.map(unit));
      model = r.model;
    }
    await storeChunks(ctx, documentId, version, chunks, vectors, model);
    const note = truncated ? "The text was longer than the index keeps; only its beginning is indexed" : null;
    await ctx.db.transaction(async (tx) => {
      const [d] = await tx
        .update(documents)
        .set({
          indexedVersion: version,
          indexedAt: new Date(),
          indexStatus: sql`case when ${documents.currentVersion} = ${version} then 'ready' else ${documents.indexStatus} end`,
          indexError: sql`case when ${documents.currentVersion} = ${version} then ${note}::text else ${documents.indexError} end`,
          status: sql`case when ${documents.currentVersion} = ${version} then 'processed' else ${documents.status} end`,
          statusError: sql`case when ${documents.currentVersion} = ${version} then null else ${documents.statusError} end`,
          updatedAt: new Date(),
        })
        .where(eq(documents.id, documentId))
        .returning({ title: documents.title });
      if (d) {
        await emitEvent(ctx, tx, "document.indexed", { document: { id: documentId, title: d.title, version, chunks: chunks.length } });
      }
    });
    // Older versions' chunks go once this one serves (retrieval reads only indexed_version's).
    await ctx.db.delete(knowledgeChunks).where(and(eq(knowledgeChunks.documentId, documentId), ne(knowledgeChunks.versionNumber, version)));
    return "indexed";
  } catch (e) {
    if (e instanceof UnreadableFileError) {
      await fail(ctx, documentId, version, e.message);
      return "failed";
    }
    const retryable = !isServiceError(e) || e.retryable;
    if (!retryable || attempt >= INDEX_MAX_ATTEMPTS) {
      const why = isServiceError(e) ? e.message : "an internal error";
      const reason = retryable ? `Indexing failed after ${attempt} attempts: ${why}` : `Indexing failed: ${why}`;
      await fail(ctx, documentId, version, reason).catch(() => {});
      return "failed";
    }
    // Back to the queue (the dispatcher retries with backoff); the document says so meanwhile.
    await setStatus(ctx, documentId, version, {
      indexStatus: "queued",
      indexError: `Attempt ${attempt} failed (${isServiceError(e) ? e.message : "internal error"}); retrying`,
    }).catch(() => {});
    throw e;
  }
}

/** Replaces the version's chunks in one transaction (delete, then insert): a redelivery rewrites, never duplicates. */
async function storeChunks(ctx: ServiceContext, documentId: string, version: number, chunks: Chunk[], vectors: number[][], model: string) {
  await ctx.db.transaction(async (tx) => {
    // Two deliveries of the same version at once take turns (the second rewrites the first's rows).
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`knowledge:${documentId}:${version}`}, 0))`);
    await tx.delete(knowledgeChunks).where(and(eq(knowledgeChunks.documentId, documentId), eq(knowledgeChunks.versionNumber, version)));
    for (let i = 0; i < chunks.length; i += INSERT_BATCH) {
      await tx.insert(knowledgeChunks).values(
        chunks.slice(i, i + INSERT_BATCH).map((c, j) => ({
          id: uuidv7(),
          documentId,
          versionNumber: version,
          chunkIndex: c.index,
          section: c.section,
          page: c.page,
          content: c.content,
          tokenCount: c.tokens,
          embedding: vectors[i + j] ?? null,
          embeddingModel: model || null,
        })),
      );
    }
  });
}

/** Documents of the workspace that have a stored file, for a workspace-wide re-index. */
export async function indexableDocuments(ctx: ServiceContext, afterId: string | null, limit: number) {
  return ctx.db
    .select({ id: documents.id, version: documents.currentVersion })
    .from(documents)
    .where(and(sql`${documents.currentVersion} > 0`, afterId ? sql`${documents.id} > ${afterId}` : undefined))
    .orderBy(documents.id)
    .limit(limit);
}
