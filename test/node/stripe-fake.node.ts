// scripts/stripe-fake.ts driven by the real `stripe` SDK, configured as the Worker configures it.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRIPE_FAKE_SECRET_KEY, STRIPE_FAKE_WEBHOOK_SECRET, startStripeFake } from "../../scripts/stripe-fake.ts";

let fake: Awaited<ReturnType<typeof startStripeFake>>;
let stripe: Stripe;
const DAY = 86_400;

const sdk = (key: string) =>
  new Stripe(key, {
    httpClient: Stripe.createFetchHttpClient(),
    host: "127.0.0.1",
    port: fake.port,
    protocol: "http",
    maxNetworkRetries: 0,
  });
const control = async <T = any>(path: string, body?: unknown, method = body === undefined ? "GET" : "POST"): Promise<T> => {
  const res = await fetch(`${fake.url}/__fake/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const out = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(out)}`);
  return out as T;
};
type FakeEvent = { id: string; type: string; payload: string; signature: string };
const eventsFor = async (id: string) => (await control<FakeEvent[]>("events")).filter((e) => e.payload.includes(id));

beforeAll(async () => {
  fake = await startStripeFake(0);
  stripe = sdk(STRIPE_FAKE_SECRET_KEY);
});
afterAll(() => fake.close());

