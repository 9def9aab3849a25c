// `npm run bench`: request latency and provisioning time against a throwaway local stack
// (embedded PostgreSQL + WebSocket proxy + local model server + `wrangler dev`).
//
//   BENCH_N              measured requests per kind for the latency comparison (default 200)
//   BENCH_WARMUP         warm-up requests per kind before measuring (default 20)
//   BENCH_SIGNUPS        sequential POST /api/v1/auth/signup calls to time (default 10)
//   BENCH_ASYNC          async invite signups (POST … /async, then SSE until COMPLETED) to time (default 5)
//   BENCH_CONCURRENCY    concurrent clients in the throughput rounds (default 50)
//   BENCH_THROUGHPUT_MS  length of each throughput round (default 5000)
//   BENCH_DEBUG          set to log each cleanup step
//
// Results are printed and written to bench/results/latest.json.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import {
  BENCH_PASSWORD,
  benchLog,
  fetchJson,
  fmt,
  intEnv,
  readSse,
  round,
  runBench,
  type SignedUp,
  type Stats,
  signUp,
  startBenchStack,
  stats,
  timed,
  timedGet,
} from "./lib.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, "results");

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

const log = benchLog("bench");
/** Unique per run, so emails and invite codes never collide (even against a reused database). */
const RUN_ID = Date.now().toString(36);

let signupSeq = 0;
/** A new account (its own workspace), from a fresh client IP. */
function signup(api: string): Promise<SignedUp> {
  const i = signupSeq++;
  const who = { email: `bench-${RUN_ID}-${i}@example.com`, full_name: `Bench User ${i}`, company_name: `Bench Co ${i}` };
  return signUp(api, who, { "cf-connecting-ip": anyIp() });
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
async function measureThroughput(api: string, users: SignedUp[]) {
  log(`throughput: ${CONCURRENCY} concurrent clients, ${THROUGHPUT_MS} ms per round`);
  let n = 0;
  const health = () => fetch(`${api}/health`, { headers: { "cf-connecting-ip": anyIp() } });
  const tenant = () => {
    const u = users[n++ % users.length] as SignedUp;
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
        body: JSON.stringify({ invite_code: code, password: BENCH_PASSWORD }),
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
  const { stack, api } = await startBenchStack({ log, prefix: "atrium-bench-", snapshot: false });
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

await runBench(log, main);
