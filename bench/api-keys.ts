// `node bench/api-keys.ts`: API-key authentication and rate limiting against a throwaway local
// stack (embedded PostgreSQL + WebSocket proxy + two `wrangler dev` instances on it: one as
// configured, one with RATE_LIMITS=off as the unlimited baseline).
//
//   BENCH_N              measured requests per kind (default 200)
//   BENCH_WARMUP         warm-up requests per kind (default 20)
//   BENCH_BURST          concurrent requests in the burst (default 1000)
//   BENCH_BURST_ALLOWED  the burst key's rate_limit_per_minute (default 100; at most the agency
//                        tier's concurrency of 100, so that only the rate decides)
//
// Results are printed and written to bench/results/api-keys.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { benchLog, fetchJson, fmt, intEnv, round, runBench, type Stats, signUp, startBenchStack, stats, timedGet } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "api-keys.json");

const N = intEnv("BENCH_N", 200);
const WARMUP = intEnv("BENCH_WARMUP", 20);
const BURST = intEnv("BENCH_BURST", 1000);
const BURST_ALLOWED = intEnv("BENCH_BURST_ALLOWED", 100);
const GOAL_KEY_VS_JWT = 1.2;
const RUN_ID = Date.now().toString(36);

const log = benchLog("bench:api-keys");

/** Two request kinds, warmed up, then measured interleaved (alternating which goes first). */
async function compare(a: () => Promise<number>, b: () => Promise<number>) {
  for (let i = 0; i < WARMUP; i++) {
    await a();
    await b();
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < N; i++) {
    if (i % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  const sa = stats(as);
  const sb = stats(bs);
  return { a: sa, b: sb, ratio: { p50: round(sa.p50 / sb.p50), p95: round(sa.p95 / sb.p95) } };
}

async function createKey(api: string, token: string, workspace: string, body: Record<string, unknown>): Promise<string> {
  const r = await fetchJson<{ key: string }>(`${api}/api/v1/api-keys`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-workspace-id": workspace },
    body: JSON.stringify({ name: `bench ${RUN_ID}`, ...body }),
    expected: 201,
  });
  return r.key;
}

/**
 * BENCH_BURST requests at once with a key limited to BENCH_BURST_ALLOWED per minute. One request
 * first warms the instance's key cache (and uses one of the allowance); exactly the remaining
 * allowance it reports must pass, every other request must be a 429.
 */
async function burst(api: string, key: string) {
  const url = `${api}/api/v1/members/me`;
  const headers = { "x-api-key": key };
  const warm = await fetch(url, { headers });
  await warm.text();
  if (warm.status !== 200) throw new Error(`burst warm-up: HTTP ${warm.status}`);
  const expected = Number(warm.headers.get("x-ratelimit-remaining"));
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: BURST }, async () => {
      const res = await fetch(url, { headers });
      const text = await res.text();
      return { status: res.status, text, retryAfter: res.headers.get("retry-after") };
    }),
  );
  const wallMs = round(performance.now() - started);
  const byStatus: Record<string, number> = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const limited = results.filter((r) => r.status === 429);
  const passed = byStatus[200] ?? 0;
  return {
    requests: BURST,
    allowedPerMinute: BURST_ALLOWED,
    expectedToPass: expected,
    passed,
    rejected429: limited.length,
    byStatus,
    rejectedFor: {
      rate: limited.filter((r) => r.text.includes("too many requests")).length,
      concurrency: limited.filter((r) => r.text.includes("concurrent")).length,
    },
    allRejectedHaveRetryAfter: limited.every((r) => Number(r.retryAfter) >= 1),
    exact: passed === expected && limited.length === BURST - expected,
    wallMs,
  };
}

