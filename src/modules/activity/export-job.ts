import { and, count, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { QueueMessage } from "../../../queues";
import type { Bindings } from "../../env";
import type { ServiceContext } from "../../platform/context";
import { isServiceError, ServiceError } from "../../platform/errors";
import { getJob, JobReporter } from "../../platform/jobs/service";
import type { jobs } from "../../platform/jobs/tables";
import { resolveWorkspace } from "../../platform/tenancy/resolve";
import { findMemberByUser } from "../members/service";
import { members } from "../members/tables";
import { notify } from "../notifications/service";
import { notifications } from "../notifications/tables";
import { activityColumns, activityCsvLine, actorJoin, CSV_HEADER, csvLine, filterConditions, where } from "./internal";
import { ActivityFilters } from "./schemas";
import { activities } from "./tables";
import { viewerOfMember } from "./visibility";

/** jobs.kind and queue message type of activity exports. */
export const ACTIVITY_EXPORT_JOB = "activity.export";
/** Rows per export, at most (the newest ones are kept); output_data.truncated says when it was hit. */
export const EXPORT_MAX_ROWS = 100_000;
const PAGE_ROWS = 1000;
const CSV_TYPE = "text/csv; charset=utf-8";

export const exportKey = (workspaceId: string, jobId: string) => `reports/${workspaceId}/${jobId}.csv`;
const exportFilename = (j: { id: string; createdAt: Date }) =>
  `activity-export-${j.createdAt.toISOString().slice(0, 10)}-${j.id.slice(0, 8)}.csv`;
const downloadPath = (jobId: string) => `/api/v1/activity/export/jobs/${jobId}/download`;

export interface ActivityExportMessage extends QueueMessage {
  type: typeof ACTIVITY_EXPORT_JOB;
  job_id: string;
  workspace_id: string;
  /** The requester (control user id): the export runs with their membership and sees what they see. */
  user_id: string;
  member_id: string;
  filters: ActivityFilters;
}

const MessageSchema = z.object({
  type: z.literal(ACTIVITY_EXPORT_JOB),
  request_id: z.string().optional(),
  job_id: z.uuid(),
  workspace_id: z.uuid(),
  user_id: z.uuid(),
  member_id: z.uuid().optional(),
  filters: ActivityFilters,
});

type JobRow = typeof jobs.$inferSelect;

export function toExportJob(env: Pick<Bindings, "API_URL">, j: JobRow) {
  const r = j.result ?? {};
  const done = j.status === "COMPLETED" && typeof r.rows === "number";
  return {
    job_id: j.id,
    status: j.status,
    progress: j.progress,
    current_step: j.currentStep,
    message: j.message,
    error_message: j.errorMessage,
    output_data: done
      ? {
          download_url: typeof r.download_url === "string" ? r.download_url : `${env.API_URL}${downloadPath(j.id)}`,
          rows: r.rows as number,
          size_bytes: typeof r.size_bytes === "number" ? r.size_bytes : 0,
          filename: typeof r.filename === "string" ? r.filename : exportFilename(j),
          content_type: typeof r.content_type === "string" ? r.content_type : CSV_TYPE,
        }
      : null,
    created_at: j.createdAt.toISOString(),
    started_at: j.startedAt?.toISOString() ?? null,
    completed_at: j.finishedAt?.toISOString() ?? null,
  };
}

// R2 multipart: every part but the last must be at least 5 MiB and all of the same size.
const PART_BYTES = 5 * 1024 * 1024;
const enc = new TextEncoder();

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Writes an object to R2 without holding all of it: text is buffered and shipped as equal
 * 5 MiB multipart parts; an object that stays under one part is a single put.
 */
export class R2TextWriter {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private upload: R2MultipartUpload | undefined;
  private parts: R2UploadedPart[] = [];
  size = 0;

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly options: R2MultipartOptions,
    private readonly partBytes = PART_BYTES,
  ) {}

  async write(text: string): Promise<void> {
    const b = enc.encode(text);
    this.chunks.push(b);
    this.buffered += b.length;
    this.size += b.length;
    while (this.buffered >= this.partBytes) await this.shipPart();
  }

  private async shipPart(): Promise<void> {
    const all = concat(this.chunks, this.buffered);
    const part = all.slice(0, this.partBytes);
    const rest = all.slice(this.partBytes);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    this.upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, part));
  }

  async finish(): Promise<void> {
    const rest = concat(this.chunks, this.buffered);
    if (!this.upload) {
      await this.bucket.put(this.key, rest, this.options);
      return;
    }
    if (rest.length) this.parts.push(await this.upload.uploadPart(this.parts.length + 1, rest));
    await this.upload.complete(this.parts);
  }

  async abort(): Promise<void> {
    await this.upload?.abort().catch(() => {});
  }
}

/** Tells the requester once: a redelivered message after COMPLETED finds the notification made. */
async function notifyReady(ctx: ServiceContext, jobId: string, memberId: string, result: Record<string, unknown>): Promise<void> {
  const [already] = await ctx.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.recipientMemberId, memberId),
        eq(notifications.eventType, "export_ready"),
        sql`${notifications.data}->>'job_id' = ${jobId}`,
      ),
    )
    .limit(1);
  if (already) return;
  await notify(ctx, {
    recipients: [memberId],
    eventType: "export_ready",
    title: "Your activity export is ready",
    body: `${result.rows} activities, ${result.filename}`,
    link: `/api/v1/activity/export/jobs/${jobId}`,
    data: { job_id: jobId, download_url: result.download_url, rows: result.rows },
  });
}

