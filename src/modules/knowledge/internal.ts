import { type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { isUuid } from "../../platform/ids";
import { JobReporter } from "../../platform/jobs/service";
import { jobs } from "../../platform/jobs/tables";
import type { DocumentRow } from "../documents/access";

/** Queue message (IMPORTS_QUEUE) of a workspace-wide re-index: queues one document.index per document. */
export const REINDEX_MESSAGE = "knowledge.reindex";
/** Job kind (control jobs table) of a workspace-wide re-index. */
export const REINDEX_JOB = "knowledge.reindex";

/**
 * Deliveries of one index message before its document is failed for good. The imports queue
 * retries 5 times (6 deliveries); failing on the 5th leaves a spare, so a document never ends
 * in the dead-letter queue while still showing "indexing".
 */
export const INDEX_MAX_ATTEMPTS = 5;

/** SQL literal of a vector for `::real[]` (numbers only, so nothing to escape). */
export const vectorLiteral = (v: number[]) => `{${v.map((x) => (Number.isFinite(x) ? x : 0)).join(",")}}`;

/** `= any(array[…])` over uuids/texts: drizzle expands a JS array into a parameter list, not an array. */
export const anyOf = (values: string[], type: "uuid" | "text"): SQL =>
  sql`any(array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::${sql.raw(type)}[])`;

/** A unit vector (the index stores unit length, so cosine distance is 1 − dot product). */
export function unit(v: number[]): number[] {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return n > 0 ? v.map((x) => x / n) : v;
}

export function indexStatusJson(d: DocumentRow, chunks: { version: number; count: number }[]) {
  const indexedChunks = chunks.find((c) => c.version === d.indexedVersion)?.count ?? 0;
  return {
    document_id: d.id,
    index_status: d.indexStatus,
    index_error: d.indexError,
    current_version: d.currentVersion,
    indexed_version: d.indexedVersion,
    stale: d.currentVersion > 0 && (d.indexedVersion ?? 0) < d.currentVersion,
    indexed_at: d.indexedAt ? d.indexedAt.toISOString() : null,
    chunk_count: indexedChunks,
    versions_indexed: chunks.map((c) => ({ version: c.version, chunk_count: c.count })),
    status: d.status,
    status_error: d.statusError,
  };
}

/**
 * Counts one document of a job (bulk upload or re-index) as indexed or failed. The count lives
 * in the job's control row and is incremented atomically there (concurrent consumers); a job
 * whose result names a `total` completes when the counts reach it.
 */
export async function countJobDocument(ctx: ServiceContext, jobId: string, outcome: "indexed" | "failed" | "skipped"): Promise<void> {
  if (!isUuid(jobId)) return;
  const r = await ctx.control.execute<{ result: Record<string, unknown> | null }>(sql`
    update ${jobs} set
      result = coalesce(result, '{}'::jsonb) || jsonb_build_object(${outcome}::text, coalesce((result->>${outcome})::int, 0) + 1),
      updated_at = now()
    where id = ${jobId} and status not in ('COMPLETED', 'FAILED')
    returning result`);
  const row = r.rows[0];
  if (row) await reportJob(ctx, jobId, row.result ?? {});
}

/**
 * Fixes a job's `total` once every document has been queued (documents deleted meanwhile are
 * not waited for), and completes it if the counts are already there.
 */
export async function setJobTotal(ctx: ServiceContext, jobId: string, total: number): Promise<void> {
  const r = await ctx.control.execute<{ result: Record<string, unknown> | null }>(sql`
    update ${jobs} set result = coalesce(result, '{}'::jsonb) || jsonb_build_object('total', ${total}::int), updated_at = now()
    where id = ${jobId} and status not in ('COMPLETED', 'FAILED')
    returning result`);
  const row = r.rows[0];
  if (row) await reportJob(ctx, jobId, row.result ?? {});
}

async function reportJob(ctx: ServiceContext, jobId: string, res: Record<string, unknown>): Promise<void> {
  const n = (k: string) => Number(res[k] ?? 0);
  // `total` is known once every document is queued; until then progress uses the count made at the start.
  const known = res.total !== undefined;
  const total = known ? n("total") : n("estimated_total");
  const done = n("indexed") + n("failed") + n("skipped");
  const message = `Indexed ${n("indexed")} of ${total} documents${n("failed") ? `; ${n("failed")} failed` : ""}`;
  const reporter = new JobReporter(ctx, jobId);
  if (known && done >= total) {
    await reporter.update({ status: "COMPLETED", progress: 100, step: "completed", message, result: res });
  } else {
    // No `result` here: writing it would overwrite a concurrent worker's increment.
    const progress = total > 0 ? Math.min(99, Math.floor((100 * done) / total)) : 0;
    await reporter.update({ status: "RUNNING", progress, step: "indexing", message, unlessFinished: true });
  }
}