describe("stripe fake", () => {
  it("creates, retrieves and updates customers", async () => {
    const c = await stripe.customers.create({ email: "a@example.com", name: "Ada", metadata: { workspace: "w1" } });
    expect(c.id).toMatch(/^cus_/);
    expect(c.object).toBe("customer");
    const r = await stripe.customers.retrieve(c.id);
    expect(r).toMatchObject({ id: c.id, email: "a@example.com", metadata: { workspace: "w1" } });
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: c.id });
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.id).not.toBe("pm_card_visa");
    expect(pm.card).toMatchObject({ brand: "visa", last4: "4242" });
    const u = await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: pm.id } });
    expect(u.invoice_settings.default_payment_method).toBe(pm.id);
    const pms = await stripe.customers.listPaymentMethods(c.id, { type: "card" });
    expect(pms.data.map((p) => p.id)).toEqual([pm.id]);
    const pms2 = await stripe.paymentMethods.list({ customer: c.id, type: "card" });
    expect(pms2.data).toHaveLength(1);
    await stripe.paymentMethods.detach(pm.id);
    expect((await stripe.customers.listPaymentMethods(c.id)).data).toHaveLength(0);
  });

  it("lists prices by lookup key and expands the product", async () => {
    const prices = await stripe.prices.list({
      lookup_keys: ["atrium_starter_monthly", "atrium_credits_5000", "someone_else"],
      active: true,
    });
    expect(prices.object).toBe("list");
    expect(prices.data.map((p) => p.id).sort()).toEqual(["price_atrium_credits_5000", "price_atrium_starter_monthly", "price_foreign_1"]);
    const starter = prices.data.find((p) => p.lookup_key === "atrium_starter_monthly");
    expect(starter).toMatchObject({ unit_amount: 2900, type: "recurring", metadata: { tier: "starter", billing_period: "monthly" } });
    expect(starter?.recurring?.interval).toBe("month");
    const p = await stripe.prices.retrieve("price_atrium_agency_onetime_12m", { expand: ["product"] });
    expect(p).toMatchObject({ unit_amount: 299000, type: "one_time", metadata: { tier: "agency", duration_months: "12" } });
    expect((p.product as Stripe.Product).id).toBe("prod_atrium_agency");
    const page = await stripe.prices.list({ limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
    const next = await stripe.prices.list({ limit: 2, starting_after: page.data[1]?.id });
    expect(next.data[0]?.id).not.toBe(page.data[0]?.id);
  });

  it("completes a subscription checkout with a trial, and emits the events", async () => {
    const cs = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer_email: "b@example.com",
      line_items: [{ price: "price_atrium_manager_monthly", quantity: 1 }],
      subscription_data: { trial_period_days: 14, metadata: { workspace: "w2" } },
      metadata: { workspace: "w2" },
      client_reference_id: "w2",
      success_url: "http://app/ok",
      cancel_url: "http://app/cancel",
    });
    expect(cs.id).toMatch(/^cs_/);
    expect(cs.url).toBe(`${fake.url}/checkout/${cs.id}`);
    expect(cs).toMatchObject({ status: "open", amount_total: 9900 });
    await control(`checkout/${cs.id}/complete`, {});
    const done = await stripe.checkout.sessions.retrieve(cs.id, { expand: ["subscription", "line_items"] });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid", client_reference_id: "w2" });
    const sub = done.subscription as Stripe.Subscription;
    expect(sub.status).toBe("trialing");
    expect(sub.metadata).toEqual({ workspace: "w2" });
    expect(sub.trial_end).toBe(sub.items.data[0]?.current_period_end);
    expect((sub.trial_end ?? 0) - (sub.trial_start ?? 0)).toBe(14 * DAY);
    expect(done.line_items?.data[0]?.price?.id).toBe("price_atrium_manager_monthly");
    const types = (await eventsFor(sub.id)).map((e) => e.type);
    expect(types).toContain("customer.subscription.created");
    expect(types).toContain("checkout.session.completed");
    const completed = (await eventsFor(cs.id)).find((e) => e.type === "checkout.session.completed");
    expect(JSON.parse(completed?.payload ?? "{}").data.object.subscription).toBe(sub.id);
    // Ending the trial now bills the price.
    const ended = await stripe.subscriptions.update(sub.id, { trial_end: "now", expand: ["latest_invoice"] });
    expect(ended.status).toBe("active");
    const inv = ended.latest_invoice as Stripe.Invoice;
    expect(inv).toMatchObject({ status: "paid", amount_paid: 9900, currency: "usd" });
    expect(inv.parent?.subscription_details?.subscription).toBe(sub.id);
    expect(inv.number).toBeTruthy();
    expect(inv.hosted_invoice_url).toContain(inv.id);
  });

  async function activeSubscription(priceId: string, pm = "pm_card_visa") {
    const c = await stripe.customers.create({ email: "s@example.com" });
    const si = await stripe.setupIntents.create({ customer: c.id, usage: "off_session", allowed_payment_method_types: ["card"] });
    expect(si.client_secret).toMatch(new RegExp(`^${si.id}_secret_`));
    const confirmed = await control(`setup_intents/${si.id}/confirm`, { payment_method: pm });
    expect(confirmed.status).toBe("succeeded");
    await stripe.customers.update(c.id, { invoice_settings: { default_payment_method: confirmed.payment_method } });
    const sub = await stripe.subscriptions.create({ customer: c.id, items: [{ price: priceId }], expand: ["latest_invoice"] });
    return { customer: c, sub };
  }

  it("upgrades with always_invoice: a proration invoice paid at once", async () => {
    const { customer, sub } = await activeSubscription("price_atrium_starter_monthly");
    expect(sub.status).toBe("active");
    expect((sub.latest_invoice as Stripe.Invoice).amount_paid).toBe(2900);
    const item = sub.items.data[0] as Stripe.SubscriptionItem;
    expect(item.current_period_end - item.current_period_start).toBe(30 * DAY);
    // Half the period left: (9900 − 2900) × 0.5.
    const half = item.current_period_start + 15 * DAY;
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription: sub.id,
      subscription_details: {
        items: [{ id: item.id, price: "price_atrium_manager_monthly" }],
        proration_date: half,
        proration_behavior: "always_invoice",
      },
    });
    expect(preview.amount_due).toBe(3500);
    const up = await stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: "price_atrium_manager_monthly" }],
      proration_behavior: "always_invoice",
      proration_date: half,
      expand: ["latest_invoice"],
    });
    expect(up.items.data[0]?.price.id).toBe("price_atrium_manager_monthly");
    const inv = up.latest_invoice as Stripe.Invoice;
    expect(inv).toMatchObject({ status: "paid", amount_due: 3500, amount_paid: 3500, billing_reason: "subscription_update" });
    expect(inv.lines.data.every((l) => l.parent?.subscription_item_details?.proration)).toBe(true);
    const invoices = await stripe.invoices.list({ customer: customer.id, subscription: sub.id, limit: 10 });
    expect(invoices.data.map((i) => i.amount_paid)).toEqual([3500, 2900]);
    // The next invoice: the new price at the period end.
    const next = await stripe.invoices.createPreview({ customer: customer.id, subscription: sub.id });
    expect(next.amount_due).toBe(9900);
    expect(next.next_payment_attempt).toBe(item.current_period_end);
    expect(next.period_end).toBe(item.current_period_end);
  });

  it("schedules a downgrade at the period end, applied by advance", async () => {
    const { sub } = await activeSubscription("price_atrium_agency_monthly");
    const item = sub.items.data[0] as Stripe.SubscriptionItem;
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    expect(schedule.id).toMatch(/^sub_sched_/);
    await stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: "release",
      phases: [
        { items: [{ price: "price_atrium_agency_monthly" }], start_date: item.current_period_start, end_date: item.current_period_end },
        { items: [{ price: "price_atrium_starter_monthly" }] },
      ],
    });
    expect((await stripe.subscriptions.retrieve(sub.id)).schedule).toBe(schedule.id);
    const preview = await stripe.invoices.createPreview({ customer: sub.customer as string, subscription: sub.id });
    expect(preview.amount_due).toBe(2900);
    await control(`subscriptions/${sub.id}/advance`, {});
    const after = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(after.items.data[0]?.price.id).toBe("price_atrium_starter_monthly");
    expect(after.schedule).toBeNull();
    expect((after.latest_invoice as Stripe.Invoice).amount_paid).toBe(2900);
    expect((await stripe.subscriptionSchedules.retrieve(schedule.id)).status).toBe("released");
  });

  it("cancels at the period end", async () => {
    const { sub } = await activeSubscription("price_atrium_starter_yearly");
    expect((sub.items.data[0]?.current_period_end ?? 0) - (sub.items.data[0]?.current_period_start ?? 0)).toBe(365 * DAY);
    const u = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(u.cancel_at_period_end).toBe(true);
    expect(u.status).toBe("active");
    await control(`subscriptions/${sub.id}/advance`, {});
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after.status).toBe("canceled");
    expect((await eventsFor(sub.id)).map((e) => e.type)).toContain("customer.subscription.deleted");
    const listed = await stripe.subscriptions.list({ customer: sub.customer as string, status: "all" });
    expect(listed.data.map((s) => s.status)).toEqual(["canceled"]);
    expect((await stripe.subscriptions.list({ customer: sub.customer as string })).data).toHaveLength(0);
  });

  it("a declined card: 402 card_declined on payment intents, past_due then unpaid on renewals", async () => {
    const c = await stripe.customers.create({ email: "d@example.com" });
    const err = await stripe.paymentIntents
      .create({ amount: 1000, currency: "usd", customer: c.id, payment_method: "pm_card_chargeDeclined", off_session: true, confirm: true })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err.statusCode).toBe(402);
    expect(err.code).toBe("card_declined");
    expect(err.raw.payment_intent.status).toBe("requires_payment_method");
    const pi = await stripe.paymentIntents.retrieve(err.raw.payment_intent.id);
    expect(pi.status).toBe("requires_payment_method");
    const ok = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      customer: c.id,
      payment_method: "pm_card_visa",
      confirm: true,
    });
    expect(ok.status).toBe("succeeded");

    const { sub } = await activeSubscription("price_atrium_starter_monthly");
    const bad = await stripe.paymentMethods.attach("pm_card_chargeDeclined", { customer: sub.customer as string });
    await stripe.subscriptions.update(sub.id, { default_payment_method: bad.id });
    const r1 = await control(`subscriptions/${sub.id}/advance`, {});
    expect(r1.status).toBe("past_due");
    expect((await eventsFor(sub.id)).map((e) => e.type)).toContain("invoice.payment_failed");
    const r2 = await control(`subscriptions/${sub.id}/advance`, {});
    expect(r2.status).toBe("unpaid");
    const trial = await stripe.subscriptions.create({
      customer: sub.customer as string,
      items: [{ price: "price_atrium_starter_monthly" }],
      trial_period_days: 7,
      default_payment_method: bad.id,
    });
    expect(trial.status).toBe("trialing");
    expect((await control(`subscriptions/${trial.id}/advance`, {})).status).toBe("past_due");
  });

  it("events carry a signature the SDK verifies", async () => {
    const c = await stripe.customers.create({ email: "e@example.com" });
    const evts = await eventsFor(c.id);
    const created = evts.find((e) => e.type === "customer.created") as FakeEvent;
    const event = await stripe.webhooks.constructEventAsync(
      created.payload,
      created.signature,
      STRIPE_FAKE_WEBHOOK_SECRET,
      undefined,
      Stripe.createSubtleCryptoProvider(),
    );
    expect(event.type).toBe("customer.created");
    expect(event.api_version).toBe("2026-10-28.endive");
    expect((await stripe.events.retrieve(event.id)).id).toBe(event.id);
    const listed = await stripe.events.list({ type: "customer.created", limit: 1 });
    expect(listed.data[0]?.id).toBe(event.id);
    const later = await control<FakeEvent[]>(`events?after=${created.id}`);
    expect(later.every((e) => e.id !== created.id)).toBe(true);
    await expect(
      stripe.webhooks.constructEventAsync(
        created.payload,
        created.signature,
        "whsec_wrong",
        undefined,
        Stripe.createSubtleCryptoProvider(),
      ),
    ).rejects.toThrow();
  });

  it("faults, auth, unknown ids, idempotency and recorded calls", async () => {
    await control("faults", { match: "/v1/customers", status: 500, times: 1 });
    await expect(stripe.customers.create({ email: "f@example.com" })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    await control("faults", { match: "/v1/customers", status: 0, times: 1 });
    await expect(stripe.customers.create({ email: "f@example.com" })).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect((await stripe.customers.create({ email: "f@example.com" })).id).toMatch(/^cus_/);

    await expect(sdk("sk_live_nope").customers.create({})).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const raw = await fetch(`${fake.url}/v1/customers`, { method: "POST" });
    expect(raw.status).toBe(401);

    const e = await stripe.customers.retrieve("cus_nope").catch((x) => x);
    expect(e).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(e.statusCode).toBe(404);
    expect(e.code).toBe("resource_missing");

    const a = await stripe.customers.create({ email: "i@example.com" }, { idempotencyKey: "same-key-1" });
    const b = await stripe.customers.create({ email: "i@example.com" }, { idempotencyKey: "same-key-1" });
    expect(b.id).toBe(a.id);

    const calls = await control<{ method: string; path: string; params: any }[]>("calls?match=/v1/customers");
    expect(calls.some((c) => c.method === "POST" && c.params.email === "i@example.com")).toBe(true);
  });

  it("payment-mode checkout and billing portal sessions", async () => {
    const c = await stripe.customers.create({ email: "p@example.com" });
    const cs = await stripe.checkout.sessions.create({
      mode: "payment",
      customer: c.id,
      line_items: [{ price: "price_atrium_credits_1000", quantity: 1 }],
      metadata: { credits: "1000" },
      success_url: "http://app/ok",
    });
    await control(`checkout/${cs.id}/complete`, { payment_method: "pm_card_mastercard" });
    const done = await stripe.checkout.sessions.retrieve(cs.id, { expand: ["payment_intent"] });
    expect(done.payment_status).toBe("paid");
    expect((done.payment_intent as Stripe.PaymentIntent).status).toBe("succeeded");
    expect((done.payment_intent as Stripe.PaymentIntent).amount).toBe(1000);
    const portal = await stripe.billingPortal.sessions.create({ customer: c.id, return_url: "http://app/billing" });
    expect(portal.object).toBe("billing_portal.session");
    expect(portal.id).toMatch(/^bps_/);
    expect(portal.url).toContain(fake.url);
  });
});

