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

/**
 * One per API key or user: an exact sliding-window counter (current and previous window,
 * weighted), which is what `X-RateLimit-*` headers report. Held in memory: a limiter that
 * is evicted simply starts a fresh window, which errs towards allowing.
 */
export class RateLimiter extends DurableObject<Bindings> {
  private windowStart = 0;
  private current = 0;
  private previous = 0;

  async consume(limit: number, windowMs = 60_000, cost = 1): Promise<RateLimitResult> {
    const now = Date.now();
    const start = now - (now % windowMs);
    if (start !== this.windowStart) {
      this.previous = start - this.windowStart === windowMs ? this.current : 0;
      this.current = 0;
      this.windowStart = start;
    }
    const weight = 1 - (now - start) / windowMs;
    const used = this.previous * weight + this.current;
    const reset = Math.ceil((start + windowMs) / 1000);
    if (used + cost > limit) {
      return { allowed: false, limit, remaining: 0, reset, retryAfter: Math.max(1, Math.ceil((start + windowMs - now) / 1000)) };
    }
    this.current += cost;
    return { allowed: true, limit, remaining: Math.max(0, Math.floor(limit - used - cost)), reset, retryAfter: 0 };
  }
}
