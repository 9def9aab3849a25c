import { eq, sql } from "drizzle-orm";
import { forgetBilling } from "../../../platform/billing/limits";
import { workspaceBilling } from "../../../platform/billing/tables";
import { type BillingPeriod, isTierId, type TierId } from "../../../platform/billing/tiers";
import type { ServiceContext } from "../../../platform/context";
import type { Db } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { workspaces } from "../../../platform/identity/tables";
import type { Stripe } from "../stripe";

export type BillingRow = typeof workspaceBilling.$inferSelect;
type BillingPatch = Partial<Omit<BillingRow, "workspaceId" | "createdAt" | "updatedAt">>;

export async function loadBilling(db: Db, workspaceId: string): Promise<BillingRow | undefined> {
  const [row] = await db.select().from(workspaceBilling).where(eq(workspaceBilling.workspaceId, workspaceId)).limit(1);
  return row;
}

/** Writes the billing row (created on first write) and drops the cached billing state. */
export async function saveBilling(db: Db, workspaceId: string, patch: BillingPatch): Promise<BillingRow> {
  const [row] = await db
    .insert(workspaceBilling)
    .values({ workspaceId, ...patch })
    .onConflictDoUpdate({ target: workspaceBilling.workspaceId, set: { ...patch, updatedAt: new Date() } })
    .returning();
  forgetBilling(workspaceId);
  if (!row) throw new Error("billing upsert returned nothing");
  return row;
}

export async function setPlan(db: Db, workspaceId: string, tier: TierId) {
  await db.update(workspaces).set({ plan: tier }).where(eq(workspaces.id, workspaceId));
  forgetBilling(workspaceId);
}

/** The tier a Stripe price sells: its `tier` metadata, else its lookup key `atrium_<tier>_…`. */
export function tierOfPrice(price: Stripe.Price | null | undefined): TierId | null {
  if (!price) return null;
  const meta = price.metadata?.tier;
  if (meta && isTierId(meta)) return meta;
  const m = /^atrium_([a-z]+)_/.exec(price.lookup_key ?? "");
  return m?.[1] && isTierId(m[1]) ? m[1] : null;
}

export const periodOfPrice = (price: Stripe.Price | null | undefined): BillingPeriod | null =>
  price?.recurring?.interval === "year" ? "yearly" : price?.recurring?.interval === "month" ? "monthly" : null;

const dateOf = (epoch: number | null | undefined) => (epoch ? new Date(epoch * 1000) : null);

/** The workspace a subscription belongs to: its metadata, else its customer's billing row. */
export async function workspaceOfSubscription(ctx: ServiceContext, sub: Stripe.Subscription): Promise<string | null> {
  const fromMeta = sub.metadata?.workspace_id;
  if (fromMeta && /^[0-9a-f-]{36}$/i.test(fromMeta)) {
    const [w] = await ctx.control.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, fromMeta)).limit(1);
    if (w) return w.id;
  }
  const customer = typeof sub.customer === "string" ? sub.customer : sub.customer?.id;
  if (!customer) return null;
  const [b] = await ctx.control
    .select({ id: workspaceBilling.workspaceId })
    .from(workspaceBilling)
    .where(eq(workspaceBilling.stripeCustomerId, customer))
    .limit(1);
  return b?.id ?? null;
}

/**
 * Mirrors a Stripe subscription into the workspace's billing row and plan. `eventCreated` is the
 * `created` of the event that carried it: a snapshot older than the newest applied one is not
 * applied (the caller fetches the live object instead). Returns false when it was stale.
 */
export async function applySubscription(
  ctx: ServiceContext,
  workspaceId: string,
  sub: Stripe.Subscription,
  eventCreated?: number,
): Promise<boolean> {
  const item = sub.items?.data?.[0];
  const price = item?.price ?? null;
  const tier = tierOfPrice(price);
  const period = periodOfPrice(price);
  return ctx.control.transaction(async (tx) => {
    // Serialise concurrent deliveries for one workspace; then the staleness check is exact.
    const [cur] = await tx
      .execute(sql`SELECT stripe_event_at, scheduled_tier FROM workspace_billing WHERE workspace_id = ${workspaceId} FOR UPDATE`)
      .then((r) => (r as unknown as { rows: { stripe_event_at: string | null; scheduled_tier: string | null }[] }).rows);
    // Stripe's `created` is in seconds: an event of the same second as the newest applied one is
    // as ambiguous as an older one, so the caller fetches the live object for both.
    if (eventCreated !== undefined && cur?.stripe_event_at != null && Number(cur.stripe_event_at) >= eventCreated) return false;
    const patch: BillingPatch = {
      status: sub.status,
      stripeSubscriptionId: sub.id,
      stripeCustomerId: typeof sub.customer === "string" ? sub.customer : sub.customer.id,
      stripePriceId: price?.id ?? null,
      stripeScheduleId: typeof sub.schedule === "string" ? sub.schedule : (sub.schedule?.id ?? null),
      billingPeriod: period,
      currentPeriodStart: dateOf(item?.current_period_start),
      currentPeriodEnd: dateOf(item?.current_period_end),
      trialEndsAt: dateOf(sub.trial_end),
      cancelAtPeriodEnd: sub.cancel_at_period_end,
      canceledAt: dateOf(sub.canceled_at),
      accessUntil: null,
      syncedAt: new Date(),
      ...(eventCreated !== undefined ? { stripeEventAt: Math.max(eventCreated, Number(cur?.stripe_event_at ?? 0)) } : {}),
    };
    // A scheduled downgrade is done once the subscription is on the scheduled tier, or gone with it.
    if (cur?.scheduled_tier && (cur.scheduled_tier === tier || sub.status === "canceled" || !patch.stripeScheduleId)) {
      Object.assign(patch, { scheduledTier: null, scheduledPeriod: null, scheduledAt: null });
    }
    await saveBilling(tx as unknown as Db, workspaceId, patch);
    if (tier)
      await tx
        .update(workspaces)
        .set({ plan: tier, stripeCustomerId: patch.stripeCustomerId, stripeSubscriptionId: sub.id })
        .where(eq(workspaces.id, workspaceId));
    forgetBilling(workspaceId);
    return true;
  });
}

/** 403 unless the caller is the workspace's owner or an admin (billing is theirs). */
export function requireBillingAdmin(ctx: ServiceContext): string {
  const ws = ctx.workspace;
  if (!ws) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  if (ws.role !== "owner" && ws.role !== "admin")
    throw new ServiceError("forbidden", "Only the workspace's owner or an admin manages billing");
  return ws.id;
}

export function requireMember(ctx: ServiceContext): string {
  const ws = ctx.workspace;
  if (!ws) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  return ws.id;
}
