import { EventRoom } from "./event-room";

export type JobStatusName = "QUEUED" | "RUNNING" | "COMPLETED" | "FAILED";

/** One progress update of a job, as streamed to clients (SSE `data:`). */
export interface JobUpdate {
  job_id: string;
  status: JobStatusName;
  progress: number;
  current_step: string | null;
  result: Record<string, unknown> | null;
  error_message: string | null;
}

/** Forget a finished job's events (they may hold session tokens) after this long. */
const RETAIN_AFTER_FINISH_MS = 60 * 60_000;

/**
 * One per job (provisioning, migrations, imports, reports, …): the ordered progress events of
 * that job. The control database's `jobs` row is the durable record; this is the live stream.
 */
export class JobProgress extends EventRoom {
  protected override tailSize = 500;

  async update(u: JobUpdate): Promise<number> {
    // A finished job stays finished: progress from a slower concurrent worker arriving after the
    // terminal event is dropped (the stream, and finishedAt(), end at the terminal event).
    const done = await this.finishedAt();
    if (done !== null && u.status !== "COMPLETED" && u.status !== "FAILED") return done;
    const evt = this.append(null, u);
    if (u.status === "COMPLETED" || u.status === "FAILED") {
      await this.ctx.storage.setAlarm(Date.now() + RETAIN_AFTER_FINISH_MS);
    }
    return evt.id;
  }

  /**
   * A named terminal event (workflow runs: `run.finished`); `data.status` is COMPLETED or FAILED so
   * `finishedAt()` and streams end there. Kept (no secrets), so a late client replays the whole run.
   */
  async finish(event: string, data: { status: "COMPLETED" | "FAILED" } & Record<string, unknown>): Promise<number> {
    const done = await this.finishedAt();
    if (done !== null) return done;
    return this.append(event, data).id;
  }

  /** The latest update, if any. */
  async latest(): Promise<JobUpdate | null> {
    const r = this.ctx.storage.sql.exec<{ data: string }>("SELECT data FROM events ORDER BY seq DESC LIMIT 1").toArray();
    return r[0] ? (JSON.parse(r[0].data) as JobUpdate) : null;
  }

  /** The id of the job's terminal event (COMPLETED/FAILED), or null while it runs. */
  async finishedAt(): Promise<number | null> {
    const r = this.ctx.storage.sql.exec<{ seq: number; data: string }>("SELECT seq, data FROM events ORDER BY seq DESC LIMIT 1").toArray();
    const status = r[0] ? (JSON.parse(r[0].data) as JobUpdate).status : null;
    return r[0] && (status === "COMPLETED" || status === "FAILED") ? r[0].seq : null;
  }

  override async alarm(): Promise<void> {
    // Keep the terminal status (without result secrets) so a late client still learns the outcome.
    const last = await this.latest();
    this.ctx.storage.sql.exec("DELETE FROM events");
    if (last) {
      const { result, ...rest } = last;
      const safe = result ? { message: result.message ?? null } : null;
      this.append(null, { ...rest, result: safe });
    }
  }
}
