import { eq, sql } from "drizzle-orm";
import { aiCreditLedger } from "../../../platform/ai/credit-tables";
import { stripeEvents } from "../../../platform/billing/tables";
import { isTierId } from "../../../platform/billing/tiers";
import type { ServiceContext } from "../../../platform/context";
import { randomToken } from "../../../platform/crypto";
import { enqueueEmail } from "../../../platform/email/outbox";
import { ServiceError } from "../../../platform/errors";
import { users, workspaces } from "../../../platform/identity/tables";
import { paymentInvites } from "../../auth/tables";
import { callStripe, type Stripe, stripeOf, subtleCrypto } from "../stripe";
import { applySubscription, saveBilling, setPlan, workspaceOfSubscription } from "./state";

/** Stripe's default tolerance: a signature older than this is refused (replay window). */
const TOLERANCE_S = 300;
const INVITE_DAYS = 30;

/**
 * The Stripe webhook receiver. Verified with the SDK (SubtleCrypto, 300 s tolerance) → 400 and
 * nothing changed when the signature is bad or old. Each event id is processed once: handlers
 * are idempotent (mirroring a subscription, ledger entries by reference, invites by session) and
 * the id is recorded after they succeed, so a failure is retried by Stripe and a redelivery of
 * a processed event is a 200 no-op. Order does not matter: a subscription snapshot older than
 * the newest applied one is replaced by the live object.
 */
export async function receiveStripeWebhook(ctx: ServiceContext, payload: string, signature: string | undefined) {
  const secret = ctx.env.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new ServiceError("service_unavailable", "Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET)");
  if (!signature) throw new ServiceError("bad_request", "Missing Stripe-Signature header");
  let event: Stripe.Event;
  try {
    event = await stripeOf(ctx.env).webhooks.constructEventAsync(payload, signature, secret, TOLERANCE_S, subtleCrypto);
  } catch (e) {
    throw new ServiceError("bad_request", `Invalid Stripe signature: ${(e as Error).message}`);
  }
  const [seen] = await ctx.control.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, event.id)).limit(1);
  if (seen) return { received: true, duplicate: true, type: event.type };
  const workspaceId = await handle(ctx, event);
  await ctx.control
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type, created: event.created, workspaceId: workspaceId ?? null })
    .onConflictDoNothing();
  return { received: true, duplicate: false, type: event.type };
}

async function handle(ctx: ServiceContext, event: Stripe.Event): Promise<string | null> {
  switch (event.type) {
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
    case "customer.subscription.trial_will_end":
    case "customer.subscription.paused":
    case "customer.subscription.resumed":
      return onSubscription(ctx, event.data.object, event.created);
    case "invoice.paid":
    case "invoice.payment_failed":
      return onInvoice(ctx, event.data.object, event.type === "invoice.payment_failed");
    case "checkout.session.completed":
      return onCheckout(ctx, event.data.object);
    case "payment_intent.succeeded":
      return onPaymentIntent(ctx, event.data.object);
    default:
      return null;
  }
}

async function onSubscription(ctx: ServiceContext, sub: Stripe.Subscription, created: number) {
  const ws = await workspaceOfSubscription(ctx, sub);
  if (!ws) return null;
  const applied = await applySubscription(ctx, ws, sub, created);
  // An older snapshot arrived after a newer one: the live object is the truth.
  if (!applied) await applySubscription(ctx, ws, await callStripe("subscription", () => stripeOf(ctx.env).subscriptions.retrieve(sub.id)));
  return ws;
}

function subscriptionOfInvoice(inv: Stripe.Invoice): string | null {
  const s = inv.parent?.subscription_details?.subscription;
  return typeof s === "string" ? s : (s?.id ?? null);
}

async function onInvoice(ctx: ServiceContext, inv: Stripe.Invoice, failed: boolean) {
  const subId = subscriptionOfInvoice(inv);
  if (!subId) return null;
  const sub = await callStripe("subscription", () => stripeOf(ctx.env).subscriptions.retrieve(subId));
  const ws = await workspaceOfSubscription(ctx, sub);
  if (!ws) return null;
  await applySubscription(ctx, ws, sub);
  if (failed)
    await tellOwner(
      ctx,
      ws,
      "Your Atrium payment failed",
      `The payment of invoice ${inv.number ?? inv.id} failed. Update the payment method in Billing to keep access.`,
    );
  return ws;
}

