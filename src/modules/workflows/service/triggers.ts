import { and, eq, inArray, isNotNull, isNull, lt, lte, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { timingSafeEqual } from "../../../platform/crypto";
import type { Db } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import type { PublishedEvent } from "../../../platform/events/subscribers";
import { isUuid } from "../../../platform/ids";
import { sumOverTenants } from "../../../platform/tenancy/each";
import { resolveWorkspaceForSystem, tenantDbForToken } from "../../../platform/tenancy/resolve";
import { toRun, type WorkflowRow } from "../internal";
import { workflowRuns, workflows, workflowTriggerReceipts, workflowVersions } from "../tables";
import { executor } from "./executor";
import { finishRun, startRun } from "./runs";
import { nextSlot, webhookSecretOf } from "./workflows";

/**
 * Runs started by something other than a person: an inbound webhook, a schedule, a domain event.
 * They act as the workflow's owner (whoever last changed its definition), like an API key acts as
 * its creator.
 */

const notFound = () => new ServiceError("not_found", "Not found");

/**
 * POST to a workflow's trigger URL: the secret in the URL is the credential (compared in constant
 * time; every failure is the same 404). A `webhook-id` / `Idempotency-Key` header makes a sender's
 * retry start nothing twice.
 */
export async function triggerByWebhook(
  ctx: ServiceContext,
  p: { workspaceId: string; workflowId: string; secret: string; body: unknown; deliveryId: string | null },
) {
  if (!isUuid(p.workspaceId) || !isUuid(p.workflowId) || !/^wht_[A-Za-z0-9_-]{8,100}$/.test(p.secret)) throw notFound();
  // The token is checked against the tenant's row before anything binds the workspace.
  const db = await tenantDbForToken(ctx, p.workspaceId);
  if (!db) throw notFound();
  const [w] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.id, p.workflowId), isNull(workflows.deletedAt)));
  const expected = w ? await webhookSecretOf(ctx, w) : null;
  if (!w || !expected || !timingSafeEqual(expected, p.secret)) throw notFound();
  if (!w.isActive) throw new ServiceError("conflict", "This workflow is paused");
  const bound = ctx.fork();
  bound.actor = { kind: "system", name: "workflow-webhook" };
  try {
    await resolveWorkspaceForSystem(bound, p.workspaceId);
    if (p.deliveryId) {
      const [seen] = await bound.db
        .select()
        .from(workflowTriggerReceipts)
        .where(and(eq(workflowTriggerReceipts.workflowId, w.id), eq(workflowTriggerReceipts.key, p.deliveryId)));
      if (seen) {
        const [run] = await bound.db.select().from(workflowRuns).where(eq(workflowRuns.id, seen.runId));
        if (run) return { duplicate: true, run: publicRun(bound, run) };
      }
    }
    const input =
      p.body !== null && typeof p.body === "object" && !Array.isArray(p.body) ? (p.body as Record<string, unknown>) : { body: p.body };
    const { run } = await startRun(bound, {
      workflow: w,
      input,
      trigger: { type: "webhook", data: p.body ?? null },
      runAsMemberId: w.ownerMemberId,
      startedByMemberId: null,
    });
    if (p.deliveryId) {
      await bound.db
        .insert(workflowTriggerReceipts)
        .values({ workflowId: w.id, key: p.deliveryId.slice(0, 200), runId: run.id })
        .onConflictDoNothing();
    }
    return { duplicate: false, run: publicRun(bound, run) };
  } finally {
    await bound.connections.close();
  }
}

/** What a webhook sender learns: the run's id and status, nothing of the workspace. */
const publicRun = (ctx: ServiceContext, r: typeof workflowRuns.$inferSelect) => {
  const full = toRun(ctx, r);
  return { id: full.id, status: full.status, created_at: full.created_at };
};

/**
 * Workflows of the bound workspace with an `event` trigger for this type start a run with the event
 * as input, once per event (a receipt keyed by the event id), and only when the owner they act as
 * may see the event's object.
 */
export async function triggerByEvent(
  ctx: ServiceContext,
  event: PublishedEvent,
  mayReach: (memberId: string | null, event: PublishedEvent) => Promise<boolean> = async () => true,
): Promise<number> {
  const rows = await ctx.db
    .select({ w: workflows })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
    .where(
      and(
        isNull(workflows.deletedAt),
        eq(workflows.isActive, true),
        sql`jsonb_path_exists(${workflowVersions.definition}, '$.triggers[*] ? (@.type == "event" && @.event == $e)', jsonb_build_object('e', ${event.type}::text))`,
      ),
    );
  let started = 0;
  for (const { w } of rows) {
    if (!(await mayReach(w.ownerMemberId, event))) continue;
    const [dup] = await ctx.db
      .insert(workflowTriggerReceipts)
      .values({ workflowId: w.id, key: `event:${event.id}`, runId: w.id })
      .onConflictDoNothing()
      .returning();
    if (!dup) continue;
    const { run } = await startRun(ctx, {
      workflow: w,
      input: { event: event.data as Record<string, unknown> },
      trigger: { type: "event", event: event.type, event_id: event.id, data: event.data ?? null },
      runAsMemberId: w.ownerMemberId,
      startedByMemberId: null,
    });
    await ctx.db
      .update(workflowTriggerReceipts)
      .set({ runId: run.id })
      .where(and(eq(workflowTriggerReceipts.workflowId, w.id), eq(workflowTriggerReceipts.key, `event:${event.id}`)));
    started++;
  }
  return started;
}

