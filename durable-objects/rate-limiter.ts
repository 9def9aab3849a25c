import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../src/env";

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the window resets. */
  reset: number;
  retryAfter: number;
}

/** What one subject (API key or user) may do; see src/platform/middleware/rate-limit.ts. */
export interface RateLimitConfig {
  /** Requests per window (`X-RateLimit-Limit`). */
  limit: number;
  /** Token-bucket capacity: requests that may arrive back to back. Refills at `limit` per window. */
  burst: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Window length; one minute unless a test says otherwise. */
  windowMs?: number;
}

export interface AcquireResult extends RateLimitResult {
  /** Hand back to `release()` when the request is done; null when not allowed. */
  lease: number | null;
  /** Which limit refused the request. */
  reason: "rate" | "burst" | "concurrency" | null;
  /** Requests in flight after this call. */
  inFlight: number;
  /**
   * The subject's membership epoch (users only; 0 until bumped): access tokens issued at an
   * older epoch carry stale workspace claims. Read here because every request asks anyway.
   */
  epoch: number;
}

/**
 * A lease not released after this long is dropped (a Worker that died mid-request must not
 * hold a slot forever). Handlers release as soon as they return, streams included.
 */
const LEASE_TTL_MS = 120_000;

/**
 * One per API key or user (`idFromName("key:<id>")` / `user:<id>`), exact because a Durable
 * Object handles one call at a time and the counting never awaits (the only storage read, the
 * epoch's first load, happens before it, behind the object's input gate):
 * - a sliding-window counter (current and previous window, weighted) — what `X-RateLimit-*`
 *   report;
 * - a token bucket of `burst` tokens refilled at `limit` per window — how many may arrive at once;
 * - a count of requests in flight (leases), for the concurrency limit.
 * A refused request consumes nothing. State is held in memory: a limiter that is evicted simply
 * starts fresh, which errs towards allowing. Two things are kept in storage: a user's
 * membership epoch and per-target failed attempts (`attempts`).
 */
export class RateLimiter extends DurableObject<Bindings> {
  private windowStart = 0;
  private current = 0;
  private previous = 0;
  private tokens = Number.NaN;
  private refilledAt = 0;
  private readonly leases = new Map<number, number>();
  private leaseSeq = 0;

  /** The sliding window alone (no burst or concurrency). */
  async consume(limit: number, windowMs = 60_000, cost = 1): Promise<RateLimitResult> {
    const now = Date.now();
    const w = this.checkWindow(now, limit, windowMs, cost);
    if (!w.ok) return { allowed: false, limit, remaining: 0, reset: w.reset, retryAfter: w.retryAfter };
    this.current += cost;
    return { allowed: true, limit, remaining: w.remaining, reset: w.reset, retryAfter: 0 };
  }

  /** Membership epoch, loaded from storage once per activation. */
  private epochValue: number | undefined;

  private async loadEpoch(): Promise<number> {
    this.epochValue ??= (await this.ctx.storage.get<number>("epoch")) ?? 0;
    return this.epochValue;
  }

  /** The membership epoch (read before a token's workspace claims are gathered). */
  async epoch(): Promise<number> {
    return this.loadEpoch();
  }

  /** A membership of this user changed: tokens issued before now lose their workspace claims. */
  async bumpEpoch(): Promise<number> {
    const next = (await this.loadEpoch()) + 1;
    await this.ctx.storage.put("epoch", next);
    this.epochValue = next;
    return next;
  }

  /** Window, burst and concurrency together; on success the caller holds a lease. */
  async acquire(cfg: RateLimitConfig, cost = 1): Promise<AcquireResult> {
    const epoch = this.epochValue ?? (await this.loadEpoch());
    const now = Date.now();
    const windowMs = cfg.windowMs ?? 60_000;
    for (const [id, until] of this.leases) if (until <= now) this.leases.delete(id);

    const w = this.checkWindow(now, cfg.limit, windowMs, cost);
    const refused = (reason: AcquireResult["reason"], retryAfter: number): AcquireResult => ({
      allowed: false,
      limit: cfg.limit,
      remaining: w.ok ? w.remaining + cost : 0,
      reset: Math.max(w.reset, Math.ceil(now / 1000) + retryAfter),
      retryAfter,
      lease: null,
      reason,
      inFlight: this.leases.size,
      epoch,
    });
    if (!w.ok) return refused("rate", w.retryAfter);

    // Token bucket: starts full, refills continuously at limit per window, never above burst.
    const perMs = cfg.limit / windowMs;
    this.tokens = Number.isNaN(this.tokens) ? cfg.burst : Math.min(cfg.burst, this.tokens + (now - this.refilledAt) * perMs);
    this.refilledAt = now;
    if (this.tokens < cost) return refused("burst", Math.max(1, Math.ceil((cost - this.tokens) / perMs / 1000)));

    if (this.leases.size >= cfg.concurrency) return refused("concurrency", 1);

    this.current += cost;
    this.tokens -= cost;
    const lease = ++this.leaseSeq;
    this.leases.set(lease, now + LEASE_TTL_MS);
    return {
      allowed: true,
      limit: cfg.limit,
      remaining: w.remaining,
      reset: w.reset,
      retryAfter: 0,
      lease,
      reason: null,
      inFlight: this.leases.size,
      epoch,
    };
  }

