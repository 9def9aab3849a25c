import { sql } from "drizzle-orm";
import type { ServiceContext } from "../context";
import type { Tx } from "../db";
import { ServiceError } from "../errors";
import { isUuid } from "../ids";
import type { BillingOverrides } from "./tables";
import { FEATURES, type Feature, type LimitType, TIERS, type Tier, type TierLimits, tierOf } from "./tiers";

/**
 * The one limits checker. Services call it at the point of use, before any work:
 * `requireFeature` (403 feature_not_available) and `requireWithinLimit` (402 limit_exceeded,
 * or 402 payment_required when the subscription no longer gives access). Errors carry what the
 * limit is and how to raise it.
 *
 * The workspace's billing state (tier, status, overrides) is cached in the isolate for
 * CACHE_MS and dropped at once by `forgetBilling` where it changes, so the hot path costs no
 * round trip for it; an unlimited limit costs none at all, a finite one one COUNT.
 */

export type SubscriptionStatus =
  | "trialing"
  | "active"
  | "past_due"
  | "unpaid"
  | "canceled"
  | "incomplete"
  | "incomplete_expired"
  | "paused"
  | "none";

export interface BillingState {
  workspaceId: string;
  tier: Tier;
  status: SubscriptionStatus;
  trialEndsAt: Date | null;
  accessUntil: Date | null;
  cancelAtPeriodEnd: boolean;
  limits: TierLimits;
  features: Set<Feature>;
  /** Whether the workspace may use what its tier includes now. */
  active: boolean;
  /** Human-readable reason for `active`. */
  message: string;
  /** Whether anything watches the credit balance (auto-reload on, an enabled spending alert). */
  watchesBalance: boolean;
}

const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; state: BillingState }>();

/** Drops the cached state of a workspace (after a plan, status or override change). */
export function forgetBilling(workspaceId: string) {
  cache.delete(workspaceId);
}

interface StateRow {
  plan: string;
  created_at: string | Date;
  status: string | null;
  trial_ends_at: string | Date | null;
  access_until: string | Date | null;
  cancel_at_period_end: boolean | null;
  overrides: BillingOverrides | null;
  auto_reload_enabled?: boolean | null;
  has_alerts?: boolean | null;
}

const asDate = (v: string | Date | null | undefined) => (v == null ? null : new Date(v));

/** Applies a row to the tier's terms. A workspace without a billing row is on a local trial. */
export function stateOf(workspaceId: string, row: StateRow, now = Date.now()): BillingState {
  const tier = tierOf(row.plan);
  const overrides = row.overrides ?? {};
  const limits = { ...tier.limits, ...overrides.limits } as TierLimits;
  const features = new Set<Feature>(tier.features);
  for (const [f, on] of Object.entries(overrides.features ?? {})) {
    if (!(f in FEATURES)) continue;
    if (on) features.add(f as Feature);
    else features.delete(f as Feature);
  }
  const status = (row.status ?? "trialing") as SubscriptionStatus;
  const trialEndsAt =
    asDate(row.trial_ends_at) ?? (row.status ? null : new Date(new Date(row.created_at).getTime() + tier.trial_days * 86_400_000));
  const accessUntil = asDate(row.access_until);
  let active: boolean;
  let message: string;
  if (accessUntil && accessUntil.getTime() > now) {
    active = true;
    message = `Paid access until ${accessUntil.toISOString().slice(0, 10)}`;
  } else if (tier.id === "enterprise") {
    active = true;
    message = "Enterprise plan";
  } else if (status === "active") {
    active = true;
    message = row.cancel_at_period_end ? "Active; cancels at the end of the billing period" : "Active subscription";
  } else if (status === "trialing") {
    active = !trialEndsAt || trialEndsAt.getTime() > now;
    message = active
      ? `Trial${trialEndsAt ? ` until ${trialEndsAt.toISOString()}` : ""}`
      : "The trial has ended; choose a plan to continue";
  } else if (status === "past_due") {
    active = true;
    message = "The last payment failed; update the payment method to keep access";
  } else {
    active = false;
    message =
      status === "canceled"
        ? "The subscription was canceled; subscribe again to continue"
        : status === "unpaid"
          ? "The subscription is unpaid; update the payment method to continue"
          : "No active subscription; choose a plan to continue";
  }
  return {
    workspaceId,
    tier,
    status,
    trialEndsAt,
    accessUntil,
    cancelAtPeriodEnd: !!row.cancel_at_period_end,
    limits,
    features,
    active,
    message,
    watchesBalance: !!row.auto_reload_enabled || !!row.has_alerts,
  };
}

