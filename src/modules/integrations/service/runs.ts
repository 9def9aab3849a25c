import { and, count, desc, eq, inArray, isNull } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { isUniqueViolation } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { isUuid, uuidv7 } from "../../../platform/ids";
import { relayRoomAsSse } from "../../../platform/sse";
import { currentMember } from "../../members/service/records";
import { defOf, getIntegrationOrThrow, isStaleRun, type RunRow, SYNC_MESSAGE, toRunJson } from "../internal";
import { integrationRunLogs, integrationRuns, type RunStatus } from "../tables";
import { requireManage, requireView } from "./access";

const TERMINAL: RunStatus[] = ["COMPLETED", "FAILED", "CANCELLED"];
export const isTerminalRun = (s: string) => (TERMINAL as string[]).includes(s);
/** A finished sync younger than this is "recent": a new one needs force. */
const RECENT_MS = 5 * 60_000;
const STREAM_MAX_MS = 5 * 60_000;

/** The run's live event room (JobProgress Durable Object, replayable by Last-Event-ID). */
export function runRoom(ctx: Pick<ServiceContext, "env">, runId: string) {
  return ctx.env.JOB_PROGRESS.get(ctx.env.JOB_PROGRESS.idFromName(`integration-run:${runId}`));
}

/** Publishes one progress event in the seed's format: {run_id, status, progress, current_step, timestamp}. */
export async function publishRun(
  ctx: Pick<ServiceContext, "env">,
  r: Pick<RunRow, "id" | "status" | "progress" | "currentStep" | "recordsSynced" | "errorMessage">,
) {
  await runRoom(ctx, r.id).publish(null, {
    run_id: r.id,
    status: r.status,
    progress: r.progress,
    current_step: r.currentStep,
    records_synced: r.recordsSynced,
    error_message: r.errorMessage,
    timestamp: new Date().toISOString(),
  });
}

export async function logRun(ctx: ServiceContext, runId: string, level: "info" | "warning" | "error", message: string) {
  await ctx.db.insert(integrationRunLogs).values({ runId, level, message });
}

/**
 * Queues a manual sync (IMPORTS_QUEUE, message integration.sync). One run at a time per
 * integration (409 while one is pending or running; a unique index settles concurrent triggers);
 * a sync finished within 5 minutes needs force. force also replaces a run that stopped responding
 * (no live consumer for 10 minutes): it is marked FAILED first.
 */
export async function triggerSync(ctx: ServiceContext, id: string, input: { force: boolean }) {
  await requireManage(ctx);
  const row = await getIntegrationOrThrow(ctx, id);
  const d = defOf(row);
  if (d.entities.length === 0) {
    throw new ServiceError("validation_error", `${d.name} has no data to sync`, {
      issues: [{ loc: ["path", "integration_id"], msg: `${d.name} does not sync data`, type: "value_error" }],
    });
  }
  if (!row.isActive) throw new ServiceError("conflict", "This integration is disabled; enable it first");
  if (row.status === "needs_reauth") throw new ServiceError("conflict", `${d.name} needs to be reconnected before it can sync`);
  const [open] = await ctx.db
    .select()
    .from(integrationRuns)
    .where(and(eq(integrationRuns.integrationId, row.id), inArray(integrationRuns.status, ["PENDING", "RUNNING"])))
    .limit(1);
  if (open) {
    const stale = isStaleRun(open);
    if (!stale || !input.force) {
      throw new ServiceError(
        "conflict",
        stale ? `Run ${open.id} stopped responding; pass force: true to replace it` : `A sync is already running (run ${open.id})`,
      );
    }
    await supersede(ctx, open);
  } else if (!input.force && row.lastSyncStatus === "COMPLETED" && row.lastSyncAt && Date.now() - row.lastSyncAt.getTime() < RECENT_MS) {
    throw new ServiceError("conflict", "Synced less than 5 minutes ago; pass force: true to sync again");
  }
  const me = await currentMember(ctx);
  const token = uuidv7();
  let run: RunRow | undefined;
  try {
    [run] = await ctx.db
      .insert(integrationRuns)
      .values({ integrationId: row.id, status: "PENDING", currentStep: "Queued", triggeredByMemberId: me.id, claimToken: token })
      .returning();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", "A sync is already running");
    throw e;
  }
  if (!run) throw new ServiceError("internal_error", "The run was not created");
  await logRun(ctx, run.id, "info", `Sync of ${d.name} queued`);
  await publishRun(ctx, run);
  try {
    await ctx.env.IMPORTS_QUEUE.send({
      type: SYNC_MESSAGE,
      request_id: ctx.requestId ?? uuidv7(),
      workspace_id: ctx.workspace?.id,
      run_id: run.id,
      token,
    });
  } catch (e) {
    const why = "The sync could not be queued";
    const [failed] = await ctx.db
      .update(integrationRuns)
      .set({ status: "FAILED", errorMessage: why, currentStep: "failed", completedAt: new Date() })
      .where(eq(integrationRuns.id, run.id))
      .returning();
    if (failed) await publishRun(ctx, failed).catch(() => {});
    throw new ServiceError("service_unavailable", `${why}; please try again`, { retryable: true, cause: e });
  }
  return {
    status: "queued" as const,
    job_run_id: run.id,
    run_id: run.id,
    estimated_duration: 30 * d.entities.length,
    stream_url: `/api/v1/integrations/runs/${run.id}/stream`,
  };
}

const SUPERSEDED = "The sync stopped responding and was replaced by a forced sync";

