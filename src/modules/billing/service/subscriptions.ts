import { and, inArray, isNotNull, isNull, lt, or } from "drizzle-orm";
import { type BillingState, billingState } from "../../../platform/billing/limits";
import { workspaceBilling } from "../../../platform/billing/tables";
import { type BillingPeriod, TIERS, type TierId } from "../../../platform/billing/tiers";
import type { ServiceContext } from "../../../platform/context";
import { invalidField, ServiceError } from "../../../platform/errors";
import { callStripe, type Stripe, stripeOf } from "../stripe";
import { ensureCustomer, priceByLookupKey, purchasableTier, tierLookupKey } from "./catalogue";
import { checkoutSubscription, LIVE_STATUSES } from "./checkout";
import { applySubscription, type BillingRow, loadBilling, requireBillingAdmin, requireMember, saveBilling } from "./state";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function view(state: BillingState, row: BillingRow | undefined) {
  return {
    workspace_id: state.workspaceId,
    tier: state.tier.id,
    tier_name: state.tier.name,
    status: state.status,
    billing_period: row?.billingPeriod ?? null,
    is_active: state.active,
    requires_payment: !state.active,
    message: state.message,
    is_trial: state.status === "trialing",
    trial_end: iso(state.trialEndsAt),
    current_period_start: iso(row?.currentPeriodStart),
    current_period_end: iso(row?.currentPeriodEnd),
    cancel_at_period_end: row?.cancelAtPeriodEnd ?? false,
    canceled_at: iso(row?.canceledAt),
    access_until: iso(row?.accessUntil),
    scheduled_change: row?.scheduledTier
      ? { tier: row.scheduledTier, billing_period: row.scheduledPeriod, effective_date: iso(row.scheduledAt) }
      : null,
    stripe_customer_id: row?.stripeCustomerId ?? null,
    stripe_subscription_id: row?.stripeSubscriptionId ?? null,
    synced_at: iso(row?.syncedAt),
  };
}

async function retrieve(ctx: ServiceContext, id: string): Promise<Stripe.Subscription> {
  return callStripe("subscription", () => stripeOf(ctx.env).subscriptions.retrieve(id));
}

/** Fetches the live subscription and mirrors it (webhooks may have been missed). */
export async function syncSubscription(ctx: ServiceContext, workspaceId: string): Promise<BillingRow | undefined> {
  const row = await loadBilling(ctx.control, workspaceId);
  if (!row?.stripeSubscriptionId) return row;
  await applySubscription(ctx, workspaceId, await retrieve(ctx, row.stripeSubscriptionId));
  return loadBilling(ctx.control, workspaceId);
}

/**
 * Cron (every fifth minute): live subscriptions whose period or trial ended 15+ minutes ago and
 * that were not synced in the last hour are fetched and mirrored, so a missed webhook cannot leave
 * a workspace on a stale status for long. At most `limit` a run.
 */
export async function resyncStaleSubscriptions(ctx: ServiceContext, limit = 25): Promise<number> {
  const now = Date.now();
  const rows = await ctx.control
    .select({ ws: workspaceBilling.workspaceId })
    .from(workspaceBilling)
    .where(
      and(
        isNotNull(workspaceBilling.stripeSubscriptionId),
        inArray(workspaceBilling.status, [...LIVE_STATUSES]),
        lt(workspaceBilling.currentPeriodEnd, new Date(now - 15 * 60_000)),
        or(isNull(workspaceBilling.syncedAt), lt(workspaceBilling.syncedAt, new Date(now - 3600_000))),
      ),
    )
    .limit(limit);
  let synced = 0;
  for (const r of rows) {
    try {
      await syncSubscription(ctx, r.ws);
      synced++;
    } catch (e) {
      console.error(JSON.stringify({ level: "warn", msg: "subscription resync failed", workspace_id: r.ws, error: String(e) }));
    }
  }
  return synced;
}

/** Full status: syncs from Stripe first (502 when Stripe cannot be reached). */
export async function getSubscription(ctx: ServiceContext) {
  const ws = requireBillingAdmin(ctx);
  const row = await syncSubscription(ctx, ws);
  return view(await billingState(ctx, { fresh: true }), row);
}

