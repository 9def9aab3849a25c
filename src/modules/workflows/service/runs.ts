import { and, count, desc, eq, gte, inArray, lt, notInArray, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { encryptSecret } from "../../../platform/crypto";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { assertOutboundUrl } from "../../../platform/outbound";
import { relayRoomAsSse } from "../../../platform/sse";
import { currentMember } from "../../members/service";
import { hasPermission, requirePermission } from "../../permissions/service";
import { newSecret } from "../../webhooks/internal";
import { notFoundRun, RUN_FINISHED_EVENT, type RunRow, runRoom, toRun, type WorkflowRow } from "../internal";
import type { ListRunsQuery, RunCreate, UsageQuery } from "../schemas";
import { FINAL_RUN_STATUSES, workflowNodeRuns, workflowRuns, workflows } from "../tables";
import { executor } from "./executor";
import { versionRow, workflowRow } from "./workflows";

/** Sub-workflows may nest this deep (a workflow calling itself stops here). */
export const MAX_RUN_DEPTH = 5;

export interface StartRunInput {
  workflow: WorkflowRow;
  version?: number | undefined;
  input: Record<string, unknown>;
  trigger: { type: string } & Record<string, unknown>;
  runAsMemberId: string | null;
  startedByMemberId: string | null;
  callbackUrl?: string | undefined;
  parentRunId?: string | null;
  rerunOf?: string | null;
}

/**
 * Records a run (queued) and hands it to the executor. The row is the record: if the executor
 * refuses it the run ends failed at once, so nothing stays queued forever.
 */
export async function startRun(ctx: ServiceContext, s: StartRunInput): Promise<{ run: RunRow; callbackSecret: string | null }> {
  if (!s.workflow.isActive) throw new ServiceError("conflict", "This workflow is paused; activate it to run it");
  const version = s.version ?? s.workflow.currentVersion;
  await versionRow(ctx, s.workflow.id, version);
  const callbackSecret = s.callbackUrl ? newSecret() : null;
  const [run] = await ctx.db
    .insert(workflowRuns)
    .values({
      workflowId: s.workflow.id,
      version,
      status: "queued",
      // `{{trigger.data}}` is what started the run: the webhook's body, the event, or the input given by hand.
      trigger: { data: s.input, ...s.trigger },
      input: s.input,
      runAsMemberId: s.runAsMemberId,
      startedByMemberId: s.startedByMemberId,
      parentRunId: s.parentRunId ?? null,
      rerunOf: s.rerunOf ?? null,
      callbackUrl: s.callbackUrl ?? null,
      callbackSecretEncrypted: callbackSecret ? await encryptSecret(ctx.env.ENCRYPTION_KEY, callbackSecret) : null,
    })
    .returning();
  if (!run) throw new ServiceError("internal_error", "Run was not recorded");
  if (s.rerunOf) await copyFinishedNodes(ctx, s.rerunOf, run.id);
  const workspaceId = ctx.workspace?.id;
  if (!workspaceId) throw new ServiceError("internal_error", "No workspace bound");
  try {
    const instanceId = await executor.start(ctx.env, { workspace_id: workspaceId, run_id: run.id }, run.id);
    await ctx.db.update(workflowRuns).set({ instanceId }).where(eq(workflowRuns.id, run.id));
    run.instanceId = instanceId;
  } catch (e) {
    const message = "The run could not be started; please try again";
    await finishRun(ctx, run.id, { status: "failed", error: { message, code: "executor_unavailable" } });
    throw new ServiceError("service_unavailable", message, { retryable: true, cause: e });
  }
  return { run, callbackSecret };
}

/** A re-run reuses what its source finished: those nodes are not executed again. */
async function copyFinishedNodes(ctx: ServiceContext, fromRunId: string, toRunId: string) {
  await ctx.db.execute(sql`
    insert into workflow_node_runs (run_id, node_id, component, status, attempts, input, output, port, tokens, credits, started_at, finished_at, reused)
    select ${toRunId}::uuid, node_id, component, status, attempts, input, output, port, 0, 0, started_at, finished_at, 1
    from workflow_node_runs where run_id = ${fromRunId}::uuid and status in ('completed', 'skipped')`);
}

export interface Finish {
  status: "completed" | "failed" | "cancelled";
  output?: unknown;
  error?: { node?: string; message: string; code?: string };
}

/**
 * Ends a run once (a run already final stays as it is: a cancel racing the last node wins or
 * loses cleanly), closes its open nodes and tells its stream. Returns the row if this call ended it.
 */
export async function finishRun(ctx: ServiceContext, runId: string, f: Finish): Promise<RunRow | null> {
  const now = new Date();
  const [row] = await ctx.db
    .update(workflowRuns)
    .set({
      status: f.status,
      ...(f.output !== undefined ? { output: f.output } : {}),
      ...(f.error ? { error: f.error } : {}),
      ...(f.status === "cancelled" ? { cancelRequestedAt: now } : {}),
      finishedAt: now,
      startedAt: sql`coalesce(${workflowRuns.startedAt}, ${now})`,
    })
    .where(and(eq(workflowRuns.id, runId), notInArray(workflowRuns.status, [...FINAL_RUN_STATUSES])))
    .returning();
  if (!row) return null;
  await ctx.db
    .update(workflowNodeRuns)
    .set({ status: f.status === "cancelled" ? "cancelled" : "failed", finishedAt: now })
    .where(and(eq(workflowNodeRuns.runId, runId), inArray(workflowNodeRuns.status, ["running", "waiting"])));
  await runRoom(ctx.env, runId)
    .finish(RUN_FINISHED_EVENT, {
      status: f.status === "completed" ? "COMPLETED" : "FAILED",
      run_id: runId,
      run_status: f.status,
      output: row.output ?? null,
      error: row.error ?? null,
    })
    .catch((e) => console.error(JSON.stringify({ level: "error", msg: "run stream not told", run_id: runId, error: String(e) })));
  return row;
}

/** Runs a member may see: ones they started, every run of workflows they created, all with can_manage_workflow. */
async function runScope(ctx: ServiceContext): Promise<SQL | undefined> {
  if (await hasPermission(ctx, "can_manage_workflow")) return undefined;
  const me = await currentMember(ctx);
  return or(
    eq(workflowRuns.startedByMemberId, me.id),
    sql`${workflowRuns.workflowId} in (select id from ${workflows} where created_by_member_id = ${me.id})`,
  );
}

export async function runRow(ctx: ServiceContext, runId: string): Promise<RunRow> {
  await requirePermission(ctx, "can_view_workflow");
  if (!isUuid(runId)) throw notFoundRun();
  const [r] = await ctx.db
    .select()
    .from(workflowRuns)
    .where(and(eq(workflowRuns.id, runId), await runScope(ctx)));
  if (!r) throw notFoundRun();
  return r;
}

export async function getRun(ctx: ServiceContext, runId: string) {
  const r = await runRow(ctx, runId);
  const nodes = await ctx.db.select().from(workflowNodeRuns).where(eq(workflowNodeRuns.runId, r.id)).orderBy(workflowNodeRuns.startedAt);
  return toRun(ctx, r, nodes);
}

/** Starts a run of a workflow by hand (or by API): it acts with the caller's own rights. */
export async function runWorkflow(ctx: ServiceContext, workflowId: string, body: RunCreate) {
  await requirePermission(ctx, "can_run_workflow");
  const w = await workflowRow(ctx, workflowId);
  if (body.callback_url) assertOutboundUrl(body.callback_url, ctx.env, ["body", "callback_url"]);
  const me = await currentMember(ctx);
  const { run, callbackSecret } = await startRun(ctx, {
    workflow: w,
    version: body.version,
    input: body.input,
    trigger: { type: "manual" },
    runAsMemberId: me.id,
    startedByMemberId: me.id,
    callbackUrl: body.callback_url,
  });
  let current = run;
  if (body.mode === "sync") {
    await waitForFinish(ctx, run.id, body.timeout * 1000);
    const [r] = await ctx.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
    if (r) current = r;
  }
  const done = FINAL_RUN_STATUSES.includes(current.status);
  const nodes = done ? await ctx.db.select().from(workflowNodeRuns).where(eq(workflowNodeRuns.runId, run.id)) : undefined;
  return { done, run: { ...toRun(ctx, current, nodes), ...(callbackSecret ? { callback_secret: callbackSecret } : {}) } };
}

/**
 * Waits for the run's terminal event on its progress room (pushed, not polled), up to `ms`.
 * Resolves either way; the caller reads the row.
 */
export async function waitForFinish(ctx: ServiceContext, runId: string, ms: number): Promise<boolean> {
  const room = runRoom(ctx.env, runId);
  if ((await room.finishedAt()) !== null) return true;
  const res = await room.fetch("https://room/connect?since=0", { headers: { upgrade: "websocket", "x-request-id": ctx.requestId } });
  const ws = res.webSocket;
  if (!ws) return false;
  ws.accept();
  return new Promise<boolean>((resolve) => {
    const done = (v: boolean) => {
      clearTimeout(timer);
      try {
        ws.close(1000, "done");
      } catch {
        // already closed
      }
      resolve(v);
    };
    const timer = setTimeout(() => done(false), ms);
    ws.addEventListener("message", (m) => {
      if (typeof m.data !== "string" || m.data === "pong") return;
      try {
        if ((JSON.parse(m.data) as { event?: string }).event === RUN_FINISHED_EVENT) done(true);
      } catch {
        // not an event
      }
    });
    ws.addEventListener("close", () => done(false));
    ws.addEventListener("error", () => done(false));
  });
}

export async function listRuns(ctx: ServiceContext, q: ListRunsQuery & { workflow_id?: string | undefined }) {
  await requirePermission(ctx, "can_view_workflow");
  const where: (SQL | undefined)[] = [await runScope(ctx)];
  if (q.workflow_id) where.push(eq(workflowRuns.workflowId, q.workflow_id));
  if (q.status) where.push(eq(workflowRuns.status, q.status));
  if (q.trigger) where.push(sql`${workflowRuns.trigger} ->> 'type' = ${q.trigger}`);
  if (q.since) where.push(gte(workflowRuns.createdAt, new Date(q.since)));
  if (q.until) where.push(lt(workflowRuns.createdAt, new Date(q.until)));
  const cond = and(...where);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(workflowRuns)
      .where(cond)
      .orderBy(desc(workflowRuns.createdAt), desc(workflowRuns.id))
      .offset(q.skip)
      .limit(q.limit),
    ctx.db.select({ n: count() }).from(workflowRuns).where(cond),
  ]);
  return { items: rows.map((r) => toRun(ctx, r)), total: total?.n ?? 0, skip: q.skip, limit: q.limit };
}

