import { and, inArray, lt, sql } from "drizzle-orm";
import type { Bindings } from "./env";
import { failStaleAgentRuns } from "./modules/agents/service";
import { sweepApprovals } from "./modules/approvals/internal";
import { resyncStaleSubscriptions } from "./modules/billing/service";
import { reapStaleIntegrationRuns } from "./modules/integrations/consumer";
import { sendNotificationDigests } from "./modules/notifications/digest";
import { purgeTrashedRecordsets } from "./modules/recordsets/service";
import { sweepEvents } from "./modules/webhooks/sweep";
import { sweepWorkflows } from "./modules/workflows/service";
import { releaseExpiredHolds } from "./platform/ai/credits";
import { createContext, type ServiceContext } from "./platform/context";
import { uuidv7 } from "./platform/ids";
import { jobs } from "./platform/jobs/tables";
import { purgeIdempotencySql } from "./platform/middleware/idempotency";

/** A job with no progress for this long is treated as dead (its isolate was evicted). */
export const STUCK_AFTER_MS = 15 * 60_000;

const STUCK_MESSAGE = "The job stopped responding and was cancelled; please try again";

/** A system context for one cron task; its connections close when the task ends. */
async function asCron<T>(env: Bindings, task: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const ctx = createContext({ env, requestId: uuidv7(), actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
  try {
    return await task(ctx);
  } finally {
    await ctx.connections.close();
  }
}

/** Marks jobs that stopped reporting as FAILED, so clients and admins see a clear outcome. */
export function reapStuckJobs(env: Bindings, now = Date.now()): Promise<number> {
  return asCron(env, async (ctx) => {
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
  });
}

/** Drops idempotency records past their 24 h replay window, and used token ids past their token's expiry. */
export async function purgeIdempotencyKeys(env: Bindings): Promise<void> {
  await asCron(env, async (ctx) => {
    await ctx.control.execute(purgeIdempotencySql);
    await ctx.control.execute(sql`DELETE FROM used_token_ids WHERE expires_at < now()`);
  });
}

/** Deletes recordsets that have been in the trash for more than 30 days, in every workspace. */
export function purgeRecordsetTrash(env: Bindings, now = Date.now()): Promise<number> {
  return asCron(env, (ctx) => purgeTrashedRecordsets(ctx, now));
}

/** Marks agent runs whose Worker died (no progress for 15 minutes) as failed, in every workspace. */
export function sweepStaleAgentRuns(env: Bindings, now = Date.now()): Promise<number> {
  return asCron(env, (ctx) => failStaleAgentRuns(ctx, now));
}

export async function scheduled(controller: ScheduledController, env: Bindings, ectx: ExecutionContext): Promise<void> {
  /** Runs one task in the background; logs `msg` with the count when it changed anything. */
  const run = (task: string, p: Promise<number | undefined>, msg?: string, level = "info") =>
    ectx.waitUntil(
      p
        .then((n) => {
          if (msg && n) console.log(JSON.stringify({ level, msg, count: n }));
        })
        .catch((e: unknown) => console.error(JSON.stringify({ level: "error", msg: "cron task failed", task, error: String(e) }))),
    );
  // Every minute: due workflow schedules (and, every fifth minute, runs whose instance died).
  const fifth = new Date(controller.scheduledTime).getUTCMinutes() % 5 === 0;
  run(
    "sweep_workflows",
    asCron(env, (ctx) => sweepWorkflows(ctx, { reconcile: fifth })),
    "started scheduled workflow runs or resumed stale ones",
  );
  if (!fifth) return;
  run("reap_stuck_jobs", reapStuckJobs(env), "reaped stuck jobs", "warn");
  run(
    "purge_idempotency_keys",
    purgeIdempotencyKeys(env).then(() => undefined),
  );
  run("notification_digests", sendNotificationDigests(env), "notification digests sent");
  run("purge_trashed_recordsets", purgeRecordsetTrash(env), "purged trashed recordsets");
  run("sweep_stale_agent_runs", sweepStaleAgentRuns(env), "marked stale agent runs failed");
  run("sweep_events", asCron(env, sweepEvents), "published or re-queued events and deliveries");
  run("sweep_approvals", asCron(env, sweepApprovals), "expired approvals or re-ran their hooks");
  run("release_expired_credit_holds", asCron(env, releaseExpiredHolds), "released expired AI credit holds", "warn");
  run("reap_integration_runs", asCron(env, reapStaleIntegrationRuns), "marked stale integration sync runs failed", "warn");
  run("resync_subscriptions", asCron(env, resyncStaleSubscriptions), "resynced subscriptions from Stripe (missed webhooks)", "warn");
}
