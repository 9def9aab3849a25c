// Billing through the real app against the local Stripe fake (scripts/stripe-fake.ts), which the
// real `stripe` SDK talks to. Webhooks: the fake records every event with its exact payload and a
// Stripe-Signature; `deliver` posts a customer's events to the app as Stripe would.
import Stripe from "stripe";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { resyncStaleSubscriptions } from "../src/modules/billing/service";
import { forgetBilling } from "../src/platform/billing/limits";
import { createContext } from "../src/platform/context";
import { call, databaseUrl, env, join, raw, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const FAKE = inject("stack").stripeUrl;
const stripe = new Stripe(env.STRIPE_SECRET_KEY as string, {
  httpClient: Stripe.createFetchHttpClient(),
  host: new URL(FAKE).hostname,
  port: Number(new URL(FAKE).port),
  protocol: "http",
  maxNetworkRetries: 0,
});

async function fake(path: string, body?: unknown) {
  const r = await fetch(`${FAKE}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

interface FakeEvent {
  id: string;
  type: string;
  payload: string;
  signature: string;
}

/** The fake's events about one customer (or one of its objects), oldest first. */
async function eventsOf(customer: string): Promise<FakeEvent[]> {
  const r = await fake("/__fake/events");
  return (r.body.data ?? r.body).filter((e: FakeEvent) => {
    const o = JSON.parse(e.payload).data.object;
    return o.customer === customer || o.id === customer;
  });
}

const post = (e: FakeEvent, signature = e.signature) =>
  call("POST", "/api/v1/billing/webhook", {
    raw: e.payload,
    headers: { "stripe-signature": signature, "content-type": "application/json" },
  });

/** Delivers the customer's events not delivered yet, in order. */
const delivered = new Set<string>();
async function deliver(customer: string) {
  const out: string[] = [];
  for (const e of await eventsOf(customer)) {
    if (delivered.has(e.id)) continue;
    const r = await post(e);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    delivered.add(e.id);
    out.push(e.type);
  }
  return out;
}

const billingRow = (ws: string) =>
  withControl(async (db) => {
    const r = (await db.execute(`SELECT * FROM workspace_billing WHERE workspace_id = '${ws}'`)) as unknown as {
      rows: Record<string, any>[];
    };
    return r.rows[0];
  });
const planOf = (ws: string) =>
  withControl(async (db) => {
    const r = (await db.execute(`SELECT plan FROM workspaces WHERE id = '${ws}'`)) as unknown as { rows: { plan: string }[] };
    return r.rows[0]?.plan;
  });
const ledger = (ws: string) =>
  withControl(async (db) => {
    const r = (await db.execute(
      `SELECT kind, amount, reference FROM ai_credit_ledger WHERE workspace_id = '${ws}' ORDER BY created_at`,
    )) as unknown as { rows: { kind: string; amount: number; reference: string | null }[] };
    return r.rows;
  });

const as = (who: SignedUp) => ({
  get: (path: string) => call("GET", path, { token: who.token, workspace: who.workspaceId }),
  post: (path: string, body?: unknown) => call("POST", path, { token: who.token, workspace: who.workspaceId, body: body ?? {} }),
});

/** A workspace subscribed through Checkout (trialing unless the fake was told otherwise). */
async function subscribed(tier = "starter", pm = "pm_card_visa") {
  const owner = await signup({ plan: tier });
  const api = as(owner);
  const co = await api.post("/api/v1/billing/checkout", { tier });
  expect(co.status, JSON.stringify(co.body)).toBe(200);
  expect((await fake(`/__fake/checkout/${co.body.session_id}/complete`, { payment_method: pm })).status).toBe(200);
  const row = await billingRow(owner.workspaceId);
  await deliver(row?.stripe_customer_id);
  const after = await billingRow(owner.workspaceId);
  return { owner, api, customer: after?.stripe_customer_id as string, subscription: after?.stripe_subscription_id as string };
}

describe("billing: tiers, limits, features", () => {
  it("lists the purchasable tiers publicly, with prices, limits and features", async () => {
    const r = await call("GET", "/api/v1/billing/tiers");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-ratelimit-limit")).toBeTruthy();
    expect(r.body.tiers.map((t: { id: string }) => t.id)).toEqual(["starter", "manager", "agency"]);
    const manager = r.body.tiers[1];
    expect(manager).toMatchObject({ prices: { monthly: 9900, yearly: 99000 }, limits: { api_requests: 300 }, trial_days: 3 });
    expect(manager.features).toContain("custom_roles");
    expect(r.body.tiers[0].features).not.toContain("custom_roles");
  });

  it("limits, usage and features for the workspace; unknown limit types are 422 naming the valid ones", async () => {
    const owner = await signup();
    const member = await join(owner, "member");
    const limits = await as(owner).get("/api/v1/billing/limits");
    expect(limits.status).toBe(200);
    const seats = limits.body.limits.find((l: { limit_type: string }) => l.limit_type === "seats");
    expect(seats).toMatchObject({ limit: 10, used: 2, remaining: 8, percent: 20, unlimited: false, period: "total" });
    const usage = await call("GET", "/api/v1/billing/usage/seats", { token: member.token, workspace: owner.workspaceId });
    expect(usage.status).toBe(200);
    expect(usage.body).toMatchObject({ limit_type: "seats", used: 2, allowed: true });
    const bad = await as(owner).get("/api/v1/billing/usage/bananas");
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.detail)).toContain("image_generations");
    const features = await as(owner).get("/api/v1/billing/features");
    expect(features.body.features.find((f: { feature: string }) => f.feature === "custom_roles")).toMatchObject({
      enabled: false,
      source: "tier",
    });
    // An override turns a feature on without changing the tier.
    await withControl((db) =>
      db.execute(
        `UPDATE workspace_billing SET overrides = '{"features":{"custom_roles":true},"limits":{"seats":3}}' WHERE workspace_id = '${owner.workspaceId}'`,
      ),
    );
    forgetBilling(owner.workspaceId);
    const after = await as(owner).get("/api/v1/billing/features");
    expect(after.body.features.find((f: { feature: string }) => f.feature === "custom_roles")).toMatchObject({
      enabled: true,
      source: "override",
    });
    expect((await as(owner).get("/api/v1/billing/usage/seats")).body).toMatchObject({ limit: 3, remaining: 1 });
  });

  it("usage events name who caused them (owner/admin only)", async () => {
    const owner = await signup();
    const member = await join(owner, "member");
    const r = await as(owner).get("/api/v1/billing/usage/events/seats?limit=1");
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    expect(r.body.events).toHaveLength(1);
    expect(r.body.events[0].user.email).toBe(member.email);
    const denied = await call("GET", "/api/v1/billing/usage/events/seats", { token: member.token, workspace: owner.workspaceId });
    expect(denied.status).toBe(403);
  });
});

describe("billing: signup and the lightweight status", () => {
  it("a signup without a card starts a local trial and gets a Checkout URL", async () => {
    const owner = await signup({ plan: "manager" });
    expect(owner.body.checkout_url).toMatch(/\/checkout\/cs_/);
    const row = await billingRow(owner.workspaceId);
    expect(row).toMatchObject({ status: "trialing" });
    expect(new Date(row?.trial_ends_at).getTime()).toBeGreaterThan(Date.now() + 2.9 * 86_400_000);
    const s = await as(owner).get("/api/v1/billing/subscription/status");
    expect(s.body).toMatchObject({ is_active: true, requires_payment: false, status: "trialing", tier: "manager", is_trial: true });
  });

  it("a signup with a card creates the customer and a trialing subscription in Stripe", async () => {
    const owner = await signup({ payment_method_id: "pm_card_visa" });
    expect(owner.body.subscription_id).toMatch(/^sub_/);
    const sub = await stripe.subscriptions.retrieve(owner.body.subscription_id);
    expect(sub.status).toBe("trialing");
    expect(sub.metadata.workspace_id).toBe(owner.workspaceId);
    const full = await as(owner).get("/api/v1/billing/subscription");
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ tier: "starter", status: "trialing", billing_period: "monthly", stripe_subscription_id: sub.id });
  });

  it("an expired trial is inactive and says what to do", async () => {
    const owner = await signup();
    await withControl((db) =>
      db.execute(`UPDATE workspace_billing SET trial_ends_at = now() - interval '1 minute' WHERE workspace_id = '${owner.workspaceId}'`),
    );
    forgetBilling(owner.workspaceId);
    const s = await as(owner).get("/api/v1/billing/subscription/status");
    expect(s.body).toMatchObject({ is_active: false, requires_payment: true });
    expect(s.body.message).toMatch(/trial has ended/);
  });
});

describe("billing: the subscription lifecycle through Stripe webhooks", () => {
  it("checkout → trialing → trial ends and is paid → active; a declined renewal → past_due → unpaid → inactive", async () => {
    const { owner, api, customer, subscription } = await subscribed("manager");
    expect(await planOf(owner.workspaceId)).toBe("manager");
    expect(await billingRow(owner.workspaceId)).toMatchObject({ status: "trialing", stripe_subscription_id: subscription });

    await fake(`/__fake/subscriptions/${subscription}/advance`, {});
    const types = await deliver(customer);
    expect(types).toContain("invoice.paid");
    expect((await api.get("/api/v1/billing/subscription/status")).body).toMatchObject({ status: "active", is_active: true });

    // The card starts declining: the next renewal fails, then the one after.
    const declining = await stripe.paymentMethods.attach("pm_card_chargeDeclined", { customer });
    await stripe.subscriptions.update(subscription, { default_payment_method: declining.id });
    await fake(`/__fake/subscriptions/${subscription}/advance`, {});
    expect(await deliver(customer)).toContain("invoice.payment_failed");
    expect((await api.get("/api/v1/billing/subscription/status")).body).toMatchObject({ status: "past_due", is_active: true });
    expect(
      (await call("GET", `/api/v1/billing/subscription/status`, { token: owner.token, workspace: owner.workspaceId })).body.message,
    ).toMatch(/payment failed/i);
    await fake(`/__fake/subscriptions/${subscription}/advance`, {});
    await deliver(customer);
    expect((await api.get("/api/v1/billing/subscription/status")).body).toMatchObject({
      status: "unpaid",
      is_active: false,
      requires_payment: true,
    });
  });

  it("a redelivered event is a 200 no-op; a bad or old signature is a 400 that changes nothing", async () => {
    const { owner, customer } = await subscribed();
    const [first] = await eventsOf(customer);
    if (!first) throw new Error("no events");
    const again = await post(first);
    expect(again.body).toMatchObject({ received: true, duplicate: true });
    const before = await billingRow(owner.workspaceId);
    // Tampered payload, wrong secret, and a signature older than the 300 s tolerance.
    const tampered = first.payload.replace(first.id, `${first.id}x`);
    expect(tampered).not.toBe(first.payload);
    expect(
      (await call("POST", "/api/v1/billing/webhook", { raw: tampered, headers: { "stripe-signature": first.signature } })).status,
    ).toBe(400);
    const wrong = await stripe.webhooks.generateTestHeaderStringAsync({ payload: first.payload, secret: "whsec_not_ours_0123456789" });
    const old = await stripe.webhooks.generateTestHeaderStringAsync({
      payload: first.payload.replace(first.id, "evt_replayed_old"),
      secret: env.STRIPE_WEBHOOK_SECRET as string,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const bad1 = await post(first, wrong);
    expect(bad1.status).toBe(400);
    expect(bad1.body).toMatchObject({ code: "bad_request" });
    expect(
      (
        await call("POST", "/api/v1/billing/webhook", {
          raw: first.payload.replace(first.id, "evt_replayed_old"),
          headers: { "stripe-signature": old },
        })
      ).status,
    ).toBe(400);
    expect((await call("POST", "/api/v1/billing/webhook", { raw: first.payload })).status).toBe(400);
    expect(await billingRow(owner.workspaceId)).toEqual(before);
  });

  it("events out of order: an older snapshot arriving after a newer one does not win", async () => {
    const { owner, api, customer, subscription } = await subscribed("starter");
    await api.post("/api/v1/billing/cancel", {});
    // The fake emitted customer.subscription.updated (cancel_at_period_end=true); deliver it, then an
    // older one (the creation, cancel_at_period_end=false) re-signed as a new event id.
    await deliver(customer);
    expect(await billingRow(owner.workspaceId)).toMatchObject({ cancel_at_period_end: true });
    const created = (await eventsOf(customer)).find((e) => e.type === "customer.subscription.created");
    if (!created) throw new Error("no created event");
    const replay = created.payload.replace(created.id, `${created.id}_late`);
    const sig = await stripe.webhooks.generateTestHeaderStringAsync({ payload: replay, secret: env.STRIPE_WEBHOOK_SECRET as string });
    const r = await call("POST", "/api/v1/billing/webhook", { raw: replay, headers: { "stripe-signature": sig } });
    expect(r.status).toBe(200);
    const row = await billingRow(owner.workspaceId);
    expect(row).toMatchObject({ cancel_at_period_end: true, stripe_subscription_id: subscription });
  });

  it("a missed webhook: the cron resyncs a subscription whose period ended", async () => {
    const { owner, subscription } = await subscribed("starter");
    await fake(`/__fake/subscriptions/${subscription}/advance`, {}); // trial ends in Stripe; events not delivered
    await withControl((db) =>
      db.execute(
        `UPDATE workspace_billing SET current_period_end = now() - interval '1 hour', synced_at = now() - interval '2 hours' WHERE workspace_id = '${owner.workspaceId}'`,
      ),
    );
    const cron = createContext({ env, requestId: "resync", actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
    try {
      expect(await resyncStaleSubscriptions(cron)).toBeGreaterThanOrEqual(1);
    } finally {
      await cron.connections.close();
    }
    expect(await billingRow(owner.workspaceId)).toMatchObject({ status: "active" });
  });

  it("upgrade now with proration; the same plan is a 409; downgrade at the period end, cancel it, schedule it again, it lands", async () => {
    const { owner, api, customer, subscription } = await subscribed("starter");
    await fake(`/__fake/subscriptions/${subscription}/advance`, {}); // trial over: active and paid
    await deliver(customer);
    const same = await api.post("/api/v1/billing/change-plan", { tier: "starter" });
    expect(same.status).toBe(409);
    const up = await api.post("/api/v1/billing/change-plan", { tier: "manager" });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({ is_scheduled: false, tier: "manager" });
    expect(await planOf(owner.workspaceId)).toBe("manager");
    const invoices = await api.get("/api/v1/billing/invoices");
    expect(invoices.status).toBe(200);
    // (99 − 29) dollars for (almost) the whole period, charged now.
    const proration = invoices.body.invoices[0];
    expect(proration.amount_paid).toBeGreaterThan(6900);
    expect(proration.amount_paid).toBeLessThanOrEqual(7000);

    const down = await api.post("/api/v1/billing/change-plan", { tier: "starter" });
    expect(down.status, JSON.stringify(down.body)).toBe(200);
    expect(down.body.is_scheduled).toBe(true);
    const periodEnd = (await billingRow(owner.workspaceId))?.current_period_end;
    expect(new Date(down.body.effective_date).getTime()).toBe(new Date(periodEnd).getTime());
    expect((await api.get("/api/v1/billing/subscription")).body.scheduled_change).toMatchObject({ tier: "starter" });
    expect(await planOf(owner.workspaceId)).toBe("manager");
    const undo = await api.post("/api/v1/billing/cancel-downgrade");
    expect(undo.status).toBe(200);
    expect((await api.post("/api/v1/billing/cancel-downgrade")).status).toBe(409);
    expect((await api.post("/api/v1/billing/change-plan", { tier: "starter" })).body.is_scheduled).toBe(true);
    await fake(`/__fake/subscriptions/${subscription}/advance`, {});
    await deliver(customer);
    expect(await planOf(owner.workspaceId)).toBe("starter");
    expect((await api.get("/api/v1/billing/subscription")).body).toMatchObject({ tier: "starter", scheduled_change: null });
  });

  it("cancel at the period end, reactivate, cancel again; the period ends → canceled and inactive", async () => {
    const { api, customer, subscription } = await subscribed("starter");
    const c = await api.post("/api/v1/billing/cancel", {});
    expect(c.body).toMatchObject({ cancel_at_period_end: true });
    expect((await api.post("/api/v1/billing/cancel", {})).status).toBe(409);
    expect((await api.post("/api/v1/billing/reactivate")).body).toMatchObject({ cancel_at_period_end: false });
    expect((await api.post("/api/v1/billing/reactivate")).status).toBe(409);
    await api.post("/api/v1/billing/cancel", {});
    await fake(`/__fake/subscriptions/${subscription}/advance`, {});
    await deliver(customer);
    expect((await api.get("/api/v1/billing/subscription/status")).body).toMatchObject({ status: "canceled", is_active: false });
    expect((await api.post("/api/v1/billing/cancel", {})).status).toBe(409);
  });

  it("end the trial now; a declined card is a 402 and the trial goes on", async () => {
    const declined = await subscribed("starter", "pm_card_chargeDeclined");
    const r = await declined.api.post("/api/v1/billing/end-trial");
    expect(r.status).toBe(402);
    expect(r.body).toMatchObject({ code: "payment_failed" });
    expect((await stripe.subscriptions.retrieve(declined.subscription)).status).toBe("trialing");
    expect(await billingRow(declined.owner.workspaceId)).toMatchObject({ status: "trialing" });

    const ok = await subscribed("starter");
    const ended = await ok.api.post("/api/v1/billing/end-trial");
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body.status).toBe("active");
    expect((await ok.api.post("/api/v1/billing/end-trial")).status).toBe(409);
  });

  it("setup intent → subscription; another workspace's setup intent is a 404", async () => {
    const owner = await signup();
    const other = await signup();
    const si = await as(owner).post("/api/v1/billing/setup-intent");
    expect(si.status).toBe(200);
    expect(si.body.client_secret).toMatch(/_secret_/);
    await fake(`/__fake/setup_intents/${si.body.setup_intent_id}/confirm`, { payment_method: "pm_card_visa" });
    const stolen = await as(other).post("/api/v1/billing/subscription", { tier: "starter", setup_intent_id: si.body.setup_intent_id });
    expect(stolen.status).toBe(404);
    const created = await as(owner).post("/api/v1/billing/subscription", { tier: "manager", setup_intent_id: si.body.setup_intent_id });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({ status: "trialing", tier: "manager", trial_days: 3 });
    expect(await planOf(owner.workspaceId)).toBe("manager");
    expect(
      (await as(owner).post("/api/v1/billing/subscription", { tier: "manager", setup_intent_id: si.body.setup_intent_id })).status,
    ).toBe(409);
    const upcoming = await as(owner).get("/api/v1/billing/invoices/upcoming");
    expect(upcoming.status).toBe(200);
    expect(upcoming.body.amount_due).toBe(9900);
  });

  it("the portal for a subscriber; a Checkout URL for a workspace without one; redirect URLs must be the app's", async () => {
    const { api } = await subscribed();
    const p = await api.get(`/api/v1/billing/customer-portal?return_url=${encodeURIComponent(`${env.APP_URL}/settings`)}`);
    expect(p.body).toMatchObject({ type: "portal" });
    const fresh = await signup();
    expect((await as(fresh).get("/api/v1/billing/customer-portal?tier=agency")).body).toMatchObject({ type: "checkout" });
    const evil = await as(fresh).get(`/api/v1/billing/customer-portal?return_url=${encodeURIComponent("https://evil.example/phish")}`);
    expect(evil.status).toBe(422);
    const evil2 = await as(fresh).post("/api/v1/billing/checkout", { tier: "starter", success_url: "https://evil.example/" });
    expect(evil2.status).toBe(422);
  });
});

describe("billing: one-time payments and price links", () => {
  it("a credit pack lands in the ledger exactly once, however often the webhook comes", async () => {
    const owner = await signup();
    const co = await as(owner).post("/api/v1/billing/checkout/one-time", { credits: 5000 });
    expect(co.status, JSON.stringify(co.body)).toBe(200);
    await fake(`/__fake/checkout/${co.body.session_id}/complete`, { payment_method: "pm_card_visa" });
    const customer = (await billingRow(owner.workspaceId))?.stripe_customer_id;
    await deliver(customer);
    const completed = (await eventsOf(customer)).find((e) => e.type === "checkout.session.completed");
    if (!completed) throw new Error("no checkout event");
    await post(completed);
    const purchases = (await ledger(owner.workspaceId)).filter((l) => l.kind === "purchase");
    expect(purchases).toEqual([{ kind: "purchase", amount: 5000, reference: `checkout:${co.body.session_id}` }]);
    expect((await as(owner).post("/api/v1/billing/checkout/one-time", { credits: 7 })).status).toBe(422);
    expect((await as(owner).post("/api/v1/billing/checkout/one-time", {})).status).toBe(422);
  });

  it("a one-time plan gives the tier until its duration ends", async () => {
    const owner = await signup();
    const co = await as(owner).post("/api/v1/billing/checkout/one-time", { tier: "agency" });
    await fake(`/__fake/checkout/${co.body.session_id}/complete`, { payment_method: "pm_card_visa" });
    await deliver((await billingRow(owner.workspaceId))?.stripe_customer_id);
    expect(await planOf(owner.workspaceId)).toBe("agency");
    const row = await billingRow(owner.workspaceId);
    expect(row?.billing_period).toBe("one_time");
    expect(new Date(row?.access_until).getTime()).toBeGreaterThan(Date.now() + 360 * 86_400_000);
  });

  it("the public price link redirects to Checkout with the affiliate code and trial; foreign and unknown prices are 404", async () => {
    const r = await raw("/api/v1/billing/prices/price_atrium_starter_monthly/checkout?ref=partner_42&days=7", { redirect: "manual" });
    expect(r.status).toBe(302);
    const url = r.headers.get("location") ?? "";
    expect(url).toMatch(/\/checkout\/cs_/);
    const session = await stripe.checkout.sessions.retrieve(url.split("/").pop() as string);
    expect(session.metadata).toMatchObject({ affiliate_code: "partner_42", kind: "price_link", tier: "starter" });
    expect(session.mode).toBe("subscription");
    expect((await call("GET", "/api/v1/billing/prices/price_foreign_1/checkout")).status).toBe(404);
    expect((await call("GET", "/api/v1/billing/prices/price_nope/checkout")).status).toBe(404);
    expect((await call("GET", "/api/v1/billing/prices/price_atrium_starter_monthly/checkout?ref=<script>")).status).toBe(422);
    expect((await call("GET", "/api/v1/billing/prices/price_atrium_starter_monthly/checkout?days=400")).status).toBe(422);
  });

  it("a paid price link becomes a payment invite, and signing up with it takes over the subscription", async () => {
    const r = await raw("/api/v1/billing/prices/price_atrium_manager_monthly/checkout", { redirect: "manual" });
    const sessionId = (r.headers.get("location") ?? "").split("/").pop() as string;
    const email = `buyer.${Date.now()}@example.com`;
    const done = await fake(`/__fake/checkout/${sessionId}/complete`, { payment_method: "pm_card_visa", email });
    expect(done.status).toBe(200);
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    const customer = typeof session.customer === "string" ? session.customer : (session.customer?.id as string);
    await deliver(customer);
    const invite = await withControl(async (db) => {
      const q = (await db.execute(
        `SELECT code, plan, stripe_subscription_id FROM payment_invites WHERE email = '${email}'`,
      )) as unknown as {
        rows: { code: string; plan: string; stripe_subscription_id: string }[];
      };
      return q.rows[0];
    });
    expect(invite).toMatchObject({ plan: "manager" });
    const s = await call("POST", "/api/v1/auth/signup/stripe-invite", {
      body: { invite_code: invite?.code, email, password: "correct horse battery", full_name: "Buyer", company_name: "Bought Co" },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    const ws = s.body.workspace.id ?? s.body.workspace_id;
    expect(await billingRow(ws)).toMatchObject({ stripe_subscription_id: invite?.stripe_subscription_id, status: "trialing" });
    expect((await stripe.subscriptions.retrieve(invite?.stripe_subscription_id as string)).metadata.workspace_id).toBe(ws);
  });
});

describe("billing: credits, auto-reload and spending alerts", () => {
  const balanceRow = (ws: string) =>
    withControl(async (db) => {
      const r = (await db.execute(`SELECT balance, held FROM credit_balances WHERE workspace_id = '${ws}'`)) as unknown as {
        rows: { balance: string; held: string }[];
      };
      return { balance: Number(r.rows[0]?.balance ?? 0), held: Number(r.rows[0]?.held ?? 0) };
    });
  /** Leaves exactly `available` credits (after the month's grant). */
  async function setAvailable(who: SignedUp, available: number) {
    expect((await as(who).get("/api/v1/billing/credits")).status).toBe(200);
    const r = await balanceRow(who.workspaceId);
    await withControl((db) =>
      db.execute(
        `INSERT INTO ai_credit_ledger (id, workspace_id, kind, amount, note) VALUES (gen_random_uuid(), '${who.workspaceId}', 'adjustment', ${available - (r.balance - r.held)}, 'test')`,
      ),
    );
  }
  const complete = (who: SignedUp) => as(who).post("/api/v1/ai/llm/complete", { prompt: "Say hi", model: "atrium-dev-1" });
  async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
    const end = Date.now() + ms;
    let v = await f();
    while (!ok(v) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 50));
      v = await f();
    }
    return v;
  }

  it("balance, burn rate and a usage chart by day", async () => {
    const owner = await signup();
    expect((await complete(owner)).status).toBe(200);
    const b = await as(owner).get("/api/v1/billing/credits");
    expect(b.status).toBe(200);
    expect(b.body.balance).toBe(5000 - b.body.burn_rate_per_hour * 24);
    const today = new Date().toISOString().slice(0, 10);
    const chart = await as(owner).get(`/api/v1/billing/credits/usage-chart?start=${today}&end=${today}`);
    expect(chart.status).toBe(200);
    expect(chart.body.daily_usage).toEqual([{ date: today, credits: b.body.burn_rate_per_hour * 24, requests: 1 }]);
    expect((await as(owner).get("/api/v1/billing/credits/usage-chart?start=2026-02-01&end=2026-01-01")).status).toBe(422);
  });

  it("buys credits with the saved card at once; without one, a pack Checkout; a declined card is a 402 with nothing added", async () => {
    const fresh = await signup();
    const noCard = await as(fresh).post("/api/v1/billing/credits/purchase", { amount: 1000 });
    expect(noCard.body).toMatchObject({ status: "checkout_required", checkout_url: expect.stringMatching(/\/checkout\/cs_/) });
    expect((await as(fresh).post("/api/v1/billing/credits/purchase", { amount: 1234 })).status).toBe(422);

    const { owner, api, customer } = await subscribed();
    const before = (await api.get("/api/v1/billing/credits")).body.balance;
    const r = await api.post("/api/v1/billing/credits/purchase", { amount: 2500 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: "succeeded", credits: 2500, balance: before + 2500 });
    // Its payment_intent.succeeded webhook does not add them a second time.
    await deliver(customer);
    expect((await ledger(owner.workspaceId)).filter((l) => l.kind === "purchase").map((l) => l.amount)).toEqual([2500]);

    const declining = await stripe.paymentMethods.attach("pm_card_chargeDeclined", { customer });
    const bad = await api.post("/api/v1/billing/credits/purchase", { amount: 500, payment_method_id: declining.id });
    expect(bad.status).toBe(402);
    expect(bad.body).toMatchObject({ code: "payment_failed" });
    const other = await subscribed();
    const foreign = await other.api.post("/api/v1/billing/credits/purchase", { amount: 500, payment_method_id: declining.id });
    expect(foreign.status).toBe(404);
    expect((await api.get("/api/v1/billing/credits")).body.balance).toBe(before + 2500);
  });

  it("auto-reload charges once per crossing; a declined card is not retried and the owner is told", async () => {
    const { owner, api, customer } = await subscribed();
    const put = (body: unknown) => call("PUT", "/api/v1/billing/auto-reload", { token: owner.token, workspace: owner.workspaceId, body });
    expect((await put({ enabled: true, reload_amount: 1000 })).status).toBe(422);
    const on = await put({ enabled: true, threshold_credits: 100, reload_amount: 1000 });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body.payment_method_id).toMatch(/^pm_/);

    await setAvailable(owner, 101);
    expect((await complete(owner)).status).toBe(200); // 101 → 99: below the threshold
    const reloaded = await until(
      () => ledger(owner.workspaceId),
      (l) => l.some((e) => e.kind === "purchase"),
    );
    expect(reloaded.filter((e) => e.kind === "purchase").map((e) => e.amount)).toEqual([1000]);
    // Still above the threshold after the next calls: no second reload.
    await complete(owner);
    await complete(owner);
    await new Promise((r) => setTimeout(r, 300));
    expect((await ledger(owner.workspaceId)).filter((e) => e.kind === "purchase")).toHaveLength(1);

    // The card starts declining; the next crossing fails once and is not retried.
    const declining = await stripe.paymentMethods.attach("pm_card_chargeDeclined", { customer });
    expect((await put({ enabled: true, threshold_credits: 100, reload_amount: 1000, payment_method_id: declining.id })).status).toBe(200);
    await setAvailable(owner, 101);
    await complete(owner);
    const failed = await until(
      () => api.get("/api/v1/billing/auto-reload"),
      (r) => r.body.last_error !== null,
    );
    expect(failed.body.last_error).toMatch(/declined/);
    await complete(owner);
    await complete(owner);
    await new Promise((r) => setTimeout(r, 300));
    expect((await ledger(owner.workspaceId)).filter((e) => e.kind === "purchase")).toHaveLength(1);
    const calls = await fake(`/__fake/calls?match=/v1/payment_intents`);
    const mine = (calls.body.data ?? calls.body).filter((c: { params: { customer?: string } }) => c.params.customer === customer);
    expect(mine).toHaveLength(2);
    const mail = await withControl(async (db) => {
      const q = (await db.execute(
        `SELECT subject FROM email_outbox WHERE to_address = '${owner.email.toLowerCase()}' AND template = 'billing_notice'`,
      )) as unknown as { rows: { subject: string }[] };
      return q.rows;
    });
    expect(mail.map((m) => m.subject)).toContain("Atrium credits: auto-reload failed");
  });

  it("a low-balance alert fires once per crossing: a credits.low event and an email", async () => {
    const owner = await signup();
    const a = await as(owner).post("/api/v1/billing/alerts", { type: "low_balance", threshold: 50, channels: ["email"] });
    expect(a.status).toBe(201);
    expect((await as(owner).post("/api/v1/billing/alerts", { type: "sometimes", threshold: 5 })).status).toBe(422);
    await setAvailable(owner, 51);
    await complete(owner);
    const fired = await until(
      () => as(owner).get("/api/v1/billing/alerts"),
      (r) => r.body.alerts[0]?.last_triggered_at !== null,
    );
    const first = fired.body.alerts[0].last_triggered_at;
    expect(first).not.toBeNull();
    await complete(owner);
    await new Promise((r) => setTimeout(r, 300));
    expect((await as(owner).get("/api/v1/billing/alerts")).body.alerts[0].last_triggered_at).toBe(first);
    const events = await withDb(databaseUrl(`ws_${owner.workspaceId.replace(/-/g, "")}`), async (db) => {
      const q = (await db.execute(`SELECT data FROM outbox_events WHERE type = 'credits.low'`)) as unknown as {
        rows: { data: Record<string, unknown> }[];
      };
      return q.rows;
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ alert_type: "low_balance", threshold: 50, alert_id: a.body.id });
    const mail = await withControl(async (db) => {
      const q = (await db.execute(
        `SELECT subject FROM email_outbox WHERE to_address = '${owner.email.toLowerCase()}' AND template = 'credits_low'`,
      )) as unknown as { rows: { subject: string }[] };
      return q.rows;
    });
    expect(mail).toHaveLength(1);
    const other = await signup();
    expect((await call("DELETE", `/api/v1/billing/alerts/${a.body.id}`, { token: other.token, workspace: other.workspaceId })).status).toBe(
      404,
    );
    expect((await call("DELETE", `/api/v1/billing/alerts/${a.body.id}`, { token: owner.token, workspace: owner.workspaceId })).status).toBe(
      204,
    );
  });
});

describe("billing: faults and permissions", () => {
  it("Stripe down → 502 in the platform shape and nothing changes", async () => {
    const owner = await signup();
    const before = await billingRow(owner.workspaceId);
    await fake("/__fake/faults", { match: "/v1/checkout/sessions", status: 500, times: 4 });
    const r = await as(owner).post("/api/v1/billing/checkout", { tier: "manager" });
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ code: "billing_provider_error" });
    expect(await billingRow(owner.workspaceId)).toMatchObject({ status: before?.status, stripe_subscription_id: null });
    expect(await planOf(owner.workspaceId)).toBe("starter");
  });

  it("billing is the owner's and admins'; members and viewers get 403; limits and status are readable by members", async () => {
    const owner = await signup();
    const admin = await join(owner, "admin");
    const member = await join(owner, "member");
    const viewer = await join(owner, "viewer");
    const by = (who: { token: string }) => ({
      post: (p: string, body: unknown = {}) => call("POST", p, { token: who.token, workspace: owner.workspaceId, body }),
      get: (p: string) => call("GET", p, { token: who.token, workspace: owner.workspaceId }),
    });
    for (const who of [member, viewer]) {
      expect((await by(who).post("/api/v1/billing/checkout", { tier: "manager" })).status).toBe(403);
      expect((await by(who).post("/api/v1/billing/change-plan", { tier: "manager" })).status).toBe(403);
      expect((await by(who).post("/api/v1/billing/setup-intent")).status).toBe(403);
      expect((await by(who).get("/api/v1/billing/invoices")).status).toBe(403);
      expect((await by(who).get("/api/v1/billing/subscription")).status).toBe(403);
      expect((await by(who).get("/api/v1/billing/subscription/status")).status).toBe(200);
      expect((await by(who).get("/api/v1/billing/limits")).status).toBe(200);
    }
    expect((await by(admin).post("/api/v1/billing/checkout", { tier: "manager" })).status).toBe(200);
  });

  it("the public setup intent needs no account and belongs to no customer", async () => {
    const r = await call("POST", "/api/v1/billing/public/setup-intent");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-ratelimit-limit")).toBeTruthy();
    const si = await stripe.setupIntents.retrieve(r.body.setup_intent_id);
    expect(si.customer).toBeNull();
  });
});

describeSecurity("billing", [
  { method: "GET", path: "/api/v1/billing/subscription", workspace: true },
  { method: "GET", path: "/api/v1/billing/subscription/status", workspace: true },
  { method: "GET", path: "/api/v1/billing/limits", workspace: true },
  { method: "GET", path: "/api/v1/billing/features", workspace: true },
  { method: "GET", path: "/api/v1/billing/usage/seats", workspace: true },
  { method: "GET", path: "/api/v1/billing/usage/events/seats", workspace: true },
  { method: "GET", path: "/api/v1/billing/invoices", workspace: true },
  { method: "GET", path: "/api/v1/billing/invoices/upcoming", workspace: true },
  { method: "GET", path: "/api/v1/billing/customer-portal", workspace: true },
  { method: "POST", path: "/api/v1/billing/checkout", body: { tier: "starter" }, workspace: true },
  { method: "POST", path: "/api/v1/billing/checkout/one-time", body: { credits: 1000 }, workspace: true },
  { method: "POST", path: "/api/v1/billing/change-plan", body: { tier: "manager" }, workspace: true },
  { method: "POST", path: "/api/v1/billing/cancel", body: {}, workspace: true },
  { method: "POST", path: "/api/v1/billing/cancel-downgrade", workspace: true },
  { method: "POST", path: "/api/v1/billing/reactivate", workspace: true },
  { method: "POST", path: "/api/v1/billing/end-trial", workspace: true },
  { method: "POST", path: "/api/v1/billing/setup-intent", workspace: true },
  { method: "POST", path: "/api/v1/billing/subscription", body: { tier: "starter", setup_intent_id: "seti_x" }, workspace: true },
]);

beforeAll(() => {
  expect(FAKE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});