/** Fails a stale open run (compare-and-set: only if it is still open and still stale). */
async function supersede(ctx: ServiceContext, open: RunRow) {
  const [failed] = await ctx.db
    .update(integrationRuns)
    .set({ status: "FAILED", errorMessage: SUPERSEDED, currentStep: "Failed", completedAt: new Date(), leaseUntil: null })
    .where(
      and(
        eq(integrationRuns.id, open.id),
        inArray(integrationRuns.status, ["PENDING", "RUNNING"]),
        open.leaseUntil ? eq(integrationRuns.leaseUntil, open.leaseUntil) : isNull(integrationRuns.leaseUntil),
      ),
    )
    .returning();
  if (!failed) throw new ServiceError("conflict", `Run ${open.id} changed meanwhile; try again`);
  await logRun(ctx, failed.id, "error", SUPERSEDED);
  await publishRun(ctx, failed);
}

async function runOrThrow(ctx: ServiceContext, runId: string): Promise<RunRow> {
  if (!isUuid(runId)) throw new ServiceError("not_found", "Run not found");
  const [run] = await ctx.db.select().from(integrationRuns).where(eq(integrationRuns.id, runId)).limit(1);
  if (!run) throw new ServiceError("not_found", "Run not found");
  return run;
}

export async function getRun(ctx: ServiceContext, runId: string) {
  await requireView(ctx);
  return toRunJson(await runOrThrow(ctx, runId));
}

const toLog = (l: typeof integrationRunLogs.$inferSelect) => ({
  timestamp: l.createdAt.toISOString(),
  level: l.level,
  message: l.message,
  run_id: l.runId,
});

export async function getRunLogs(ctx: ServiceContext, runId: string, q: { limit: number; offset: number }) {
  await requireView(ctx);
  const run = await runOrThrow(ctx, runId);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(integrationRunLogs)
      .where(eq(integrationRunLogs.runId, run.id))
      .orderBy(integrationRunLogs.createdAt, integrationRunLogs.id)
      .limit(q.limit)
      .offset(q.offset),
    ctx.db.select({ n: count() }).from(integrationRunLogs).where(eq(integrationRunLogs.runId, run.id)),
  ]);
  return { run_id: run.id, logs: rows.map(toLog), total: total?.n ?? 0, limit: q.limit, offset: q.offset };
}

async function recentRuns(ctx: ServiceContext, integrationId: string, n: number) {
  return ctx.db
    .select()
    .from(integrationRuns)
    .where(eq(integrationRuns.integrationId, integrationId))
    .orderBy(desc(integrationRuns.createdAt), desc(integrationRuns.id))
    .limit(n);
}

async function logsOf(ctx: ServiceContext, runIds: string[]) {
  if (runIds.length === 0) return [];
  return ctx.db
    .select()
    .from(integrationRunLogs)
    .where(inArray(integrationRunLogs.runId, runIds))
    .orderBy(integrationRunLogs.createdAt, integrationRunLogs.id)
    .limit(2000);
}

export async function integrationLogs(ctx: ServiceContext, id: string, q: { runs: number }) {
  await requireView(ctx);
  const row = await getIntegrationOrThrow(ctx, id);
  const runs = await recentRuns(ctx, row.id, q.runs);
  const logs = await logsOf(
    ctx,
    runs.map((r) => r.id),
  );
  return {
    integration_id: row.id,
    runs: runs.map((r) => ({ ...toRunJson(r), logs: logs.filter((l) => l.runId === r.id).map(toLog) })),
  };
}

export async function syncStatus(ctx: ServiceContext, id: string) {
  await requireView(ctx);
  const row = await getIntegrationOrThrow(ctx, id);
  const runs = await recentRuns(ctx, row.id, 10);
  const latest = runs[0];
  const logs = latest ? await logsOf(ctx, [latest.id]) : [];
  const current = runs.find((r) => !isTerminalRun(r.status));
  return {
    integration_id: row.id,
    status: row.status,
    is_active: row.isActive,
    last_sync_at: row.lastSyncAt?.toISOString() ?? null,
    last_sync_status: row.lastSyncStatus,
    last_error: row.lastError,
    next_sync_at: null,
    current_run: current ? toRunJson(current) : null,
    recent_runs: runs.map(toRunJson),
    logs: logs.map(toLog),
  };
}

/**
 * SSE of a run: unnamed events with id: (resume with Last-Event-ID), data in the seed's format;
 * closes after COMPLETED, FAILED or CANCELLED. A reconnect after the end gets 204 (EventSource stops).
 */
export async function streamRun(ctx: ServiceContext, runId: string, since: number, signal?: AbortSignal): Promise<Response> {
  await requireView(ctx);
  const run = await runOrThrow(ctx, runId);
  const room = runRoom(ctx, run.id);
  if (isTerminalRun(run.status) && since > 0) {
    const missed = (await room.replay(since)) as unknown as unknown[];
    if (missed.length === 0) return new Response(null, { status: 204 });
  }
  // The seed's stream closes after 5 minutes at the latest (EventSource reconnects with Last-Event-ID).
  const limit = AbortSignal.timeout(STREAM_MAX_MS);
  return relayRoomAsSse(room, {
    since,
    requestId: ctx.requestId,
    signal: signal ? AbortSignal.any([signal, limit]) : limit,
    isTerminal: (e) => isTerminalRun(String((e.data as { status?: unknown } | null)?.status ?? "")),
  });
}
