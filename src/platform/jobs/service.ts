import { and, eq, notInArray } from "drizzle-orm";
import type { JobUpdate } from "../../../durable-objects/job-progress";
import type { ServiceContext } from "../context";
import { ServiceError } from "../errors";
import { isUuid } from "../ids";
import { relayRoomAsSse } from "../sse";
import { type JobStatus, jobs } from "./tables";

export type { JobUpdate };

function stub(ctx: ServiceContext, jobId: string) {
  return ctx.env.JOB_PROGRESS.get(ctx.env.JOB_PROGRESS.idFromName(jobId));
}

/**
 * Job ids double as bearer secrets for unauthenticated progress streams (signup), so they are
 * random UUIDv4 (122 random bits), not time-ordered UUIDv7.
 */
export async function createJob(
  ctx: ServiceContext,
  input: { kind: string; userId?: string | null; workspaceId?: string | null },
): Promise<string> {
  const id = crypto.randomUUID();
  await ctx.control.insert(jobs).values({
    id,
    kind: input.kind,
    status: "QUEUED",
    userId: input.userId ?? null,
    workspaceId: input.workspaceId ?? null,
  });
  return id;
}

export async function getJob(ctx: ServiceContext, jobId: string, kind?: string) {
  if (!isUuid(jobId)) throw new ServiceError("not_found", "Job not found");
  const [row] = await ctx.control.select().from(jobs).where(eq(jobs.id, jobId)).limit(1);
  if (!row || (kind && row.kind !== kind)) throw new ServiceError("not_found", "Job not found");
  return row;
}

/**
 * Reports a job's progress: the control-database row (durable, no secrets) and the job's
 * JobProgress Durable Object (live stream; `secret` fields such as tokens go only there).
 */
export class JobReporter {
  constructor(
    private readonly ctx: ServiceContext,
    readonly jobId: string,
  ) {}

  /**
   * Sends the job's first queue message; if the queue refuses it, the job ends FAILED (so no
   * stream waits forever) and the caller gets a retryable 503. `onFailure` marks the module's own row.
   */
  async send(queue: Queue, message: unknown, onFailure?: () => Promise<unknown>): Promise<void> {
    try {
      await queue.send(message);
    } catch (e) {
      const why = "The job could not be queued";
      await onFailure?.();
      await this.update({ status: "FAILED", progress: 0, step: "failed", message: why, error: why }).catch(() => {});
      throw new ServiceError("service_unavailable", `${why}; please try again`, { retryable: true, cause: e });
    }
  }

  async update(u: {
    status: JobStatus;
    progress: number;
    step: string | null;
    message: string;
    result?: Record<string, unknown>;
    secret?: Record<string, unknown>;
    error?: string;
    /**
     * Only if the job has not finished: for progress reported by concurrent workers (one per
     * document of a re-index), where a late RUNNING must not reopen a COMPLETED job.
     */
    unlessFinished?: boolean;
  }): Promise<void> {
    const terminal = u.status === "COMPLETED" || u.status === "FAILED";
    const now = new Date();
    const updated = await this.ctx.control
      .update(jobs)
      .set({
        status: u.status,
        progress: u.progress,
        currentStep: u.step,
        message: u.message,
        errorMessage: u.error ?? null,
        ...(u.result ? { result: u.result } : {}),
        ...(u.status === "RUNNING" && u.progress === 0 ? { startedAt: now } : {}),
        ...(terminal ? { finishedAt: now } : {}),
      })
      .where(u.unlessFinished ? and(eq(jobs.id, this.jobId), notInArray(jobs.status, ["COMPLETED", "FAILED"])) : eq(jobs.id, this.jobId))
      .returning({ id: jobs.id });
    if (u.unlessFinished && updated.length === 0) return;
    const update: JobUpdate = {
      job_id: this.jobId,
      status: u.status,
      progress: u.progress,
      current_step: u.step,
      result: { message: u.message, ...(u.result ?? {}), ...(u.secret ?? {}) },
      error_message: u.error ?? null,
    };
    await stub(this.ctx, this.jobId).update(update);
  }
}

const isTerminal = (data: unknown) => {
  const s = (data as { status?: string } | null)?.status;
  return s === "COMPLETED" || s === "FAILED";
};

/**
 * SSE stream of a job's progress; ends after COMPLETED or FAILED. A reconnect after the
 * terminal event (EventSource reconnects by itself when the server closes) gets 204, which
 * tells EventSource to stop; one that missed it gets it replayed, then the close.
 */
export async function streamJob(ctx: ServiceContext, jobId: string, since: number, signal?: AbortSignal): Promise<Response> {
  const room = stub(ctx, jobId);
  const finished = await room.finishedAt();
  if (finished !== null && since >= finished) return new Response(null, { status: 204 });
  return relayRoomAsSse(room, {
    since,
    requestId: ctx.requestId,
    ...(signal ? { signal } : {}),
    isTerminal: (e) => isTerminal(e.data),
  });
}