/** The workspace's billing state (cached; `fresh` reads the database). */
export async function billingState(
  ctx: ServiceContext,
  opts: { workspaceId?: string | undefined; fresh?: boolean; control?: Tx | undefined } = {},
): Promise<BillingState> {
  const workspaceId = opts.workspaceId ?? ctx.workspace?.id;
  if (!workspaceId) throw new ServiceError("bad_request", "This needs a workspace (X-Workspace-Id header)");
  const hit = cache.get(workspaceId);
  if (!opts.fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.state;
  const r = (await (opts.control ?? ctx.control).execute(sql`
    SELECT w.plan, w.created_at, b.status, b.trial_ends_at, b.access_until, b.cancel_at_period_end, b.overrides,
      b.auto_reload_enabled, EXISTS (SELECT 1 FROM credit_alerts a WHERE a.workspace_id = w.id AND a.enabled) AS has_alerts
    FROM workspaces w LEFT JOIN workspace_billing b ON b.workspace_id = w.id
    WHERE w.id = ${workspaceId}`)) as unknown as { rows: StateRow[] };
  const row = r.rows[0];
  if (!row) throw new ServiceError("not_found", "Workspace not found");
  const state = stateOf(workspaceId, row);
  cache.set(workspaceId, { at: Date.now(), state });
  return state;
}

/** The lowest purchasable tier that includes a feature or raises a limit past `needed`. */
function upgradeFor(state: BillingState, test: (t: Tier) => boolean): Tier | undefined {
  return Object.values(TIERS)
    .filter((t) => t.purchasable && t.rank > state.tier.rank)
    .sort((a, b) => a.rank - b.rank)
    .find(test);
}

function requireActive(state: BillingState) {
  if (state.active) return;
  throw new ServiceError("payment_required", state.message, {
    extra: { subscription: { status: state.status, tier: state.tier.id, how_to_fix: "POST /api/v1/billing/checkout" } },
  });
}

/** 403 unless the workspace's tier (with overrides) includes the feature. */
export async function requireFeature(ctx: ServiceContext, feature: Feature): Promise<void> {
  const state = await billingState(ctx);
  if (state.features.has(feature)) return;
  const up = upgradeFor(state, (t) => t.features.includes(feature));
  throw new ServiceError(
    "feature_not_available",
    `${FEATURES[feature]} is not included in the ${state.tier.name} plan${up ? `; upgrade to ${up.name} to use it` : ""}`,
    { extra: { feature: { name: feature, tier: state.tier.id, upgrade_to: up?.id ?? null } } },
  );
}

type Counted = Exclude<LimitType, "api_requests" | "ai_credits">;

const monthStart = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
};

/**
 * Current usage of a counted limit. `db` is the tenant connection (or a transaction on it);
 * for seats, the control connection (or a transaction on it) and `workspaceId` names the workspace.
 */
export async function usageOf(ctx: ServiceContext, type: Counted, db?: Tx, workspaceId = ctx.workspace?.id): Promise<number> {
  const d = db ?? (type === "seats" ? ctx.control : ctx.db);
  return lastCount(await d.execute(sql.raw(usageSql(type, workspaceId))));
}