async function main() {
  const {
    stack,
    wrangler: limited,
    workers,
  } = await startBenchStack({
    log,
    prefix: "atrium-bench-keys-",
    snapshot: false,
    // One after the other: two bundlings at once on two cores mostly slow each other down.
    workers: [{ name: "limited" }, { name: "unlimited", vars: { RATE_LIMITS: "off" } }],
  });
  const unlimited = workers[1]!;

  const api = limited.url;
  const user = await signUp(api, { email: `bench-keys-${RUN_ID}@example.com`, full_name: "Bench Keys", company_name: "Bench Keys Co" });
  const ws = user.workspace.id;
  // The agency tier (1,000/min, burst 200, 100 concurrent), so the sequential runs stay within it.
  const db = new pg.Client({ connectionString: stack.controlUrl });
  await db.connect();
  await db.query("UPDATE workspaces SET plan = 'agency' WHERE id = $1", [ws]);
  await db.end();

  const readKey = await createKey(api, user.access_token, ws, { scopes: ["read"] });
  const overheadKey = await createKey(api, user.access_token, ws, { scopes: ["read"] });
  const burstKey = await createKey(api, user.access_token, ws, { scopes: ["read"], rate_limit_per_minute: BURST_ALLOWED });
  const path = "/api/v1/members/me";

  log(`API key vs JWT on GET ${path}: ${WARMUP} warm-up + ${N} measured each, interleaved`);
  const keyVsJwt = await compare(
    () => timedGet(`${api}${path}`, { "x-api-key": readKey }),
    () => timedGet(`${api}${path}`, { authorization: `Bearer ${user.access_token}`, "x-workspace-id": ws }),
  );

  log(`limiter overhead on GET ${path} (API key): limited vs RATE_LIMITS=off instance`);
  const overhead = await compare(
    () => timedGet(`${api}${path}`, { "x-api-key": overheadKey }),
    () => timedGet(`${unlimited.url}${path}`, { "x-api-key": overheadKey }),
  );

  log(`burst: ${BURST} concurrent requests, key limited to ${BURST_ALLOWED}/min`);
  const burstResult = await burst(api, burstKey);

  const results = {
    timestamp: new Date().toISOString(),
    config: { n: N, warmup: WARMUP, burst: BURST, burstAllowed: BURST_ALLOWED, node: process.version, endpoint: `GET ${path}` },
    keyVsJwt: { apiKey: keyVsJwt.a, jwt: keyVsJwt.b, ratio: keyVsJwt.ratio, goalMet: keyVsJwt.ratio.p50 <= GOAL_KEY_VS_JWT },
    limiter: {
      limited: overhead.a,
      unlimited: overhead.b,
      addedP50Ms: round(overhead.a.p50 - overhead.b.p50),
      addedP95Ms: round(overhead.a.p95 - overhead.b.p95),
      ratio: overhead.ratio,
    },
    burst: burstResult,
  };

  const row = (name: string, s: Stats) =>
    `  ${name.padEnd(34)}${String(s.n).padStart(5)}${fmt(s.p50).padStart(10)}${fmt(s.p95).padStart(10)}${fmt(s.max).padStart(10)}`;
  console.log(`\n  ${"metric".padEnd(34)}${"n".padStart(5)}${"p50 ms".padStart(10)}${"p95 ms".padStart(10)}${"max ms".padStart(10)}`);
  console.log(row("API key (X-API-Key)", keyVsJwt.a));
  console.log(row("JWT (Bearer + X-Workspace-Id)", keyVsJwt.b));
  console.log(
    `  ratio key/JWT: p50 ${fmt(keyVsJwt.ratio.p50)}  p95 ${fmt(keyVsJwt.ratio.p95)}  ` +
      `(goal p50 <= ${GOAL_KEY_VS_JWT}: ${results.keyVsJwt.goalMet ? "met" : "NOT met"})`,
  );
  console.log(row("API key, rate limited", overhead.a));
  console.log(row("API key, RATE_LIMITS=off", overhead.b));
  console.log(
    `  limiter adds p50 ${fmt(results.limiter.addedP50Ms)} ms, p95 ${fmt(results.limiter.addedP95Ms)} ms ` +
      `(ratio p50 ${fmt(overhead.ratio.p50)})`,
  );
  const b = burstResult;
  console.log(
    `  burst: ${b.requests} concurrent → ${b.passed} passed (expected ${b.expectedToPass}), ${b.rejected429} × 429 ` +
      `(rate ${b.rejectedFor.rate}, concurrency ${b.rejectedFor.concurrency}), other ${JSON.stringify(b.byStatus)}, ` +
      `${b.wallMs} ms — ${b.exact ? "exact" : "NOT exact"}\n`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${RESULTS}`);
  if (!b.exact) throw new Error("the burst did not let exactly the allowed number through");
}

await runBench(log, main);
