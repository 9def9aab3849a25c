// A local fake of the Stripe REST API (the parts a billing module uses), for `npm run dev` and the
// tests, where Stripe is unreachable. The real `stripe` SDK (v23, API version 2026-10-28.endive)
// talks to it unchanged:
//   new Stripe(key, { httpClient: Stripe.createFetchHttpClient(), host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 })
//
// Wire format as Stripe's: form-encoded bodies and queries (`items[0][price]=…`), `expand[]`
// (any path whose value is an id the fake knows; `line_items` of checkout sessions), JSON objects
// with `object` and prefixed ids, lists `{object:"list", data, has_more, url}` (newest first,
// `limit`, `starting_after`, `ending_before`), errors `{error:{type, code, message, param}}` with
// Stripe's statuses (400 invalid_request_error, 402 card_error, 404 resource_missing, 401 without
// `Authorization: Bearer sk_test_…`). A POST with an Idempotency-Key already seen gets the same response
// (with other parameters: 400 idempotency_error).
//
// Endpoints (SDK method in brackets):
//   customers: POST /v1/customers [customers.create], GET|POST /v1/customers/:id [retrieve|update],
//     GET /v1/customers/:id/payment_methods [customers.listPaymentMethods]
//   prices: GET /v1/prices (lookup_keys[], active, product, type) [prices.list], GET /v1/prices/:id [retrieve]
//   products: GET /v1/products/:id [products.retrieve]
//   checkout: POST /v1/checkout/sessions [checkout.sessions.create], GET …/:id [retrieve]
//   setup intents: POST /v1/setup_intents [setupIntents.create], GET …/:id [retrieve]
//   payment methods: GET /v1/payment_methods?customer&type [paymentMethods.list], GET …/:id [retrieve],
//     POST …/:id/attach {customer} [attach], POST …/:id/detach [detach]
//   subscriptions: POST /v1/subscriptions [create], GET /v1/subscriptions [list], GET|POST|DELETE …/:id
//     [retrieve|update|cancel]
//   subscription schedules: POST /v1/subscription_schedules {from_subscription} [create], GET|POST …/:id
//     [retrieve|update], POST …/:id/release [release]
//   invoices: GET /v1/invoices [list], GET /v1/invoices/:id [retrieve], POST /v1/invoices/:id/pay {payment_method?}
//     [pay: a paid latest invoice makes a past_due/unpaid/incomplete subscription active],
//     POST /v1/invoices/create_preview [createPreview]
//   payment intents: POST /v1/payment_intents [create], GET …/:id [retrieve]
//   billing portal: POST /v1/billing_portal/sessions [billingPortal.sessions.create]
//   events: GET /v1/events [events.list], GET /v1/events/:id [events.retrieve]
//
// Catalogue (fixed): prices `price_atrium_<tier>_<monthly|yearly>` (starter $29/$290, manager $99/$990,
// agency $299/$2990; metadata {tier, billing_period}), `price_atrium_<tier>_onetime_12m` (one_time, 10×
// monthly; metadata {tier, duration_months:"12"}), `price_atrium_credits_<1000|5000|20000>` ($10/$45/$160;
// metadata {credits}), and `price_foreign_1` (lookup key `someone_else`, no metadata): not ours. The lookup
// key of each Atrium price is its id without `price_`.
//
// Test payment methods, usable by id: pm_card_visa, pm_card_mastercard (succeed), pm_card_chargeDeclined
// (every charge fails: 402 card_error card_declined), pm_card_chargeDeclinedInsufficientFunds (same,
// decline_code insufficient_funds). Attaching one to a customer (attach, setup intent confirm, checkout
// completion, subscriptions.create default_payment_method) mints a per-customer copy `pm_…` with the same
// card and behaviour, as Stripe does; an already minted, unattached pm is attached in place.
//
// Billing model (documented simplifications):
// - Periods: 30 days for monthly prices, 365 for yearly. There is no clock: "now" is real time, and
//   advancing a subscription ends its current period *now* (the next period starts now).
// - Subscription creation with a trial: status trialing and a $0 invoice (paid). Without a trial: an invoice
//   for the price, paid with the subscription's or the customer's default pm; a decline or no pm leaves the
//   subscription `incomplete` (payment_behavior default_incomplete: not even attempted; error_if_incomplete:
//   402 and nothing created). A decline at a renewal or at trial end → past_due; a second consecutive failed
//   renewal → unpaid (the open invoices become uncollectible). An incomplete subscription advanced becomes
//   incomplete_expired (its invoice void).
// - Plan change (update items[0][id]+items[0][price]) on an active subscription: fraction = (period_end −
//   proration_date) / (period_end − period_start), proration_date defaulting to now; amount =
//   round((new − old) × fraction). always_invoice: an invoice of that amount is created and paid at once
//   (billing_reason subscription_update); create_prorations: the amount is added to the next renewal
//   invoice as a proration line; none: nothing. While trialing, no proration.
// - Subscription schedules: create {from_subscription} makes one phase (the current period); update with
//   phases replaces them; a later phase begins at its start_date, else at the previous phase's end_date.
//   While a schedule manages a subscription, changing cancel_at_period_end is refused (as Stripe does:
//   release the schedule first); a plan change updates the current phase, later phases still apply.
//   At an advance, the phase starting at or before the period end replaces the item's price; when the last
//   phase is reached with end_behavior release, the schedule is released.
//
// Test controls (no auth):
//   POST /__fake/checkout/:id/complete {payment_method?}  completes the session as a customer would
//   POST /__fake/setup_intents/:id/confirm {payment_method}  succeeds it and attaches the pm
//   POST /__fake/subscriptions/:id/advance  ends the current period now (schedule phase, trial end, renewal
//     invoice and its payment, cancel_at_period_end) and emits the events; on a trialing subscription it
//     emits customer.subscription.trial_will_end, then ends the trial (the first real invoice)
//   GET  /__fake/events?after=<evt id>&type=  events oldest first: {id, type, payload, signature}; payload is
//     the exact JSON to POST and signature the Stripe-Signature value for it (webhookSecret)
//   POST /__fake/faults {match, status, times}  the next `times` requests whose path contains `match` get
//     that status with an api_error body (status 0: the socket is closed)
//   GET  /__fake/calls?match=  requests received: {method, path, params, at}
// With opts.webhookUrl each event is also POSTed there with Stripe-Signature (retried with backoff).
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import Stripe from "stripe";

export const STRIPE_FAKE_SECRET_KEY = "sk_test_atrium_local_0123456789";
export const STRIPE_FAKE_WEBHOOK_SECRET = "whsec_dev_atrium_local_0123456789abcdef";
const API_VERSION = "2026-10-28.endive";
const DAY = 86_400;

type J = Record<string, any>;
class StripeFail extends Error {
  // Plain fields, not parameter properties: `node scripts/dev.ts` strips types and cannot transform those.
  status: number;
  body: J;
  constructor(status: number, body: J) {
    super(String(body.message));
    this.status = status;
    this.body = body;
  }
}
const fail = (status: number, type: string, message: string, extra: J = {}): never => {
  throw new StripeFail(status, { type, message, ...extra });
};
const invalid = (message: string, param?: string, code?: string): never =>
  fail(400, "invalid_request_error", message, { ...(param ? { param } : {}), ...(code ? { code } : {}) });
const missing = (kind: string, id: string, param = "id"): never =>
  fail(404, "invalid_request_error", `No such ${kind}: '${id}'`, { code: "resource_missing", param });

// ---- form encoding -------------------------------------------------------------------------------

/** Parses Stripe's form encoding (`a[b][0][c]=x`) into nested objects; all-index objects become arrays. */
export function parseForm(text: string): J {
  const root: J = {};
  for (const pair of text.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    const key = dec(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : dec(pair.slice(eq + 1));
    const m = /^([^[]+)(.*)$/.exec(key);
    if (!m) continue;
    const parts = [m[1] as string, ...[...(m[2] as string).matchAll(/\[([^\]]*)\]/g)].map((x) => x[1] as string)];
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      let k = parts[i] as string;
      const last = i === parts.length - 1;
      if (k === "") k = String(Object.keys(node).length); // `expand[]=a&expand[]=b`
      if (last) node[k] = value;
      else {
        if (typeof node[k] !== "object" || node[k] === null) node[k] = {};
        node = node[k];
      }
    }
  }
  const arrays = (v: any): any => {
    if (typeof v !== "object" || v === null) return v;
    const keys = Object.keys(v);
    for (const k of keys) v[k] = arrays(v[k]);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) return keys.sort((a, b) => Number(a) - Number(b)).map((k) => v[k]);
    return v;
  };
  return arrays(root);
}
/** `allowed_payment_method_types` (this API version's name) or the older `payment_method_types`. */
const methodTypes = (p: J): string[] | null => {
  const v = list(p.allowed_payment_method_types ?? p.payment_method_types);
  return v.length ? v.map(String) : null;
};
const required = (p: J, k: string): string =>
  p[k] === undefined || p[k] === "" ? invalid(`Missing required param: ${k}.`, k, "parameter_missing") : String(p[k]);