/**
 * The usage query as SQL text, with no parameters: it can then run after the advisory lock in
 * one simple-protocol round trip, each statement with its own snapshot (so the count sees what
 * the lock's previous holder committed). Only a UUID and a computed timestamp are inlined.
 */
function usageSql(type: Counted, workspaceId: string | undefined): string {
  switch (type) {
    case "seats":
      if (!workspaceId || !isUuid(workspaceId)) throw new ServiceError("bad_request", "This needs a workspace");
      return `SELECT count(*) AS n FROM workspace_members WHERE workspace_id = '${workspaceId}' AND status IN ('active', 'invited')`;
    case "workflows":
      return "SELECT count(*) AS n FROM workflows WHERE deleted_at IS NULL";
    case "ai_employees":
      return "SELECT count(*) AS n FROM agents WHERE NOT is_builtin";
    case "storage":
      return "SELECT COALESCE(SUM(size_bytes), 0) AS n FROM document_versions";
    case "image_generations":
      return `SELECT COALESCE(SUM(units), 0) AS n FROM ai_usage WHERE operation = 'image' AND status = 'ok' AND created_at >= '${monthStart()}'`;
  }
}

/** `n` of the last result (a multi-statement query answers with one result per statement). */
function lastCount(r: unknown): number {
  const last = (Array.isArray(r) ? r[r.length - 1] : r) as { rows: { n: string | number }[] } | undefined;
  return Number(last?.rows[0]?.n ?? 0);
}

const UNIT: Record<Counted, string> = {
  seats: "seats",
  workflows: "workflows",
  ai_employees: "AI employees",
  storage: "bytes of storage",
  image_generations: "generated images this month",
};

/**
 * 402 unless `adding` more of `type` fits the workspace's limit (and its subscription gives
 * access). Pass the transaction the caller writes in as `db`: the count then sees its own rows
 * and runs under a transaction-scoped advisory lock on (type, workspace), so concurrent
 * writers are serialized until the caller commits and cannot exceed the limit together. Seats
 * live in the control database: `db` is then a control transaction (which also reads the
 * billing state) and `workspaceId` may name a workspace other than the request's.
 * Returns the usage it counted (undefined when the limit is unlimited: no lock, no count).
 */
export async function requireWithinLimit(
  ctx: ServiceContext,
  type: Counted,
  adding = 1,
  db?: Tx,
  workspaceId = ctx.workspace?.id,
): Promise<{ used: number; limit: number } | undefined> {
  const state = await billingState(ctx, { workspaceId, control: type === "seats" ? db : undefined });
  requireActive(state);
  const limit = state.limits[type];
  if (limit === null || limit === undefined) return undefined;
  let used: number;
  if (db) {
    // Lock, then count, in one round trip (see usageSql).
    const key = `${type}:${workspaceId && isUuid(workspaceId) ? workspaceId : ""}`;
    used = lastCount(await db.execute(sql.raw(`SELECT pg_advisory_xact_lock(hashtext('${key}')); ${usageSql(type, workspaceId)}`)));
  } else used = await usageOf(ctx, type, undefined, workspaceId);
  if (used + adding <= limit) return { used, limit };
  const up = upgradeFor(state, (t) => t.limits[type] === null || (t.limits[type] ?? 0) >= used + adding);
  throw new ServiceError(
    "limit_exceeded",
    `The ${state.tier.name} plan allows ${limit} ${UNIT[type]}; ${used} used, ${adding} more requested. ${
      up ? `Upgrade to ${up.name} to raise it` : "Contact us to raise it"
    } (POST /api/v1/billing/change-plan)`,
    {
      extra: {
        limit: { type, limit, used, requested: adding, tier: state.tier.id, upgrade_to: up?.id ?? null },
      },
    },
  );
}

/** For AI calls: 402 when the subscription gives no access (credits are checked by the ledger). */
export async function requireActiveSubscription(ctx: ServiceContext): Promise<BillingState> {
  const state = await billingState(ctx);
  requireActive(state);
  return state;
}
