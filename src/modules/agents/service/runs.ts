import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import type { Db } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { sumOverTenants } from "../../../platform/tenancy/each";
import { currentMember } from "../../members/service";
import { hasPermission } from "../../permissions/service";
import { type AgentRow, emitRunsEnded, getAgentRow, toRun } from "../internal";
import { assertRunnable, startRun, toolLoop } from "../runner";
import {
  type AgentRunCreate,
  type AgentRunRating,
  type AgentStatsQuery,
  type ListAgentRunsQuery,
  MAX_STEPS,
  type StopAgentQuery,
} from "../schemas";
import { agentRuns } from "../tables";
import { agentStats } from "./stats";

/** Runs someone may see: their own; holders of can_manage_agents see every run. */
async function runScope(ctx: ServiceContext, agent: AgentRow): Promise<SQL> {
  const base = eq(agentRuns.agentId, agent.id);
  if (await hasPermission(ctx, "can_manage_agents")) return base;
  return and(base, eq(agentRuns.invokedByMemberId, (await currentMember(ctx)).id)) as SQL;
}

async function getRunRow(ctx: ServiceContext, agent: AgentRow, runId: string) {
  if (!isUuid(runId)) throw new ServiceError("not_found", "Run not found");
  const [r] = await ctx.db
    .select()
    .from(agentRuns)
    .where(and(await runScope(ctx, agent), eq(agentRuns.id, runId)))
    .limit(1);
  if (!r) throw new ServiceError("not_found", "Run not found");
  return r;
}

/**
 * Gives the employee an instruction and runs the tool loop to the end (or the step limit, or a
 * stop), returning the run with its steps. Needs can_use_ai; tools then act within the invoking
 * person's permissions (service/actor.ts).
 */
export async function runAgent({ ctx, agentId, input }: { ctx: ServiceContext; agentId: string; input: AgentRunCreate }) {
  const agent = await getAgentRow(ctx, agentId);
  await assertRunnable(ctx, agent);
  const run = await startRun(ctx, agent, { instruction: input.instruction, source: "api" });
  for await (const _ of toolLoop(ctx, agent, [{ role: "user", content: input.instruction }], {
    runId: run.id,
    maxSteps: input.max_steps ?? MAX_STEPS,
    stream: false,
  })) {
    // Events matter to streaming callers; this JSON endpoint returns the recorded run.
  }
  const [done] = await ctx.db.select().from(agentRuns).where(eq(agentRuns.id, run.id)).limit(1);
  if (!done) throw new ServiceError("not_found", "Run not found");
  return toRun(done);
}

/** The employee's runs you may see, newest first. */
export async function listAgentRuns(ctx: ServiceContext, agentId: string, q: ListAgentRunsQuery) {
  const agent = await getAgentRow(ctx, agentId);
  const conds: SQL[] = [await runScope(ctx, agent)];
  if (q.status) conds.push(eq(agentRuns.status, q.status));
  const where = and(...conds);
  const [rows, total] = await Promise.all([
    ctx.db.select().from(agentRuns).where(where).orderBy(desc(agentRuns.createdAt), desc(agentRuns.id)).offset(q.skip).limit(q.limit),
    ctx.db.$count(agentRuns, where),
  ]);
  return { items: rows.map(toRun), total, skip: q.skip, limit: q.limit };
}

/**
 * Stops running runs: the one named, or every running run of the employee you may stop (your own;
 * all with can_manage_agents). The loop notices at its next check (within half a second while a
 * model call is in flight) and ends; a tool call already under way finishes first.
 */
export async function stopAgent(ctx: ServiceContext, agentId: string, q: StopAgentQuery) {
  const agent = await getAgentRow(ctx, agentId);
  const conds: SQL[] = [await runScope(ctx, agent), eq(agentRuns.status, "running")];
  if (q.run_id) {
    await getRunRow(ctx, agent, q.run_id);
    conds.push(eq(agentRuns.id, q.run_id));
  }
  const me = await currentMember(ctx);
  const stopped = await ctx.db
    .update(agentRuns)
    .set({ status: "stopped", error: `Stopped by ${me.displayName ?? me.fullName ?? me.email}`, finishedAt: new Date() })
    .where(and(...conds))
    .returning();
  return { stopped: stopped.length, runs: stopped.map(toRun) };
}

/** The person who gave the work rates a finished run (1–5); this feeds satisfaction. */
export async function rateAgentRun(ctx: ServiceContext, agentId: string, runId: string, input: AgentRunRating) {
  const agent = await getAgentRow(ctx, agentId);
  const run = await getRunRow(ctx, agent, runId);
  const me = await currentMember(ctx);
  if (run.invokedByMemberId !== me.id) throw new ServiceError("forbidden", "Only the person who gave the employee this work can rate it");
  if (run.status === "running") throw new ServiceError("conflict", "The run is still running");
  const [u] = await ctx.db
    .update(agentRuns)
    .set({ rating: input.rating, ratingComment: input.comment ?? null, ratedAt: new Date() })
    .where(eq(agentRuns.id, run.id))
    .returning();
  return toRun(u ?? run);
}

export async function getAgentStats(ctx: ServiceContext, agentId: string, q: AgentStatsQuery) {
  return agentStats(ctx, await getAgentRow(ctx, agentId), q);
}

/**
 * A run whose row has not changed for this long has lost its Worker (a run writes a step after
 * every model call, and each call times out long before this).
 */
export const STALE_RUN_MS = 15 * 60_000;

/** One tenant's sweep: runs left `running` by a Worker that died become `failed` (with their events). */
export async function failStaleRunsIn(ctx: ServiceContext, db: Db, now = Date.now()): Promise<number> {
  return db.transaction(async (tx) => {
    const swept = await tx
      .update(agentRuns)
      .set({ status: "failed", error: "The run stopped without finishing (its worker ended); start it again", finishedAt: new Date(now) })
      .where(and(eq(agentRuns.status, "running"), lt(agentRuns.updatedAt, new Date(now - STALE_RUN_MS))))
      .returning();
    await emitRunsEnded(ctx, tx, swept);
    return swept.length;
  });
}

/** The cron's sweep over every workspace; returns how many runs were marked failed. */
export function failStaleAgentRuns(ctx: ServiceContext, now = Date.now()): Promise<number> {
  return sumOverTenants(ctx, "stale agent run sweep", (db) => failStaleRunsIn(ctx, db, now));
}
