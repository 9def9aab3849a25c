import { sql } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { invalidField, ServiceError } from "../errors";
import { ensureMonthlyGrant } from "./credits";

/**
 * Read services over the credit ledger, for the billing routes: the balance split into included
 * and purchased credits, spend over time and by model. Consumption = `consumption` entries
 * (paid calls); one entry is one request.
 */

function workspaceId(ctx: ServiceContext): string {
  if (!ctx.workspace) throw new ServiceError("bad_request", "This needs a workspace (X-Workspace-Id header)");
  return ctx.workspace.id;
}

const num = (v: unknown) => Number(v ?? 0);

export interface CreditBalance {
  /** The ledger's sum. */
  balance: number;
  /** Reserved by running calls. */
  held: number;
  /** balance − held: what a new call can reserve. */
  available: number;
  /** What is left of the current grant: min(balance, grant − consumption since it). Expires at the next grant. */
  included_credits: number;
  /** The rest of the balance (purchases, refunds, adjustments): never expires. */
  purchased_credits: number;
  /** Consumption of the last 24 hours / 24. */
  burn_rate_per_hour: number;
  updated_at: string | null;
}

/** The workspace's balance (after this month's grant, given lazily). */
export async function creditBalance(ctx: ServiceContext): Promise<CreditBalance> {
  const ws = workspaceId(ctx);
  await ensureMonthlyGrant(ctx, ws);
  const r = (await ctx.control.execute(sql`
    WITH g AS (
      SELECT amount, created_at FROM ai_credit_ledger
      WHERE workspace_id = ${ws} AND kind = 'grant' ORDER BY created_at DESC, id DESC LIMIT 1
    )
    SELECT b.balance, b.held, b.updated_at,
      (SELECT g.amount + COALESCE((SELECT SUM(l.amount) FROM ai_credit_ledger l
        WHERE l.workspace_id = ${ws} AND l.kind = 'consumption' AND l.created_at >= g.created_at), 0) FROM g) AS grant_left,
      (SELECT -COALESCE(SUM(amount), 0) FROM ai_credit_ledger
        WHERE workspace_id = ${ws} AND kind = 'consumption' AND created_at > now() - interval '24 hours') AS spent_24h
    FROM (SELECT 1) one LEFT JOIN credit_balances b ON b.workspace_id = ${ws}`)) as unknown as {
    rows: { balance: unknown; held: unknown; updated_at: string | Date | null; grant_left: unknown; spent_24h: unknown }[];
  };
  const row = r.rows[0]!;
  const balance = num(row.balance);
  const held = num(row.held);
  const included = Math.max(0, Math.min(balance, num(row.grant_left)));
  return {
    balance,
    held,
    available: balance - held,
    included_credits: included,
    purchased_credits: Math.max(0, balance - included),
    burn_rate_per_hour: num(row.spent_24h) / 24,
    updated_at: row.updated_at == null ? null : new Date(row.updated_at).toISOString(),
  };
}

export interface CreditUsageChart {
  /** One entry per bucket (UTC day, or ISO week starting Monday), zero-filled. */
  daily_usage: { date: string; credits: number; requests: number }[];
  /** Over the whole range, most credits first. */
  model_breakdown: { model: string | null; credits: number; requests: number }[];
}

/**
 * Consumption over [start, end) by day or week (UTC buckets from start's to the one holding the
 * last instant before end), and by model.
 */
export async function creditUsageChart(
  ctx: ServiceContext,
  q: { start: Date; end: Date; granularity: "day" | "week" },
): Promise<CreditUsageChart> {
  const ws = workspaceId(ctx);
  if (q.granularity !== "day" && q.granularity !== "week") throw invalidField(["query", "granularity"], "Expected day or week");
  if (!(q.end > q.start)) throw invalidField(["query", "end"], "end must be after start");
  if (q.end.getTime() - q.start.getTime() > 366 * 86_400_000) throw invalidField(["query", "end"], "At most 366 days at a time");
  const start = q.start.toISOString();
  const end = q.end.toISOString();
  const last = new Date(q.end.getTime() - 1).toISOString();
  const g = q.granularity;
  const [series, models] = await Promise.all([
    ctx.control.execute(sql`
      WITH s AS (
        SELECT generate_series(date_trunc(${g}, ${start}::timestamptz AT TIME ZONE 'UTC'),
          date_trunc(${g}, ${last}::timestamptz AT TIME ZONE 'UTC'), ('1 ' || ${g})::interval) AS bucket
      ), c AS (
        SELECT date_trunc(${g}, created_at AT TIME ZONE 'UTC') AS bucket, -SUM(amount) AS credits, count(*) AS requests
        FROM ai_credit_ledger
        WHERE workspace_id = ${ws} AND kind = 'consumption' AND created_at >= ${start}::timestamptz AND created_at < ${end}::timestamptz
        GROUP BY 1
      )
      SELECT to_char(s.bucket, 'YYYY-MM-DD') AS date, COALESCE(c.credits, 0) AS credits, COALESCE(c.requests, 0) AS requests
      FROM s LEFT JOIN c ON c.bucket = s.bucket ORDER BY s.bucket`),
    ctx.control.execute(sql`
      SELECT model, -SUM(amount) AS credits, count(*) AS requests FROM ai_credit_ledger
      WHERE workspace_id = ${ws} AND kind = 'consumption' AND created_at >= ${start}::timestamptz AND created_at < ${end}::timestamptz
      GROUP BY model ORDER BY credits DESC, model`),
  ]);
  type Row = { date?: string; model?: string | null; credits: unknown; requests: unknown };
  const rows = (x: unknown) => (x as { rows: Row[] }).rows;
  return {
    daily_usage: rows(series).map((r) => ({ date: r.date!, credits: num(r.credits), requests: num(r.requests) })),
    model_breakdown: rows(models).map((r) => ({ model: r.model ?? null, credits: num(r.credits), requests: num(r.requests) })),
  };
}

/** Credits consumed since `since` (daily and monthly spend alerts). */
export async function spendSince(ctx: ServiceContext, since: Date): Promise<number> {
  const ws = workspaceId(ctx);
  const r = (await ctx.control.execute(sql`
    SELECT -COALESCE(SUM(amount), 0) AS n FROM ai_credit_ledger
    WHERE workspace_id = ${ws} AND kind = 'consumption' AND created_at >= ${since.toISOString()}::timestamptz`)) as unknown as {
    rows: { n: unknown }[];
  };
  return num(r.rows[0]?.n);
}
