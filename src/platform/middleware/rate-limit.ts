import type { Context, MiddlewareHandler, Next } from "hono";
import type { AcquireResult, RateLimitConfig } from "../../../durable-objects/rate-limiter";
import { ServiceError } from "../errors";
import type { AppEnv } from "../hono";

/**
 * Rate limits (the LiquidCortex seed's table): requests per minute, burst (back-to-back
 * requests, refilled at the per-minute rate) and concurrent requests, by the workspace's plan.
 */
export type Tier = "starter" | "manager" | "agency";

export const TIER_LIMITS: Record<Tier, Readonly<RateLimitConfig>> = {
  starter: { limit: 60, burst: 10, concurrency: 5 },
  manager: { limit: 300, burst: 50, concurrency: 20 },
  agency: { limit: 1000, burst: 200, concurrency: 100 },
};

/** workspaces.plan → tier. A trial (or any unknown plan) is limited like starter. */
export function tierOf(plan: string | null | undefined): Tier {
  return plan === "manager" || plan === "agency" ? plan : "starter";
}

/**
 * An API key's limits: its workspace's tier; test-mode keys get a tenth of the per-minute
 * rate (never below the burst); a key's own `rate_limit_per_minute` can only lower the rate
 * (and the burst with it). Concurrency is the tier's.
 */
export function apiKeyLimits(key: { plan: string; mode: "live" | "test"; rateLimitPerMinute: number | null }): RateLimitConfig {
  const t = TIER_LIMITS[tierOf(key.plan)];
  let limit = key.mode === "test" ? Math.max(Math.floor(t.limit / 10), t.burst) : t.limit;
  if (key.rateLimitPerMinute !== null) limit = Math.min(limit, key.rateLimitPerMinute);
  return { limit, burst: Math.min(t.burst, limit), concurrency: t.concurrency };
}

/**
 * Signed-in people (JWT sessions) are limited per user at the top tier's numbers whatever the
 * plan: a session is not bound to one workspace, and the web app fans out many requests per
 * screen. The per-plan tiers govern programmatic access (API keys), as the seed describes.
 */
export const SESSION_LIMITS: Readonly<RateLimitConfig> = TIER_LIMITS.agency;

function setHeaders(c: Context<AppEnv>, r: AcquireResult) {
  c.header("X-RateLimit-Limit", String(r.limit));
  c.header("X-RateLimit-Remaining", String(r.remaining));
  c.header("X-RateLimit-Reset", String(r.reset));
}

/**
 * Runs `next` inside the subject's limits (`key:<id>` or `user:<id>`): one call to its
 * RateLimiter Durable Object before (window + burst + concurrency, and a lease), the lease
 * released after the handler returns (not awaited: it must not delay the response).
 * Over a limit → 429 `rate_limited` with `Retry-After`. `RATE_LIMITS=off` disables limiting
 * (benchmarks). If the limiter cannot be reached the request is let through (fail open) and
 * logged: an outage of the limiter must not take the API down with it. `onAllowed` sees the
 * limiter's answer (a user's membership epoch rides on it).
 */
export async function withRateLimit(
  c: Context<AppEnv>,
  subject: string,
  cfg: RateLimitConfig,
  next: Next,
  onAllowed?: (r: AcquireResult) => void,
): Promise<void> {
  if (c.env.RATE_LIMITS === "off") return next();
  const ns = c.env.RATE_LIMITER;
  const stub = ns.get(ns.idFromName(subject));
  let r: AcquireResult;
  try {
    r = await stub.acquire(cfg);
  } catch (e) {
    console.warn(JSON.stringify({ level: "warn", msg: "rate limiter unavailable", subject, error: String(e) }));
    return next();
  }
  setHeaders(c, r);
  if (!r.allowed || r.lease === null) {
    c.header("Retry-After", String(r.retryAfter));
    const what = r.reason === "concurrency" ? `more than ${cfg.concurrency} concurrent requests` : "too many requests";
    throw new ServiceError("rate_limited", `Rate limit exceeded (${what}); retry after ${r.retryAfter} s`, {
      retryable: true,
      retryAfter: r.retryAfter,
    });
  }
  const lease = r.lease;
  onAllowed?.(r);
  try {
    await next();
  } finally {
    // Prepared headers reach responses made with c.json/c.body; not ones a handler built itself.
    if (!c.res.headers.has("x-ratelimit-limit")) setHeaders(c, r);
    c.var.ctx.waitUntil(stub.release(lease).catch(() => {}));
  }
}

/**
 * Anonymous routes, limited per client IP and policy (each policy its own counter, so a burst
 * of logins does not block signups from the same office):
 * - `signup`: each call provisions a database (signup, register, invite signups);
 * - `login`: password checks (0.2 s of scrypt each); the account has its own failure limit
 *   (PASSWORD_ATTEMPTS in src/platform/attempts.ts);
 * - `email`: calls that can send email to an address named in the body (each address also
 *   has its own quota, EMAIL_SENDS);
 * - `token`: presenting a token or code (refresh, invitations, activation, reset, invite codes,
 *   impersonation, Clerk, signed uploads, job streams);
 * - `read`: public content behind unguessable URLs (avatars, signed downloads), health, docs.
 */
export type PublicPolicy = "signup" | "login" | "email" | "token" | "read";

export const PUBLIC_LIMITS: Record<PublicPolicy, Readonly<RateLimitConfig>> = {
  signup: { limit: 10, burst: 5, concurrency: 2, windowMs: 3600_000 },
  login: { limit: 30, burst: 10, concurrency: 5 },
  email: { limit: 10, burst: 5, concurrency: 3 },
  token: { limit: 60, burst: 20, concurrency: 10 },
  read: { limit: 600, burst: 100, concurrency: 50 },
};

/**
 * The client's address: `CF-Connecting-IP`, which Cloudflare sets on every request (and
 * overwrites if a client sends one), and which Miniflare sets from the socket under
 * `wrangler dev`. Without it (tests calling the Worker directly) all such callers share one.
 */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip")?.trim().toLowerCase() || "unknown";
}

/** Per-IP limit for an anonymous route (X-RateLimit-* headers; 429 with Retry-After). */
export function limitByIp(policy: PublicPolicy): MiddlewareHandler<AppEnv> {
  return (c, next) => withRateLimit(c, `ip:${policy}:${clientIp(c)}`, PUBLIC_LIMITS[policy], next);
}
