import { isTierId, TIERS } from "../../../platform/billing/tiers";
import type { ServiceContext } from "../../../platform/context";
import type { AfterSignupHook } from "../../auth/service/signup";
import { callStripe, stripeOf } from "../stripe";
import { appUrl, ensureCustomer, priceByLookupKey, tierLookupKey } from "./catalogue";
import { subscriptionCheckout } from "./checkout";
import { applySubscription, saveBilling } from "./state";

/**
 * Billing at signup (the auth module's seam):
 * - a payment invite (paid through a price link before the account existed): the workspace
 *   takes over that customer and subscription;
 * - a payment method: a Stripe customer and a subscription with the tier's trial (a failure
 *   fails the signup, which is all or nothing);
 * - neither: a local trial and a Checkout URL to subscribe (Stripe unreachable → no URL; the
 *   trial does not depend on it).
 */
export const billingAfterSignup: AfterSignupHook = async (ctx, a) => {
  const tier = isTierId(a.plan) && TIERS[a.plan].purchasable ? TIERS[a.plan] : TIERS.starter;
  const ws = a.workspaceId;
  if (a.stripe?.subscriptionId) {
    await saveBilling(ctx.control, ws, {
      stripeCustomerId: a.stripe.customerId,
      stripeSubscriptionId: a.stripe.subscriptionId,
      status: "active",
    });
    await linkInviteSubscription(ctx, ws, a.stripe.subscriptionId);
    return { subscription_id: a.stripe.subscriptionId };
  }
  await saveBilling(ctx.control, ws, { status: "trialing", trialEndsAt: new Date(Date.now() + tier.trial_days * 86_400_000) });
  if (a.paymentMethodId) {
    const given = a.paymentMethodId;
    const stripe = stripeOf(ctx.env);
    const customer = await ensureCustomer(ctx, ws);
    const price = await priceByLookupKey(ctx, tierLookupKey(tier.id, "monthly"));
    // Attaching may mint the customer's own copy (test tokens, cards from a setup intent): use its id.
    const pm = (await callStripe("payment method", () => stripe.paymentMethods.attach(given, { customer }))).id;
    await callStripe("customer", () => stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm } }));
    const sub = await callStripe("subscription", () =>
      stripe.subscriptions.create(
        {
          customer,
          items: [{ price: price.id }],
          default_payment_method: pm,
          trial_period_days: tier.trial_days,
          metadata: { workspace_id: ws },
        },
        { idempotencyKey: `signup-subscription:${ws}` },
      ),
    );
    await applySubscription(ctx, ws, sub);
    return { subscription_id: sub.id, checkout_url: null };
  }
  try {
    const c = await subscriptionCheckout(
      ctx,
      ws,
      tier.id,
      "monthly",
      appUrl(ctx, undefined, "/billing/success?session_id={CHECKOUT_SESSION_ID}", []),
      appUrl(ctx, undefined, "/billing", []),
    );
    return { checkout_url: c.checkout_url, subscription_id: null };
  } catch (e) {
    console.error(JSON.stringify({ level: "warn", msg: "signup checkout unavailable", workspace_id: ws, error: String(e) }));
    return { checkout_url: null, subscription_id: null };
  }
};

/** Points an invite's subscription at its new workspace and mirrors it (best effort: they paid). */
async function linkInviteSubscription(ctx: ServiceContext, ws: string, subscriptionId: string) {
  try {
    const sub = await callStripe("subscription", () =>
      stripeOf(ctx.env).subscriptions.update(subscriptionId, { metadata: { workspace_id: ws } }),
    );
    await applySubscription(ctx, ws, sub);
  } catch (e) {
    console.error(JSON.stringify({ level: "warn", msg: "invite subscription not linked yet", workspace_id: ws, error: String(e) }));
  }
}
