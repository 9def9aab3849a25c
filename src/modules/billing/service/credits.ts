import { and, eq, sql } from "drizzle-orm";
import { creditBalance, creditUsageChart, spendSince } from "../../../platform/ai/credit-reports";
import { billingState, forgetBilling } from "../../../platform/billing/limits";
import { type AlertType, creditAlerts, workspaceBilling } from "../../../platform/billing/tables";
import { CREDIT_PACKS, creditsLookupKey } from "../../../platform/billing/tiers";
import type { ServiceContext } from "../../../platform/context";
import { enqueueEmail } from "../../../platform/email/outbox";
import { invalidField, ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { users, workspaces } from "../../../platform/identity/tables";
import { notify } from "../../notifications/service";
import { callStripe, type Stripe, stripeOf } from "../stripe";
import { appUrl, ensureCustomer, priceByLookupKey } from "./catalogue";
import { loadBilling, requireBillingAdmin, requireMember, saveBilling } from "./state";
import { creditPurchase, tellOwner } from "./webhooks";

/** A credit costs one US cent (packs are cheaper per credit). */
const CENTS_PER_CREDIT = 1;
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function getCreditBalance(ctx: ServiceContext) {
  requireMember(ctx);
  return creditBalance(ctx);
}

/** Inclusive UTC days start..end → the half-open range the report takes. */
export async function getUsageChart(ctx: ServiceContext, q: { start: string; end: string; granularity: "day" | "week" }) {
  requireMember(ctx);
  const start = new Date(`${q.start}T00:00:00Z`);
  const end = new Date(new Date(`${q.end}T00:00:00Z`).getTime() + 86_400_000);
  if (end <= start) throw invalidField(["query", "end"], "end is before start");
  return creditUsageChart(ctx, { start, end, granularity: q.granularity });
}

/** A payment method of this workspace's customer (another customer's → 404). */
async function ownPaymentMethod(ctx: ServiceContext, customer: string, id: string): Promise<Stripe.PaymentMethod> {
  const pm = await callStripe("payment method", () => stripeOf(ctx.env).paymentMethods.retrieve(id));
  const owner = typeof pm.customer === "string" ? pm.customer : pm.customer?.id;
  if (owner !== customer) throw new ServiceError("not_found", "Payment method not found");
  return pm;
}

async function defaultPaymentMethod(ctx: ServiceContext, customer: string): Promise<string | null> {
  const c = await callStripe("customer", () => stripeOf(ctx.env).customers.retrieve(customer));
  if ("deleted" in c && c.deleted) return null;
  const d = (c as Stripe.Customer).invoice_settings?.default_payment_method;
  return typeof d === "string" ? d : (d?.id ?? null);
}

/** Charges a saved card off-session and lands the credits once (the webhook dedupes by the same reference). */
async function chargeCredits(ctx: ServiceContext, ws: string, customer: string, pm: string, credits: number, note: string, key: string) {
  const pi = await callStripe("payment", () =>
    stripeOf(ctx.env).paymentIntents.create(
      {
        amount: credits * CENTS_PER_CREDIT,
        currency: "usd",
        customer,
        payment_method: pm,
        off_session: true,
        confirm: true,
        metadata: { workspace_id: ws, kind: "credits", credits: String(credits), note },
      },
      { idempotencyKey: key },
    ),
  );
  if (pi.status !== "succeeded") throw new ServiceError("payment_failed", `The payment is ${pi.status}`);
  await creditPurchase(ctx, ws, credits, `payment:${pi.id}`, note);
  return pi;
}

/**
 * Buys credits now: with a saved card (the given one or the customer's default) the balance
 * grows at once; without one, a Checkout URL for the credit pack of that size.
 */
export async function purchaseCredits(ctx: ServiceContext, input: { amount: number; payment_method_id?: string | undefined }) {
  const ws = requireBillingAdmin(ctx);
  const customer = await ensureCustomer(ctx, ws);
  const pm = input.payment_method_id
    ? (await ownPaymentMethod(ctx, customer, input.payment_method_id)).id
    : await defaultPaymentMethod(ctx, customer);
  if (!pm) {
    const pack = CREDIT_PACKS.find((p) => p.credits === input.amount);
    if (!pack) {
      throw invalidField(
        ["body", "amount"],
        `Without a saved payment method, buy a pack: ${CREDIT_PACKS.map((p) => p.credits).join(", ")}`,
      );
    }
    const price = await priceByLookupKey(ctx, creditsLookupKey(pack.credits));
    const metadata = { workspace_id: ws, kind: "credits", credits: String(pack.credits) };
    const session = await callStripe("checkout", () =>
      stripeOf(ctx.env).checkout.sessions.create({
        mode: "payment",
        customer,
        line_items: [{ price: price.id, quantity: 1 }],
        metadata,
        success_url: appUrl(ctx, undefined, "/billing/credits?session_id={CHECKOUT_SESSION_ID}", []),
        cancel_url: appUrl(ctx, undefined, "/billing/credits", []),
      }),
    );
    return { status: "checkout_required" as const, checkout_url: session.url, credits: pack.credits, balance: null };
  }
  const pi = await chargeCredits(ctx, ws, customer, pm, input.amount, "Credit purchase", `credits:${ws}:${ctx.requestId}`);
  return {
    status: "succeeded" as const,
    checkout_url: null,
    credits: input.amount,
    payment_intent_id: pi.id,
    balance: (await creditBalance(ctx)).balance,
  };
}

// ---- auto-reload ------------------------------------------------------------------------------

function autoReloadView(row: typeof workspaceBilling.$inferSelect | undefined) {
  return {
    enabled: row?.autoReloadEnabled ?? false,
    threshold_credits: row?.autoReloadThreshold ?? null,
    reload_amount: row?.autoReloadAmount ?? null,
    payment_method_id: row?.autoReloadPaymentMethod ?? null,
    last_reload_at: iso(row?.autoReloadLastAt),
    last_error: row?.autoReloadError ?? null,
  };
}

export async function getAutoReload(ctx: ServiceContext) {
  const ws = requireBillingAdmin(ctx);
  return autoReloadView(await loadBilling(ctx.control, ws));
}

/** Enabling needs a threshold, an amount and a card of this workspace (default: the customer's default). */
export async function setAutoReload(
  ctx: ServiceContext,
  input: {
    enabled: boolean;
    threshold_credits?: number | undefined;
    reload_amount?: number | undefined;
    payment_method_id?: string | undefined;
  },
) {
  const ws = requireBillingAdmin(ctx);
  if (!input.enabled) return autoReloadView(await saveBilling(ctx.control, ws, { autoReloadEnabled: false }));
  if (input.threshold_credits === undefined) throw invalidField(["body", "threshold_credits"], "Required when enabling auto-reload");
  if (input.reload_amount === undefined) throw invalidField(["body", "reload_amount"], "Required when enabling auto-reload");
  const customer = await ensureCustomer(ctx, ws);
  const pm = input.payment_method_id
    ? (await ownPaymentMethod(ctx, customer, input.payment_method_id)).id
    : await defaultPaymentMethod(ctx, customer);
  if (!pm) throw invalidField(["body", "payment_method_id"], "No saved payment method: add one first (POST /billing/setup-intent)");
  const row = await saveBilling(ctx.control, ws, {
    autoReloadEnabled: true,
    autoReloadThreshold: input.threshold_credits,
    autoReloadAmount: input.reload_amount,
    autoReloadPaymentMethod: pm,
    autoReloadArmed: true,
    autoReloadError: null,
  });
  return autoReloadView(row);
}

// ---- spending alerts --------------------------------------------------------------------------

const alertView = (a: typeof creditAlerts.$inferSelect) => ({
  id: a.id,
  type: a.type,
  threshold: a.threshold,
  channels: a.channels,
  enabled: a.enabled,
  last_triggered_at: iso(a.lastTriggeredAt),
  created_at: a.createdAt.toISOString(),
});

export async function listAlerts(ctx: ServiceContext) {
  const ws = requireBillingAdmin(ctx);
  const rows = await ctx.control.select().from(creditAlerts).where(eq(creditAlerts.workspaceId, ws)).orderBy(creditAlerts.createdAt);
  return { alerts: rows.map(alertView) };
}

const MAX_ALERTS = 20;

export async function createAlert(
  ctx: ServiceContext,
  input: { type: AlertType; threshold: number; channels: ("email" | "in_app")[]; enabled: boolean },
) {
  const ws = requireBillingAdmin(ctx);
  const [n] = await ctx.control.select({ n: sql<number>`count(*)::int` }).from(creditAlerts).where(eq(creditAlerts.workspaceId, ws));
  if ((n?.n ?? 0) >= MAX_ALERTS) throw new ServiceError("conflict", `At most ${MAX_ALERTS} alerts per workspace`);
  const createdBy = ctx.actor.kind === "user" ? ctx.actor.userId : null;
  const [row] = await ctx.control
    .insert(creditAlerts)
    .values({
      workspaceId: ws,
      type: input.type,
      threshold: input.threshold,
      channels: [...new Set(input.channels)],
      enabled: input.enabled,
      createdBy,
    })
    .returning();
  if (!row) throw new Error("alert insert returned nothing");
  forgetBilling(ws);
  return alertView(row);
}

export async function deleteAlert(ctx: ServiceContext, id: string) {
  const ws = requireBillingAdmin(ctx);
  const gone = await ctx.control
    .delete(creditAlerts)
    .where(and(eq(creditAlerts.id, id), eq(creditAlerts.workspaceId, ws)))
    .returning({ id: creditAlerts.id });
  if (gone.length === 0) throw new ServiceError("not_found", "Alert not found");
  forgetBilling(ws);
}

// ---- after every balance change (the AI gateway's hook) -----------------------------------------

/**
 * Auto-reload and alerts, once per threshold crossing: a compare-and-set on `armed` claims the
 * crossing (concurrent calls reload once); it re-arms when the balance is back above. A declined
 * card is not retried: the error is kept, the owner is emailed, and it stays disarmed until the
 * balance recovers or the settings are saved again.
 */
export async function onBalanceChange(ctx: ServiceContext, a: { workspaceId: string; balance: number }) {
  // Most workspaces watch nothing: decided from the cached billing state, without a connection.
  if (!(await billingState(ctx, { workspaceId: a.workspaceId })).watchesBalance) return;
  ctx.actor = { kind: "system", name: "billing" };
  await autoReload(ctx, a.workspaceId, a.balance);
  await checkAlerts(ctx, a.workspaceId, a.balance);
}

async function autoReload(ctx: ServiceContext, ws: string, balance: number) {
  const row = await loadBilling(ctx.control, ws);
  if (!row?.autoReloadEnabled || row.autoReloadThreshold === null || !row.autoReloadAmount || !row.autoReloadPaymentMethod) return;
  if (balance >= row.autoReloadThreshold) {
    if (!row.autoReloadArmed) await saveBilling(ctx.control, ws, { autoReloadArmed: true });
    return;
  }
  const claimed = await ctx.control
    .update(workspaceBilling)
    .set({ autoReloadArmed: false, autoReloadLastAt: new Date() })
    .where(
      and(eq(workspaceBilling.workspaceId, ws), eq(workspaceBilling.autoReloadArmed, true), eq(workspaceBilling.autoReloadEnabled, true)),
    )
    .returning({ at: workspaceBilling.autoReloadLastAt });
  if (!claimed[0] || !row.stripeCustomerId) return;
  const amount = row.autoReloadAmount;
  try {
    await chargeCredits(
      ctx,
      ws,
      row.stripeCustomerId,
      row.autoReloadPaymentMethod,
      amount,
      "Auto-reload",
      `auto-reload:${ws}:${claimed[0].at?.getTime()}`,
    );
    // Back above the threshold: the next fall below is a new crossing.
    await saveBilling(ctx.control, ws, { autoReloadError: null, autoReloadArmed: balance + amount >= row.autoReloadThreshold });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    await saveBilling(ctx.control, ws, { autoReloadError: reason });
    await tellOwner(
      ctx,
      ws,
      "Atrium credits: auto-reload failed",
      `Auto-reload of ${amount} credits failed: ${reason}\nUpdate the payment method in Billing; it will not be retried until then.`,
    );
  }
}

const startOfDay = () => new Date(new Date().toISOString().slice(0, 10));
const startOfMonth = () => new Date(`${new Date().toISOString().slice(0, 7)}-01T00:00:00Z`);

async function checkAlerts(ctx: ServiceContext, ws: string, balance: number) {
  const alerts = await ctx.control
    .select()
    .from(creditAlerts)
    .where(and(eq(creditAlerts.workspaceId, ws), eq(creditAlerts.enabled, true)));
  for (const alert of alerts) {
    let firing: boolean;
    let value = balance;
    if (alert.type === "low_balance") firing = balance < alert.threshold;
    else {
      const since = alert.type === "daily_spend" ? startOfDay() : startOfMonth();
      value = await spendSince(ctx, since);
      // Spend only grows within its period: once per period (re-armed by a new period).
      firing = value >= alert.threshold && (!alert.lastTriggeredAt || alert.lastTriggeredAt < since);
    }
    if (!firing) {
      if (!alert.armed && alert.type === "low_balance")
        await ctx.control.update(creditAlerts).set({ armed: true }).where(eq(creditAlerts.id, alert.id));
      continue;
    }
    const claim = await ctx.control
      .update(creditAlerts)
      .set({ armed: false, lastTriggeredAt: new Date() })
      .where(
        and(
          eq(creditAlerts.id, alert.id),
          alert.type === "low_balance"
            ? eq(creditAlerts.armed, true)
            : sql`(${creditAlerts.lastTriggeredAt} IS NULL OR ${creditAlerts.lastTriggeredAt} < ${(alert.type === "daily_spend" ? startOfDay() : startOfMonth()).toISOString()})`,
        ),
      )
      .returning({ id: creditAlerts.id });
    if (claim[0]) await fireAlert(ctx, ws, alert, value, balance);
  }
}

async function fireAlert(ctx: ServiceContext, ws: string, alert: typeof creditAlerts.$inferSelect, value: number, balance: number) {
  const what =
    alert.type === "low_balance"
      ? `The AI credit balance is ${balance}, below ${alert.threshold}.`
      : `AI credit spend ${alert.type === "daily_spend" ? "today" : "this month"} is ${value}, at or above ${alert.threshold}.`;
  await ctx.db.transaction((tx) =>
    emitEvent(ctx, tx, "credits.low", {
      alert_id: alert.id,
      alert_type: alert.type,
      threshold: alert.threshold,
      value,
      balance,
    }),
  );
  const [owner] = await ctx.control
    .select({ email: users.email, userId: users.id })
    .from(workspaces)
    .innerJoin(users, eq(users.id, workspaces.ownerId))
    .where(eq(workspaces.id, ws))
    .limit(1);
  if (!owner) return;
  if (alert.channels.includes("email")) {
    await enqueueEmail(ctx.control, {
      to: owner.email,
      subject: "Atrium: AI credits alert",
      text: `${what}\nBuy credits or turn on auto-reload in Billing.`,
      template: "credits_low",
      data: { workspace_id: ws, alert_id: alert.id, balance, value, threshold: alert.threshold },
    });
  }
  if (alert.channels.includes("in_app")) {
    const r = (await ctx.db.execute(sql`SELECT id FROM members WHERE user_id = ${owner.userId} LIMIT 1`)) as unknown as {
      rows: { id: string }[];
    };
    const member = r.rows[0]?.id;
    if (member)
      await notify(ctx, {
        recipients: [member],
        eventType: "credits_low",
        title: "AI credits alert",
        body: what,
        link: "/billing/credits",
      });
  }
}