const bool = (v: unknown) => v === true || v === "true";
const int = (v: unknown, param: string): number => {
  const n = Number(v);
  if (v === undefined || v === "" || !Number.isFinite(n)) return invalid(`Invalid integer: ${v}`, param);
  return Math.trunc(n);
};
const meta = (v: unknown): Record<string, string> => (v && typeof v === "object" ? { ...(v as J) } : {});
const list = (v: unknown): any[] => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : v ? [v] : []);

// ---- catalogue -----------------------------------------------------------------------------------

const TIERS = { starter: 2900, manager: 9900, agency: 29900 } as const;
const CREDIT_PACKS = { 1000: 1000, 5000: 4500, 20000: 16000 } as const;
const EPOCH = 1_767_225_600; // 2026-01-01: the catalogue's `created`.

function product(id: string, name: string, metadata: J = {}): J {
  return {
    id,
    object: "product",
    active: true,
    created: EPOCH,
    default_price: null,
    description: null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata,
    name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: "service",
    unit_label: null,
    updated: EPOCH,
    url: null,
  };
}
function price(id: string, prod: string, amount: number, lookup: string, metadata: J, interval: "month" | "year" | null): J {
  return {
    id,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: EPOCH,
    currency: "usd",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookup,
    metadata,
    nickname: null,
    product: prod,
    recurring: interval ? { interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: "licensed" } : null,
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: interval ? "recurring" : "one_time",
    unit_amount: amount,
    unit_amount_decimal: String(amount),
  };
}
function catalogue(): J[] {
  const out: J[] = [];
  for (const [tier, monthly] of Object.entries(TIERS)) {
    const prod = `prod_atrium_${tier}`;
    out.push(product(prod, `Atrium ${tier[0]?.toUpperCase()}${tier.slice(1)}`, { tier }));
    for (const [period, amount, interval] of [
      ["monthly", monthly, "month"],
      ["yearly", monthly * 10, "year"],
    ] as const) {
      const lk = `atrium_${tier}_${period}`;
      out.push(price(`price_${lk}`, prod, amount, lk, { tier, billing_period: period }, interval));
    }
    const lk = `atrium_${tier}_onetime_12m`;
    out.push(price(`price_${lk}`, prod, monthly * 10, lk, { tier, duration_months: "12" }, null));
  }
  out.push(product("prod_atrium_credits", "Atrium AI credits", {}));
  for (const [credits, amount] of Object.entries(CREDIT_PACKS)) {
    const lk = `atrium_credits_${credits}`;
    out.push(price(`price_${lk}`, "prod_atrium_credits", amount, lk, { credits }, null));
  }
  out.push(product("prod_foreign_1", "Someone else's product"));
  out.push(price("price_foreign_1", "prod_foreign_1", 500, "someone_else", {}, "month"));
  return out;
}

const TEST_CARDS: Record<string, { brand: string; last4: string; decline?: string }> = {
  pm_card_visa: { brand: "visa", last4: "4242" },
  pm_card_mastercard: { brand: "mastercard", last4: "4444" },
  pm_card_chargeDeclined: { brand: "visa", last4: "0002", decline: "generic_decline" },
  pm_card_chargeDeclinedInsufficientFunds: { brand: "visa", last4: "9995", decline: "insufficient_funds" },
};

// ---- the fake ------------------------------------------------------------------------------------

interface StoredEvent {
  id: string;
  type: string;
  payload: string;
}
interface Fault {
  match: string;
  status: number;
  times: number;
}
export interface StripeFakeCall {
  method: string;
  path: string;
  params: J;
  at: number;
}
/** Per-subscription state that is not part of the Stripe object. */
interface SubState {
  failures: number;
  pendingProration: number;
  paymentBehavior: string;
}

