import { z } from "zod";
import type { ChannelRoom } from "../durable-objects/channel-room";
import type { JobProgress } from "../durable-objects/job-progress";
import type { MeetingRoom } from "../durable-objects/meeting-room";
import type { NotificationHub } from "../durable-objects/notification-hub";
import type { RateLimiter } from "../durable-objects/rate-limiter";
import type { RunParams } from "./modules/workflows/service/executor";

/** Bindings declared in wrangler.toml. */
export interface Bindings {
  ENVIRONMENT: string;
  APP_URL: string;
  API_URL: string;
  DATABASE_URL: string;
  /** host:port of the WebSocket-to-TCP proxy (local Postgres only; unset on Neon). */
  DB_WS_PROXY?: string;
  TENANT_PROVIDER: string;
  /** Local provider: the migrated database that new workspaces are cloned from. */
  TENANT_TEMPLATE_DATABASE?: string;
  NEON_API_KEY?: string;
  NEON_API_URL?: string;
  NEON_PROJECT_ID?: string;
  NEON_TEMPLATE_BRANCH_ID?: string;
  NEON_BRANCHES_PER_PROJECT?: string;
  /** Database and role of the tenant-template branch (Neon defaults: neondb / neondb_owner). */
  NEON_DATABASE_NAME?: string;
  NEON_ROLE_NAME?: string;
  OPENAI_BASE_URL: string;
  OPENAI_API_KEY: string;
  /** Milliseconds the AI gateway waits for the model server to answer (default 60000). */
  AI_TIMEOUT_MS?: string;
  JWT_SECRET: string;
  ENCRYPTION_KEY: string;
  SIGNING_KEY: string;
  CLERK_SECRET?: string;
  LIVEKIT_URL?: string;
  LIVEKIT_API_KEY?: string;
  LIVEKIT_API_SECRET?: string;
  /** Google Geocoding API key (geo module); without it geocoding uses the offline US ZIP/city gazetteer. */
  GOOGLE_MAPS_API_KEY?: string;
  /** Override of the Geocoding endpoint (a proxy, or a local fake); default Google's. */
  GOOGLE_MAPS_API_URL?: string;
  /**
   * "true" lets user-given outbound URLs (webhooks, workflow HTTP nodes) target loopback over http:
   * development and tests only; production refuses to start with it.
   */
  ALLOW_LOOPBACK_URLS?: string;
  /** Share (0–1) of queue messages whose consumer fails before working (benchmarks only; ignored in production). */
  QUEUE_FAULT_RATE?: string;
  /**
   * Integrations: with this set, every provider host is called as a path under it
   * (`…/slack.com/api/oauth.v2.access`): the local fakes of scripts/provider-fakes.ts. Unset (production)
   * = the real hosts. Production refuses it.
   */
  INTEGRATION_PROVIDER_URL?: string;
  /** Stripe secret key (billing); unset = billing is off. Production refuses the development key. */
  STRIPE_SECRET_KEY?: string;
  /** Secret that Stripe webhook signatures are verified with (`whsec_…`). */
  STRIPE_WEBHOOK_SECRET?: string;
  /** Base URL of a Stripe API fake (scripts/stripe-fake.ts) instead of api.stripe.com; production refuses it. */
  STRIPE_API_URL?: string;
  /** OAuth apps of the integrations (unset = that integration cannot be connected here). */
  SLACK_CLIENT_ID?: string;
  SLACK_CLIENT_SECRET?: string;
  /** Google Drive and Google Ads. */
  GOOGLE_CLIENT_ID?: string;
  GOOGLE_CLIENT_SECRET?: string;
  META_APP_ID?: string;
  META_APP_SECRET?: string;
  SHOPIFY_CLIENT_ID?: string;
  SHOPIFY_CLIENT_SECRET?: string;
  HUBSPOT_CLIENT_ID?: string;
  HUBSPOT_CLIENT_SECRET?: string;
  ATLASSIAN_CLIENT_ID?: string;
  ATLASSIAN_CLIENT_SECRET?: string;
  /** Data sync provider for OAuth integrations: fivetran, airbyte or none (default). */
  DATA_SYNC_PROVIDER?: string;
  FIVETRAN_API_KEY?: string;
  FIVETRAN_API_SECRET?: string;
  AIRBYTE_CLIENT_ID?: string;
  AIRBYTE_CLIENT_SECRET?: string;
  /** "off" disables rate limiting (benchmarks' unlimited baseline only). */
  RATE_LIMITS?: string;
  CHANNEL_ROOM: DurableObjectNamespace<ChannelRoom>;
  MEETING_ROOM: DurableObjectNamespace<MeetingRoom>;
  NOTIFICATION_HUB: DurableObjectNamespace<NotificationHub>;
  JOB_PROGRESS: DurableObjectNamespace<JobProgress>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** Workflow runs: the run interpreter (workflows/run-interpreter.ts). */
  RUN_INTERPRETER: Workflow<RunParams>;
  IMPORTS_QUEUE: Queue;
  SCRAPES_QUEUE: Queue;
  REPORTS_QUEUE: Queue;
  WEBHOOKS_QUEUE: Queue;
  FILES: R2Bucket;
  /** Static data built by scripts/build-assets.ts (the offline gazetteer); not public routes. */
  ASSETS: Fetcher;
}

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {}
  }
}

const secret = z.string().min(16);
const VarsSchema = z
  .object({
    ENVIRONMENT: z.string().default("development"),
    DATABASE_URL: z.string().url(),
    TENANT_PROVIDER: z.enum(["local", "neon"]),
    JWT_SECRET: secret,
    ENCRYPTION_KEY: secret,
    SIGNING_KEY: secret,
    ALLOW_LOOPBACK_URLS: z.string().optional(),
    INTEGRATION_PROVIDER_URL: z.string().optional(),
    STRIPE_API_URL: z.string().optional(),
    STRIPE_SECRET_KEY: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.ENVIRONMENT !== "production") return;
    for (const k of ["JWT_SECRET", "ENCRYPTION_KEY", "SIGNING_KEY"] as const) {
      if (v[k].startsWith("dev-")) ctx.addIssue({ code: "custom", path: [k], message: "development value in production" });
    }
    if (v.ALLOW_LOOPBACK_URLS === "true") {
      ctx.addIssue({ code: "custom", path: ["ALLOW_LOOPBACK_URLS"], message: "loopback outbound URLs are for development only" });
    }
    if (v.INTEGRATION_PROVIDER_URL)
      ctx.addIssue({ code: "custom", path: ["INTEGRATION_PROVIDER_URL"], message: "provider fakes in production" });
    if (v.STRIPE_API_URL) ctx.addIssue({ code: "custom", path: ["STRIPE_API_URL"], message: "the Stripe fake in production" });
    if (v.STRIPE_SECRET_KEY?.includes("atrium_local"))
      ctx.addIssue({ code: "custom", path: ["STRIPE_SECRET_KEY"], message: "development value in production" });
  });

const checked = new WeakSet<object>();
/** Validates vars/secrets once per env object; a misconfigured deployment fails loudly, not subtly. */
export function checkEnv(env: Bindings): void {
  if (checked.has(env)) return;
  const r = VarsSchema.safeParse(env);
  if (!r.success) {
    throw new Error(`Invalid configuration: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  checked.add(env);
}
