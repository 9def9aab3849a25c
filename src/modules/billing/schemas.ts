import { z } from "@hono/zod-openapi";

// Literal lists (not imported from the tiers) so the OpenAPI document names them.
const TIER = z.string().min(1).max(40).openapi({ example: "manager", description: "starter, manager or agency" });
const PERIOD = z.enum(["monthly", "yearly"]);
const LIMIT_TYPE = ["seats", "ai_credits", "image_generations", "storage", "workflows", "ai_employees", "api_requests"] as const;
const Url = z.string().max(2000);
const nullableIso = z.string().nullable();

export const LimitTypeParam = z.object({
  limit_type: z
    .string()
    .max(40)
    .openapi({ param: { name: "limit_type", in: "path" }, enum: [...LIMIT_TYPE] }),
});
export const PriceIdParam = z.object({
  price_id: z
    .string()
    .regex(/^price_[A-Za-z0-9_]{1,120}$/, "A Stripe price id (price_…)")
    .openapi({ param: { name: "price_id", in: "path" }, example: "price_atrium_starter_monthly" }),
});
export const AlertIdParam = z.object({ alert_id: z.uuid().openapi({ param: { name: "alert_id", in: "path" } }) });

export const PriceLinkQuery = z.object({
  ref: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Letters, digits, _ and -, at most 64")
    .optional()
    .openapi({ description: "Affiliate code, kept in the checkout's metadata as affiliate_code" }),
  days: z.coerce.number().int().min(0).max(90).optional().openapi({ description: "Trial days (0: pay now); default the tier's" }),
});
export const PortalQuery = z.object({
  return_url: Url.optional(),
  tier: TIER.optional().openapi({ description: "Tier for the Checkout URL when there is no subscription yet" }),
  billing_period: PERIOD.optional(),
});
export const InvoicesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
export const UsageEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const UsageChartQuery = z.object({
  start: z.iso.date().openapi({ example: "2026-12-01" }),
  end: z.iso.date().openapi({ example: "2026-12-31" }),
  granularity: z.enum(["day", "week"]).default("day"),
});

export const CheckoutBody = z
  .object({ tier: TIER, billing_period: PERIOD.optional(), success_url: Url.optional(), cancel_url: Url.optional() })
  .strict()
  .openapi("BillingCheckoutRequest");
export const OneTimeCheckoutBody = z
  .object({
    tier: TIER.optional().openapi({ description: "A one-time plan for the tier's duration_months" }),
    credits: z.number().int().positive().optional().openapi({ description: "A credit pack: 1000, 5000 or 20000" }),
    success_url: Url.optional(),
    cancel_url: Url.optional(),
  })
  .strict()
  .openapi("BillingOneTimeCheckoutRequest");
export const ChangePlanBody = z.object({ tier: TIER, billing_period: PERIOD.optional() }).strict().openapi("ChangePlanRequest");
export const CancelBody = z
  .object({ cancel_immediately: z.boolean().default(false) })
  .strict()
  .openapi("CancelSubscriptionRequest");
export const CreateSubscriptionBody = z
  .object({
    tier: TIER,
    billing_period: PERIOD.optional(),
    setup_intent_id: z.string().max(255).optional(),
    payment_method_id: z.string().max(255).optional(),
  })
  .strict()
  .openapi("CreateSubscriptionRequest");
export const AutoReloadBody = z
  .object({
    enabled: z.boolean(),
    threshold_credits: z.number().int().min(1).max(10_000_000).optional(),
    reload_amount: z.number().int().min(100).max(10_000_000).optional(),
    payment_method_id: z.string().max(255).optional(),
  })
  .strict()
  .openapi("AutoReloadRequest");
export const PurchaseCreditsBody = z
  .object({ amount: z.number().int().min(100).max(10_000_000), payment_method_id: z.string().max(255).optional() })
  .strict()
  .openapi("PurchaseCreditsRequest");