export async function startStripeFake(
  port: number,
  opts: { webhookUrl?: string; webhookSecret?: string } = {},
): Promise<{ url: string; port: number; server: Server; close: () => Promise<void> }> {
  const secret = opts.webhookSecret ?? STRIPE_FAKE_WEBHOOK_SECRET;
  const sdk = new Stripe(STRIPE_FAKE_SECRET_KEY);
  let base = "";
  /** Every object by id; per-kind insertion order for lists. */
  const objects = new Map<string, J>();
  const order = new Map<string, string[]>();
  const subState = new Map<string, SubState>();
  /** pm id → decline code ("" = succeeds). */
  const declines = new Map<string, string>();
  const events: StoredEvent[] = [];
  const idempotent = new Map<string, { status: number; body: string; path: string; params: string }>();
  const calls: StripeFakeCall[] = [];
  let faults: Fault[] = [];
  let request: { id: string | null; idempotency_key: string | null } = { id: null, idempotency_key: null };

  const now = () => Math.floor(Date.now() / 1000);
  const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
  const store = (o: J): J => {
    objects.set(o.id, o);
    const kind = String(o.object);
    if (!order.has(kind)) order.set(kind, []);
    order.get(kind)?.push(o.id);
    return o;
  };
  const get = (kind: string, id: string, label = kind, param = "id"): J => {
    const o = objects.get(id);
    if (!o || o.object !== kind) return missing(label, id, param);
    return o;
  };
  for (const o of catalogue()) store(o);
  for (const [id, c] of Object.entries(TEST_CARDS)) {
    store(paymentMethod(id, c.brand, c.last4, null));
    declines.set(id, c.decline ?? "");
  }

  // ---- events and webhooks ----

  function emit(type: string, obj: J, previous?: J) {
    const evt: J = {
      id: rid("evt"),
      object: "event",
      api_version: API_VERSION,
      created: now(),
      data: { object: clean(structuredClone(obj)), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: opts.webhookUrl ? 1 : 0,
      request: { ...request },
      type,
    };
    store(evt);
    const payload = JSON.stringify(evt, null, 2);
    events.push({ id: evt.id, type, payload });
    // In order: each event's first attempt waits for the previous one's; retries run on their own.
    if (opts.webhookUrl) delivering = delivering.then(() => deliver(evt.id, type, payload, 0));
  }
  const sign = (payload: string) => sdk.webhooks.generateTestHeaderStringAsync({ payload, secret });
  let delivering: Promise<void> = Promise.resolve();
  /** One POST to webhookUrl; on failure a retry is scheduled (1 s, 2 s, 4 s, 8 s), then it gives up. */
  async function deliver(id: string, type: string, payload: string, attempt: number): Promise<void> {
    let outcome: string;
    try {
      const res = await fetch(opts.webhookUrl as string, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": await sign(payload) },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      await res.text().catch(() => "");
      if (res.ok) {
        console.log(`[stripe-fake] ${type} ${id} → ${res.status}`);
        return;
      }
      outcome = String(res.status);
    } catch (e) {
      outcome = (e as Error).message;
    }
    const more = attempt < 4;
    console.log(`[stripe-fake] ${type} ${id} → ${outcome} (attempt ${attempt + 1}${more ? ", will retry" : ", giving up"})`);
    if (more) setTimeout(() => void deliver(id, type, payload, attempt + 1), 1000 * 2 ** attempt).unref();
  }

  // ---- objects ----

  function paymentMethod(id: string, brand: string, last4: string, customer: string | null): J {
    return {
      id,
      object: "payment_method",
      allow_redisplay: "unspecified",
      billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
      card: {
        brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
        country: "US",
        display_brand: brand,
        exp_month: 12,
        exp_year: new Date().getUTCFullYear() + 3,
        fingerprint: `fp_${brand}_${last4}`,
        funding: "credit",
        last4,
        networks: { available: [brand], preferred: null },
        regulated_status: "unregulated",
        three_d_secure_usage: { supported: true },
        wallet: null,
      },
      created: now(),
      customer,
      customer_account: null,
      livemode: false,
      metadata: {},
      type: "card",
    };
  }
  /** The pm to use for `customer`: a test pm is copied and attached; a minted one is attached if free. */
  function attach(pmId: string, customer: string, param = "payment_method"): J {
    const pm = get("payment_method", pmId, "PaymentMethod", param);
    get("customer", customer, "customer", "customer");
    if (pmId in TEST_CARDS) {
      const copy = store(paymentMethod(rid("pm"), pm.card.brand, pm.card.last4, customer));
      declines.set(copy.id, declines.get(pmId) ?? "");
      return copy;
    }
    if (pm.customer && pm.customer !== customer) invalid("The payment method you provided has already been attached to a customer.", param);
    pm.customer = customer;
    return pm;
  }
  function priceOf(id: string, param: string): J {
    return get("price", id, "price", param);
  }
  const periodDays = (p: J) => (p.recurring?.interval === "year" ? 365 : 30);
  const plan = (p: J): J => ({
    id: p.id,
    object: "plan",
    active: p.active,
    amount: p.unit_amount,
    amount_decimal: p.unit_amount_decimal,
    billing_scheme: "per_unit",
    created: p.created,
    currency: p.currency,
    interval: p.recurring?.interval,
    interval_count: 1,
    livemode: false,
    metadata: p.metadata,
    meter: null,
    nickname: null,
    product: p.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: "licensed",
  });

  function newCustomer(p: J): J {
    const c = store({
      id: rid("cus"),
      object: "customer",
      address: null,
      balance: 0,
      business_name: null,
      created: now(),
      currency: null,
      customer_account: null,
      default_source: null,
      delinquent: false,
      description: p.description ?? null,
      discount: null,
      email: p.email ?? null,
      individual_name: null,
      invoice_prefix: randomBytes(4).toString("hex").toUpperCase(),
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: meta(p.metadata),
      name: p.name ?? null,
      next_invoice_sequence: 1,
      phone: p.phone ?? null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: "none",
      test_clock: null,
    });
    if (p.payment_method) attach(p.payment_method, c.id);
    if (p.invoice_settings?.default_payment_method) setDefaultPm(c, p.invoice_settings.default_payment_method);
    emit("customer.created", c);
    return c;
  }
  function setDefaultPm(c: J, pmId: string) {
    const pm = objects.get(pmId);
    if (pm?.object !== "payment_method" || pm.customer !== c.id)
      invalid(
        `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
        "invoice_settings[default_payment_method]",
        "resource_missing",
      );
    c.invoice_settings.default_payment_method = pmId;
  }

  function paymentIntent(p: J): J {
    const amount = int(p.amount, "amount");
    if (amount < 50) invalid("Amount must be at least $0.50 usd", "amount", "amount_too_small");
    if (!p.currency) invalid("Missing required param: currency.", "currency", "parameter_missing");
    if (p.customer) get("customer", p.customer, "customer", "customer");
    if (p.payment_method) get("payment_method", p.payment_method, "PaymentMethod", "payment_method");
    const id = rid("pi");
    const pi = store({
      id,
      object: "payment_intent",
      amount,
      amount_capturable: 0,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: "automatic",
      client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`,
      confirmation_method: "automatic",
      created: now(),
      currency: String(p.currency).toLowerCase(),
      customer: p.customer ?? null,
      customer_account: null,
      description: p.description ?? null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: meta(p.metadata),
      next_action: null,
      on_behalf_of: null,
      payment_method: p.payment_method ?? null,
      payment_method_configuration_details: null,
      payment_method_options: {},
      allowed_payment_method_types: methodTypes(p),
      payment_method_types: methodTypes(p) ?? ["card"],
      processing: null,
      receipt_email: null,
      review: null,
      setup_future_usage: p.setup_future_usage ?? null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: p.payment_method ? "requires_confirmation" : "requires_payment_method",
      transfer_data: null,
      transfer_group: null,
    });
    emit("payment_intent.created", pi);
    return pi;
  }
  /** Confirms a payment intent: succeeded, or requires_payment_method with last_payment_error. Returns the decline. */
  function charge(pi: J): J | null {
    const pmId = pi.payment_method as string | null;
    if (!pmId) return invalid("You cannot confirm this PaymentIntent because it's missing a payment method.", "payment_method");
    const decline = declines.get(pmId) ?? "";
    if (decline) {
      const err = {
        type: "card_error",
        code: "card_declined",
        decline_code: decline,
        message: decline === "insufficient_funds" ? "Your card has insufficient funds." : "Your card was declined.",
        charge: rid("ch"),
        doc_url: "https://stripe.com/docs/error-codes/card-declined",
        payment_method: objects.get(pmId),
      };
      pi.status = "requires_payment_method";
      pi.last_payment_error = err;
      pi.latest_charge = err.charge;
      emit("payment_intent.payment_failed", pi);
      return err;
    }
    pi.status = "succeeded";
    pi.amount_received = pi.amount;
    pi.latest_charge = rid("ch");
    pi.last_payment_error = null;
    emit("payment_intent.succeeded", pi);
    return null;
  }

  // ---- subscriptions and invoices ----

  function line(amount: number, p: J, sub: J | null, item: J | null, start: number, end: number, proration: boolean, desc: string): J {
    return {
      id: rid("il"),
      object: "line_item",
      amount,
      currency: "usd",
      description: desc,
      discount_amounts: [],
      discountable: !proration,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata: {},
      parent: sub
        ? {
            invoice_item_details: null,
            subscription_item_details: {
              invoice_item: proration ? rid("ii") : null,
              proration,
              proration_details: { credited_items: null },
              subscription: sub.id,
              subscription_item: item?.id ?? null,
            },
            type: "subscription_item_details",
          }
        : null,
      period: { end, start },
      pretax_credit_amounts: [],
      pricing: { price_details: { price: p.id, product: p.product }, type: "price_details", unit_amount_decimal: p.unit_amount_decimal },
      quantity: 1,
      subscription: sub?.id ?? null,
      subtotal: amount,
      taxes: [],
    };
  }
  function invoiceObject(customer: J, sub: J | null, lines: J[], reason: string, start: number, end: number, id = rid("in")): J {
    const total = lines.reduce((s, l) => s + l.amount, 0);
    for (const l of lines) l.invoice = id;
    return {
      id,
      object: "invoice",
      account_country: "US",
      account_name: "Atrium (fake Stripe)",
      account_tax_ids: null,
      amount_due: Math.max(0, total),
      amount_overpaid: 0,
      amount_paid: 0,
      amount_remaining: Math.max(0, total),
      amount_shipping: 0,
      application: null,
      attempt_count: 0,
      attempted: false,
      auto_advance: true,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
      automatically_finalizes_at: null,
      billing_reason: reason,
      collection_method: "charge_automatically",
      created: now(),
      currency: "usd",
      custom_fields: null,
      customer: customer.id,
      customer_account: null,
      customer_address: null,
      customer_email: customer.email,
      customer_name: customer.name,
      customer_phone: null,
      customer_shipping: null,
      customer_tax_exempt: "none",
      default_payment_method: null,
      default_source: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      due_date: null,
      effective_at: null,
      ending_balance: null,
      footer: null,
      from_invoice: null,
      hosted_invoice_url: null,
      invoice_pdf: null,
      issuer: { type: "self" },
      last_finalization_error: null,
      latest_revision: null,
      lines: { object: "list", data: lines, has_more: false, total_count: lines.length, url: `/v1/invoices/${id}/lines` },
      livemode: false,
      metadata: {},
      next_payment_attempt: null,
      number: null,
      on_behalf_of: null,
      parent: sub
        ? {
            quote_details: null,
            subscription_details: { metadata: { ...sub.metadata }, subscription: sub.id },
            type: "subscription_details",
          }
        : null,
      payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
      period_end: end,
      period_start: start,
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      receipt_number: null,
      rendering: null,
      shipping_cost: null,
      shipping_details: null,
      starting_balance: 0,
      statement_descriptor: null,
      status: "draft",
      status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
      subtotal: total,
      subtotal_excluding_tax: total,
      test_clock: null,
      total,
      total_discount_amounts: [],
      total_excluding_tax: total,
      total_pretax_credit_amounts: [],
      total_taxes: [],
      webhooks_delivered_at: null,
    };
  }
  /** Creates, finalises and (attempt = true) tries to pay an invoice. Returns it; `paid` says whether it was. */
  function bill(customer: J, sub: J | null, lines: J[], reason: string, start: number, end: number, attempt = true) {
    const inv = store(invoiceObject(customer, sub, lines, reason, start, end));
    inv.number = `${customer.invoice_prefix}-${String(customer.next_invoice_sequence++).padStart(4, "0")}`;
    inv.hosted_invoice_url = `${base}/invoice/${inv.id}`;
    inv.invoice_pdf = `${base}/invoice/${inv.id}/pdf`;
    inv.status = "open";
    inv.status_transitions.finalized_at = now();
    inv.effective_at = now();
    emit("invoice.created", inv);
    emit("invoice.finalized", inv);
    if (!attempt) return { inv, paid: false };
    return { inv, paid: payInvoice(inv, customer, sub, null) === null };
  }
  /** Tries to pay an open invoice (pmOverride, else the subscription's, else the customer's default pm): null when paid, else the card error (or a no-pm error). */
  function payInvoice(inv: J, customer: J, sub: J | null, pmOverride: string | null): J | null {
    if (inv.amount_due === 0) {
      markPaid(inv);
      return null;
    }
    const pmId = pmOverride ?? sub?.default_payment_method ?? customer.invoice_settings.default_payment_method;
    inv.attempted = true;
    inv.attempt_count++;
    if (!pmId) {
      emit("invoice.payment_failed", inv);
      return {
        type: "invalid_request_error",
        code: "invoice_no_payment_method_types",
        message: "This customer has no attached payment source or default payment method.",
      };
    }
    const pi = paymentIntent({ amount: Math.max(50, inv.amount_due), currency: "usd", customer: customer.id, payment_method: pmId });
    pi.amount = inv.amount_due;
    pi.description = `Invoice ${inv.number}`;
    const err = charge(pi);
    inv.payments = {
      object: "list",
      data: [
        {
          id: rid("inpay"),
          object: "invoice_payment",
          amount_paid: err ? null : inv.amount_due,
          amount_requested: inv.amount_due,
          created: now(),
          currency: "usd",
          invoice: inv.id,
          is_default: true,
          livemode: false,
          payment: { payment_intent: pi.id, type: "payment_intent" },
          status: err ? "open" : "paid",
          status_transitions: { canceled_at: null, paid_at: err ? null : now() },
        },
      ],
      has_more: false,
      url: `/v1/invoice_payments?invoice=${inv.id}`,
    };
    if (err) {
      inv.next_payment_attempt = null;
      emit("invoice.payment_failed", inv);
      return err;
    }
    markPaid(inv);
    return null;
  }
  function markPaid(inv: J) {
    inv.status = "paid";
    inv.amount_paid = inv.amount_due;
    inv.amount_remaining = 0;
    inv.status_transitions.paid_at = now();
    emit("invoice.paid", inv);
    emit("invoice.payment_succeeded", inv);
  }

  const subItem = (sub: J) => sub.items.data[0] as J;
  function setPeriod(sub: J, start: number, p: J) {
    const item = subItem(sub);
    item.current_period_start = start;
    item.current_period_end = start + periodDays(p) * DAY;
    sub.billing_cycle_anchor = start;
  }
  function setPrice(sub: J, p: J) {
    const item = subItem(sub);
    item.price = p;
    item.plan = plan(p);
  }

  function createSubscription(p: J): J {
    const customer = get("customer", required(p, "customer"), "customer", "customer");
    const items = list(p.items);
    if (items.length !== 1) invalid("The fake supports exactly one subscription item.", "items");
    const pr = priceOf(items[0].price, "items[0][price]");
    if (pr.type !== "recurring")
      invalid(
        `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
        "items[0][price]",
      );
    const behaviour = String(p.payment_behavior ?? "allow_incomplete");
    let pm: string | null = null;
    if (p.default_payment_method) pm = attachOrOwn(p.default_payment_method, customer.id, "default_payment_method");
    const t = now();
    let trialEnd: number | null = null;
    if (p.trial_end !== undefined && p.trial_end !== "now") trialEnd = int(p.trial_end, "trial_end");
    else if (p.trial_period_days !== undefined) trialEnd = t + int(p.trial_period_days, "trial_period_days") * DAY;
    if (trialEnd !== null && trialEnd <= t) invalid("Invalid timestamp: must be an integer Unix timestamp in the future.", "trial_end");
    const id = rid("sub");
    const sub: J = {
      id,
      object: "subscription",
      application: null,
      application_fee_percent: null,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: t,
      billing_cycle_anchor_config: null,
      billing_mode: { flexible: null, type: "classic" },
      billing_thresholds: null,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      collection_method: "charge_automatically",
      created: t,
      currency: "usd",
      customer: customer.id,
      customer_account: null,
      days_until_due: null,
      default_payment_method: pm,
      default_source: null,
      default_tax_rates: [],
      description: p.description ?? null,
      discounts: [],
      ended_at: null,
      invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
      items: {
        object: "list",
        data: [
          {
            id: rid("si"),
            object: "subscription_item",
            billing_thresholds: null,
            created: t,
            current_period_end: 0,
            current_period_start: 0,
            discounts: [],
            metadata: {},
            plan: plan(pr),
            price: pr,
            quantity: 1,
            subscription: id,
            tax_rates: [],
          },
        ],
        has_more: false,
        total_count: 1,
        url: `/v1/subscription_items?subscription=${id}`,
      },
      latest_invoice: null,
      livemode: false,
      metadata: meta(p.metadata),
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: t,
      status: "incomplete",
      test_clock: null,
      transfer_data: null,
      trial_end: trialEnd,
      trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
      trial_start: trialEnd ? t : null,
    };
    setPeriod(sub, t, pr);
    if (trialEnd) subItem(sub).current_period_end = trialEnd;
    if (behaviour === "error_if_incomplete" && !trialEnd) {
      const pmId = pm ?? customer.invoice_settings.default_payment_method;
      const decline = pmId ? declines.get(pmId) : "no_pm";
      if (decline) {
        if (decline === "no_pm")
          invalid("This customer has no attached payment source or default payment method.", undefined, "resource_missing");
        fail(402, "card_error", "Your card was declined.", { code: "card_declined", decline_code: decline });
      }
    }
    store(sub);
    subState.set(id, { failures: 0, pendingProration: 0, paymentBehavior: behaviour });
    const end = subItem(sub).current_period_end;
    if (trialEnd) {
      sub.status = "trialing";
      const { inv } = bill(
        customer,
        sub,
        [line(0, pr, sub, subItem(sub), t, end, false, `Trial period for ${pr.id}`)],
        "subscription_create",
        t,
        t,
      );
      sub.latest_invoice = inv.id;
    } else {
      const { inv, paid } = bill(
        customer,
        sub,
        [line(pr.unit_amount, pr, sub, subItem(sub), t, end, false, `1 × ${pr.id}`)],
        "subscription_create",
        t,
        t,
        behaviour !== "default_incomplete",
      );
      sub.latest_invoice = inv.id;
      sub.status = paid ? "active" : "incomplete";
    }
    emit("customer.subscription.created", sub);
    return sub;
  }
  /** A pm for a customer's subscription: a test pm is copied onto the customer; a minted one must be theirs. */
  function attachOrOwn(pmId: string, customer: string, param: string): string {
    const pm = get("payment_method", pmId, "PaymentMethod", param);
    if (pm.customer === customer) return pmId;
    return attach(pmId, customer, param).id;
  }

  const snapshot = (sub: J, keys: string[]) => Object.fromEntries(keys.map((k) => [k, structuredClone(sub[k])]));

  /** Ends a trial now: a new period starts and the first real invoice is paid (or fails: past_due). */
  function endTrial(sub: J, customer: J) {
    const pr = subItem(sub).price;
    const t = now();
    sub.trial_end = t;
    setPeriod(sub, t, pr);
    const { inv, paid } = bill(
      customer,
      sub,
      [line(pr.unit_amount, pr, sub, subItem(sub), t, subItem(sub).current_period_end, false, `1 × ${pr.id}`)],
      "subscription_cycle",
      t,
      t,
    );
    sub.latest_invoice = inv.id;
    const st = subState.get(sub.id) as SubState;
    if (paid) {
      sub.status = "active";
      st.failures = 0;
    } else {
      sub.status = "past_due";
      st.failures = 1;
    }
  }

  function updateSubscription(sub: J, p: J): J {
    if (sub.status === "canceled") invalid("A canceled subscription can only update its cancellation_details and metadata.");
    const customer = objects.get(sub.customer) as J;
    // error_if_incomplete: an update that charges now (ending a trial, an always_invoice proration)
    // fails with 402 before anything changes when the card declines.
    const charges =
      (p.trial_end === "now" && sub.status === "trialing") ||
      (list(p.items)[0]?.price && String(p.proration_behavior) === "always_invoice" && sub.status !== "trialing");
    if (charges && p.payment_behavior === "error_if_incomplete") {
      const pmId = sub.default_payment_method ?? customer.invoice_settings?.default_payment_method;
      const decline = pmId ? declines.get(pmId) : undefined;
      if (decline) fail(402, "card_error", "Your card was declined.", { code: "card_declined", decline_code: decline });
    }
    const prev = snapshot(sub, [
      "items",
      "status",
      "cancel_at_period_end",
      "metadata",
      "trial_end",
      "default_payment_method",
      "latest_invoice",
    ]);
    if (p.metadata !== undefined) sub.metadata = { ...sub.metadata, ...meta(p.metadata) };
    for (const [k, v] of Object.entries(sub.metadata)) if (v === "") delete sub.metadata[k];
    if (p.default_payment_method) sub.default_payment_method = attachOrOwn(p.default_payment_method, customer.id, "default_payment_method");
    if (p.cancel_at_period_end !== undefined && sub.schedule)
      invalid(
        `The subscription is managed by the subscription schedule \`${sub.schedule}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`,
        "cancel_at_period_end",
      );
    if (p.cancel_at_period_end !== undefined) {
      sub.cancel_at_period_end = bool(p.cancel_at_period_end);
      sub.cancel_at = sub.cancel_at_period_end ? subItem(sub).current_period_end : null;
      sub.canceled_at = sub.cancel_at_period_end ? now() : null;
    }
    const items = list(p.items);
    if (items.length) {
      const it = items[0];
      if (it.id && it.id !== subItem(sub).id) missing("subscription item", it.id, "items[0][id]");
      if (it.price) {
        const np = priceOf(it.price, "items[0][price]");
        if (np.type !== "recurring") invalid("The price specified is set to `type=one_time`.", "items[0][price]");
        const op = subItem(sub).price;
        setPrice(sub, np);
        if (sub.schedule) {
          // The current phase follows the change; later phases still apply at their start.
          const s = objects.get(sub.schedule) as J;
          const ph = s.phases[s.current_phase_index ?? 0];
          if (ph) ph.items = [{ ...ph.items[0], plan: np.id, price: np.id }];
        }
        const behaviour = String(p.proration_behavior ?? "create_prorations");
        if (sub.status !== "trialing" && behaviour !== "none" && np.id !== op.id) {
          const amount = proration(sub, op, np, p.proration_date);
          const item = subItem(sub);
          const pd = p.proration_date ? int(p.proration_date, "proration_date") : now();
          const lines = prorationLines(sub, op, np, pd);
          if (behaviour === "always_invoice") {
            const { inv, paid } = bill(customer, sub, lines, "subscription_update", pd, item.current_period_end);
            sub.latest_invoice = inv.id;
            if (!paid && sub.status === "active") sub.status = "past_due";
          } else (subState.get(sub.id) as SubState).pendingProration += amount;
        }
      }
    }
    if (p.trial_end === "now" && sub.status === "trialing") endTrial(sub, customer);
    else if (p.trial_end !== undefined && p.trial_end !== "now") {
      const te = int(p.trial_end, "trial_end");
      if (sub.status === "trialing") {
        sub.trial_end = te;
        subItem(sub).current_period_end = te;
      }
    }
    const changed = Object.fromEntries(Object.entries(prev).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(sub[k])));
    emit("customer.subscription.updated", sub, changed);
    return sub;
  }
  function fraction(sub: J, at: unknown): number {
    const item = subItem(sub);
    const t = at === undefined ? now() : int(at, "proration_date");
    const span = item.current_period_end - item.current_period_start;
    return Math.min(1, Math.max(0, (item.current_period_end - t) / span));
  }
  const proration = (sub: J, op: J, np: J, at: unknown) => Math.round((np.unit_amount - op.unit_amount) * fraction(sub, at));
  function prorationLines(sub: J, op: J, np: J, at: number): J[] {
    const f = fraction(sub, at);
    const end = subItem(sub).current_period_end;
    const credit = -Math.round(op.unit_amount * f);
    const total = proration(sub, op, np, at);
    return [
      line(credit, op, sub, subItem(sub), at, end, true, `Unused time on ${op.id}`),
      line(total - credit, np, sub, subItem(sub), at, end, true, `Remaining time on ${np.id}`),
    ];
  }

  function cancelNow(sub: J, reason = "cancellation_requested") {
    const prev = snapshot(sub, ["status", "ended_at", "canceled_at"]);
    const t = now();
    sub.status = "canceled";
    sub.canceled_at = sub.canceled_at ?? t;
    sub.ended_at = t;
    sub.cancellation_details = { comment: null, feedback: null, reason };
    if (sub.schedule) {
      const s = objects.get(sub.schedule) as J;
      s.status = "canceled";
      s.canceled_at = t;
      sub.schedule = null;
    }
    emit("customer.subscription.deleted", sub, prev);
  }

  /** The schedule phase (index) in effect from `at`, or -1. */
  function phaseAt(s: J, at: number): number {
    let idx = -1;
    for (let i = 0; i < s.phases.length; i++) if (s.phases[i].start_date <= at) idx = i;
    return idx;
  }

  function advance(sub: J): J {
    if (sub.status === "canceled" || sub.status === "incomplete_expired") invalid("This subscription is canceled.");
    const customer = objects.get(sub.customer) as J;
    const st = subState.get(sub.id) as SubState;
    const prev = snapshot(sub, ["items", "status", "latest_invoice", "schedule", "trial_end"]);
    const item = subItem(sub);
    const boundary = item.current_period_end;
    if (sub.cancel_at_period_end) {
      cancelNow(sub);
      return sub;
    }
    if (sub.status === "incomplete") {
      // Stripe expires an unpaid first invoice after 23 hours; here at the first advance.
      const prevStatus = { status: sub.status, ended_at: null };
      sub.status = "incomplete_expired";
      sub.ended_at = now();
      const inv = objects.get(sub.latest_invoice) as J | undefined;
      if (inv?.status === "open") {
        inv.status = "void";
        inv.status_transitions.voided_at = now();
        emit("invoice.voided", inv);
      }
      emit("customer.subscription.deleted", sub, prevStatus);
      return sub;
    }
    if (sub.schedule) {
      const s = objects.get(sub.schedule) as J;
      const idx = phaseAt(s, boundary);
      const phase = s.phases[idx];
      if (phase && idx > (s.current_phase_index ?? 0)) {
        s.current_phase_index = idx;
        setPrice(sub, priceOf(phase.items[0].price, "phases"));
        s.current_phase = { end_date: phase.end_date, start_date: phase.start_date };
        if (idx === s.phases.length - 1 && s.end_behavior === "release") release(s);
        else emit("subscription_schedule.updated", s);
      }
    }
    if (sub.status === "trialing") {
      emit("customer.subscription.trial_will_end", sub);
      endTrial(sub, customer);
    } else {
      const pr = item.price;
      const t = now();
      setPeriod(sub, t, pr);
      const lines = [line(pr.unit_amount, pr, sub, item, t, item.current_period_end, false, `1 × ${pr.id}`)];
      if (st.pendingProration) {
        lines.push(line(st.pendingProration, pr, sub, item, t, t, true, "Prorations"));
        st.pendingProration = 0;
      }
      const { inv, paid } = bill(customer, sub, lines, "subscription_cycle", t, t);
      sub.latest_invoice = inv.id;
      if (paid) {
        st.failures = 0;
        sub.status = "active";
      } else {
        st.failures++;
        sub.status = st.failures >= 2 ? "unpaid" : "past_due";
        if (sub.status === "unpaid")
          for (const id of order.get("invoice") ?? []) {
            const i = objects.get(id) as J;
            if (i.parent?.subscription_details?.subscription === sub.id && i.status === "open") {
              i.status = "uncollectible";
              i.status_transitions.marked_uncollectible_at = now();
              emit("invoice.marked_uncollectible", i);
            }
          }
      }
    }
    const changed = Object.fromEntries(Object.entries(prev).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(sub[k])));
    emit("customer.subscription.updated", sub, changed);
    return sub;
  }

  function release(s: J) {
    const sub = objects.get(s.subscription) as J | undefined;
    s.status = "released";
    s.released_at = now();
    s.released_subscription = s.subscription;
    s.subscription = null;
    s.current_phase = null;
    if (sub) sub.schedule = null;
    emit("subscription_schedule.released", s);
  }

  function schedulePhases(s: J, sub: J, phases: J[]): J[] {
    let prevEnd: number | null = null;
    return phases.map((ph, i) => {
      const items = list(ph.items).map((it) => ({
        billing_thresholds: null,
        discounts: [],
        metadata: {},
        plan: priceOf(it.price, `phases[${i}][items][0][price]`).id,
        price: priceOf(it.price, `phases[${i}][items][0][price]`).id,
        quantity: it.quantity ? Number(it.quantity) : 1,
        tax_rates: [],
      }));
      if (!items.length) invalid("Each phase needs items.", `phases[${i}][items]`);
      const first = items[0] as J;
      const pr = priceOf(first.price, `phases[${i}][items][0][price]`);
      let start: number;
      if (ph.start_date === "now") start = now();
      else if (ph.start_date !== undefined) start = int(ph.start_date, `phases[${i}][start_date]`);
      else if (prevEnd !== null) start = prevEnd;
      else start = subItem(sub).current_period_start;
      let end: number | null = null;
      if (ph.end_date !== undefined) end = int(ph.end_date, `phases[${i}][end_date]`);
      else if (ph.duration) {
        const n = Number(ph.duration.interval_count ?? 1);
        end = start + n * (ph.duration.interval === "year" ? 365 : ph.duration.interval === "day" ? 1 : 30) * DAY;
      } else if (i < phases.length - 1) end = start + periodDays(pr) * DAY;
      prevEnd = end;
      return {
        add_invoice_items: [],
        application_fee_percent: null,
        billing_cycle_anchor: null,
        billing_thresholds: null,
        collection_method: null,
        currency: "usd",
        default_payment_method: null,
        default_tax_rates: [],
        description: null,
        discounts: [],
        end_date: end,
        invoice_settings: null,
        items,
        metadata: meta(ph.metadata),
        on_behalf_of: null,
        proration_behavior: ph.proration_behavior ?? "create_prorations",
        start_date: start,
        transfer_data: null,
        trial_end: null,
        _schedule: s.id,
      };
    });
  }

  function checkoutComplete(cs: J, pmArg: string | undefined): J {
    if (cs.status !== "open") invalid("This Checkout Session is no longer open.");
    const t = now();
    let customer = cs.customer ? (objects.get(cs.customer) as J) : null;
    if (!customer && cs.mode !== "payment") customer = newCustomer({ email: cs.customer_email ?? "checkout@example.com" });
    if (!customer && cs.mode === "payment" && cs.customer_creation === "always")
      customer = newCustomer({ email: cs.customer_email ?? "checkout@example.com" });
    const pmTemplate = pmArg ?? "pm_card_visa";
    const items = cs._line_items as J[];
    if (cs.mode === "subscription") {
      const pm = attach(pmTemplate, (customer as J).id);
      const c = customer as J;
      if (!c.invoice_settings.default_payment_method) c.invoice_settings.default_payment_method = pm.id;
      const sd = cs._subscription_data as J;
      const sub = createSubscription({
        customer: c.id,
        items: items.map((i) => ({ price: i.price })),
        trial_period_days: sd.trial_period_days,
        metadata: sd.metadata,
        default_payment_method: pm.id,
        payment_behavior: "error_if_incomplete",
      });
      cs.subscription = sub.id;
      cs.invoice = sub.latest_invoice;
    } else if (cs.mode === "payment") {
      const pi = paymentIntent({
        amount: cs.amount_total,
        currency: "usd",
        customer: customer?.id,
        payment_method: customer ? attach(pmTemplate, customer.id).id : pmTemplate,
        // As Stripe: the session's metadata stays on the session; the intent gets payment_intent_data's.
        metadata: cs._payment_intent_metadata,
      });
      const err = charge(pi);
      if (err) fail(402, "card_error", err.message, { code: err.code, decline_code: err.decline_code, payment_intent: pi });
      cs.payment_intent = pi.id;
    } else {
      const pm = attach(pmTemplate, (customer as J).id);
      const si = setupIntent({ customer: (customer as J).id, usage: "off_session" });
      si.status = "succeeded";
      si.payment_method = pm.id;
      emit("setup_intent.succeeded", si);
      cs.setup_intent = si.id;
    }
    cs.customer = customer?.id ?? null;
    cs.customer_details = {
      address: null,
      email: customer?.email ?? cs.customer_email,
      name: customer?.name ?? null,
      phone: null,
      tax_exempt: "none",
      tax_ids: [],
    };
    cs.status = "complete";
    cs.payment_status = cs.mode === "setup" ? "no_payment_required" : "paid";
    cs.url = null;
    cs.completed_at = t;
    emit("checkout.session.completed", publicSession(cs));
    return cs;
  }
  const publicSession = (cs: J) => Object.fromEntries(Object.entries(cs).filter(([k]) => !k.startsWith("_") && k !== "completed_at"));

  function setupIntent(p: J): J {
    if (p.customer) get("customer", p.customer, "customer", "customer");
    const id = rid("seti");
    const si = store({
      id,
      object: "setup_intent",
      application: null,
      automatic_payment_methods: null,
      cancellation_reason: null,
      client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`,
      created: now(),
      customer: p.customer ?? null,
      customer_account: null,
      description: p.description ?? null,
      excluded_payment_method_types: null,
      flow_directions: null,
      last_setup_error: null,
      latest_attempt: null,
      livemode: false,
      mandate: null,
      metadata: meta(p.metadata),
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: {},
      allowed_payment_method_types: methodTypes(p),
      payment_method_types: methodTypes(p) ?? ["card"],
      single_use_mandate: null,
      status: "requires_payment_method",
      usage: p.usage ?? "off_session",
    });
    emit("setup_intent.created", si);
    return si;
  }

  // ---- listing and expansion ----

  function listOf(kind: string, url: string, q: J, filter: (o: J) => boolean = () => true): J {
    const ids = [...(order.get(kind) ?? [])].reverse();
    let rows = ids.map((id) => objects.get(id) as J).filter(filter);
    const limit = q.limit === undefined ? 10 : int(q.limit, "limit");
    if (limit < 1 || limit > 100) invalid("Invalid limit: must be between 1 and 100", "limit");
    if (q.starting_after) {
      const i = rows.findIndex((o) => o.id === q.starting_after);
      if (i < 0) missing(kind, q.starting_after, "starting_after");
      rows = rows.slice(i + 1);
    } else if (q.ending_before) {
      const i = rows.findIndex((o) => o.id === q.ending_before);
      if (i < 0) missing(kind, q.ending_before, "ending_before");
      rows = rows.slice(Math.max(0, i - limit), i);
    }
    return { object: "list", data: rows.slice(0, limit), has_more: rows.length > limit, url };
  }
  /** Applies `expand[]` paths (`latest_invoice`, `data.product`, `items.data.price.product`, `line_items`). */
  function expand(o: J, paths: string[]): J {
    const out = structuredClone(o);
    const walk = (node: any, parts: string[]): any => {
      if (node === null || node === undefined) return node;
      if (Array.isArray(node)) return node.map((n) => walk(n, parts));
      if (parts.length === 0) {
        if (typeof node === "string" && objects.has(node)) return clean(structuredClone(objects.get(node)));
        return node;
      }
      if (typeof node === "string" && objects.has(node)) node = clean(structuredClone(objects.get(node)));
      if (typeof node !== "object") return node;
      const [head, ...rest] = parts as [string, ...string[]];
      if (head === "line_items" && node.object === "checkout.session") {
        node.line_items = {
          object: "list",
          data: node._line_items.map(lineItem),
          has_more: false,
          url: `/v1/checkout/sessions/${node.id}/line_items`,
        };
        return node;
      }
      if (head in node) node[head] = walk(node[head], rest);
      return node;
    };
    let r = out;
    for (const p of paths) r = walk(r, p.split("."));
    return clean(r);
  }
  const lineItem = (li: J) => {
    const p = objects.get(li.price) as J;
    const q = Number(li.quantity ?? 1);
    return {
      id: rid("li"),
      object: "item",
      amount_discount: 0,
      amount_subtotal: p.unit_amount * q,
      amount_tax: 0,
      amount_total: p.unit_amount * q,
      currency: "usd",
      description: (objects.get(p.product) as J).name,
      price: p,
      quantity: q,
    };
  };
  /** Drops the fake's own `_…` fields. */
  function clean(o: any): any {
    if (Array.isArray(o)) return o.map(clean);
    if (!o || typeof o !== "object") return o;
    const r: J = {};
    for (const [k, v] of Object.entries(o)) if (!k.startsWith("_") && k !== "current_phase_index") r[k] = clean(v);
    return r;
  }

  // ---- routing ----

  function api(method: string, path: string, p: J): J {
    const seg = path.split("/").filter(Boolean).slice(1); // drop "v1"
    const [a, b, c, d] = seg;
    const M = (m: string) => method === m;

    if (a === "customers") {
      if (!b && M("POST")) return newCustomer(p); // customers.create
      if (!b && M("GET")) return listOf("customer", "/v1/customers", p, (o) => !p.email || o.email === p.email); // customers.list
      const cu = get("customer", b as string);
      if (!c && M("GET")) return cu; // customers.retrieve
      if (!c && M("POST")) {
        // customers.update
        const prev = snapshot(cu, ["email", "name", "metadata", "invoice_settings"]);
        for (const k of ["email", "name", "description", "phone"]) if (p[k] !== undefined) cu[k] = p[k] || null;
        if (p.metadata !== undefined) cu.metadata = { ...cu.metadata, ...meta(p.metadata) };
        for (const [k, v] of Object.entries(cu.metadata)) if (v === "") delete cu.metadata[k];
        if (p.invoice_settings?.default_payment_method !== undefined) {
          if (p.invoice_settings.default_payment_method === "") cu.invoice_settings.default_payment_method = null;
          else setDefaultPm(cu, p.invoice_settings.default_payment_method);
        }
        emit("customer.updated", cu, prev);
        return cu;
      }
      if (c === "payment_methods" && M("GET")) {
        // customers.listPaymentMethods
        return listOf(
          "payment_method",
          `/v1/customers/${cu.id}/payment_methods`,
          p,
          (o) => o.customer === cu.id && (!p.type || p.type === o.type),
        );
      }
    }
    if (a === "prices") {
      if (!b && M("GET")) {
        // prices.list
        const keys = list(p.lookup_keys);
        return listOf(
          "price",
          "/v1/prices",
          p,
          (o) =>
            (!keys.length || keys.includes(o.lookup_key)) &&
            (p.active === undefined || o.active === bool(p.active)) &&
            (!p.product || o.product === p.product) &&
            (!p.type || o.type === p.type),
        );
      }
      if (b && !c && M("GET")) return get("price", b); // prices.retrieve
    }
    if (a === "products" && b && !c && M("GET")) return get("product", b); // products.retrieve
    if (a === "checkout" && b === "sessions") {
      if (!c && M("POST")) return createSession(p); // checkout.sessions.create
      if (c && !d && M("GET")) return get("checkout.session", c, "checkout session"); // checkout.sessions.retrieve
    }
    if (a === "setup_intents") {
      if (!b && M("POST")) return setupIntent(p); // setupIntents.create
      if (b && !c && M("GET")) return get("setup_intent", b, "setupintent"); // setupIntents.retrieve
    }
    if (a === "payment_methods") {
      if (!b && M("GET")) {
        // paymentMethods.list
        if (!p.customer) invalid("Missing required param: customer.", "customer", "parameter_missing");
        get("customer", p.customer, "customer", "customer");
        return listOf("payment_method", "/v1/payment_methods", p, (o) => o.customer === p.customer && (!p.type || p.type === o.type));
      }
      const pm = get("payment_method", b as string, "PaymentMethod");
      if (!c && M("GET")) return pm; // paymentMethods.retrieve
      if (c === "attach" && M("POST")) {
        // paymentMethods.attach
        if (!p.customer) invalid("Missing required param: customer.", "customer", "parameter_missing");
        const out = attach(pm.id, p.customer, "id");
        emit("payment_method.attached", out);
        return out;
      }
      if (c === "detach" && M("POST")) {
        // paymentMethods.detach
        if (!pm.customer) invalid(`The payment method ${pm.id} is not attached to a customer.`);
        const cu = objects.get(pm.customer) as J;
        if (cu.invoice_settings.default_payment_method === pm.id) cu.invoice_settings.default_payment_method = null;
        pm.customer = null;
        emit("payment_method.detached", pm, { customer: cu.id });
        return pm;
      }
    }
    if (a === "subscriptions") {
      if (!b && M("POST")) return createSubscription(p); // subscriptions.create
      if (!b && M("GET")) {
        // subscriptions.list (default: all but canceled, as Stripe)
        const status = p.status ?? "";
        return listOf(
          "subscription",
          "/v1/subscriptions",
          p,
          (o) =>
            (!p.customer || o.customer === p.customer) && (status === "all" || (status ? o.status === status : o.status !== "canceled")),
        );
      }
      const sub = get("subscription", b as string);
      if (!c && M("GET")) return sub; // subscriptions.retrieve
      if (!c && M("POST")) return updateSubscription(sub, p); // subscriptions.update
      if (!c && M("DELETE")) {
        // subscriptions.cancel
        if (sub.status === "canceled") invalid(`No such subscription: '${sub.id}' (already canceled)`, "id", "resource_missing");
        cancelNow(sub);
        return sub;
      }
    }
    if (a === "subscription_schedules") {
      if (!b && M("POST")) {
        // subscriptionSchedules.create
        if (!p.from_subscription) invalid("The fake only supports from_subscription.", "from_subscription");
        const sub = get("subscription", p.from_subscription, "subscription", "from_subscription");
        if (sub.schedule)
          invalid(`You cannot migrate a subscription that is already attached to a schedule: \`${sub.schedule}\`.`, "from_subscription");
        const item = subItem(sub);
        const s: J = {
          id: rid("sub_sched"),
          object: "subscription_schedule",
          application: null,
          billing_mode: sub.billing_mode,
          canceled_at: null,
          completed_at: null,
          created: now(),
          current_phase: { end_date: item.current_period_end, start_date: item.current_period_start },
          customer: sub.customer,
          customer_account: null,
          default_settings: {
            application_fee_percent: null,
            automatic_tax: { disabled_reason: null, enabled: false, liability: null },
            billing_cycle_anchor: "automatic",
            billing_thresholds: null,
            collection_method: "charge_automatically",
            default_payment_method: sub.default_payment_method,
            description: null,
            invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: "self" } },
            on_behalf_of: null,
            transfer_data: null,
          },
          end_behavior: "release",
          livemode: false,
          metadata: meta(p.metadata),
          phases: [],
          released_at: null,
          released_subscription: null,
          status: "active",
          subscription: sub.id,
          test_clock: null,
          current_phase_index: 0,
        };
        s.phases = schedulePhases(s, sub, [
          { items: [{ price: item.price.id }], start_date: item.current_period_start, end_date: item.current_period_end },
        ]);
        store(s);
        sub.schedule = s.id;
        emit("subscription_schedule.created", s);
        emit("customer.subscription.updated", sub, { schedule: null });
        return s;
      }
      const s = get("subscription_schedule", b as string, "subscription schedule");
      if (!c && M("GET")) return s; // subscriptionSchedules.retrieve
      if (!c && M("POST")) {
        // subscriptionSchedules.update
        if (s.status !== "active" && s.status !== "not_started") invalid(`You cannot update a subscription schedule that is ${s.status}.`);
        const sub = objects.get(s.subscription) as J;
        if (p.phases !== undefined) {
          s.phases = schedulePhases(s, sub, list(p.phases));
          s.current_phase_index = Math.max(0, phaseAt(s, now()));
          const cur = s.phases[s.current_phase_index];
          s.current_phase = cur ? { end_date: cur.end_date, start_date: cur.start_date } : null;
        }
        if (p.end_behavior) s.end_behavior = p.end_behavior;
        if (p.metadata !== undefined) s.metadata = { ...s.metadata, ...meta(p.metadata) };
        emit("subscription_schedule.updated", s);
        return s;
      }
      if (c === "release" && M("POST")) {
        // subscriptionSchedules.release
        if (s.status !== "active") invalid(`You cannot release a subscription schedule that is ${s.status}.`);
        const sub = objects.get(s.subscription) as J;
        release(s);
        emit("customer.subscription.updated", sub, { schedule: s.id });
        return s;
      }
    }
    if (a === "invoices") {
      if (b === "create_preview" && M("POST")) return preview(p); // invoices.createPreview
      if (!b && M("GET")) {
        // invoices.list
        return listOf(
          "invoice",
          "/v1/invoices",
          p,
          (o) =>
            (!p.customer || o.customer === p.customer) &&
            (!p.subscription || o.parent?.subscription_details?.subscription === p.subscription) &&
            (!p.status || o.status === p.status),
        );
      }
      if (b && !c && M("GET")) return get("invoice", b); // invoices.retrieve
      if (b && c === "pay" && M("POST")) {
        // invoices.pay: a retry (e.g. after the customer changed card); a paid invoice revives its subscription.
        const inv = get("invoice", b);
        if (inv.status !== "open") invalid(`Invoice is already ${inv.status}.`, undefined, "invoice_not_open");
        const customer = objects.get(inv.customer) as J;
        const subId = inv.parent?.subscription_details?.subscription;
        const sub = subId ? (objects.get(subId) as J) : null;
        const pmId = p.payment_method ? attachOrOwn(p.payment_method, customer.id, "payment_method") : null;
        const err = payInvoice(inv, customer, sub, pmId);
        if (err) {
          const { type, message, ...rest } = err;
          fail(type === "card_error" ? 402 : 400, type, message, rest);
        }
        if (sub && ["past_due", "unpaid", "incomplete"].includes(sub.status) && sub.latest_invoice === inv.id) {
          const prev = { status: sub.status };
          sub.status = "active";
          (subState.get(sub.id) as SubState).failures = 0;
          emit("customer.subscription.updated", sub, prev);
        }
        return inv;
      }
    }
    if (a === "payment_intents") {
      if (!b && M("POST")) {
        // paymentIntents.create
        const pi = paymentIntent(p);
        if (bool(p.confirm)) {
          const err = charge(pi);
          if (err) {
            const { type, message, ...rest } = err;
            fail(402, type, message, { ...rest, payment_intent: clean(structuredClone(pi)) });
          }
        }
        return pi;
      }
      if (b && !c && M("GET")) return get("payment_intent", b, "payment_intent"); // paymentIntents.retrieve
    }
    if (a === "billing_portal" && b === "sessions" && !c && M("POST")) {
      // billingPortal.sessions.create
      const cu = get("customer", required(p, "customer"), "customer", "customer");
      const id = rid("bps");
      return store({
        id,
        object: "billing_portal.session",
        configuration: "bpc_fake_default",
        created: now(),
        customer: cu.id,
        customer_account: null,
        flow: null,
        livemode: false,
        locale: null,
        on_behalf_of: null,
        return_url: p.return_url ?? null,
        url: `${base}/billing_portal/${id}`,
      });
    }
    if (a === "events") {
      if (!b && M("GET")) return listOf("event", "/v1/events", p, (o) => !p.type || o.type === p.type); // events.list
      if (b && !c && M("GET")) return get("event", b); // events.retrieve
    }
    return fail(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  function createSession(p: J): J {
    const mode = String(p.mode ?? "");
    if (!["subscription", "payment", "setup"].includes(mode))
      invalid("Invalid mode: must be one of payment, setup, or subscription", "mode");
    if (!p.success_url && p.ui_mode !== "embedded") invalid("Missing required param: success_url.", "success_url", "parameter_missing");
    if (p.customer && p.customer_email)
      invalid("You may only specify one of these parameters: customer, customer_email.", "customer_email");
    if (p.customer) get("customer", p.customer, "customer", "customer");
    const items = list(p.line_items).map((li, i) => {
      const pr = priceOf(li.price, `line_items[${i}][price]`);
      if (mode === "subscription" && pr.type !== "recurring")
        invalid("You must provide at least one recurring price in `subscription` mode when using prices.", `line_items[${i}][price]`);
      if (mode === "payment" && pr.type === "recurring")
        invalid("You specified `payment` mode but passed a recurring price.", `line_items[${i}][price]`);
      return { price: pr.id, quantity: Number(li.quantity ?? 1) };
    });
    if (mode !== "setup" && !items.length) invalid("Missing required param: line_items.", "line_items", "parameter_missing");
    const total = items.reduce((s, li) => s + (objects.get(li.price) as J).unit_amount * li.quantity, 0);
    const id = rid(`cs_test`);
    const sd = p.subscription_data ?? {};
    return store({
      id,
      object: "checkout.session",
      adaptive_pricing: null,
      after_expiration: null,
      allow_promotion_codes: p.allow_promotion_codes === undefined ? null : bool(p.allow_promotion_codes),
      amount_subtotal: mode === "setup" ? null : total,
      amount_total: mode === "setup" ? null : total,
      automatic_tax: { enabled: false, liability: null, provider: null, status: null },
      billing_address_collection: null,
      cancel_url: p.cancel_url ?? null,
      client_reference_id: p.client_reference_id ?? null,
      client_secret: null,
      collected_information: null,
      consent: null,
      consent_collection: null,
      created: now(),
      currency: mode === "setup" ? null : "usd",
      currency_conversion: null,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: p.customer ?? null,
      customer_account: null,
      customer_creation: p.customer ? null : (p.customer_creation ?? (mode === "payment" ? "if_required" : "always")),
      customer_details: p.customer_email
        ? { address: null, email: p.customer_email, name: null, phone: null, tax_exempt: "none", tax_ids: null }
        : null,
      customer_email: p.customer_email ?? null,
      discounts: [],
      expires_at: now() + DAY,
      integration_identifier: null,
      invoice: null,
      invoice_creation: null,
      livemode: false,
      locale: p.locale ?? null,
      managed_payments: null,
      metadata: meta(p.metadata),
      mode,
      origin_context: null,
      payment_intent: null,
      payment_link: null,
      payment_method_collection: mode === "payment" ? null : "always",
      payment_method_configuration_details: null,
      payment_method_options: {},
      allowed_payment_method_types: methodTypes(p),
      payment_method_types: methodTypes(p) ?? ["card"],
      payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
      permissions: null,
      recovered_from: null,
      saved_payment_method_options: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: "open",
      submit_type: null,
      subscription: null,
      success_url: p.success_url ?? null,
      total_details: mode === "setup" ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: p.ui_mode ?? "hosted",
      url: `${base}/checkout/${id}`,
      wallet_options: null,
      _line_items: items,
      _subscription_data: { trial_period_days: sd.trial_period_days, metadata: sd.metadata },
      _payment_intent_metadata: (p.payment_intent_data as J | undefined)?.metadata ?? {},
    });
  }

  function preview(p: J): J {
    const customer = get("customer", required(p, "customer"), "customer", "customer");
    if (!p.subscription) invalid("The fake previews the next invoice of a subscription: pass subscription.", "subscription");
    const sub = get("subscription", p.subscription, "subscription", "subscription");
    if (sub.customer !== customer.id) invalid("The subscription does not belong to this customer.", "subscription");
    if (sub.status === "canceled")
      invalid("No upcoming invoices for customer: the subscription is canceled.", "subscription", "invoice_upcoming_none");
    const item = subItem(sub);
    const details = p.subscription_details ?? {};
    const change = list(details.items)[0];
    const pd = details.proration_date !== undefined ? int(details.proration_date, "subscription_details[proration_date]") : now();
    const behaviour = String(details.proration_behavior ?? p.proration_behavior ?? "create_prorations");
    const lines: J[] = [];
    let np: J = item.price;
    if (change?.price) np = priceOf(change.price, "subscription_details[items][0][price]");
    else if (sub.schedule) {
      const s = objects.get(sub.schedule) as J;
      const ph = s.phases[phaseAt(s, item.current_period_end)];
      if (ph) np = priceOf(ph.items[0].price, "phases");
    }
    const st = subState.get(sub.id) as SubState;
    const prorating = change?.price && np.id !== item.price.id && sub.status !== "trialing" && behaviour !== "none";
    if (prorating) lines.push(...prorationLines(sub, item.price, np, pd));
    if (!(prorating && behaviour === "always_invoice")) {
      const start = item.current_period_end;
      lines.push(line(np.unit_amount, np, sub, item, start, start + periodDays(np) * DAY, false, `1 × ${np.id}`));
      if (st.pendingProration) lines.push(line(st.pendingProration, item.price, sub, item, start, start, true, "Prorations"));
    }
    const immediate = prorating && behaviour === "always_invoice";
    const start = immediate ? pd : item.current_period_start;
    const end = immediate ? pd : item.current_period_end;
    const inv = invoiceObject(
      customer,
      sub,
      lines,
      immediate ? "subscription_update" : "upcoming",
      start,
      end,
      `upcoming_in_${randomBytes(9).toString("hex")}`,
    );
    inv.next_payment_attempt = immediate ? pd : item.current_period_end;
    inv.automatically_finalizes_at = inv.next_payment_attempt;
    if (prorating) inv.parent.subscription_details.subscription_proration_date = pd;
    inv.hosted_invoice_url = null;
    inv.invoice_pdf = null;
    return inv;
  }

  // ---- test controls ----

  async function control(method: string, path: string, url: URL, body: J): Promise<[number, unknown]> {
    let m = /^\/__fake\/checkout\/([^/]+)\/complete$/.exec(path);
    if (m && method === "POST") {
      const cs = get("checkout.session", m[1] as string, "checkout session");
      // The buyer's email, as typed on the Checkout page (sessions created without a customer).
      if (body.email && !cs.customer) cs.customer_email = String(body.email);
      return [200, clean(checkoutComplete(cs, body.payment_method))];
    }
    m = /^\/__fake\/setup_intents\/([^/]+)\/confirm$/.exec(path);
    if (m && method === "POST") {
      const si = get("setup_intent", m[1] as string, "setupintent");
      if (si.status === "succeeded") invalid("This SetupIntent has already succeeded.");
      const pmId = String(body.payment_method ?? "pm_card_visa");
      const pm = si.customer ? attach(pmId, si.customer) : get("payment_method", pmId, "PaymentMethod", "payment_method");
      si.payment_method = pm.id;
      si.status = "succeeded";
      emit("setup_intent.succeeded", si);
      return [200, clean(si)];
    }
    m = /^\/__fake\/subscriptions\/([^/]+)\/advance$/.exec(path);
    if (m && method === "POST") return [200, clean(advance(get("subscription", m[1] as string)))];
    if (path === "/__fake/events" && method === "GET") {
      const after = url.searchParams.get("after");
      const type = url.searchParams.get("type");
      let from = 0;
      if (after) {
        const i = events.findIndex((e) => e.id === after);
        if (i < 0) return [404, { error: { type: "invalid_request_error", message: `No such event: '${after}'` } }];
        from = i + 1;
      }
      const rows = events.slice(from).filter((e) => !type || e.type === type);
      return [
        200,
        await Promise.all(rows.map(async (e) => ({ id: e.id, type: e.type, payload: e.payload, signature: await sign(e.payload) }))),
      ];
    }
    if (path === "/__fake/faults" && method === "POST") {
      faults.push({ match: String(body.match ?? ""), status: Number(body.status ?? 500), times: Number(body.times ?? 1) });
      return [200, { ok: true }];
    }
    if (path === "/__fake/calls" && method === "GET") {
      const match = url.searchParams.get("match") ?? "";
      return [200, calls.filter((c) => c.path.includes(match))];
    }
    return [404, { error: { type: "invalid_request_error", message: `unknown control ${method} ${path}` } }];
  }

  // ---- server ----

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  const send = (res: ServerResponse, status: number, body: unknown, reqId = rid("req")) => {
    const text = typeof body === "string" ? body : JSON.stringify(body, null, 2);
    res.writeHead(status, { "content-type": "application/json", "request-id": reqId, "stripe-version": API_VERSION });
    res.end(text);
    return text;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const path = url.pathname;
    try {
      const raw = await readBody(req);
      if (path.startsWith("/__fake/")) {
        const body = raw ? (raw.trim().startsWith("{") ? JSON.parse(raw) : parseForm(raw)) : {};
        const [status, out] = await control(method, path, url, body);
        send(res, status, out);
        return;
      }
      if (!path.startsWith("/v1/")) {
        // The pages the URLs point to (checkout, portal, invoices): a placeholder for a browser.
        res.writeHead(200, { "content-type": "text/html" });
        res.end(`<!doctype html><title>Fake Stripe</title><p>Fake Stripe page for ${path}. Use the /__fake/ controls.</p>`);
        return;
      }
      const params = { ...parseForm(url.search.slice(1)), ...(raw ? parseForm(raw) : {}) };
      calls.push({ method, path, params, at: Date.now() });
      if (calls.length > 5000) calls.splice(0, calls.length - 5000);
      const hit = faults.find((f) => f.times > 0 && path.includes(f.match));
      if (hit) {
        hit.times--;
        faults = faults.filter((f) => f.times > 0);
        if (hit.status === 0) {
          req.socket.destroy();
          return;
        }
        send(res, hit.status, { error: { type: "api_error", message: "An unknown error occurred (injected by the fake)." } });
        return;
      }
      const auth = req.headers.authorization ?? "";
      const key = /^Bearer (.+)$/.exec(auth)?.[1] ?? "";
      if (!key.startsWith("sk_test_")) {
        send(res, 401, {
          error: {
            type: "invalid_request_error",
            message: key ? `Invalid API Key provided: ${key.slice(0, 12)}***` : "You did not provide an API key.",
          },
        });
        return;
      }
      const idemKey = method === "POST" ? (req.headers["idempotency-key"] as string | undefined) : undefined;
      if (idemKey) {
        const seen = idempotent.get(`${key}:${idemKey}`);
        if (seen && (seen.path !== path || seen.params !== JSON.stringify(params))) {
          send(res, 400, {
            error: {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`,
            },
          });
          return;
        }
        if (seen) {
          res.writeHead(seen.status, { "content-type": "application/json", "request-id": rid("req"), "idempotent-replayed": "true" });
          res.end(seen.body);
          return;
        }
      }
      const reqId = rid("req");
      request = { id: reqId, idempotency_key: idemKey ?? null };
      let status = 200;
      let out: unknown;
      try {
        const o = api(method, path, params);
        out = expand(o, list(params.expand).map(String));
      } catch (e) {
        if (!(e instanceof StripeFail)) throw e;
        status = e.status;
        out = { error: { ...e.body, request_log_url: `${base}/logs/${reqId}` } };
      } finally {
        request = { id: null, idempotency_key: null };
      }
      const text = send(res, status, out, reqId);
      if (idemKey) idempotent.set(`${key}:${idemKey}`, { status, body: text, path, params: JSON.stringify(params) });
    } catch (e) {
      if (e instanceof StripeFail) {
        if (!res.headersSent) send(res, e.status, { error: e.body });
        return;
      }
      console.error("[stripe-fake]", e);
      if (!res.headersSent) send(res, 500, { error: { type: "api_error", message: String(e) } });
      else res.destroy();
    }
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      const actual = typeof addr === "object" && addr ? addr.port : port;
      base = `http://127.0.0.1:${actual}`;
      resolve({
        port: actual,
        url: base,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    }),
  );
}