/** Lightweight status from local state only (cached): for page loads. Any member may ask. */
export async function subscriptionStatus(ctx: ServiceContext) {
  requireMember(ctx);
  const s = await billingState(ctx);
  return {
    is_active: s.active,
    requires_payment: !s.active,
    message: s.message,
    status: s.status,
    tier: s.tier.id,
    is_trial: s.status === "trialing",
    trial_end: iso(s.trialEndsAt),
    cancel_at_period_end: s.cancelAtPeriodEnd,
  };
}

async function liveRow(ctx: ServiceContext, ws: string): Promise<BillingRow & { stripeSubscriptionId: string }> {
  const row = await loadBilling(ctx.control, ws);
  if (!row?.stripeSubscriptionId || !LIVE_STATUSES.has(row.status)) {
    throw new ServiceError("conflict", "The workspace has no active subscription");
  }
  return row as BillingRow & { stripeSubscriptionId: string };
}

/** After a SetupIntent: the subscription, on its payment method, with a trial when eligible. */
export async function createSubscription(
  ctx: ServiceContext,
  input: {
    tier: string;
    billing_period?: BillingPeriod | undefined;
    setup_intent_id?: string | undefined;
    payment_method_id?: string | undefined;
  },
) {
  const ws = requireBillingAdmin(ctx);
  const tier = purchasableTier(input.tier);
  const period = input.billing_period ?? "monthly";
  if (!input.setup_intent_id && !input.payment_method_id) {
    throw invalidField(["body", "setup_intent_id"], "Give the completed setup_intent_id (or a payment_method_id)");
  }
  const existing = await loadBilling(ctx.control, ws);
  if (existing?.stripeSubscriptionId && LIVE_STATUSES.has(existing.status)) {
    throw new ServiceError("conflict", "The workspace already has a subscription; use change-plan to switch tiers");
  }
  const customer = await ensureCustomer(ctx, ws);
  const stripe = stripeOf(ctx.env);
  let pm = input.payment_method_id;
  if (input.setup_intent_id) {
    const setupId = input.setup_intent_id;
    const si = await callStripe("setup intent", () => stripe.setupIntents.retrieve(setupId));
    const siCustomer = typeof si.customer === "string" ? si.customer : si.customer?.id;
    // Another workspace's (or nobody's) setup intent is not ours to use.
    if (siCustomer !== customer) throw new ServiceError("not_found", "Setup intent not found");
    if (si.status !== "succeeded") throw invalidField(["body", "setup_intent_id"], `The setup intent is ${si.status}; complete it first`);
    pm = typeof si.payment_method === "string" ? si.payment_method : si.payment_method?.id;
  }
  if (!pm) throw invalidField(["body", "payment_method_id"], "No payment method");
  const given = pm;
  const price = await priceByLookupKey(ctx, tierLookupKey(tier.id, period));
  // A bare payment method is attached first (its attached copy's id is the one to use).
  const method = input.payment_method_id
    ? (await callStripe("payment method", () => stripe.paymentMethods.attach(given, { customer }))).id
    : given;
  await callStripe("customer", () => stripe.customers.update(customer, { invoice_settings: { default_payment_method: method } }));
  const trial = existing?.stripeSubscriptionId ? 0 : tier.trial_days;
  const sub = await callStripe("subscription", () =>
    stripe.subscriptions.create(
      {
        customer,
        items: [{ price: price.id }],
        default_payment_method: method,
        metadata: { workspace_id: ws },
        payment_behavior: "error_if_incomplete",
        ...(trial > 0 ? { trial_period_days: trial } : {}),
      },
      { idempotencyKey: `subscription:${ws}:${input.setup_intent_id ?? method}:${tier.id}:${period}` },
    ),
  );
  await applySubscription(ctx, ws, sub);
  return { subscription_id: sub.id, status: sub.status, tier: tier.id, billing_period: period, trial_days: trial };
}

/**
 * Upgrade now with proration (the difference is invoiced and paid at once); downgrade at the
 * period end through a subscription schedule. The same tier and period → 409. Without a live
 * subscription, a Checkout URL to start one.
 */
