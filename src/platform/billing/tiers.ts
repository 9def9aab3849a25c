/**
 * Subscription tiers as data: what each plan includes (features) and allows (limits). The
 * LiquidCortex seed names Starter, Manager and Agency and their API rate tiers; `trial` is
 * the plan of a workspace that has not chosen one, `enterprise` is granted by staff (custom
 * contract, not sold through Checkout). Per-workspace overrides (workspace_billing.overrides)
 * change single features or limits without a new tier.
 *
 * Stripe prices are found by lookup key (`atrium_<tier>_<monthly|yearly|onetime_12m>`,
 * `atrium_credits_<n>`), so no price id is configured anywhere: the same code runs against
 * the local fake and a real account whose prices carry these lookup keys.
 */

export const TIER_IDS = ["trial", "starter", "manager", "agency", "enterprise"] as const;
export type TierId = (typeof TIER_IDS)[number];

/** Limits a workspace is held to. null = unlimited. Monthly ones reset on the 1st (UTC). */
export interface TierLimits {
  /** Members, active or invited. */
  seats: number | null;
  /** AI credits granted each month (the ledger's monthly grant). */
  ai_credits: number | null;
  /** Generated images a month. */
  image_generations: number | null;
  /** Bytes of stored documents. */
  storage: number | null;
  /** Workflows (not deleted). */
  workflows: number | null;
  /** Custom AI employees (agents). */
  ai_employees: number | null;
  /** API requests a minute per key (the rate tier; enforced by the RateLimiter). */
  api_requests: number;
}
export type LimitType = keyof TierLimits;
export const LIMIT_TYPES = ["seats", "ai_credits", "image_generations", "storage", "workflows", "ai_employees", "api_requests"] as const;

export const FEATURES = {
  api_access: "API keys and programmatic access",
  workflows: "Workflow automation",
  webhooks: "Outbound webhooks",
  knowledge_base: "Documents and knowledge search",
  integrations: "Slack, Google, Meta, Shopify and other integrations",
  custom_roles: "Custom roles and permissions",
  analytics: "Analytics queries and reports",
  priority_support: "Priority support",
  sso: "Single sign-on",
  white_label: "White-label branding",
} as const;
export type Feature = keyof typeof FEATURES;

export interface Tier {
  id: TierId;
  name: string;
  description: string;
  /** Position for upgrade/downgrade: a higher rank is an upgrade. */
  rank: number;
  /** Sold through Checkout (trial and enterprise are not). */
  purchasable: boolean;
  /** Prices in cents (USD). */
  prices: { monthly: number; yearly: number; one_time: number } | null;
  /** Months a one-time purchase lasts. */
  duration_months: number;
  trial_days: number;
  limits: TierLimits;
  features: Feature[];
}

const GB = 1024 ** 3;
const BASE: Feature[] = ["api_access", "workflows", "webhooks", "knowledge_base", "integrations"];

export const TIERS: Record<TierId, Tier> = {
  trial: {
    id: "trial",
    name: "Trial",
    description: "Everything in Starter while you decide",
    rank: 0,
    purchasable: false,
    prices: null,
    duration_months: 0,
    trial_days: 3,
    limits: {
      seats: 10,
      ai_credits: 1_000,
      image_generations: 10,
      storage: 1 * GB,
      workflows: 100,
      ai_employees: 25,
      api_requests: 60,
    },
    features: BASE,
  },
  starter: {
    id: "starter",
    name: "Starter",
    description: "For a small team getting started with AI employees",
    rank: 1,
    purchasable: true,
    prices: { monthly: 2_900, yearly: 29_000, one_time: 29_000 },
    duration_months: 12,
    trial_days: 3,
    limits: {
      seats: 10,
      ai_credits: 5_000,
      image_generations: 100,
      storage: 10 * GB,
      workflows: 100,
      ai_employees: 25,
      api_requests: 60,
    },
    features: BASE,
  },
  manager: {
    id: "manager",
    name: "Manager",
    description: "For growing teams running their operations with AI",
    rank: 2,
    purchasable: true,
    prices: { monthly: 9_900, yearly: 99_000, one_time: 99_000 },
    duration_months: 12,
    trial_days: 3,
    limits: {
      seats: 50,
      ai_credits: 20_000,
      image_generations: 1_000,
      storage: 100 * GB,
      workflows: 500,
      ai_employees: 100,
      api_requests: 300,
    },
    features: [...BASE, "custom_roles", "analytics"],
  },
  agency: {
    id: "agency",
    name: "Agency",
    description: "For agencies serving many clients",
    rank: 3,
    purchasable: true,
    prices: { monthly: 29_900, yearly: 299_000, one_time: 299_000 },
    duration_months: 12,
    trial_days: 3,
    limits: {
      seats: 250,
      ai_credits: 100_000,
      image_generations: 5_000,
      storage: 1_000 * GB,
      workflows: null,
      ai_employees: null,
      api_requests: 1_000,
    },
    features: [...BASE, "custom_roles", "analytics", "priority_support", "sso", "white_label"],
  },
  enterprise: {
    id: "enterprise",
    name: "Enterprise",
    description: "Custom contract; granted by Atrium staff",
    rank: 4,
    purchasable: false,
    prices: null,
    duration_months: 0,
    trial_days: 0,
    limits: {
      seats: null,
      ai_credits: 250_000,
      image_generations: null,
      storage: null,
      workflows: null,
      ai_employees: null,
      api_requests: 1_000,
    },
    features: Object.keys(FEATURES) as Feature[],
  },
};

/** A workspace's plan → its tier; an unknown plan is held to the trial's terms. */
export const tierOf = (plan: string | null | undefined): Tier => TIERS[plan as TierId] ?? TIERS.trial;

export const isTierId = (s: string): s is TierId => (TIER_IDS as readonly string[]).includes(s);

/** Credit packs sold as one-time Checkout payments (`atrium_credits_<credits>`). */
export const CREDIT_PACKS = [
  { credits: 1_000, amount: 1_000 },
  { credits: 5_000, amount: 4_500 },
  { credits: 20_000, amount: 16_000 },
] as const;

export type BillingPeriod = "monthly" | "yearly";
export const priceLookupKey = (tier: TierId, period: BillingPeriod | "onetime_12m") => `atrium_${tier}_${period}`;
export const creditsLookupKey = (credits: number) => `atrium_credits_${credits}`;
