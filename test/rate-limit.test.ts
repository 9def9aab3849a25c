// The RateLimiter Durable Object on its own (exact counts under concurrency) and the tier table.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../durable-objects/rate-limiter";
import { apiKeyLimits, SESSION_LIMITS, TIER_LIMITS, tierOf } from "../src/platform/middleware/rate-limit";
import { env } from "./harness";

const limiter = () => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${crypto.randomUUID()}`));

describe("RateLimiter", () => {
  it("a burst of concurrent consume() calls lets exactly the limit through", async () => {
    const stub = limiter();
    const results = await Promise.all(Array.from({ length: 50 }, () => stub.consume(10)));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(10);
    // Each allowed call saw a different remaining count: no two raced past the same check.
    expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of results.filter((x) => !x.allowed)) {
      expect(r.remaining).toBe(0);
      expect(r.retryAfter).toBeGreaterThanOrEqual(1);
      expect(r.retryAfter).toBeLessThanOrEqual(120);
    }
  });

  it("acquire(): the per-minute window is exact under concurrency", async () => {
    const stub = limiter();
    const results = await Promise.all(Array.from({ length: 40 }, () => stub.acquire({ limit: 7, burst: 100, concurrency: 100 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
    expect(new Set(results.filter((r) => r.allowed).map((r) => r.lease)).size).toBe(7);
    expect(results.filter((r) => !r.allowed).every((r) => r.reason === "rate" && r.lease === null)).toBe(true);
    expect((await stub.snapshot()).inFlight).toBe(7);
  });

  it("acquire(): the burst bucket is exact under concurrency and refills at the per-minute rate", async () => {
    const stub = limiter();
    // 600 per minute = one token every 100 ms; the bucket holds 10.
    const cfg = { limit: 600, burst: 10, concurrency: 1000 };
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 60 }, () => stub.acquire(cfg)));
    // Exactly the bucket, plus at most the tokens that refilled while the burst was being served
    // (one per 100 ms; on a loaded machine the 60 calls can take a few hundred ms).
    const refilled = Math.floor((Date.now() - started) / 100);
    const allowed = results.filter((r) => r.allowed).length;
    expect(allowed).toBeGreaterThanOrEqual(10);
    expect(allowed).toBeLessThanOrEqual(10 + refilled);
    const refused = results.filter((r) => !r.allowed);
    expect(refused.every((r) => r.reason === "burst" && r.retryAfter === 1)).toBe(true);
    // Refused requests consume nothing: the window holds only the allowed ones.
    expect(refused[0]?.remaining).toBe(600 - allowed);
    await new Promise((r) => setTimeout(r, 350));
    const later = await Promise.all(Array.from({ length: 20 }, () => stub.acquire(cfg)));
    const n = later.filter((r) => r.allowed).length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(10);
  });

  it("acquire(): concurrency counts requests in flight until they are released", async () => {
    const stub = limiter();
    const cfg = { limit: 1000, burst: 1000, concurrency: 5 };
    const first = await Promise.all(Array.from({ length: 30 }, () => stub.acquire(cfg)));
    const held = first.filter((r) => r.allowed);
    expect(held).toHaveLength(5);
    expect(first.filter((r) => !r.allowed).every((r) => r.reason === "concurrency" && r.retryAfter === 1)).toBe(true);

    await Promise.all(held.slice(0, 2).map((r) => stub.release(r.lease as number)));
    await stub.release(9999); // unknown leases are ignored
    const second = await Promise.all(Array.from({ length: 10 }, () => stub.acquire(cfg)));
    expect(second.filter((r) => r.allowed)).toHaveLength(2);
    expect((await stub.snapshot()).inFlight).toBe(5);
  });

  it("acquire(): a lease that is never released expires", async () => {
    const stub = limiter();
    const cfg = { limit: 100, burst: 100, concurrency: 1 };
    expect((await stub.acquire(cfg)).allowed).toBe(true);
    expect((await stub.acquire(cfg)).reason).toBe("concurrency");
    await runInDurableObject(stub, async (instance: RateLimiter) => {
      const leases = (instance as unknown as { leases: Map<number, number> }).leases;
      for (const id of leases.keys()) leases.set(id, Date.now() - 1);
    });
    expect((await stub.acquire(cfg)).allowed).toBe(true);
  });

  it("reports Retry-After within the sliding window", async () => {
    const stub = limiter();
    const cfg = { limit: 2, burst: 2, concurrency: 10, windowMs: 2000 };
    expect((await stub.acquire(cfg)).allowed).toBe(true);
    expect((await stub.acquire(cfg)).allowed).toBe(true);
    const refused = await stub.acquire(cfg);
    expect(refused.allowed).toBe(false);
    expect(refused.reason).toBe("rate");
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfter).toBeLessThanOrEqual(4);
    expect(refused.reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe("tiers", () => {
  it("maps plans to the seed's table; trial and unknown plans are starter", () => {
    expect(TIER_LIMITS).toEqual({
      starter: { limit: 60, burst: 10, concurrency: 5 },
      manager: { limit: 300, burst: 50, concurrency: 20 },
      agency: { limit: 1000, burst: 200, concurrency: 100 },
    });
    expect(tierOf("trial")).toBe("starter");
    expect(tierOf("something-else")).toBe("starter");
    expect(tierOf("manager")).toBe("manager");
    expect(SESSION_LIMITS).toEqual(TIER_LIMITS.agency);
  });

  it("test keys get a tenth of the rate (at least the burst); a per-key cap only lowers it", () => {
    expect(apiKeyLimits({ plan: "agency", mode: "live", rateLimitPerMinute: null })).toEqual({ limit: 1000, burst: 200, concurrency: 100 });
    expect(apiKeyLimits({ plan: "agency", mode: "test", rateLimitPerMinute: null })).toEqual({ limit: 200, burst: 200, concurrency: 100 });
    expect(apiKeyLimits({ plan: "manager", mode: "test", rateLimitPerMinute: null })).toEqual({ limit: 50, burst: 50, concurrency: 20 });
    expect(apiKeyLimits({ plan: "trial", mode: "test", rateLimitPerMinute: null })).toEqual({ limit: 10, burst: 10, concurrency: 5 });
    expect(apiKeyLimits({ plan: "starter", mode: "live", rateLimitPerMinute: 3 })).toEqual({ limit: 3, burst: 3, concurrency: 5 });
    expect(apiKeyLimits({ plan: "starter", mode: "live", rateLimitPerMinute: 5000 })).toEqual({ limit: 60, burst: 10, concurrency: 5 });
  });
});
