import { and, eq, isNotNull, isNull, lte } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { approvals } from "../tables";
import { expireApproval, runAfterDecided } from "./core";
import { notifyApproval } from "./notify";
import { forEachWorkspace } from "./scope";

/** Rows a request is still expected to finish itself are left alone this long. */
const GRACE_MS = 30_000;
const BATCH = 200;

/**
 * One workspace: expires due approvals (applying their timeout outcome), re-runs afterDecided for
 * decided rows whose hook has not succeeded yet, and notifies rows a dying request never notified.
 */
export async function sweepWorkspaceApprovals(ctx: ServiceContext, now = Date.now(), graceMs = GRACE_MS): Promise<number> {
  let n = 0;
  const due = await ctx.db
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.status, "pending"), lte(approvals.expiresAt, new Date(now))))
    .limit(BATCH);
  for (const { id } of due) if (await expireApproval(ctx, id)) n++;
  const unhandled = await ctx.db
    .select()
    .from(approvals)
    .where(and(isNull(approvals.handledAt), isNotNull(approvals.decidedAt), lte(approvals.decidedAt, new Date(now - graceMs))))
    .orderBy(approvals.decidedAt)
    .limit(BATCH);
  for (const row of unhandled) if (await runAfterDecided(ctx, row)) n++;
  const unnotified = await ctx.db
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.status, "pending"), isNull(approvals.notifiedAt), lte(approvals.createdAt, new Date(now - graceMs))))
    .limit(BATCH);
  for (const { id } of unnotified) if (await notifyApproval(ctx, id)) n++;
  return n;
}

/** Cron, every workspace (see src/scheduled.ts). */
export function sweepApprovals(ctx: ServiceContext, now = Date.now()): Promise<number> {
  return forEachWorkspace(ctx, "approval sweep", (wctx) => sweepWorkspaceApprovals(wctx, now));
}
