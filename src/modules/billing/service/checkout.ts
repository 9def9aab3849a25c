import { type BillingPeriod, CREDIT_PACKS, creditsLookupKey, TIERS, type TierId } from "../../../platform/billing/tiers";
import type { ServiceContext } from "../../../platform/context";
import { invalidField, ServiceError } from "../../../platform/errors";
import { callStripe, stripeOf } from "../stripe";
import { appUrl, ensureCustomer, ourPrice, priceByLookupKey, purchasableTier, tierLookupKey } from "./catalogue";
import { loadBilling, requireBillingAdmin, tierOfPrice } from "./state";

/** Statuses of a subscription that still bills (a second one would double-charge). */
export const LIVE_STATUSES = new Set(["trialing", "active", "past_due", "unpaid", "incomplete"]);

/** A workspace gets the Stripe trial once: not after it already had a paid subscription. */
async function trialDays(ctx: ServiceContext, workspaceId: string, tier: TierId): Promise<number> {
  const row = await loadBilling(ctx.control, workspaceId);
  return row?.stripeSubscriptionId ? 0 : TIERS[tier].trial_days;
}

async function assertNoLiveSubscription(ctx: ServiceContext, workspaceId: string) {
  const row = await loadBilling(ctx.control, workspaceId);
  if (row?.stripeSubscriptionId && LIVE_STATUSES.has(row.status)) {
    throw new ServiceError("conflict", "The workspace already has a subscription; use change-plan to switch tiers");
  }
}

export interface CheckoutInput {
  tier: string;
  billing_period?: BillingPeriod | undefined;
  success_url?: string | undefined;
  cancel_url?: string | undefined;
}

/** Stripe Checkout for a subscription (with the tier's trial when the workspace has not had one). */
export async function checkoutSubscription(ctx: ServiceContext, input: CheckoutInput) {
  const ws = requireBillingAdmin(ctx);
  const tier = purchasableTier(input.tier);
  const success = appUrl(ctx, input.success_url, "/billing/success?session_id={CHECKOUT_SESSION_ID}", ["body", "success_url"]);
  const cancel = appUrl(ctx, input.cancel_url, "/billing", ["body", "cancel_url"]);
  await assertNoLiveSubscription(ctx, ws);
  return subscriptionCheckout(ctx, ws, tier.id, input.billing_period ?? "monthly", success, cancel);
}

/** The Checkout session itself (also used by signup, where no member context exists yet). */
export async function subscriptionCheckout(
  ctx: ServiceContext,
  ws: string,
  tierId: TierId,
  period: BillingPeriod,
  success: string,
  cancel: string,
) {
  const [price, customer, days] = await Promise.all([
    priceByLookupKey(ctx, tierLookupKey(tierId, period)),
    ensureCustomer(ctx, ws),
    trialDays(ctx, ws, tierId),
  ]);
  const session = await callStripe("checkout", () =>
    stripeOf(ctx.env).checkout.sessions.create({
      mode: "subscription",
      customer,
      line_items: [{ price: price.id, quantity: 1 }],
      client_reference_id: ws,
      metadata: { workspace_id: ws, kind: "subscription" },
      subscription_data: { metadata: { workspace_id: ws }, ...(days > 0 ? { trial_period_days: days } : {}) },
      success_url: success,
      cancel_url: cancel,
    }),
  );
  return { checkout_url: session.url, session_id: session.id, tier: tierId, billing_period: period, trial_days: days };
}

export interface OneTimeInput {
  tier?: string | undefined;
  credits?: number | undefined;
  success_url?: string | undefined;
  cancel_url?: string | undefined;
}

