import { and, count, desc, eq, max, min, sql } from "drizzle-orm";
import { z } from "zod";
import type { QueueMessage } from "../../../../queues";
import { DEFAULT_MODELS } from "../../../platform/ai";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { notFound, ServiceError } from "../../../platform/errors";
import { atLeast } from "../../../platform/identity/roles";
import { uuidv7 } from "../../../platform/ids";
import { createJob, getJob, JobReporter, streamJob } from "../../../platform/jobs/service";
import { bindSystemWorkspace } from "../../../platform/tenancy/resolve";
import { getDocumentForActor, visibleDocumentsSql } from "../../documents/access";
import { queueIndexing } from "../../documents/internal";
import { documents } from "../../documents/tables";
import { indexStatusJson, REINDEX_JOB, REINDEX_MESSAGE, setJobTotal } from "../internal";
import { EMBEDDING_DIMENSIONS, knowledgeChunks } from "../tables";
import { indexableDocuments } from "./indexer";

const ReindexMessageSchema = z.object({
  type: z.literal(REINDEX_MESSAGE),
  request_id: z.string().optional(),
  workspace_id: z.uuid(),
  job_id: z.uuid(),
  after: z.uuid().nullable().optional(),
  /** Documents queued by the pages before this one. */
  queued: z.number().int().min(0).optional(),
});

/** Documents queued per reindex message; the next page goes in a continuation message. */
const REINDEX_PAGE = 200;

async function chunkCounts(ctx: ServiceContext, documentId: string) {
  const rows = await ctx.db
    .select({ version: knowledgeChunks.versionNumber, count: count() })
    .from(knowledgeChunks)
    .where(eq(knowledgeChunks.documentId, documentId))
    .groupBy(knowledgeChunks.versionNumber)
    .orderBy(knowledgeChunks.versionNumber);
  return rows.map((r) => ({ version: r.version, count: Number(r.count) }));
}

/** GET …/index: the document's index status, indexed versions and chunk counts, error. Needs view access. */
export async function getIndexStatus(ctx: ServiceContext, documentId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "view");
  return indexStatusJson(document, await chunkCounts(ctx, document.id));
}

function requireFile(d: { currentVersion: number }) {
  if (d.currentVersion < 1) throw new ServiceError("conflict", "The document has no file to index (metadata only)");
}

/** POST …/reindex: queues the current version again (chunks are rebuilt; the old ones serve until then). Needs edit access. */
export async function reindexDocument(ctx: ServiceContext, documentId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "edit");
  requireFile(document);
  if (document.indexStatus === "queued" || document.indexStatus === "extracting" || document.indexStatus === "indexing") {
    throw new ServiceError("conflict", `The document is already being indexed (${document.indexStatus})`);
  }
  await queueIndexing(ctx, document.id, document.currentVersion);
  return getIndexStatus(ctx, document.id);
}

/** POST …/retry: only a failed index is retried (anything else is a 409 saying why). Needs edit access. */
export async function retryDocument(ctx: ServiceContext, documentId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "edit");
  requireFile(document);
  if (document.indexStatus !== "failed") {
    throw new ServiceError("conflict", `Only a failed index can be retried; this one is ${document.indexStatus}`);
  }
  await ctx.db.update(documents).set({ status: "processing", statusError: null }).where(eq(documents.id, document.id));
  await queueIndexing(ctx, document.id, document.currentVersion);
  return getIndexStatus(ctx, document.id);
}

function workspaceOf(ctx: ServiceContext) {
  if (!ctx.workspace) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  return ctx.workspace;
}

/**
 * POST /knowledge/reindex (owners and admins): a job that re-indexes every document with a file.
 * The job counts the documents now (its `total`); one queue message pages through them and
 * queues a document.index per document with the job id; each finished document advances it.
 */
export async function reindexWorkspace(ctx: ServiceContext) {
  const ws = workspaceOf(ctx);
  if (!atLeast(ws.role, "admin")) throw new ServiceError("forbidden", "Only workspace owners and admins can re-index the workspace");
  const [n] = await ctx.db.select({ n: count() }).from(documents).where(sql`${documents.currentVersion} > 0`);
  const total = Number(n?.n ?? 0);
  const jobId = await createJob(ctx, { kind: REINDEX_JOB, userId: actorUserId(ctx), workspaceId: ws.id });
  const reporter = new JobReporter(ctx, jobId);
  if (total === 0) {
    await reporter.update({
      status: "COMPLETED",
      progress: 100,
      step: "completed",
      message: "No documents to index",
      result: { total: 0 },
    });
    return { job_id: jobId, status: "COMPLETED" as const, total_documents: 0 };
  }
  await reporter.update({
    status: "QUEUED",
    progress: 0,
    step: "queued",
    message: `Re-indexing ${total} documents`,
    result: { estimated_total: total },
  });
  const message = { type: REINDEX_MESSAGE, request_id: ctx.requestId, workspace_id: ws.id, job_id: jobId, after: null };
  await reporter.send(ctx.env.IMPORTS_QUEUE, message);
  return { job_id: jobId, status: "QUEUED" as const, total_documents: total };
}

