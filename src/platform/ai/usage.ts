import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { invalidField } from "../errors";
import { uuidv7 } from "../ids";
import { appendLedger, type CreditHold, creditsFor, type PriceKind, releaseCredits, settleCredits } from "./credits";
import { type ModelInfo, tokenCost } from "./models";
import { aiUsage } from "./tables";

export type UsageStatus = "ok" | "error" | "incomplete";

export interface CallOutcome {
  model: ModelInfo;
  operation: string;
  kind: PriceKind;
  status: UsageStatus;
  promptTokens?: number;
  completionTokens?: number;
  units?: number;
  latencyMs: number;
  /** Test-mode API keys: recorded, never charged. */
  free: boolean;
  errorCode?: string;
  metadata?: Record<string, unknown>;
}

/** Who made a call, captured while the request's context is whole (a detached context may lack it). */
export interface ActorStamp {
  actorKind: string;
  userId: string | null;
  apiKeyId: string | null;
}

export function actorStamp(ctx: ServiceContext): ActorStamp {
  const a = ctx.actor;
  if (a.kind === "user") return { actorKind: "user", userId: a.userId, apiKeyId: null };
  if (a.kind === "api_key") return { actorKind: "api_key", userId: a.userId, apiKeyId: a.keyId };
  return { actorKind: a.kind, userId: null, apiKeyId: null };
}

/** What recordCall charges for an outcome: failed and free calls cost nothing. */
export function chargeOf(o: Pick<CallOutcome, "kind" | "status" | "free" | "promptTokens" | "completionTokens" | "units">): {
  credits: number;
} {
  const charged = o.status !== "error" && !o.free;
  return { credits: charged ? creditsFor(o.kind, (o.promptTokens ?? 0) + (o.completionTokens ?? 0), o.units ?? 0) : 0 };
}

/**
 * Records one finished gateway call: a usage row in the workspace database and ends its credit
 * hold: settled with one consumption entry when it cost anything, released when not. Failed
 * calls cost nothing; a stream cut mid-way pays for what it generated. Called exactly once per
 * call. Without a hold (a caller that did not reserve) a paid call appends its entry directly.
 */
export async function recordCall(ctx: ServiceContext, o: CallOutcome, stamp: ActorStamp = actorStamp(ctx), hold: CreditHold | null = null) {
  const promptTokens = o.promptTokens ?? 0;
  const completionTokens = o.completionTokens ?? 0;
  const units = o.units ?? 0;
  const { credits } = chargeOf(o);
  const costUsd = o.status === "error" ? 0 : tokenCost(o.model, promptTokens, completionTokens) + (o.model.unitPrice ?? 0) * units;
  const id = uuidv7();
  const memberId = stamp.userId ? sql`(SELECT id FROM members WHERE user_id = ${stamp.userId})` : null;
  await Promise.all([
    ctx.db.insert(aiUsage).values({
      id,
      model: o.model.id,
      provider: o.model.provider,
      operation: o.operation,
      promptTokens,
      completionTokens,
      units,
      costUsd,
      credits,
      actorKind: stamp.actorKind,
      userId: stamp.userId,
      memberId,
      apiKeyId: stamp.apiKeyId,
      latencyMs: Math.round(o.latencyMs),
      status: o.status,
      errorCode: o.errorCode ?? null,
      requestId: ctx.requestId,
      metadata: o.metadata ?? {},
    }),
    hold
      ? credits > 0
        ? settleCredits(ctx, hold, credits, { operation: o.operation, model: o.model.id, usageId: id })
        : releaseCredits(ctx, hold)
      : credits > 0
        ? appendLedger(ctx, { kind: "consumption", amount: -credits, operation: o.operation, model: o.model.id, usageId: id })
        : Promise.resolve(),
  ]);
  return { usageId: id, credits, costUsd };
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
function parseDay(v: string | undefined, loc: string): Date | undefined {
  if (v === undefined || v === "") return undefined;
  const d = new Date(DATE_RE.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime()))
    throw invalidField(["query", loc], "Expected a date (YYYY-MM-DD) or an ISO 8601 timestamp", "date_parsing");
  return d;
}

export interface UsageQuery {
  start_date?: string | undefined;
  end_date?: string | undefined;
  model?: string | undefined;
  operation_type?: string | undefined;
}

/**
 * Totals, per-model, per-operation and per-day figures over [start_date, end_date] (whole UTC
 * days; default: this month up to today).
 */
export async function usageStats(ctx: ServiceContext, q: UsageQuery) {
  const now = new Date();
  const start = parseDay(q.start_date, "start_date") ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const endDay = parseDay(q.end_date, "end_date") ?? now;
  // end_date is inclusive: everything before the next UTC midnight.
  const end = new Date(Date.UTC(endDay.getUTCFullYear(), endDay.getUTCMonth(), endDay.getUTCDate() + 1));
  if (end <= start) throw invalidField(["query", "end_date"], "end_date is before start_date");
  const where: SQL[] = [gte(aiUsage.createdAt, start), lt(aiUsage.createdAt, end)];
  if (q.model) where.push(eq(aiUsage.model, q.model));
  if (q.operation_type) where.push(eq(aiUsage.operation, q.operation_type));
  const cond = and(...where);
  const agg = {
    requests: sql<string>`COUNT(*)`,
    errors: sql<string>`COUNT(*) FILTER (WHERE ${aiUsage.status} = 'error')`,
    prompt_tokens: sql<string>`COALESCE(SUM(${aiUsage.promptTokens}), 0)`,
    completion_tokens: sql<string>`COALESCE(SUM(${aiUsage.completionTokens}), 0)`,
    cost_usd: sql<string>`COALESCE(SUM(${aiUsage.costUsd}), 0)`,
    credits: sql<string>`COALESCE(SUM(${aiUsage.credits}), 0)`,
  };
  const day = sql<string>`to_char(${aiUsage.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const [totals, byModel, byOperation, daily] = await Promise.all([
    ctx.db.select(agg).from(aiUsage).where(cond),
    ctx.db
      .select({ key: aiUsage.model, ...agg })
      .from(aiUsage)
      .where(cond)
      .groupBy(aiUsage.model)
      .orderBy(aiUsage.model),
    ctx.db
      .select({ key: aiUsage.operation, ...agg })
      .from(aiUsage)
      .where(cond)
      .groupBy(aiUsage.operation)
      .orderBy(aiUsage.operation),
    ctx.db
      .select({ key: day, ...agg })
      .from(aiUsage)
      .where(cond)
      .groupBy(day)
      .orderBy(day),
  ]);
  const figures = (r: Record<string, string | number>) => {
    const prompt = Number(r.prompt_tokens);
    const completion = Number(r.completion_tokens);
    return {
      requests: Number(r.requests),
      errors: Number(r.errors),
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      cost_usd: Math.round(Number(r.cost_usd) * 1e6) / 1e6,
      credits: Number(r.credits),
    };
  };
  return {
    start_date: start.toISOString().slice(0, 10),
    end_date: new Date(end.getTime() - 1).toISOString().slice(0, 10),
    totals: figures(totals[0] ?? {}),
    by_model: byModel.map((r) => ({ model: r.key, ...figures(r) })),
    by_operation: byOperation.map((r) => ({ operation: r.key, ...figures(r) })),
    daily: daily.map((r) => ({ date: r.key, ...figures(r) })),
  };
}
