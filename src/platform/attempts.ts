import type { ServiceContext } from "./context";
import { sha256Hex } from "./crypto";
import { ServiceError } from "./errors";

/**
 * Guessing limits on one target, whoever guesses (any IP): failed attempts are counted in the
 * target's RateLimiter Durable Object (persisted, so spacing tries out does not reset them).
 * HTTP-free: services call these around the check they protect.
 */
export interface AttemptPolicy {
  /** Counter family, part of the Durable Object's name. */
  name: string;
  /** Failures allowed per window; the next attempt is refused until the oldest ages out. */
  limit: number;
  windowMs: number;
  message: string;
}

/** 10 failed passwords for one account per 15 minutes (sign-in, and accepting an invitation). */
export const PASSWORD_ATTEMPTS: AttemptPolicy = {
  name: "password",
  limit: 10,
  windowMs: 15 * 60_000,
  message: "Too many failed sign-in attempts for this account",
};

/** Access-code guesses against one email's payment invite. */
export const ACCESS_CODE_ATTEMPTS: AttemptPolicy = {
  name: "access-code",
  limit: 5,
  windowMs: 15 * 60_000,
  message: "Too many wrong access codes for this email",
};

/** Emails one address may be sent on an anonymous request (reset links, invite codes), per hour. */
export const EMAIL_SENDS: AttemptPolicy = {
  name: "email-send",
  limit: 3,
  windowMs: 3600_000,
  message: "Too many emails requested for this address",
};

async function limiter(ctx: ServiceContext, policy: AttemptPolicy, target: string) {
  const ns = ctx.env.RATE_LIMITER;
  return ns.get(ns.idFromName(`${policy.name}:${await sha256Hex(target.trim().toLowerCase())}`));
}

async function run(ctx: ServiceContext, policy: AttemptPolicy, target: string, op: "check" | "fail" | "take" | "clear") {
  if (ctx.env.RATE_LIMITS === "off") return { allowed: true, retryAfter: 0 };
  try {
    return await (await limiter(ctx, policy, target)).attempts(op, policy.limit, policy.windowMs);
  } catch (e) {
    // Fail open like the request limiter: an unreachable limiter must not lock everyone out.
    console.warn(JSON.stringify({ level: "warn", msg: "attempt limiter unavailable", policy: policy.name, error: String(e) }));
    return { allowed: true, retryAfter: 0 };
  }
}

const refused = (policy: AttemptPolicy, retryAfter: number) =>
  new ServiceError("rate_limited", `${policy.message}; retry after ${retryAfter} s`, { retryable: true, retryAfter });

/** Throws 429 (with Retry-After) while `target` is over its failures. */
export async function assertAttemptsLeft(ctx: ServiceContext, policy: AttemptPolicy, target: string): Promise<void> {
  const r = await run(ctx, policy, target, "check");
  if (!r.allowed) throw refused(policy, r.retryAfter);
}

/** Counts one failure against `target`. */
export async function recordFailedAttempt(ctx: ServiceContext, policy: AttemptPolicy, target: string): Promise<void> {
  await run(ctx, policy, target, "fail");
}

/** Forgets `target`'s failures (after a success). Not awaited by callers on the hot path. */
export async function clearAttempts(ctx: ServiceContext, policy: AttemptPolicy, target: string): Promise<void> {
  await run(ctx, policy, target, "clear");
}

/** Counts one use and throws 429 when `target` has had its allowance (email sends). */
export async function consumeAttempt(ctx: ServiceContext, policy: AttemptPolicy, target: string): Promise<void> {
  const r = await run(ctx, policy, target, "take");
  if (!r.allowed) throw refused(policy, r.retryAfter);
}
