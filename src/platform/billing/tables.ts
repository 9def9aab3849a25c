import { bigint, boolean, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../db/columns";
import { workspaces } from "../identity/tables";
import type { BillingPeriod, Feature, LimitType } from "./tiers";

/** Per-workspace changes to its tier's terms (set by staff): a feature on/off, a limit raised. */
export interface BillingOverrides {
  features?: Partial<Record<Feature, boolean>>;
  limits?: Partial<Record<LimitType, number | null>>;
}

/**
 * Control database: a workspace's billing state, one row per workspace. `workspaces.plan` is
 * the effective tier (the rate limiter and API keys read it); this row says why: the Stripe
 * subscription it mirrors (kept current by webhooks and syncs), a local trial, or a one-time
 * purchase (`access_until`). `stripe_event_at` is the `created` of the newest Stripe event
 * applied to the subscription: an older event arriving late makes us fetch the object instead
 * of applying a stale snapshot.
 */
export const workspaceBilling = pgTable(
  "workspace_billing",
  {
    workspaceId: uuid("workspace_id")
      .primaryKey()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** trialing | active | past_due | unpaid | canceled | incomplete | incomplete_expired | paused | none */
    status: text("status").notNull().default("trialing"),
    billingPeriod: text("billing_period").$type<BillingPeriod | "one_time">(),
    trialEndsAt: ts("trial_ends_at"),
    stripeCustomerId: text("stripe_customer_id"),
    stripeSubscriptionId: text("stripe_subscription_id"),
    stripePriceId: text("stripe_price_id"),
    stripeScheduleId: text("stripe_schedule_id"),
    currentPeriodStart: ts("current_period_start"),
    currentPeriodEnd: ts("current_period_end"),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    canceledAt: ts("canceled_at"),
    /** A downgrade scheduled for the period end. */
    scheduledTier: text("scheduled_tier"),
    scheduledPeriod: text("scheduled_period").$type<BillingPeriod>(),
    scheduledAt: ts("scheduled_at"),
    /** End of a one-time purchase's access. */
    accessUntil: ts("access_until"),
    affiliateCode: text("affiliate_code"),
    stripeEventAt: bigint("stripe_event_at", { mode: "number" }),
    syncedAt: ts("synced_at"),
    overrides: jsonb("overrides").$type<BillingOverrides>().notNull().default({}),
    autoReloadEnabled: boolean("auto_reload_enabled").notNull().default(false),
    autoReloadThreshold: integer("auto_reload_threshold"),
    autoReloadAmount: integer("auto_reload_amount"),
    autoReloadPaymentMethod: text("auto_reload_payment_method"),
    /** Re-armed when the balance is back above the threshold: one reload per crossing. */
    autoReloadArmed: boolean("auto_reload_armed").notNull().default(true),
    autoReloadLastAt: ts("auto_reload_last_at"),
    autoReloadError: text("auto_reload_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("workspace_billing_customer_idx").on(t.stripeCustomerId),
    index("workspace_billing_subscription_idx").on(t.stripeSubscriptionId),
  ],
);

/** Stripe webhook events received: the id makes redelivery a no-op. */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  /** The event's `created` (epoch seconds). */
  created: bigint("created", { mode: "number" }).notNull(),
  workspaceId: uuid("workspace_id"),
  receivedAt: createdAt(),
});

/**
 * The spendable balance per workspace, kept equal to SUM(ai_credit_ledger.amount) by a trigger
 * on the ledger (migration 0007). `held` is what running calls have reserved: a reservation is
 * one conditional UPDATE (balance − held ≥ amount), so concurrent calls cannot overdraw.
 */
export const creditBalances = pgTable("credit_balances", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  balance: bigint("balance", { mode: "number" }).notNull().default(0),
  held: bigint("held", { mode: "number" }).notNull().default(0),
  updatedAt: updatedAt(),
});

/** One reservation of a running call; settled (deleted) after it, or released when it expires. */
export const creditHolds = pgTable(
  "credit_holds",
  {
    id: pk(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    amount: integer("amount").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("credit_holds_expires_idx").on(t.expiresAt)],
);

export const ALERT_TYPES = ["low_balance", "daily_spend", "monthly_spend"] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** Spending alerts: `credits.low` event + email (or in-app) when a threshold is crossed. */
export const creditAlerts = pgTable(
  "credit_alerts",
  {
    id: pk(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    type: text("type").$type<AlertType>().notNull(),
    threshold: integer("threshold").notNull(),
    channels: jsonb("channels").$type<("email" | "in_app")[]>().notNull().default(["email"]),
    enabled: boolean("enabled").notNull().default(true),
    /** Re-armed when the condition clears: one alert per crossing. */
    armed: boolean("armed").notNull().default(true),
    lastTriggeredAt: ts("last_triggered_at"),
    createdBy: uuid("created_by"),
    createdAt: createdAt(),
  },
  (t) => [index("credit_alerts_ws_idx").on(t.workspaceId)],
);