export async function listWorkflowRuns(ctx: ServiceContext, workflowId: string, q: ListRunsQuery) {
  await requirePermission(ctx, "can_view_workflow");
  const w = await workflowRow(ctx, workflowId);
  return listRuns(ctx, { ...q, workflow_id: w.id });
}

/** Who may stop or re-run a run: whoever started it, or can_manage_workflow. */
async function requireRunControl(ctx: ServiceContext, r: RunRow) {
  await requirePermission(ctx, "can_run_workflow");
  if (await hasPermission(ctx, "can_manage_workflow")) return;
  const me = await currentMember(ctx);
  if (r.startedByMemberId !== me.id) throw new ServiceError("forbidden", "Only whoever started this run may stop or re-run it");
}

/** Cancels a run: it stops before its next node (the instance is terminated; a node in flight ends as cancelled). */
export async function cancelRun(ctx: ServiceContext, runId: string) {
  const r = await runRow(ctx, runId);
  await requireRunControl(ctx, r);
  const ended = await finishRun(ctx, r.id, { status: "cancelled", error: { message: "Cancelled", code: "cancelled" } });
  if (!ended) throw new ServiceError("conflict", `This run has already ended (${r.status})`);
  await onRunCancelled(ctx, ended);
  if (ended.instanceId) {
    await executor
      .cancel(ctx.env, ended.instanceId)
      .catch((e) => console.error(JSON.stringify({ level: "warn", msg: "instance not terminated", run_id: r.id, error: String(e) })));
  }
  return getRun(ctx, r.id);
}