/** A failed notification after the job is done: never turns the job into FAILED. */
class NotifyFailed extends Error {}

async function notifyOnce(ctx: ServiceContext, jobId: string, memberId: string, result: Record<string, unknown>): Promise<void> {
  try {
    await notifyReady(ctx, jobId, memberId, result);
  } catch (e) {
    // Retryable: the redelivery finds the job COMPLETED and only notifies. Otherwise give up on it.
    if (isServiceError(e) && !e.retryable) {
      console.error(JSON.stringify({ level: "error", msg: "export_ready notification failed", job_id: jobId, error: String(e) }));
      return;
    }
    throw new NotifyFailed("notification failed", { cause: e });
  }
}

/**
 * The REPORTS_QUEUE consumer of `activity.export`: writes the filtered feed as CSV to R2
 * (reports/<workspace>/<job>.csv), page by page in keyset order, reporting progress; then marks
 * the job COMPLETED with output_data and notifies the requester (export_ready).
 * Redelivery is safe: a finished job is not redone (only a missing notification is sent), an
 * interrupted one is redone from the start and overwrites the same object.
 */
export async function runActivityExport(ctx: ServiceContext, body: QueueMessage): Promise<void> {
  const parsed = MessageSchema.safeParse(body);
  if (!parsed.success) throw new ServiceError("validation_error", `Malformed ${ACTIVITY_EXPORT_JOB} message: ${parsed.error.message}`);
  const m = parsed.data;
  let job: JobRow;
  try {
    job = await getJob(ctx, m.job_id, ACTIVITY_EXPORT_JOB);
  } catch (e) {
    if (isServiceError(e) && e.code === "not_found") return; // the job is gone: nothing to do
    throw e;
  }
  if (job.workspaceId !== m.workspace_id || job.userId !== m.user_id) {
    throw new ServiceError("validation_error", "The message does not match its job");
  }
  if (job.status === "FAILED") return;
  const reporter = new JobReporter(ctx, job.id);
  try {
    // Binds the workspace's database with the requester's membership and role (404 if they left).
    await resolveWorkspace(ctx, m.workspace_id, m.user_id);
    const member = await findMemberByUser(ctx.db, m.user_id);
    if (!member) throw new ServiceError("not_found", "You are no longer a member of this workspace");
    if (job.status === "COMPLETED") {
      await notifyOnce(ctx, job.id, member.id, job.result ?? {});
      return;
    }
    await reporter.update({ status: "RUNNING", progress: 0, step: "counting", message: "Counting activities" });
    const viewer = await viewerOfMember(ctx, member.id);
    // Everything up to now (one instant, also for the pages): later activity waits for the next export.
    const [head] = await ctx.db
      .select({ n: count(), asOf: sql<string>`now()::text` })
      .from(activities)
      .where(where(filterConditions(viewer, m.filters)));
    const asOf = head?.asOf ?? new Date().toISOString();
    const conds = [...filterConditions(viewer, m.filters), sql`${activities.createdAt} <= ${asOf}::timestamptz`];
    const total = Math.min(head?.n ?? 0, EXPORT_MAX_ROWS);
    const key = exportKey(m.workspace_id, job.id);
    const filename = exportFilename(job);
    const out = new R2TextWriter(ctx.env.FILES, key, {
      httpMetadata: { contentType: CSV_TYPE, contentDisposition: `attachment; filename="${filename}"` },
      customMetadata: { filename, job_id: job.id },
    });
    let done = 0;
    try {
      await out.write(csvLine([...CSV_HEADER]));
      let cursor: { at: string; id: string } | undefined;
      while (done < total) {
        const page = cursor
          ? [...conds, sql`(${activities.createdAt}, ${activities.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`]
          : conds;
        // created_at as text keeps Postgres' microseconds, which a JS Date would cut off.
        const rows = await ctx.db
          .select({ ...activityColumns, at: sql<string>`${activities.createdAt}::text` })
          .from(activities)
          .leftJoin(members, actorJoin)
          .where(where(page))
          .orderBy(desc(activities.createdAt), desc(activities.id))
          .limit(Math.min(PAGE_ROWS, total - done));
        const last = rows.at(-1);
        if (!last) break;
        await out.write(rows.map(activityCsvLine).join(""));
        done += rows.length;
        cursor = { at: last.at, id: last.a.id };
        await reporter.update({
          status: "RUNNING",
          progress: Math.min(95, 5 + Math.floor((90 * done) / Math.max(total, 1))),
          step: "writing",
          message: `Exported ${done} of ${total} activities`,
        });
      }
      await out.finish();
    } catch (e) {
      await out.abort();
      throw e;
    }
    const result = {
      download_url: `${ctx.env.API_URL}${downloadPath(job.id)}`,
      rows: done,
      size_bytes: out.size,
      filename,
      content_type: CSV_TYPE,
      truncated: (head?.n ?? 0) > EXPORT_MAX_ROWS,
    };
    await reporter.update({ status: "COMPLETED", progress: 100, step: "completed", message: `Exported ${done} activities`, result });
    await notifyOnce(ctx, job.id, member.id, result);
  } catch (e) {
    if (e instanceof NotifyFailed) throw e.cause;
    // Retryable trouble (database, R2) goes back to the queue; anything else ends the job.
    if (isServiceError(e) && !e.retryable) {
      await reporter.update({ status: "FAILED", progress: 100, step: "failed", message: e.message, error: e.message });
      return;
    }
    throw e;
  }
}
