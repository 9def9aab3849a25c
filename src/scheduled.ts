import { and, inArray, lt } from "drizzle-orm";
import type { Bindings } from "./env";
import { createContext } from "./platform/context";
import { uuidv7 } from "./platform/ids";
import { jobs } from "./platform/jobs/tables";

/** A job with no progress for this long is treated as dead (its isolate was evicted). */
export const STUCK_AFTER_MS = 15 * 60_000;

/** Marks jobs that stopped reporting as FAILED, so clients and admins see a clear outcome. */
export async function reapStuckJobs(env: Bindings, now = Date.now()): Promise<number> {
  const ctx = createContext({ env, requestId: uuidv7(), actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
  try {
    const reaped = await ctx.control
      .update(jobs)
      .set({
        status: "FAILED",
        errorMessage: "The job stopped responding and was cancelled; please try again",
        finishedAt: new Date(now),
      })
      .where(and(inArray(jobs.status, ["QUEUED", "RUNNING"]), lt(jobs.updatedAt, new Date(now - STUCK_AFTER_MS))))
      .returning({ id: jobs.id });
    return reaped.length;
  } finally {
    await ctx.connections.close();
  }
}

export async function scheduled(_controller: ScheduledController, env: Bindings, ectx: ExecutionContext): Promise<void> {
  ectx.waitUntil(
    reapStuckJobs(env).then((n) => {
      if (n > 0) console.log(JSON.stringify({ level: "warn", msg: "reaped stuck jobs", count: n }));
    }),
  );
}