export async function changePlan(ctx: ServiceContext, input: { tier: string; billing_period?: BillingPeriod | undefined }) {
  const ws = requireBillingAdmin(ctx);
  const target = purchasableTier(input.tier);
  const row = await loadBilling(ctx.control, ws);
  if (!row?.stripeSubscriptionId || !LIVE_STATUSES.has(row.status)) {
    const c = await checkoutSubscription(ctx, { tier: target.id, billing_period: input.billing_period });
    return { is_scheduled: false, requires_checkout: true, checkout_url: c.checkout_url, tier: target.id };
  }
  const state = await billingState(ctx, { fresh: true });
  const period = input.billing_period ?? ((row.billingPeriod === "yearly" ? "yearly" : "monthly") as BillingPeriod);
  if (state.tier.id === target.id && (row.billingPeriod ?? "monthly") === period) {
    throw new ServiceError("conflict", `The workspace is already on ${target.name} (${period})`);
  }
  const stripe = stripeOf(ctx.env);
  const subId = row.stripeSubscriptionId;
  const sub = await retrieve(ctx, subId);
  const item = sub.items.data[0];
  if (!item) throw new ServiceError("billing_provider_error", "The subscription has no items");
  const price = await priceByLookupKey(ctx, tierLookupKey(target.id, period));
  const upgrade = target.rank > state.tier.rank || (target.rank === state.tier.rank && period === "yearly");
  if (upgrade) {
    // A pending downgrade no longer applies.
    const schedule = typeof sub.schedule === "string" ? sub.schedule : sub.schedule?.id;
    if (schedule) await callStripe("schedule", () => stripe.subscriptionSchedules.release(schedule));
    const updated = await callStripe("subscription", () =>
      stripe.subscriptions.update(subId, {
        items: [{ id: item.id, price: price.id }],
        proration_behavior: "always_invoice",
        payment_behavior: "error_if_incomplete",
        metadata: { workspace_id: ws },
      }),
    );
    await saveBilling(ctx.control, ws, { scheduledTier: null, scheduledPeriod: null, scheduledAt: null });
    await applySubscription(ctx, ws, updated);
    return {
      is_scheduled: false,
      requires_checkout: false,
      tier: target.id,
      billing_period: period,
      effective_date: new Date().toISOString(),
    };
  }
  const effective = item.current_period_end;
  const existing = typeof sub.schedule === "string" ? sub.schedule : sub.schedule?.id;
  const schedule = existing
    ? await callStripe("schedule", () => stripe.subscriptionSchedules.retrieve(existing))
    : await callStripe("schedule", () => stripe.subscriptionSchedules.create({ from_subscription: subId }));
  const start = schedule.phases[0]?.start_date ?? item.current_period_start;
  await callStripe("schedule", () =>
    stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: "release",
      phases: [
        { items: [{ price: item.price.id, quantity: 1 }], start_date: start, end_date: effective },
        { items: [{ price: price.id, quantity: 1 }], duration: { interval: period === "yearly" ? "year" : "month", interval_count: 1 } },
      ],
    }),
  );
  await saveBilling(ctx.control, ws, {
    stripeScheduleId: schedule.id,
    scheduledTier: target.id,
    scheduledPeriod: period,
    scheduledAt: new Date(effective * 1000),
  });
  return {
    is_scheduled: true,
    requires_checkout: false,
    tier: target.id,
    billing_period: period,
    effective_date: new Date(effective * 1000).toISOString(),
  };
}

export async function cancelDowngrade(ctx: ServiceContext) {
  const ws = requireBillingAdmin(ctx);
  const row = await liveRow(ctx, ws);
  if (!row.scheduledTier || !row.stripeScheduleId) throw new ServiceError("conflict", "No downgrade is scheduled");
  const scheduleId = row.stripeScheduleId;
  await callStripe("schedule", () => stripeOf(ctx.env).subscriptionSchedules.release(scheduleId));
  await saveBilling(ctx.control, ws, { stripeScheduleId: null, scheduledTier: null, scheduledPeriod: null, scheduledAt: null });
  return { canceled: true, tier: (await billingState(ctx, { fresh: true })).tier.id as TierId };
}

