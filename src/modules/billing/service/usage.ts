import { sql } from "drizzle-orm";
import { billingState, usageOf } from "../../../platform/billing/limits";
import { FEATURES, type Feature, LIMIT_TYPES, type LimitType, TIERS } from "../../../platform/billing/tiers";
import type { ServiceContext } from "../../../platform/context";
import { invalidField } from "../../../platform/errors";
import { requireBillingAdmin, requireMember } from "./state";

const PERIOD: Record<LimitType, "total" | "month" | "minute"> = {
  seats: "total",
  ai_credits: "month",
  image_generations: "month",
  storage: "total",
  workflows: "total",
  ai_employees: "total",
  api_requests: "minute",
};

const monthStart = () => {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth(), 1));
};

type Rows<T> = { rows: T[] };

/** Credits consumed this month (the ledger's consumption entries). */
async function creditsUsedThisMonth(ctx: ServiceContext, ws: string): Promise<number> {
  const r = (await ctx.control.execute(
    sql`SELECT COALESCE(-SUM(amount), 0) AS n FROM ai_credit_ledger WHERE workspace_id = ${ws} AND kind = 'consumption' AND created_at >= ${monthStart().toISOString()}`,
  )) as unknown as Rows<{ n: string }>;
  return Number(r.rows[0]?.n ?? 0);
}

export function parseLimitType(s: string): LimitType {
  if (!(LIMIT_TYPES as readonly string[]).includes(s)) {
    throw invalidField(["path", "limit_type"], `Unknown limit type "${s}"; one of ${LIMIT_TYPES.join(", ")}`);
  }
  return s as LimitType;
}

async function usageLine(ctx: ServiceContext, type: LimitType) {
  const state = await billingState(ctx);
  const limit = state.limits[type];
  const used =
    type === "api_requests" ? 0 : type === "ai_credits" ? await creditsUsedThisMonth(ctx, state.workspaceId) : await usageOf(ctx, type);
  const unlimited = limit === null || limit === undefined;
  return {
    limit_type: type,
    period: PERIOD[type],
    limit: unlimited ? null : limit,
    used,
    remaining: unlimited ? null : Math.max(0, limit - used),
    percent: unlimited || limit === 0 ? (unlimited ? 0 : 100) : Math.min(100, Math.round((used / limit) * 1000) / 10),
    unlimited,
    is_exceeded: !unlimited && used >= limit,
    tier: state.tier.id,
  };
}

export async function getLimits(ctx: ServiceContext) {
  requireMember(ctx);
  const state = await billingState(ctx);
  const limits = await Promise.all(LIMIT_TYPES.map((t) => usageLine(ctx, t)));
  return { tier: state.tier.id, is_active: state.active, limits };
}

export async function getUsage(ctx: ServiceContext, type: LimitType) {
  requireMember(ctx);
  const line = await usageLine(ctx, type);
  return { ...line, allowed: line.unlimited || (line.remaining ?? 0) > 0 };
}

export async function getFeatures(ctx: ServiceContext) {
  requireMember(ctx);
  const state = await billingState(ctx);
  return {
    tier: state.tier.id,
    features: (Object.keys(FEATURES) as Feature[]).map((f) => {
      const inTier = state.tier.features.includes(f);
      const enabled = state.features.has(f);
      return { feature: f, description: FEATURES[f], enabled, source: (enabled === inTier ? "tier" : "override") as "tier" | "override" };
    }),
  };
}

export function listTiers() {
  return {
    tiers: Object.values(TIERS)
      .filter((t) => t.purchasable)
      .map((t) => ({
        id: t.id,
        name: t.name,
        description: t.description,
        prices: t.prices,
        currency: "usd",
        trial_days: t.trial_days,
        duration_months: t.duration_months,
        limits: t.limits,
        features: t.features,
      })),
  };
}

interface EventRow {
  id: string;
  amount: string | number;
  description: string | null;
  user_id: string | null;
  email: string | null;
  name: string | null;
  created_at: string | Date;
}

/** The events behind a limit's usage, newest first, with who caused them. */
/** Owner/admin only: the events name members and their emails. */
export async function usageEvents(ctx: ServiceContext, type: LimitType, page: { limit: number; offset: number }) {
  const ws = requireBillingAdmin(ctx);
  const { limit, offset } = page;
  const month = monthStart().toISOString();
  let q: ReturnType<typeof sql>;
  let control = false;
  switch (type) {
    case "seats":
      control = true;
      q = sql`SELECT m.id, 1 AS amount, m.role || ' (' || m.status || ')' AS description, u.id AS user_id, u.email, u.full_name AS name, m.created_at
        FROM workspace_members m JOIN users u ON u.id = m.user_id
        WHERE m.workspace_id = ${ws} AND m.status IN ('active', 'invited')`;
      break;
    case "ai_credits":
      control = true;
      q = sql`SELECT l.id, -l.amount AS amount, COALESCE(l.operation, l.kind) || COALESCE(' · ' || l.model, '') AS description,
          u.id AS user_id, u.email, u.full_name AS name, l.created_at
        FROM ai_credit_ledger l LEFT JOIN users u ON u.id = l.created_by
        WHERE l.workspace_id = ${ws} AND l.kind = 'consumption' AND l.created_at >= ${month}`;
      break;
    case "workflows":
      q = sql`SELECT w.id, 1 AS amount, w.name AS description, m.user_id, m.email, COALESCE(m.display_name, m.full_name) AS name, w.created_at
        FROM workflows w LEFT JOIN members m ON m.id = w.created_by_member_id WHERE w.deleted_at IS NULL`;
      break;
    case "ai_employees":
      q = sql`SELECT a.id, 1 AS amount, a.name AS description, m.user_id, m.email, COALESCE(m.display_name, m.full_name) AS name, a.created_at
        FROM agents a LEFT JOIN members m ON m.id = a.created_by_member_id WHERE NOT a.is_builtin`;
      break;
    case "storage":
      q = sql`SELECT v.id, v.size_bytes AS amount, v.file_name || ' (v' || v.version_number || ')' AS description,
          m.user_id, m.email, COALESCE(m.display_name, m.full_name) AS name, v.created_at
        FROM document_versions v LEFT JOIN members m ON m.id = v.uploaded_by_member_id`;
      break;
    case "image_generations":
      q = sql`SELECT a.id, a.units AS amount, a.model AS description, m.user_id, m.email, COALESCE(m.display_name, m.full_name) AS name, a.created_at
        FROM ai_usage a LEFT JOIN members m ON m.id = a.member_id
        WHERE a.operation = 'image' AND a.status = 'ok' AND a.created_at >= ${month}`;
      break;
    case "api_requests":
      throw invalidField(
        ["path", "limit_type"],
        "api_requests is a rate (per minute), not counted per event; see the X-RateLimit-* headers",
      );
  }
  const db = control ? ctx.control : ctx.db;
  const r = (await db.execute(
    sql`SELECT *, count(*) OVER () AS total FROM (${q}) e ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
  )) as unknown as Rows<EventRow & { total: string }>;
  return {
    limit_type: type,
    total: Number(r.rows[0]?.total ?? 0),
    limit,
    offset,
    events: r.rows.map((e) => ({
      id: e.id,
      amount: Number(e.amount),
      description: e.description,
      user: e.user_id ? { id: e.user_id, email: e.email, name: e.name } : null,
      created_at: new Date(e.created_at).toISOString(),
    })),
  };
}