/** Hooks run when a run is cancelled (the approvals inbox withdraws its pending approvals). */
const cancelHooks: ((ctx: ServiceContext, run: RunRow) => Promise<void>)[] = [];
export const onCancel = (f: (ctx: ServiceContext, run: RunRow) => Promise<void>) => cancelHooks.push(f);
async function onRunCancelled(ctx: ServiceContext, run: RunRow) {
  for (const f of cancelHooks) await f(ctx, run);
}

/** Re-runs a failed or cancelled run from where it stopped: finished nodes are reused, the rest run again. */
export async function rerunRun(ctx: ServiceContext, runId: string) {
  const r = await runRow(ctx, runId);
  await requireRunControl(ctx, r);
  if (r.status !== "failed" && r.status !== "cancelled") {
    throw new ServiceError("conflict", `Only a failed or cancelled run can be re-run (this one is ${r.status})`);
  }
  const w = await workflowRow(ctx, r.workflowId);
  const me = await currentMember(ctx);
  const { run } = await startRun(ctx, {
    workflow: w,
    version: r.version,
    input: r.input,
    trigger: { type: "rerun", of: r.id },
    runAsMemberId: me.id,
    startedByMemberId: me.id,
    rerunOf: r.id,
  });
  return toRun(ctx, run);
}