  /** Ends a request started with `acquire()`. Unknown or expired leases are ignored. */
  async release(lease: number): Promise<void> {
    this.leases.delete(lease);
  }

  /**
   * Failed attempts against one target (an account's sign-in), kept in storage so that an
   * attacker who spaces tries out past the object's eviction finds the count still there.
   * `check` reports without counting; `fail` counts one; `take` counts one only if allowed
   * (a quota); `clear` forgets (after a success).
   */
  async attempts(
    op: "check" | "fail" | "take" | "clear",
    limit: number,
    windowMs: number,
  ): Promise<{ allowed: boolean; retryAfter: number }> {
    if (op === "clear") {
      await this.ctx.storage.delete("attempts");
      return { allowed: true, retryAfter: 0 };
    }
    const now = Date.now();
    const kept = ((await this.ctx.storage.get<number[]>("attempts")) ?? []).filter((t) => t > now - windowMs);
    const over = () => (kept.length >= limit ? (kept[kept.length - limit] as number) : undefined);
    if (op === "fail" || (op === "take" && over() === undefined)) {
      kept.push(now);
      await this.ctx.storage.put("attempts", kept.slice(-limit));
      if (op === "take") return { allowed: true, retryAfter: 0 };
    }
    const oldest = over();
    if (oldest === undefined) return { allowed: true, retryAfter: 0 };
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
  }

  /**
   * Redeems a stream ticket of this user. The first use must come before `connectBy` and binds
   * the ticket to `path`; later uses are the browser's own reconnects of that stream only
   * (`resuming`: they carry Last-Event-ID), until `until`. Kept in storage (a ticket must stay
   * used across evictions); expired entries are swept on each call.
   */
  async redeemTicket(jti: string, path: string, resuming: boolean, connectBy: number, until: number): Promise<"ok" | "used" | "expired"> {
    const now = Date.now();
    const key = `ticket:${jti}`;
    const seen = await this.ctx.storage.get<{ path: string; until: number }>(key);
    if (seen) return resuming && seen.path === path && now < seen.until ? "ok" : "used";
    if (now > connectBy) return "expired";
    const stale = [...(await this.ctx.storage.list<{ until: number }>({ prefix: "ticket:" }))]
      .filter(([, v]) => v.until <= now)
      .map(([k]) => k);
    if (stale.length) await this.ctx.storage.delete(stale);
    await this.ctx.storage.put(key, { path, until });
    return "ok";
  }

  /** Current state, for tests and diagnostics. */
  async snapshot(): Promise<{ inFlight: number; current: number; previous: number; tokens: number }> {
    return { inFlight: this.leases.size, current: this.current, previous: this.previous, tokens: this.tokens };
  }

  /**
   * Rolls the window forward and checks whether `cost` more fits. Usage is the previous
   * window's count weighted by how much of it still overlaps the last `windowMs`, plus the
   * current window's count.
   */
  private checkWindow(now: number, limit: number, windowMs: number, cost: number) {
    const start = now - (now % windowMs);
    if (start !== this.windowStart) {
      this.previous = start - this.windowStart === windowMs ? this.current : 0;
      this.current = 0;
      this.windowStart = start;
    }
    const weight = 1 - (now - start) / windowMs;
    const used = this.previous * weight + this.current;
    const reset = Math.ceil((start + windowMs) / 1000);
    if (used + cost <= limit) return { ok: true as const, remaining: Math.max(0, Math.floor(limit - used - cost)), reset, retryAfter: 0 };
    return { ok: false as const, remaining: 0, reset, retryAfter: this.retryAfter(now, start, limit, windowMs, cost) };
  }

  /** Seconds until the weighted usage has decayed enough for `cost` more. */
  private retryAfter(now: number, start: number, limit: number, windowMs: number, cost: number): number {
    let at: number;
    if (this.current + cost <= limit && this.previous > 0) {
      // Within this window, once the previous window's weight has dropped far enough.
      at = start + windowMs * (1 - (limit - this.current - cost) / this.previous);
    } else if (cost <= limit && this.current > 0) {
      // In the next window, where this window's count becomes the weighted one.
      at = start + windowMs + windowMs * Math.max(0, 1 - (limit - cost) / this.current);
    } else {
      at = start + windowMs;
    }
    return Math.max(1, Math.ceil((at - now) / 1000));
  }
}
