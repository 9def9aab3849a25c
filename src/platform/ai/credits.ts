import { and, desc, eq, sql } from "drizzle-orm";
import { requestApiKey } from "../apikeys";
import { billingState } from "../billing/limits";
import { type TierId, tierOf } from "../billing/tiers";
import type { ServiceContext } from "../context";
import { ServiceError } from "../errors";
import { uuidv7 } from "../ids";
import { aiCreditLedger, type CreditEntryKind } from "./credit-tables";

/**
 * AI credits. The append-only ledger (control database) is the truth; `credit_balances.balance`
 * is its sum, kept by a ledger trigger, and `held` what running calls have reserved.
 *
 * A call reserves before it runs and settles after: `reserveCredits` is one conditional UPDATE
 * (balance − held ≥ amount) feeding the hold's INSERT, so concurrent calls cannot overdraw;
 * `settleCredits` deletes the hold, releases its amount and appends the consumption entry in one
 * statement; `releaseCredits` gives a failed call's hold back; holds left behind (a dead isolate)
 * expire and `releaseExpiredHolds` (five-minute cron) gives them back. A call whose real price
 * is above its hold is charged the real price anyway (the balance may then dip below zero by the
 * difference): holds are sized on the largest completion the call may produce, so this is rare.
 *
 * Grants: each calendar month (UTC) a workspace gets its tier's `ai_credits` (reference
 * `grant:YYYY-MM`), given lazily on the month's first balance lookup or reservation; the billing
 * module may grant with its own period key instead (`grantMonthlyCredits`), which also counts as
 * the month's grant. Included credits do not roll over: every new grant appends an `expiry`
 * entry removing what is left of the previous grant, i.e. min(balance, previous grant −
 * consumption since it). Consumption uses included credits first; purchased credits (and
 * refunds, adjustments) are never expired.
 */

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

/**
 * Completion tokens a hold assumes when the call sets no max_tokens (capped by the model's own
 * output limit): one more started 1,000 tokens, so a typical answer fits its hold.
 */
export const DEFAULT_COMPLETION_ESTIMATE = 1_000;

/** How long a hold lives without being settled before the sweep gives it back. */
export const HOLD_TTL_MS = 10 * 60_000;

/** The price of a finished call. `units` multiplies per-unit kinds (images). */
export function creditsFor(kind: PriceKind, tokens: number, units = 1): number {
  const base = OPERATION_CREDITS[kind] * (kind === "image" ? Math.max(1, units) : 1);
  return base + (TOKEN_PRICED.has(kind) ? Math.ceil(Math.max(0, tokens) / TOKENS_PER_CREDIT) : 0);
}

/** Test-mode API keys exercise the AI for free (their calls are still recorded in usage). */
export function isFreeOfCharge(ctx: ServiceContext): boolean {
  return ctx.actor.kind === "api_key" && requestApiKey(ctx)?.mode === "test";
}

function workspaceId(ctx: ServiceContext): string {
  if (!ctx.workspace) throw new ServiceError("bad_request", "AI calls need a workspace (X-Workspace-Id header)");
  return ctx.workspace.id;
}

type Rows<T> = { rows: T[] };
const rowsOf = async <T>(q: Promise<unknown>): Promise<T[]> => ((await q) as Rows<T>).rows;

// ---- grants -----------------------------------------------------------------------------------

/** The calendar month (UTC) as YYYY-MM, and its start. */
export function periodOf(now = new Date()): { key: string; start: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return { key: start.toISOString().slice(0, 7), start };
}

/** Workspaces known to have this month's grant (per isolate): the hot path skips the check. */
const grantedFor = new Map<string, string>();

/**
 * Grants `tierId`'s monthly credits (or `opts.amount`) with reference `grant:<periodKey>` and
 * expires what is left of the previous grant, in one statement. Idempotent per reference: a
 * second call with the same period key grants nothing and returns null.
 */
export async function grantMonthlyCredits(
  ctx: ServiceContext,
  workspaceId: string,
  tierId: TierId | string,
  periodKey: string,
  opts: { amount?: number; note?: string } = {},
): Promise<{ granted: number; expired: number } | null> {
  const tier = tierOf(tierId);
  const amount = opts.amount ?? tier.limits.ai_credits ?? 0;
  const [r] = await rowsOf<{ granted: number | null; expired: number | null }>(
    ctx.control.execute(sql`
    WITH bal AS (
      SELECT balance FROM credit_balances WHERE workspace_id = ${workspaceId} FOR UPDATE
    ), prev AS (
      SELECT id, amount, created_at FROM ai_credit_ledger
      WHERE workspace_id = ${workspaceId} AND kind = 'grant' ORDER BY created_at DESC, id DESC LIMIT 1
    ), g AS (
      INSERT INTO ai_credit_ledger (id, workspace_id, kind, amount, reference, note)
      VALUES (${uuidv7()}, ${workspaceId}, 'grant', ${amount}, ${`grant:${periodKey}`},
        ${opts.note ?? `Monthly credits of the ${tier.name} plan (${periodKey})`})
      ON CONFLICT DO NOTHING RETURNING amount
    ), rest AS (
      SELECT prev.id, GREATEST(0, LEAST(
        COALESCE((SELECT balance FROM bal), 0),
        prev.amount + COALESCE((SELECT SUM(l.amount) FROM ai_credit_ledger l
          WHERE l.workspace_id = ${workspaceId} AND l.kind = 'consumption' AND l.created_at >= prev.created_at), 0)
      )) AS n
      FROM prev WHERE EXISTS (SELECT 1 FROM g)
    ), x AS (
      INSERT INTO ai_credit_ledger (id, workspace_id, kind, amount, reference, note)
      SELECT ${uuidv7()}, ${workspaceId}, 'expiry', -rest.n, 'expiry:' || rest.id::text, 'Unused included credits of the previous grant'
      FROM rest WHERE rest.n > 0
      ON CONFLICT DO NOTHING RETURNING amount
    )
    SELECT (SELECT amount FROM g) AS granted, (SELECT -amount FROM x) AS expired`),
  );
  if (r?.granted == null) return null;
  return { granted: Number(r.granted), expired: Number(r.expired ?? 0) };
}