export async function streamRun(ctx: ServiceContext, runId: string, since: number, signal?: AbortSignal): Promise<Response> {
  const r = await runRow(ctx, runId);
  const room = runRoom(ctx.env, r.id);
  const finished = await room.finishedAt();
  if (finished !== null && since >= finished) return new Response(null, { status: 204 });
  return relayRoomAsSse(room, {
    since,
    requestId: ctx.requestId,
    ...(signal ? { signal } : {}),
    terminalEvents: [RUN_FINISHED_EVENT],
    isTerminal: () => true,
  });
}

/** Runs, tokens and credits by day and by workflow, over the runs the caller may see. */
export async function runUsage(ctx: ServiceContext, q: UsageQuery) {
  await requirePermission(ctx, "can_view_workflow");
  const since = new Date(Date.now() - q.days * 86_400_000);
  const where = and(
    gte(workflowRuns.createdAt, since),
    q.workflow_id ? eq(workflowRuns.workflowId, q.workflow_id) : undefined,
    await runScope(ctx),
  );
  const totals = {
    runs: count(),
    completed: sql<number>`count(*) filter (where ${workflowRuns.status} = 'completed')::int`,
    failed: sql<number>`count(*) filter (where ${workflowRuns.status} = 'failed')::int`,
    tokens: sql<number>`coalesce(sum(${workflowRuns.tokens}), 0)::int`,
    credits: sql<number>`coalesce(sum(${workflowRuns.credits}), 0)::float8`,
    duration_ms: sql<number>`coalesce(avg(extract(epoch from (${workflowRuns.finishedAt} - ${workflowRuns.startedAt})) * 1000), 0)::float8`,
  };
  const day = sql<string>`to_char(date_trunc('day', ${workflowRuns.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const [byDay, byWorkflow] = await Promise.all([
    ctx.db
      .select({ day, ...totals })
      .from(workflowRuns)
      .where(where)
      .groupBy(day)
      .orderBy(day),
    ctx.db
      .select({ workflow_id: workflowRuns.workflowId, name: workflows.name, ...totals })
      .from(workflowRuns)
      .innerJoin(workflows, eq(workflows.id, workflowRuns.workflowId))
      .where(where)
      .groupBy(workflowRuns.workflowId, workflows.name)
      .orderBy(desc(count())),
  ]);
  const round = <T extends { duration_ms: number; credits: number }>(x: T) => ({
    ...x,
    duration_ms: Math.round(x.duration_ms),
    credits: Math.round(x.credits * 10_000) / 10_000,
  });
  return { days: q.days, by_day: byDay.map(round), by_workflow: byWorkflow.map(round) };
}
