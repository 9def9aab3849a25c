import { and, inArray, lt } from "drizzle-orm";
import type { Bindings } from "./env";
import { sendNotificationDigests } from "./modules/notifications/digest";
import { purgeTrashedRecordsets } from "./modules/recordsets/service";
import { createContext } from "./platform/context";
import { uuidv7 } from "./platform/ids";
import { jobs } from "./platform/jobs/tables";
import { purgeIdempotencySql } from "./platform/middleware/idempotency";

/** A job with no progress for this long is treated as dead (its isolate was evicted). */
export const STUCK_AFTER_MS = 15 * 60_000;

const STUCK_MESSAGE = "The job stopped responding and was cancelled; please try again";

/** Marks jobs that stopped reporting as FAILED, so clients and admins see a clear outcome. */
export async function reapStuckJobs(env: Bindings, now = Date.now()): Promise<number> {
  const ctx = createContext({ env, requestId: uuidv7(), actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
  try {
    const reaped = await ctx.control
      .update(jobs)
      .set({
        status: "FAILED",
        errorMessage: STUCK_MESSAGE,
        finishedAt: new Date(now),
      })
      .where(and(inArray(jobs.status, ["QUEUED", "RUNNING"]), lt(jobs.updatedAt, new Date(now - STUCK_AFTER_MS))))
      .returning({ id: jobs.id });
    // Tell anyone following the job's stream; its own process died before it could.
    for (const { id } of reaped) {
      const stub = env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName(id));
      await stub
        .update({
          job_id: id,
          status: "FAILED",
          progress: 100,
          current_step: "failed",
          result: { message: STUCK_MESSAGE },
          error_message: STUCK_MESSAGE,
        })
        .catch((e) => console.error(JSON.stringify({ level: "error", msg: "could not report reaped job", job_id: id, error: String(e) })));
    }
    return reaped.length;
  } finally {
    await ctx.connections.close();
  }
}

/** Drops idempotency records past their 24 h replay window. */
export async function purgeIdempotencyKeys(env: Bindings): Promise<void> {
  const ctx = createContext({ env, requestId: uuidv7(), actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
  try {
    await ctx.control.execute(purgeIdempotencySql);
  } finally {
    await ctx.connections.close();
  }
}

/** Deletes recordsets that have been in the trash for more than 30 days, in every workspace. */
export async function purgeRecordsetTrash(env: Bindings, now = Date.now()): Promise<number> {
  const ctx = createContext({ env, requestId: uuidv7(), actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
  try {
    return await purgeTrashedRecordsets(ctx, now);
  } finally {
    await ctx.connections.close();
  }
}

export async function scheduled(_controller: ScheduledController, env: Bindings, ectx: ExecutionContext): Promise<void> {
  const log = (task: string) => (e: unknown) =>
    console.error(JSON.stringify({ level: "error", msg: "cron task failed", task, error: String(e) }));
  ectx.waitUntil(
    reapStuckJobs(env)
      .then((n) => {
        if (n > 0) console.log(JSON.stringify({ level: "warn", msg: "reaped stuck jobs", count: n }));
      })
      .catch(log("reap_stuck_jobs")),
  );
  ectx.waitUntil(purgeIdempotencyKeys(env).catch(log("purge_idempotency_keys")));
  ectx.waitUntil(
    sendNotificationDigests(env)
      .then((n) => {
        if (n > 0) console.log(JSON.stringify({ level: "info", msg: "notification digests sent", count: n }));
      })
      .catch(log("notification_digests")),
  );
  ectx.waitUntil(
    purgeRecordsetTrash(env)
      .then((n) => {
        if (n > 0) console.log(JSON.stringify({ level: "info", msg: "purged trashed recordsets", count: n }));
      })
      .catch(log("purge_trashed_recordsets")),
  );
}