export const AlertBody = z
  .object({
    type: z.enum(["low_balance", "daily_spend", "monthly_spend"]),
    threshold: z.number().int().min(1).max(100_000_000),
    channels: z
      .array(z.enum(["email", "in_app"]))
      .min(1)
      .max(2)
      .default(["email"]),
    enabled: z.boolean().default(true),
  })
  .strict()
  .openapi("SpendingAlertRequest");

// ---- responses --------------------------------------------------------------------------------

const Limits = z.object({
  seats: z.number().nullable(),
  ai_credits: z.number().nullable(),
  image_generations: z.number().nullable(),
  storage: z.number().nullable(),
  workflows: z.number().nullable(),
  ai_employees: z.number().nullable(),
  api_requests: z.number(),
});
export const TiersSchema = z
  .object({
    tiers: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        prices: z.object({ monthly: z.number(), yearly: z.number(), one_time: z.number() }).nullable(),
        currency: z.string(),
        trial_days: z.number(),
        duration_months: z.number(),
        limits: Limits,
        features: z.array(z.string()),
      }),
    ),
  })
  .openapi("BillingTiers");
export const UsageLineSchema = z
  .object({
    limit_type: z.string(),
    period: z.enum(["total", "month", "minute"]),
    limit: z.number().nullable(),
    used: z.number(),
    remaining: z.number().nullable(),
    percent: z.number(),
    unlimited: z.boolean(),
    is_exceeded: z.boolean(),
    tier: z.string(),
  })
  .openapi("BillingUsage");
export const LimitsSchema = z
  .object({ tier: z.string(), is_active: z.boolean(), limits: z.array(UsageLineSchema) })
  .openapi("BillingLimits");
export const UsageSchema = UsageLineSchema.extend({ allowed: z.boolean() }).openapi("BillingUsageCheck");
export const UsageEventsSchema = z
  .object({
    limit_type: z.string(),
    total: z.number(),
    limit: z.number(),
    offset: z.number(),
    events: z.array(
      z.object({
        id: z.string(),
        amount: z.number(),
        description: z.string().nullable(),
        user: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
        created_at: z.string(),
      }),
    ),
  })
  .openapi("BillingUsageEvents");
export const FeaturesSchema = z
  .object({
    tier: z.string(),
    features: z.array(
      z.object({ feature: z.string(), description: z.string(), enabled: z.boolean(), source: z.enum(["tier", "override"]) }),
    ),
  })
  .openapi("BillingFeatures");
export const SubscriptionSchema = z
  .object({
    workspace_id: z.string(),
    tier: z.string(),
    tier_name: z.string(),
    status: z.string(),
    billing_period: z.string().nullable(),
    is_active: z.boolean(),
    requires_payment: z.boolean(),
    message: z.string(),
    is_trial: z.boolean(),
    trial_end: nullableIso,
    current_period_start: nullableIso,
    current_period_end: nullableIso,
    cancel_at_period_end: z.boolean(),
    canceled_at: nullableIso,
    access_until: nullableIso,
    scheduled_change: z.object({ tier: z.string(), billing_period: z.string().nullable(), effective_date: nullableIso }).nullable(),
    stripe_customer_id: z.string().nullable(),
    stripe_subscription_id: z.string().nullable(),
    synced_at: nullableIso,
  })
  .openapi("BillingSubscription");
export const SubscriptionStatusSchema = z
  .object({
    is_active: z.boolean(),
    requires_payment: z.boolean(),
    message: z.string(),
    status: z.string(),
    tier: z.string(),
    is_trial: z.boolean(),
    trial_end: nullableIso,
    cancel_at_period_end: z.boolean(),
  })
  .openapi("BillingSubscriptionStatus");
export const CheckoutSchema = z
  .object({
    checkout_url: z.string().nullable(),
    session_id: z.string(),
    tier: z.string().optional(),
    billing_period: z.string().optional(),
    trial_days: z.number().optional(),
    kind: z.string().optional(),
  })
  .openapi("BillingCheckout");