/**
 * Gives the workspace this month's grant unless it has one (any grant entry this month). Cached
 * per isolate once known; `fresh` checks the database again.
 */
export async function ensureMonthlyGrant(ctx: ServiceContext, ws = workspaceId(ctx), fresh = false): Promise<void> {
  const period = periodOf();
  if (!fresh && grantedFor.get(ws) === period.key) return;
  const [r] = await rowsOf<{ granted: boolean }>(
    ctx.control.execute(sql`
    SELECT EXISTS (SELECT 1 FROM ai_credit_ledger WHERE workspace_id = ${ws} AND kind = 'grant'
      AND created_at >= ${period.start.toISOString()}) AS granted`),
  );
  if (!r?.granted) {
    const state = await billingState(ctx, { workspaceId: ws });
    const amount = state.limits.ai_credits ?? state.tier.limits.ai_credits ?? 0;
    await grantMonthlyCredits(ctx, ws, state.tier.id, period.key, { amount });
  }
  grantedFor.set(ws, period.key);
}

// ---- reserve, settle, release -------------------------------------------------------------------

/** A running call's reservation. `done` once settled or released (in this isolate). */
export interface CreditHold {
  id: string;
  workspaceId: string;
  amount: number;
  done: boolean;
}

async function tryReserve(ctx: ServiceContext, ws: string, amount: number, ttlMs: number) {
  const id = uuidv7();
  const [r] = await rowsOf<{ id: string | null; available: string | number | null }>(
    ctx.control.execute(sql`
    WITH upd AS (
      UPDATE credit_balances SET held = held + ${amount}, updated_at = now()
      WHERE workspace_id = ${ws} AND balance - held >= ${amount}
      RETURNING workspace_id
    ), ins AS (
      INSERT INTO credit_holds (id, workspace_id, amount, expires_at)
      SELECT ${id}, workspace_id, ${amount}, now() + ${ttlMs} * interval '1 millisecond' FROM upd
      RETURNING id
    )
    SELECT (SELECT id FROM ins) AS id, (SELECT balance - held FROM credit_balances WHERE workspace_id = ${ws}) AS available`),
  );
  return { id: r?.id ?? null, available: r?.available == null ? null : Number(r.available) };
}

/**
 * Reserves `amount` credits for a call about to run: a hold, or 402 insufficient_credits.
 * Free actors (test-mode keys) get null and are never charged.
 */
export async function reserveCredits(ctx: ServiceContext, amount: number, opts: { ttlMs?: number } = {}): Promise<CreditHold | null> {
  if (isFreeOfCharge(ctx)) return null;
  const ws = workspaceId(ctx);
  const ttl = opts.ttlMs ?? HOLD_TTL_MS;
  const fresh = grantedFor.get(ws) !== periodOf().key;
  if (fresh) await ensureMonthlyGrant(ctx, ws, true);
  let r = await tryReserve(ctx, ws, amount, ttl);
  if (!r.id && !fresh) {
    // No balance row or no grant yet as far as the database knows: grant (if due) and retry once.
    await ensureMonthlyGrant(ctx, ws, true);
    r = await tryReserve(ctx, ws, amount, ttl);
  }
  if (!r.id) {
    throw new ServiceError(
      "insufficient_credits",
      `This needs ${amount} AI credits and the workspace has ${Math.max(0, r.available ?? 0)} available; buy credits or upgrade the plan`,
    );
  }
  return { id: r.id, workspaceId: ws, amount, done: false };
}

export interface LedgerEntry {
  operation?: string | undefined;
  model?: string | undefined;
  usageId?: string | undefined;
  note?: string | undefined;
}

/** Runs after each settle with the workspace's new available balance (balance − held). */
export type AfterBalanceChangeHook = (ctx: ServiceContext, a: { workspaceId: string; balance: number }) => Promise<void>;
/** Billing registers auto-reload and low-balance alerts here. Errors are logged, never thrown. */
export const afterBalanceChangeHooks: AfterBalanceChangeHook[] = [];