/** One-time Checkout: a plan for the tier's `duration_months`, or a credit pack. */
export async function checkoutOneTime(ctx: ServiceContext, input: OneTimeInput) {
  const ws = requireBillingAdmin(ctx);
  if ((input.tier === undefined) === (input.credits === undefined)) {
    throw invalidField(["body", "tier"], "Give either a tier (a one-time plan) or credits (a credit pack)");
  }
  let lookup: string;
  let metadata: Record<string, string>;
  if (input.tier !== undefined) {
    const tier = purchasableTier(input.tier);
    lookup = `atrium_${tier.id}_onetime_${tier.duration_months}m`;
    metadata = { workspace_id: ws, kind: "plan", tier: tier.id, duration_months: String(tier.duration_months) };
  } else {
    const pack = CREDIT_PACKS.find((p) => p.credits === input.credits);
    if (!pack) throw invalidField(["body", "credits"], `Credit packs: ${CREDIT_PACKS.map((p) => p.credits).join(", ")}`);
    lookup = creditsLookupKey(pack.credits);
    metadata = { workspace_id: ws, kind: "credits", credits: String(pack.credits) };
  }
  const success = appUrl(ctx, input.success_url, "/billing/success?session_id={CHECKOUT_SESSION_ID}", ["body", "success_url"]);
  const cancel = appUrl(ctx, input.cancel_url, "/billing", ["body", "cancel_url"]);
  const [price, customer] = await Promise.all([priceByLookupKey(ctx, lookup), ensureCustomer(ctx, ws)]);
  const session = await callStripe("checkout", () =>
    stripeOf(ctx.env).checkout.sessions.create({
      mode: "payment",
      customer,
      line_items: [{ price: price.id, quantity: 1 }],
      client_reference_id: ws,
      // Not on the payment intent: its payment_intent.succeeded must not credit the pack a second time.
      metadata,
      success_url: success,
      cancel_url: cancel,
    }),
  );
  return { checkout_url: session.url, session_id: session.id, kind: metadata.kind as "plan" | "credits" };
}

/**
 * The public price link (affiliate and direct product links): a Checkout session for one of our
 * prices, paid before an account exists; the checkout webhook turns it into a payment invite.
 */
export async function priceLinkCheckout(
  ctx: ServiceContext,
  priceId: string,
  opts: { ref?: string | undefined; days?: number | undefined },
) {
  const price = await ourPrice(ctx, priceId);
  const tier = tierOfPrice(price);
  const recurring = !!price.recurring;
  const days = opts.days ?? (tier ? TIERS[tier].trial_days : 0);
  const metadata: Record<string, string> = {
    kind: "price_link",
    ...(tier ? { tier } : {}),
    ...(opts.ref ? { affiliate_code: opts.ref } : {}),
  };
  if (price.metadata?.credits) metadata.credits = price.metadata.credits;
  const session = await callStripe("checkout", () =>
    stripeOf(ctx.env).checkout.sessions.create({
      mode: recurring ? "subscription" : "payment",
      line_items: [{ price: price.id, quantity: 1 }],
      metadata,
      ...(recurring ? { subscription_data: { metadata, ...(days > 0 ? { trial_period_days: days } : {}) } } : {}),
      success_url: appUrl(ctx, undefined, "/final-process?session_id={CHECKOUT_SESSION_ID}", []),
      cancel_url: appUrl(ctx, undefined, "/pricing", []),
    }),
  );
  if (!session.url) throw new ServiceError("billing_provider_error", "Stripe returned no checkout URL");
  return session.url;
}

/** A SetupIntent for a custom payment form; then POST /billing/subscription. */
export async function createSetupIntent(ctx: ServiceContext) {
  const ws = requireBillingAdmin(ctx);
  const customer = await ensureCustomer(ctx, ws);
  const si = await callStripe("setup intent", () =>
    stripeOf(ctx.env).setupIntents.create({ customer, usage: "off_session", metadata: { workspace_id: ws } }),
  );
  return { client_secret: si.client_secret, setup_intent_id: si.id, customer_id: customer };
}

/** A SetupIntent before an account exists (public signup): its payment method goes to signup. */
export async function createPublicSetupIntent(ctx: ServiceContext) {
  const si = await callStripe("setup intent", () =>
    stripeOf(ctx.env).setupIntents.create({ usage: "off_session", metadata: { flow: "signup" } }),
  );
  return { client_secret: si.client_secret, setup_intent_id: si.id };
}

/** The Stripe customer portal; without a customer or subscription, a Checkout URL instead. */
export async function customerPortal(
  ctx: ServiceContext,
  input: { return_url?: string | undefined; tier?: string | undefined; billing_period?: BillingPeriod | undefined },
) {
  const ws = requireBillingAdmin(ctx);
  const returnUrl = appUrl(ctx, input.return_url, "/billing", ["query", "return_url"]);
  const row = await loadBilling(ctx.control, ws);
  if (!row?.stripeCustomerId || !row.stripeSubscriptionId) {
    const c = await checkoutSubscription(ctx, {
      tier: input.tier ?? "starter",
      billing_period: input.billing_period,
      cancel_url: returnUrl,
    });
    return { url: c.checkout_url, type: "checkout" as const };
  }
  const customer = row.stripeCustomerId;
  const session = await callStripe("portal", () => stripeOf(ctx.env).billingPortal.sessions.create({ customer, return_url: returnUrl }));
  return { url: session.url, type: "portal" as const };
}
