import { and, desc, eq, sql } from "drizzle-orm";
import { requestApiKey } from "../apikeys";
import type { ServiceContext } from "../context";
import { ServiceError } from "../errors";
import { uuidv7 } from "../ids";
import { aiCreditLedger, type CreditEntryKind } from "./credit-tables";

/**
 * AI credits: a workspace spends credits on every gateway call. The balance is the sum of the
 * append-only ledger in the control database. Checks run before any provider call (402
 * `insufficient_credits`); consumption is written once, after a call that produced something.
 * Two concurrent calls may both pass the check and overdraw by at most one call's price: the
 * check is a gate, not a reservation.
 */

/** What a plan gives: the starting grant (once, lazily) and monthly tier limits. */
export interface PlanLimits {
  startingGrant: number;
  /** Generated images per calendar month (UTC); null = unlimited. */
  imagesPerMonth: number | null;
}

export const PLAN_LIMITS: Record<string, PlanLimits> = {
  trial: { startingGrant: 1_000, imagesPerMonth: 10 },
  free: { startingGrant: 200, imagesPerMonth: 3 },
  starter: { startingGrant: 5_000, imagesPerMonth: 100 },
  pro: { startingGrant: 20_000, imagesPerMonth: 1_000 },
  business: { startingGrant: 50_000, imagesPerMonth: 5_000 },
  enterprise: { startingGrant: 100_000, imagesPerMonth: null },
};
export const planLimits = (plan: string): PlanLimits => PLAN_LIMITS[plan] ?? PLAN_LIMITS.trial!;

/** How a call is priced; `operation` (the label in usage) is free text, the kind is not. */
export type PriceKind = "chat" | "extract" | "vision" | "image" | "transcription" | "embeddings";

/** Credits per call, before tokens. */
export const OPERATION_CREDITS: Record<PriceKind, number> = {
  chat: 1,
  extract: 2,
  vision: 3,
  image: 20,
  transcription: 5,
  embeddings: 1,
};
/** Token-priced kinds also pay this many credits per started 1,000 tokens (prompt + completion). */
export const TOKENS_PER_CREDIT = 1_000;
const TOKEN_PRICED = new Set<PriceKind>(["chat", "extract", "vision", "embeddings"]);

/** The price of a finished call. `units` multiplies per-unit kinds (images). */
export function creditsFor(kind: PriceKind, tokens: number, units = 1): number {
  const base = OPERATION_CREDITS[kind] * (kind === "image" ? Math.max(1, units) : 1);
  return base + (TOKEN_PRICED.has(kind) ? Math.ceil(Math.max(0, tokens) / TOKENS_PER_CREDIT) : 0);
}

/** Test-mode API keys exercise the AI for free (their calls are still recorded in usage). */
export function isFreeOfCharge(ctx: ServiceContext): boolean {
  return ctx.actor.kind === "api_key" && requestApiKey(ctx)?.mode === "test";
}

const STARTING_GRANT = "starting_grant";

function workspaceId(ctx: ServiceContext): string {
  if (!ctx.workspace) throw new ServiceError("bad_request", "AI calls need a workspace (X-Workspace-Id header)");
  return ctx.workspace.id;
}

/**
 * Balance and plan in one round trip. A workspace that never had its plan's starting grant gets
 * it here, once: the partial unique index on (workspace_id, reference) makes concurrent first
 * calls insert it at most once.
 */
export async function creditStatus(ctx: ServiceContext): Promise<{ balance: number; plan: string; limits: PlanLimits }> {
  const ws = workspaceId(ctx);
  const rows = (await ctx.control.execute(sql`
    SELECT w.plan,
      COALESCE((SELECT SUM(l.amount) FROM ai_credit_ledger l WHERE l.workspace_id = w.id), 0)::bigint AS balance,
      EXISTS (SELECT 1 FROM ai_credit_ledger l WHERE l.workspace_id = w.id AND l.reference = ${STARTING_GRANT}) AS granted
    FROM workspaces w WHERE w.id = ${ws}`)) as unknown as { rows: { plan: string; balance: string | number; granted: boolean }[] };
  const row = rows.rows[0];
  if (!row) throw new ServiceError("not_found", "Workspace not found");
  const limits = planLimits(row.plan);
  let balance = Number(row.balance);
  if (!row.granted) {
    const inserted = await ctx.control
      .insert(aiCreditLedger)
      .values({
        workspaceId: ws,
        kind: "grant",
        amount: limits.startingGrant,
        reference: STARTING_GRANT,
        note: `Starting grant of the ${row.plan} plan`,
      })
      .onConflictDoNothing()
      .returning({ amount: aiCreditLedger.amount });
    if (inserted[0]) balance += inserted[0].amount;
    else balance = await sumLedger(ctx, ws);
  }
  return { balance, plan: row.plan, limits };
}

async function sumLedger(ctx: ServiceContext, ws: string): Promise<number> {
  const [r] = await ctx.control
    .select({ total: sql<string>`COALESCE(SUM(${aiCreditLedger.amount}), 0)` })
    .from(aiCreditLedger)
    .where(eq(aiCreditLedger.workspaceId, ws));
  return Number(r?.total ?? 0);
}

/** 402 unless the workspace can pay `needed` credits. Free actors always can. */
export async function requireCredits(
  ctx: ServiceContext,
  needed: number,
): Promise<{ balance: number; plan: string; limits: PlanLimits } | null> {
  if (isFreeOfCharge(ctx)) return null;
  const status = await creditStatus(ctx);
  if (status.balance < needed) {
    throw new ServiceError(
      "insufficient_credits",
      `This needs ${needed} AI credits and the workspace has ${status.balance}; buy credits or upgrade the plan`,
    );
  }
  return status;
}

/** Appends one ledger entry (amount signed: consumption negative). */
export async function appendLedger(
  ctx: ServiceContext,
  entry: { kind: CreditEntryKind; amount: number; operation?: string; model?: string; usageId?: string; reference?: string; note?: string },
) {
  const ws = workspaceId(ctx);
  const createdBy = ctx.actor.kind === "user" || ctx.actor.kind === "api_key" ? (ctx.actor.userId ?? null) : null;
  const [row] = await ctx.control
    .insert(aiCreditLedger)
    .values({ id: uuidv7(), workspaceId: ws, createdBy, ...entry })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** Balance and the newest entries, for the usage endpoint. */
export async function creditSummary(ctx: ServiceContext, limit = 20) {
  const status = await creditStatus(ctx);
  const recent = await ctx.control
    .select()
    .from(aiCreditLedger)
    .where(and(eq(aiCreditLedger.workspaceId, workspaceId(ctx))))
    .orderBy(desc(aiCreditLedger.createdAt))
    .limit(limit);
  return { ...status, recent };
}
