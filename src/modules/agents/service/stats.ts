import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import type { AgentRow } from "../internal";
import type { AgentStatsQuery } from "../schemas";

const PERIOD: Record<AgentStatsQuery["period"], string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days", "90d": "90 days" };

/**
 * An employee's figures, from its runs (instructions and chat turns alike): runs completed since
 * 00:00 UTC ("tasks completed today"), and for the period the run counts, tool calls, the mean
 * duration of finished runs (response time) and the mean rating people gave runs (satisfaction).
 */
export async function agentStats(ctx: ServiceContext, agent: AgentRow, q: AgentStatsQuery) {
  const res = await ctx.db.execute(sql`
    SELECT
      count(*) FILTER (WHERE status = 'completed' AND finished_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::int AS today,
      count(*) FILTER (WHERE created_at >= now() - ${PERIOD[q.period]}::interval)::int AS total,
      count(*) FILTER (WHERE created_at >= now() - ${PERIOD[q.period]}::interval AND status = 'completed')::int AS completed,
      count(*) FILTER (WHERE created_at >= now() - ${PERIOD[q.period]}::interval AND status = 'failed')::int AS failed,
      count(*) FILTER (WHERE created_at >= now() - ${PERIOD[q.period]}::interval AND status = 'stopped')::int AS stopped,
      coalesce(sum((SELECT count(*) FROM jsonb_array_elements(steps) s WHERE s->>'type' = 'tool_call'))
        FILTER (WHERE created_at >= now() - ${PERIOD[q.period]}::interval), 0)::int AS tool_calls,
      round(avg(duration_ms) FILTER (WHERE created_at >= now() - ${PERIOD[q.period]}::interval AND status <> 'running'))::int AS avg_ms,
      round(avg(rating) FILTER (WHERE created_at >= now() - ${PERIOD[q.period]}::interval), 2)::float8 AS satisfaction,
      count(rating) FILTER (WHERE created_at >= now() - ${PERIOD[q.period]}::interval)::int AS ratings
    FROM agent_runs WHERE agent_id = ${agent.id}`);
  const r = (res.rows[0] ?? {}) as Record<string, number | null>;
  return {
    period: q.period,
    tasks_completed_today: Number(r.today ?? 0),
    runs_total: Number(r.total ?? 0),
    runs_completed: Number(r.completed ?? 0),
    runs_failed: Number(r.failed ?? 0),
    runs_stopped: Number(r.stopped ?? 0),
    tool_calls: Number(r.tool_calls ?? 0),
    avg_response_time_ms: r.avg_ms === null || r.avg_ms === undefined ? null : Number(r.avg_ms),
    satisfaction_score: r.satisfaction === null || r.satisfaction === undefined ? null : Number(r.satisfaction),
    ratings_count: Number(r.ratings ?? 0),
  };
}