export const PortalSchema = z.object({ url: z.string().nullable(), type: z.enum(["portal", "checkout"]) }).openapi("BillingPortal");
export const SetupIntentSchema = z
  .object({ client_secret: z.string().nullable(), setup_intent_id: z.string(), customer_id: z.string().optional() })
  .openapi("BillingSetupIntent");
export const ChangePlanSchema = z
  .object({
    is_scheduled: z.boolean(),
    requires_checkout: z.boolean(),
    checkout_url: z.string().nullable().optional(),
    tier: z.string(),
    billing_period: z.string().optional(),
    effective_date: z.string().optional(),
  })
  .openapi("ChangePlanResult");
export const SubscriptionActionSchema = z
  .object({
    status: z.string().optional(),
    tier: z.string().optional(),
    cancel_at_period_end: z.boolean().optional(),
    access_until: nullableIso.optional(),
    canceled: z.boolean().optional(),
    subscription_id: z.string().optional(),
    billing_period: z.string().optional(),
    trial_days: z.number().optional(),
  })
  .openapi("SubscriptionActionResult");
const Invoice = z.object({
  id: z.string().nullable(),
  number: z.string().nullable(),
  status: z.string().nullable(),
  amount_due: z.number(),
  amount_paid: z.number(),
  total: z.number(),
  currency: z.string(),
  period_start: z.string(),
  period_end: z.string(),
  created_at: z.string(),
  hosted_invoice_url: z.string().nullable(),
  pdf_url: z.string().nullable(),
  lines: z.array(z.object({ description: z.string().nullable(), amount: z.number(), currency: z.string() })),
});
export const InvoicesSchema = z.object({ invoices: z.array(Invoice), has_more: z.boolean() }).openapi("BillingInvoices");
export const UpcomingInvoiceSchema = Invoice.extend({ next_payment_attempt: nullableIso }).openapi("BillingUpcomingInvoice");
export const WebhookAckSchema = z.object({ received: z.boolean(), duplicate: z.boolean(), type: z.string() }).openapi("StripeWebhookAck");

export const CreditBalanceSchema = z
  .object({
    balance: z.number(),
    held: z.number(),
    available: z.number(),
    included_credits: z.number(),
    purchased_credits: z.number(),
    burn_rate_per_hour: z.number(),
    updated_at: nullableIso,
  })
  .openapi("CreditBalance");
export const UsageChartSchema = z
  .object({
    daily_usage: z.array(z.object({ date: z.string(), credits: z.number(), requests: z.number() })),
    model_breakdown: z.array(z.object({ model: z.string().nullable(), credits: z.number(), requests: z.number() })),
  })
  .openapi("CreditUsageChart");
export const PurchaseResultSchema = z
  .object({
    status: z.enum(["succeeded", "checkout_required"]),
    checkout_url: z.string().nullable(),
    credits: z.number(),
    payment_intent_id: z.string().optional(),
    balance: z.number().nullable(),
  })
  .openapi("CreditPurchaseResult");
export const AutoReloadSchema = z
  .object({
    enabled: z.boolean(),
    threshold_credits: z.number().nullable(),
    reload_amount: z.number().nullable(),
    payment_method_id: z.string().nullable(),
    last_reload_at: nullableIso,
    last_error: z.string().nullable(),
  })
  .openapi("AutoReload");
export const AlertSchema = z
  .object({
    id: z.string(),
    type: z.enum(["low_balance", "daily_spend", "monthly_spend"]),
    threshold: z.number(),
    channels: z.array(z.enum(["email", "in_app"])),
    enabled: z.boolean(),
    last_triggered_at: nullableIso,
    created_at: z.string(),
  })
  .openapi("SpendingAlert");
export const AlertsSchema = z.object({ alerts: z.array(AlertSchema) }).openapi("SpendingAlerts");