/** The IMPORTS_QUEUE consumer of `knowledge.reindex`: one page of documents queued, then the next page's message. */
export async function runReindexMessage(ctx: ServiceContext, body: QueueMessage): Promise<void> {
  const parsed = ReindexMessageSchema.safeParse(body);
  if (!parsed.success) throw new ServiceError("validation_error", `Malformed ${REINDEX_MESSAGE} message: ${parsed.error.message}`);
  const m = parsed.data;
  const job = await getJob(ctx, m.job_id, REINDEX_JOB).catch(() => null);
  if (!job || job.workspaceId !== m.workspace_id || job.status === "COMPLETED" || job.status === "FAILED") return;
  if (!(await bindSystemWorkspace(ctx, m.workspace_id))) {
    await new JobReporter(ctx, m.job_id).update({
      status: "FAILED",
      progress: 0,
      step: "failed",
      message: "The workspace is gone",
      error: "not_found",
    });
    return;
  }
  const page = await indexableDocuments(ctx, m.after ?? null, REINDEX_PAGE);
  if (!m.after) {
    await new JobReporter(ctx, m.job_id).update({
      status: "RUNNING",
      progress: 0,
      step: "indexing",
      message: "Re-indexing",
      unlessFinished: true,
    });
  }
  // A redelivered page re-queues the same documents: their messages skip what is already ready.
  for (const d of page) {
    await queueIndexing(ctx, d.id, d.version, m.job_id);
  }
  const queued = (m.queued ?? 0) + page.length;
  const last = page[page.length - 1];
  if (page.length === REINDEX_PAGE && last) {
    await ctx.env.IMPORTS_QUEUE.send({ ...m, request_id: uuidv7(), after: last.id, queued });
    return;
  }
  // The last page: the job waits for exactly the documents queued (some may have been deleted since it was counted).
  await setJobTotal(ctx, m.job_id, queued);
}

/** A re-index job of this workspace, visible to whoever started it and to owners/admins; else 404. */
async function visibleReindexJob(ctx: ServiceContext, jobId: string) {
  const ws = workspaceOf(ctx);
  const job = await getJob(ctx, jobId, REINDEX_JOB);
  const mine = job.userId === actorUserId(ctx) || atLeast(ws.role, "admin");
  if (job.workspaceId !== ws.id || !mine) throw notFound("Job");
  return job;
}

/** SSE progress of a re-index job (resumable by Last-Event-ID); closes after COMPLETED or FAILED. */
export async function streamReindexJob(ctx: ServiceContext, jobId: string, since: number, signal?: AbortSignal): Promise<Response> {
  await visibleReindexJob(ctx, jobId);
  return streamJob(ctx, jobId, since, signal);
}

const INDEX_STATUSES = ["none", "queued", "extracting", "indexing", "ready", "failed", "stale"] as const;

/**
 * GET /ai/rag/health. Without a workspace: the service and its embedding model. With one (the
 * X-Workspace-Id header): the index's freshness there: documents per index status, stale and
 * failed documents, the oldest queued document's age, when a document was last indexed, chunks.
 */
export async function ragHealth(ctx: ServiceContext) {
  const base = {
    status: "ok",
    rag_enabled: true,
    embedding_model: DEFAULT_MODELS.embeddings,
    embedding_dimensions: EMBEDDING_DIMENSIONS,
    message: "Hybrid retrieval (full-text and vector, fused) over the workspace's indexed documents.",
  };
  if (!ctx.workspace) return { ...base, index: null };
  // Counts are the workspace's; the documents listed by name are only those the caller can open.
  const visible = await visibleDocumentsSql(ctx);
  const [byStatus, [agg], [chunks], failedDocs, staleDocs] = await Promise.all([
    ctx.db
      .select({ status: documents.indexStatus, n: count() })
      .from(documents)
      .where(sql`${documents.currentVersion} > 0`)
      .groupBy(documents.indexStatus),
    ctx.db
      .select({
        oldestQueued: min(
          sql<Date>`case when ${documents.indexStatus} in ('queued', 'extracting', 'indexing') then ${documents.updatedAt} end`,
        ),
        lastIndexed: max(documents.indexedAt),
        stale: sql<number>`count(*) filter (where ${documents.currentVersion} > 0 and coalesce(${documents.indexedVersion}, 0) < ${documents.currentVersion})`,
      })
      .from(documents),
    ctx.db
      .select({ n: count(), models: sql<string[]>`array_remove(array_agg(distinct ${knowledgeChunks.embeddingModel}), null)` })
      .from(knowledgeChunks),
    ctx.db
      .select({ id: documents.id, title: documents.title, error: documents.indexError, at: documents.updatedAt })
      .from(documents)
      .where(and(eq(documents.indexStatus, "failed"), visible))
      .orderBy(desc(documents.updatedAt))
      .limit(20),
    ctx.db
      .select({
        id: documents.id,
        title: documents.title,
        current_version: documents.currentVersion,
        indexed_version: documents.indexedVersion,
        status: documents.indexStatus,
      })
      .from(documents)
      .where(
        and(sql`${documents.currentVersion} > 0`, sql`coalesce(${documents.indexedVersion}, 0) < ${documents.currentVersion}`, visible),
      )
      .orderBy(desc(documents.updatedAt))
      .limit(20),
  ]);
  const counts = Object.fromEntries(INDEX_STATUSES.map((s) => [s, 0])) as Record<(typeof INDEX_STATUSES)[number], number>;
  for (const r of byStatus) counts[r.status] = Number(r.n);
  const oldest = agg?.oldestQueued ? new Date(agg.oldestQueued) : null;
  const failed = counts.failed;
  const pending = counts.queued + counts.extracting + counts.indexing;
  return {
    ...base,
    status: failed > 0 ? "degraded" : "ok",
    index: {
      documents: Object.values(counts).reduce((a, b) => a + b, 0),
      by_status: counts,
      pending,
      stale: Number(agg?.stale ?? 0),
      failed,
      oldest_queued_age_seconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : null,
      last_indexed_at: agg?.lastIndexed ? new Date(agg.lastIndexed).toISOString() : null,
      chunks: Number(chunks?.n ?? 0),
      embedding_models: chunks?.models ?? [],
      failed_documents: failedDocs.map((d) => ({ id: d.id, title: d.title, error: d.error, updated_at: d.at.toISOString() })),
      stale_documents: staleDocs,
    },
  };
}