function runBalanceHooks(ctx: ServiceContext, a: { workspaceId: string; balance: number }) {
  if (afterBalanceChangeHooks.length === 0) return;
  // Own connections: the caller's (a detached stream context) may be closed right after.
  const bg = ctx.fork();
  ctx.waitUntil(
    (async () => {
      for (const hook of afterBalanceChangeHooks) {
        try {
          await hook(bg, a);
        } catch (e) {
          console.error(
            JSON.stringify({
              level: "error",
              msg: "balance hook failed",
              request_id: ctx.requestId,
              workspace_id: a.workspaceId,
              error: String(e),
            }),
          );
        }
      }
    })().finally(() => bg.connections.close()),
  );
}

/**
 * Ends a call that ran: deletes its hold, releases the held amount and appends a consumption
 * entry of −actual, in one statement. `actual` above the hold is charged in full. A hold already
 * released by the sweep still gets its consumption entry. Returns the new available balance.
 */
export async function settleCredits(ctx: ServiceContext, hold: CreditHold, actual: number, entry: LedgerEntry = {}): Promise<number> {
  if (hold.done) throw new ServiceError("internal_error", "This credit hold was already settled or released");
  hold.done = true;
  const createdBy = ctx.actor.kind === "user" || ctx.actor.kind === "api_key" ? (ctx.actor.userId ?? null) : null;
  const [r] = await rowsOf<{ available: string | number | null }>(
    ctx.control.execute(sql`
    WITH h AS (
      DELETE FROM credit_holds WHERE id = ${hold.id} RETURNING workspace_id, amount
    ), rel AS (
      UPDATE credit_balances b SET held = b.held - h.amount, updated_at = now() FROM h
      WHERE b.workspace_id = h.workspace_id RETURNING b.balance, b.held
    ), led AS (
      INSERT INTO ai_credit_ledger (id, workspace_id, kind, amount, operation, model, usage_id, note, created_by)
      SELECT ${uuidv7()}, ${hold.workspaceId}, 'consumption', ${-actual}, ${entry.operation ?? null}, ${entry.model ?? null},
        ${entry.usageId ?? null}, ${entry.note ?? null}, ${createdBy}
      WHERE ${actual} > 0
      RETURNING amount
    )
    SELECT COALESCE((SELECT balance - held FROM rel), (SELECT balance - held FROM credit_balances WHERE workspace_id = ${hold.workspaceId}))
      + COALESCE((SELECT amount FROM led), 0) AS available`),
  );
  const balance = Number(r?.available ?? 0);
  runBalanceHooks(ctx, { workspaceId: hold.workspaceId, balance });
  return balance;
}

/** Gives a failed call's hold back (it costs nothing). A no-op for null or finished holds. */
export async function releaseCredits(ctx: ServiceContext, hold: CreditHold | null | undefined): Promise<void> {
  if (!hold || hold.done) return;
  hold.done = true;
  await ctx.control.execute(sql`
    WITH h AS (DELETE FROM credit_holds WHERE id = ${hold.id} RETURNING workspace_id, amount)
    UPDATE credit_balances b SET held = b.held - h.amount, updated_at = now() FROM h WHERE b.workspace_id = h.workspace_id`);
}

/** Releases holds past their expiry (calls whose isolate died before settling). Returns how many. */
export async function releaseExpiredHolds(ctx: ServiceContext): Promise<number> {
  const [r] = await rowsOf<{ n: string | number }>(
    ctx.control.execute(sql`
    WITH h AS (
      DELETE FROM credit_holds WHERE expires_at < now() RETURNING workspace_id, amount
    ), s AS (
      SELECT workspace_id, SUM(amount) AS amount FROM h GROUP BY workspace_id
    ), u AS (
      UPDATE credit_balances b SET held = GREATEST(0, b.held - s.amount), updated_at = now() FROM s
      WHERE b.workspace_id = s.workspace_id RETURNING 1
    )
    SELECT (SELECT count(*) FROM h) + 0 * (SELECT count(*) FROM u) AS n`),
  );
  return Number(r?.n ?? 0);
}

// ---- balance and ledger -------------------------------------------------------------------------

/** Balance (the ledger's sum), held and available, after this month's grant; and the plan. */
export async function creditStatus(ctx: ServiceContext): Promise<{ balance: number; held: number; available: number; plan: string }> {
  const ws = workspaceId(ctx);
  await ensureMonthlyGrant(ctx, ws);
  const [row] = await rowsOf<{ plan: string; balance: string | number | null; held: string | number | null }>(
    ctx.control.execute(sql`
    SELECT w.plan, b.balance, b.held FROM workspaces w LEFT JOIN credit_balances b ON b.workspace_id = w.id WHERE w.id = ${ws}`),
  );
  if (!row) throw new ServiceError("not_found", "Workspace not found");
  const balance = Number(row.balance ?? 0);
  const held = Number(row.held ?? 0);
  return { balance, held, available: balance - held, plan: row.plan };
}

/** Appends one ledger entry (amount signed: consumption negative). Idempotent per reference. */
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