describe("stripe fake: webhooks and incomplete subscriptions", () => {
  it("POSTs events to webhookUrl with a verifiable Stripe-Signature, retrying a failure", async () => {
    const { createServer } = await import("node:http");
    const got: { type: string; id: string }[] = [];
    let refuse = 1;
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", async () => {
        if (refuse-- > 0) {
          res.writeHead(500).end();
          return;
        }
        const event = await stripe.webhooks.constructEventAsync(
          body,
          String(req.headers["stripe-signature"]),
          "whsec_test_receiver",
          undefined,
          Stripe.createSubtleCryptoProvider(),
        );
        got.push({ type: event.type, id: event.id });
        res.writeHead(200).end("{}");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const addr = receiver.address() as { port: number };
    const hooked = await startStripeFake(0, { webhookUrl: `http://127.0.0.1:${addr.port}/hook`, webhookSecret: "whsec_test_receiver" });
    try {
      const s = new Stripe(STRIPE_FAKE_SECRET_KEY, {
        httpClient: Stripe.createFetchHttpClient(),
        host: "127.0.0.1",
        port: hooked.port,
        protocol: "http",
        maxNetworkRetries: 0,
      });
      const c = await s.customers.create({ email: "h@example.com" });
      await s.customers.update(c.id, { name: "Hook" });
      await expect.poll(() => got.length, { timeout: 5000 }).toBe(2);
      // The refused first delivery came back after the next event (as with Stripe, order is not guaranteed).
      expect(got.map((g) => g.type)).toEqual(["customer.updated", "customer.created"]);
    } finally {
      await hooked.close();
      await new Promise((r) => receiver.close(r));
    }
  });

  it("payment_behavior: a decline leaves the first invoice open and the subscription incomplete", async () => {
    const c = await stripe.customers.create({ email: "inc@example.com" });
    const bad = await stripe.paymentMethods.attach("pm_card_chargeDeclined", { customer: c.id });
    const sub = await stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: "price_atrium_starter_monthly" }],
      default_payment_method: bad.id,
      expand: ["latest_invoice"],
    });
    expect(sub.status).toBe("incomplete");
    expect((sub.latest_invoice as Stripe.Invoice).status).toBe("open");
    const di = await stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: "price_atrium_starter_monthly" }],
      payment_behavior: "default_incomplete",
      expand: ["latest_invoice"],
    });
    expect(di.status).toBe("incomplete");
    expect((di.latest_invoice as Stripe.Invoice).attempted).toBe(false);
    const e = await stripe.subscriptions
      .create({
        customer: c.id,
        items: [{ price: "price_atrium_starter_monthly" }],
        default_payment_method: bad.id,
        payment_behavior: "error_if_incomplete",
      })
      .catch((x) => x);
    expect(e).toBeInstanceOf(Stripe.errors.StripeCardError);
    const missing = await stripe.subscriptions.create({ items: [{ price: "price_atrium_starter_monthly" }] } as never).catch((x) => x);
    expect(missing.code).toBe("parameter_missing");
    expect(missing.param).toBe("customer");
  });

  it("refuses cancel_at_period_end on a scheduled subscription", async () => {
    const c = await stripe.customers.create({ email: "sch@example.com" });
    const sub = await stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: "price_atrium_manager_monthly" }],
      default_payment_method: (await stripe.paymentMethods.attach("pm_card_visa", { customer: c.id })).id,
    });
    const schedule = await stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const e = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true }).catch((x) => x);
    expect(e.statusCode).toBe(400);
    await stripe.subscriptionSchedules.release(schedule.id);
    expect((await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })).cancel_at_period_end).toBe(true);
  });
});