/**
 * Due schedule slots of the bound workspace: each is claimed by moving `next_scheduled_at` on
 * (compare-and-set), so overlapping crons start one run per slot. A slot missed by more than a
 * day is skipped, not replayed.
 */
export async function runDueSchedules(ctx: ServiceContext, now = new Date()): Promise<number> {
  const due = await ctx.db
    .select({ w: workflows, definition: workflowVersions.definition })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
    .where(
      and(
        isNull(workflows.deletedAt),
        eq(workflows.isActive, true),
        isNotNull(workflows.nextScheduledAt),
        lte(workflows.nextScheduledAt, now),
      ),
    );
  let started = 0;
  for (const { w, definition } of due) {
    const slot = w.nextScheduledAt as Date;
    const next = nextSlot(definition, now);
    const [claimed] = await ctx.db
      .update(workflows)
      .set({ nextScheduledAt: next })
      .where(and(eq(workflows.id, w.id), eq(workflows.nextScheduledAt, slot)))
      .returning();
    if (!claimed || now.getTime() - slot.getTime() > 86_400_000) continue;
    const trigger = definition.triggers.find((t) => t.type === "schedule");
    await startRun(ctx, {
      workflow: claimed as WorkflowRow,
      input: {},
      trigger: {
        type: "schedule",
        slot: slot.toISOString(),
        ...(trigger?.type === "schedule" ? { cron: trigger.cron, timezone: trigger.timezone ?? "UTC" } : {}),
      },
      runAsMemberId: w.ownerMemberId,
      startedByMemberId: null,
    }).catch((e) =>
      console.error(JSON.stringify({ level: "error", msg: "scheduled run not started", workflow_id: w.id, error: String(e) })),
    );
    started++;
  }
  return started;
}

/** A run with no progress for this long is checked against its instance. */
export const RUN_STALE_MS = 10 * 60_000;
/** Resumes of one run before it is failed (a node that kills its Worker every time). */
export const MAX_RESUMES = 3;

/**
 * Runs whose instance died (errored or terminated without the run ending, or lost): resumed on a
 * new instance, which skips every node already finished in Postgres; after MAX_RESUMES, failed.
 */
export async function reconcileRuns(ctx: ServiceContext, now = Date.now()): Promise<number> {
  const stale = await ctx.db
    .select()
    .from(workflowRuns)
    .where(and(inArray(workflowRuns.status, ["queued", "running"]), lt(workflowRuns.updatedAt, new Date(now - RUN_STALE_MS))));
  let changed = 0;
  for (const r of stale) {
    const status = r.instanceId ? await executor.status(ctx.env, r.instanceId) : "unknown";
    if (status === "running" || status === "queued" || status === "waiting" || status === "paused") {
      await ctx.db
        .update(workflowRuns)
        .set({ updatedAt: new Date(now) })
        .where(eq(workflowRuns.id, r.id));
      continue;
    }
    changed += (await resumeRun(ctx, r.id)) ? 1 : 0;
  }
  return changed;
}

/** Starts a fresh instance for a run whose instance is gone; finished nodes are not run again. */
export async function resumeRun(ctx: ServiceContext, runId: string): Promise<boolean> {
  const [r] = await ctx.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
  if (!r || r.status === "completed" || r.status === "failed" || r.status === "cancelled") return false;
  const generation = Number(/-g(\d+)$/.exec(r.instanceId ?? "")?.[1] ?? 1) + 1;
  if (generation > MAX_RESUMES + 1) {
    await finishRun(ctx, r.id, { status: "failed", error: { message: "The run's executor stopped repeatedly", code: "executor_lost" } });
    return true;
  }
  const instanceId = `${r.id}-g${generation}`;
  const [claimed] = await ctx.db
    .update(workflowRuns)
    .set({ instanceId })
    .where(and(eq(workflowRuns.id, r.id), r.instanceId ? eq(workflowRuns.instanceId, r.instanceId) : isNull(workflowRuns.instanceId)))
    .returning();
  if (!claimed) return false;
  const workspaceId = ctx.workspace?.id;
  if (!workspaceId) throw new ServiceError("internal_error", "No workspace bound");
  await executor.start(ctx.env, { workspace_id: workspaceId, run_id: r.id }, instanceId);
  return true;
}

/** Cron: due schedules (and, with `reconcile`, stale runs), in every workspace. */
export function sweepWorkflows(ctx: ServiceContext, o: { reconcile: boolean; now?: number } = { reconcile: true }): Promise<number> {
  const now = o.now ?? Date.now();
  return sumOverTenants(ctx, "sweep_workflows", async (_db: Db, ws) => {
    const bound = ctx.fork();
    try {
      await resolveWorkspaceForSystem(bound, ws.id);
      return (await runDueSchedules(bound, new Date(now))) + (o.reconcile ? await reconcileRuns(bound, now) : 0);
    } finally {
      await bound.connections.close();
    }
  });
}