/** Cancels at the period end (access until then), or now with `cancel_immediately`. */
export async function cancelSubscription(ctx: ServiceContext, input: { cancel_immediately?: boolean | undefined }) {
  const ws = requireBillingAdmin(ctx);
  const row = await liveRow(ctx, ws);
  const stripe = stripeOf(ctx.env);
  if (input.cancel_immediately) {
    const sub = await callStripe("subscription", () => stripe.subscriptions.cancel(row.stripeSubscriptionId));
    await applySubscription(ctx, ws, sub);
    return { status: sub.status, cancel_at_period_end: false, access_until: new Date().toISOString() };
  }
  if (row.cancelAtPeriodEnd) throw new ServiceError("conflict", "The subscription is already set to cancel at the period end");
  // A schedule (a pending downgrade) owns the subscription's end: release it first, as Stripe requires.
  const scheduleId = row.stripeScheduleId;
  if (scheduleId) {
    await callStripe("schedule", () => stripe.subscriptionSchedules.release(scheduleId));
    await saveBilling(ctx.control, ws, { stripeScheduleId: null, scheduledTier: null, scheduledPeriod: null, scheduledAt: null });
  }
  const sub = await callStripe("subscription", () => stripe.subscriptions.update(row.stripeSubscriptionId, { cancel_at_period_end: true }));
  await applySubscription(ctx, ws, sub);
  return { status: sub.status, cancel_at_period_end: true, access_until: iso(row.currentPeriodEnd) };
}

export async function reactivateSubscription(ctx: ServiceContext) {
  const ws = requireBillingAdmin(ctx);
  const row = await liveRow(ctx, ws);
  if (!row.cancelAtPeriodEnd) throw new ServiceError("conflict", "The subscription is not set to cancel");
  const sub = await callStripe("subscription", () =>
    stripeOf(ctx.env).subscriptions.update(row.stripeSubscriptionId, { cancel_at_period_end: false }),
  );
  await applySubscription(ctx, ws, sub);
  return { status: sub.status, cancel_at_period_end: false };
}

/** Ends the trial now: the first invoice is charged at once (a declined card → 402, nothing changed). */
export async function endTrial(ctx: ServiceContext) {
  const ws = requireBillingAdmin(ctx);
  const row = await liveRow(ctx, ws);
  if (row.status !== "trialing") throw new ServiceError("conflict", "The subscription is not in a trial");
  const sub = await callStripe("subscription", () =>
    stripeOf(ctx.env).subscriptions.update(row.stripeSubscriptionId, { trial_end: "now", payment_behavior: "error_if_incomplete" }),
  );
  await applySubscription(ctx, ws, sub);
  return { status: sub.status, tier: TIERS[(await billingState(ctx, { fresh: true })).tier.id].id };
}

// ---- invoices --------------------------------------------------------------------------------

function invoiceView(i: Stripe.Invoice) {
  return {
    id: i.id ?? null,
    number: i.number,
    status: i.status,
    amount_due: i.amount_due,
    amount_paid: i.amount_paid,
    total: i.total,
    currency: i.currency,
    period_start: new Date(i.period_start * 1000).toISOString(),
    period_end: new Date(i.period_end * 1000).toISOString(),
    created_at: new Date(i.created * 1000).toISOString(),
    hosted_invoice_url: i.hosted_invoice_url ?? null,
    pdf_url: i.invoice_pdf ?? null,
    lines: (i.lines?.data ?? []).map((l) => ({ description: l.description, amount: l.amount, currency: l.currency })),
  };
}

export async function listInvoices(ctx: ServiceContext, limit: number) {
  const ws = requireBillingAdmin(ctx);
  const row = await loadBilling(ctx.control, ws);
  if (!row?.stripeCustomerId) return { invoices: [], has_more: false };
  const customer = row.stripeCustomerId;
  const list = await callStripe("invoices", () => stripeOf(ctx.env).invoices.list({ customer, limit }));
  return { invoices: list.data.map(invoiceView), has_more: list.has_more };
}

export async function upcomingInvoice(ctx: ServiceContext) {
  const ws = requireBillingAdmin(ctx);
  const row = await loadBilling(ctx.control, ws);
  if (!row?.stripeCustomerId || !row.stripeSubscriptionId || !LIVE_STATUSES.has(row.status) || row.cancelAtPeriodEnd) {
    throw new ServiceError("not_found", "No upcoming invoice: the workspace has no renewing subscription");
  }
  const { stripeCustomerId: customer, stripeSubscriptionId: subscription } = row;
  const inv = await callStripe("upcoming invoice", () => stripeOf(ctx.env).invoices.createPreview({ customer, subscription }));
  return {
    ...invoiceView(inv),
    next_payment_attempt: inv.next_payment_attempt ? new Date(inv.next_payment_attempt * 1000).toISOString() : null,
  };
}