describe("stripe fake: retrieval and the rest", () => {
  it("cancels now, retrieves every kind, setup-mode checkout", async () => {
    const c = await stripe.customers.create({ email: "r@example.com" });
    const pm = await stripe.paymentMethods.attach("pm_card_mastercard", { customer: c.id });
    const sub = await stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: "price_atrium_starter_monthly" }],
      default_payment_method: pm.id,
      metadata: { workspace: "w9" },
    });
    const canceled = await stripe.subscriptions.cancel(sub.id);
    expect(canceled.status).toBe("canceled");
    expect(canceled.ended_at).toBeTruthy();
    expect((await stripe.subscriptions.list({ customer: c.id, status: "canceled" })).data.map((s) => s.id)).toEqual([sub.id]);

    const inv = await stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(inv).toMatchObject({ object: "invoice", status: "paid", amount_paid: 2900, period_start: sub.created });
    expect(inv.parent?.subscription_details?.metadata).toEqual({ workspace: "w9" });
    expect(inv.lines.data[0]?.pricing?.price_details?.price).toBe("price_atrium_starter_monthly");
    expect((await stripe.invoices.list({ customer: c.id, status: "paid" })).data).toHaveLength(1);
    expect((await stripe.products.retrieve("prod_atrium_credits")).name).toBeTruthy();
    const visa = await stripe.paymentMethods.retrieve("pm_card_visa");
    expect(visa.card).toMatchObject({ brand: "visa", last4: "4242" });
    expect(typeof visa.card?.exp_month).toBe("number");

    const cs = await stripe.checkout.sessions.create({
      mode: "setup",
      customer: c.id,
      currency: "usd",
      allowed_payment_method_types: ["card"],
      success_url: "http://app/ok",
    });
    await control(`checkout/${cs.id}/complete`, { payment_method: "pm_card_visa" });
    const done = await stripe.checkout.sessions.retrieve(cs.id, { expand: ["setup_intent"] });
    expect(done.status).toBe("complete");
    const si = done.setup_intent as Stripe.SetupIntent;
    expect(si.status).toBe("succeeded");
    expect((await stripe.setupIntents.retrieve(si.id)).payment_method).toBe(si.payment_method);
    expect((await stripe.customers.listPaymentMethods(c.id)).data).toHaveLength(2);
  });
});