const validWorkspace = (s: string | undefined | null) => (s && /^[0-9a-f-]{36}$/i.test(s) ? s : null);

async function onCheckout(ctx: ServiceContext, s: Stripe.Checkout.Session) {
  const meta = s.metadata ?? {};
  const ws = validWorkspace(meta.workspace_id);
  if (ws) {
    const [w] = await ctx.control.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, ws)).limit(1);
    if (!w) return null;
  }
  if (meta.kind === "subscription" && ws && s.subscription) {
    const subId = typeof s.subscription === "string" ? s.subscription : s.subscription.id;
    const sub = await callStripe("subscription", () => stripeOf(ctx.env).subscriptions.retrieve(subId));
    await applySubscription(ctx, ws, sub);
    return ws;
  }
  if (meta.kind === "credits" && ws && s.payment_status === "paid") {
    await creditPurchase(ctx, ws, Number(meta.credits), `checkout:${s.id}`, "Credit pack (Checkout)");
    return ws;
  }
  if (meta.kind === "plan" && ws && s.payment_status === "paid" && meta.tier && isTierId(meta.tier)) {
    const months = Number(meta.duration_months ?? 12);
    const until = new Date();
    until.setUTCMonth(until.getUTCMonth() + months);
    await saveBilling(ctx.control, ws, { status: "active", billingPeriod: "one_time", accessUntil: until, trialEndsAt: null });
    await setPlan(ctx.control, ws, meta.tier);
    return ws;
  }
  if (meta.kind === "price_link") {
    await createPaymentInvite(ctx, s);
    return null;
  }
  return ws;
}

/** Saved-card purchases (credits bought now, auto-reload) land here too: the reference dedupes. */
async function onPaymentIntent(ctx: ServiceContext, pi: Stripe.PaymentIntent) {
  const ws = validWorkspace(pi.metadata?.workspace_id);
  if (!ws || pi.metadata?.kind !== "credits" || pi.status !== "succeeded") return null;
  await creditPurchase(ctx, ws, Number(pi.metadata.credits), `payment:${pi.id}`, pi.metadata.note ?? "Credit purchase");
  return ws;
}

/** Purchased credits enter the ledger once per payment (the reference is unique per workspace). */
export async function creditPurchase(ctx: ServiceContext, workspaceId: string, credits: number, reference: string, note: string) {
  if (!Number.isInteger(credits) || credits <= 0) return false;
  const rows = await ctx.control
    .insert(aiCreditLedger)
    .values({ workspaceId, kind: "purchase", amount: credits, reference, note })
    .onConflictDoNothing()
    .returning({ id: aiCreditLedger.id });
  return rows.length > 0;
}

/** A price-link payment before an account exists → a payment invite (signup with its code). */
async function createPaymentInvite(ctx: ServiceContext, s: Stripe.Checkout.Session) {
  const email = s.customer_details?.email ?? s.customer_email;
  // A plan bought without an account; a credit pack needs a workspace to land in.
  if (!email || !s.metadata?.tier) return;
  const [dupe] = await ctx.control
    .select({ id: paymentInvites.id })
    .from(paymentInvites)
    .where(
      sql`${paymentInvites.stripeSubscriptionId} = ${typeof s.subscription === "string" ? s.subscription : (s.subscription?.id ?? s.id)}`,
    )
    .limit(1);
  if (dupe) return;
  const tier = s.metadata?.tier && isTierId(s.metadata.tier) ? s.metadata.tier : "starter";
  await ctx.control.insert(paymentInvites).values({
    code: randomToken(18),
    email,
    accessCode: String(100_000 + ((crypto.getRandomValues(new Uint32Array(1))[0] ?? 0) % 900_000)),
    fullName: s.customer_details?.name ?? null,
    plan: tier,
    stripeCustomerId: typeof s.customer === "string" ? s.customer : (s.customer?.id ?? null),
    stripeSubscriptionId: typeof s.subscription === "string" ? s.subscription : (s.subscription?.id ?? s.id),
    expiresAt: new Date(Date.now() + INVITE_DAYS * 86_400_000),
  });
}

export async function tellOwner(ctx: ServiceContext, workspaceId: string, subject: string, text: string) {
  const [o] = await ctx.control
    .select({ email: users.email })
    .from(workspaces)
    .innerJoin(users, eq(users.id, workspaces.ownerId))
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  if (o) await enqueueEmail(ctx.control, { to: o.email, subject, text, template: "billing_notice", data: { workspace_id: workspaceId } });
}