describe("stripe fake: recovery", () => {
  it("invoices.pay with a new card revives a past_due subscription; incomplete expires; idempotency keys bind their params", async () => {
    const c = await stripe.customers.create({ email: "rec@example.com" });
    const bad = await stripe.paymentMethods.attach("pm_card_chargeDeclinedInsufficientFunds", { customer: c.id });
    const sub = await stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: "price_atrium_manager_yearly" }],
      trial_period_days: 3,
      default_payment_method: bad.id,
    });
    const pastDue = await control(`subscriptions/${sub.id}/advance`, {});
    expect(pastDue.status).toBe("past_due");
    const failed = await stripe.invoices.retrieve(pastDue.latest_invoice);
    expect(failed).toMatchObject({ status: "open", amount_due: 99000, attempted: true });
    const e = await stripe.invoices.pay(failed.id).catch((x) => x);
    expect(e).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(e.decline_code).toBe("insufficient_funds");
    const good = await stripe.paymentMethods.attach("pm_card_visa", { customer: c.id });
    const paid = await stripe.invoices.pay(failed.id, { payment_method: good.id });
    expect(paid.status).toBe("paid");
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");

    const inc = await stripe.subscriptions.create({
      customer: c.id,
      items: [{ price: "price_atrium_starter_monthly" }],
      default_payment_method: bad.id,
    });
    expect(inc.status).toBe("incomplete");
    expect((await control(`subscriptions/${inc.id}/advance`, {})).status).toBe("incomplete_expired");
    expect((await stripe.invoices.retrieve(inc.latest_invoice as string)).status).toBe("void");

    await stripe.customers.create({ email: "k1@example.com" }, { idempotencyKey: "bound-key" });
    const ie = await stripe.customers.create({ email: "k2@example.com" }, { idempotencyKey: "bound-key" }).catch((x) => x);
    expect(ie).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });
});
