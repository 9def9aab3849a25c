// `npm run bench:credits` (node bench/credits.ts): AI credit reservations against a throwaway
// local stack (embedded PostgreSQL + WebSocket proxy + local model server + `wrangler dev`,
// RATE_LIMITS=off so only credits refuse calls).
//
//   1. BENCH_CALLS (200) simultaneous POST /api/v1/ai/llm/complete against a balance that covers
//      exactly half of them (max_tokens 50: each call's hold equals its price, 2 credits):
//      served / refused / other, the lowest balance and available balance seen while they run
//      (sampled from credit_balances), and the ledger afterwards.
//   2. p50 latency of one call that reserves and settles (a live-mode API key) vs the same call
//      that does not (a test-mode key: free, no hold), BENCH_N each, interleaved, as a ratio.
//
// Results are printed and written to bench/results/credits.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { benchLog, fetchJson, fmt, intEnv, round, runBench, type Stats, signUp, startBenchStack, stats } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "credits.json");
const CALLS = intEnv("BENCH_CALLS", 200);
const N = intEnv("BENCH_N", 40, 0);
const WARMUP = intEnv("BENCH_WARMUP", 5, 0);
const PRICE = 2;
const RUN_ID = Date.now().toString(36);
const MODEL = "atrium-dev-1";

const log = benchLog("bench:credits");

async function main() {
  const { api, stack } = await startBenchStack({ log, prefix: "atrium-bench-credits-", workers: [{ vars: { RATE_LIMITS: "off" } }] });
  const db = new pg.Client({ connectionString: stack.controlUrl });
  await db.connect();
  try {
    const user = await signUp(api, { email: `bench-credits-${RUN_ID}@example.com`, full_name: "Bench Credits", company_name: "Bench Co" });
    const ws = user.workspace.id;
    const session = { authorization: `Bearer ${user.access_token}`, "x-workspace-id": ws, "content-type": "application/json" };
    const key = async (mode: "live" | "test") =>
      (
        await fetchJson<{ key: string }>(`${api}/api/v1/api-keys`, {
          method: "POST",
          headers: session,
          body: JSON.stringify({ name: `bench ${mode}`, mode, scopes: ["read", "write"] }),
          expected: 201,
        })
      ).key;
    const [liveKey, testKey] = [await key("live"), await key("test")];
    // The month's grant, then an adjustment to exactly CALLS / 2 calls' worth.
    await fetchJson(`${api}/api/v1/ai/llm/usage`, { headers: session });
    const balanceRow = async () =>
      (await db.query<{ balance: string; held: string }>("SELECT balance, held FROM credit_balances WHERE workspace_id = $1", [ws]))
        .rows[0] ?? { balance: "0", held: "0" };
    const setAvailable = async (available: number) => {
      const r = await balanceRow();
      await db.query(
        "INSERT INTO ai_credit_ledger (id, workspace_id, kind, amount, note) VALUES (gen_random_uuid(), $1, 'adjustment', $2, 'bench')",
        [ws, available - (Number(r.balance) - Number(r.held))],
      );
    };
    const served = Math.floor(CALLS / 2);
    await setAvailable(served * PRICE);

    const complete = (headers: Record<string, string>, i: number) =>
      fetch(`${api}/api/v1/ai/llm/complete`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ prompt: `bench ${RUN_ID} ${i}`, model: MODEL, max_tokens: 50 }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string; credits?: number } }));

    // ---- 1. simultaneous calls ----
    log(`${CALLS} simultaneous calls against credits for ${served}`);
    const sampler = new pg.Client({ connectionString: stack.controlUrl });
    await sampler.connect();
    let minBalance = Number.POSITIVE_INFINITY;
    let minAvailable = Number.POSITIVE_INFINITY;
    let sampling = true;
    const sampled = (async () => {
      while (sampling) {
        const r = (
          await sampler.query<{ balance: string; held: string }>("SELECT balance, held FROM credit_balances WHERE workspace_id = $1", [ws])
        ).rows[0]!;
        minBalance = Math.min(minBalance, Number(r.balance));
        minAvailable = Math.min(minAvailable, Number(r.balance) - Number(r.held));
        await new Promise((res) => setTimeout(res, 10));
      }
    })();
    const t0 = performance.now();
    const rs = await Promise.all(
      Array.from({ length: CALLS }, (_, i) => complete({ authorization: `Bearer ${user.access_token}`, "x-workspace-id": ws }, i)),
    );
    const burstMs = performance.now() - t0;
    sampling = false;
    await sampled;
    await sampler.end();
    const count = (s: number) => rs.filter((r) => r.status === s).length;
    const other: Record<string, number> = {};
    for (const r of rs)
      if (r.status !== 200 && r.status !== 402) other[`${r.status} ${r.body.code}`] = (other[`${r.status} ${r.body.code}`] ?? 0) + 1;
    const after = await balanceRow();
    const ledger = (
      await db.query<{ n: string; total: string }>(
        "SELECT count(*) AS n, COALESCE(-SUM(amount), 0) AS total FROM ai_credit_ledger WHERE workspace_id = $1 AND kind = 'consumption'",
        [ws],
      )
    ).rows[0]!;
    const holdsLeft = (await db.query<{ n: string }>("SELECT count(*) AS n FROM credit_holds WHERE workspace_id = $1", [ws])).rows[0]!;
    const burst = {
      calls: CALLS,
      credits_for: served,
      ms: round(burstMs),
      served: count(200),
      refused: count(402),
      refused_insufficient_credits: rs.filter((r) => r.status === 402 && r.body.code === "insufficient_credits").length,
      other,
      balance_min: minBalance,
      available_min: minAvailable,
      balance_after: Number(after.balance),
      held_after: Number(after.held),
      holds_left: Number(holdsLeft.n),
      ledger_consumption_entries: Number(ledger.n),
      ledger_consumption_credits: Number(ledger.total),
      exact: count(200) === served && count(402) === CALLS - served && Number(ledger.n) === served && minBalance >= 0,
    };

    // ---- 2. latency: with a reservation (live key) vs without (test key) ----
    await setAvailable(1_000_000);
    const one = async (k: string, i: number) => {
      const start = performance.now();
      const r = await complete({ authorization: `Bearer ${k}` }, i);
      if (r.status !== 200) throw new Error(`a call answered ${r.status} ${JSON.stringify(r.body)}`);
      return performance.now() - start;
    };
    log(`latency: ${WARMUP} warm-up + ${N} calls per key, interleaved`);
    for (let i = 0; i < WARMUP; i++) {
      await one(liveKey, i);
      await one(testKey, i);
    }
    const live: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < N; i++) {
      if (i % 2 === 0) {
        live.push(await one(liveKey, i));
        test.push(await one(testKey, i));
      } else {
        test.push(await one(testKey, i));
        live.push(await one(liveKey, i));
      }
    }
    const ls = stats(live);
    const ts = stats(test);
    const results = {
      run_at: new Date().toISOString(),
      config: { calls: CALLS, n: N, warmup: WARMUP, price: PRICE },
      burst,
      latency: { reserved: ls, free: ts, ratioP50: round(ls.p50 / ts.p50), extraP50Ms: round(ls.p50 - ts.p50) },
    };
    const row = (name: string, s: Stats) =>
      `${name.padEnd(26)} p50 ${fmt(s.p50).padStart(9)}  p95 ${fmt(s.p95).padStart(9)}  min ${fmt(s.min).padStart(9)}  max ${fmt(s.max).padStart(9)} ms`;
    console.log("");
    console.log(
      `${CALLS} simultaneous calls, credits for ${served}: served ${burst.served}, refused ${burst.refused} (insufficient_credits ${burst.refused_insufficient_credits}), other ${JSON.stringify(other)} in ${fmt(burstMs)} ms`,
    );
    console.log(
      `balance min ${minBalance}, available min ${minAvailable}; after: balance ${burst.balance_after}, held ${burst.held_after}, holds ${burst.holds_left}; ledger ${burst.ledger_consumption_entries} entries / ${burst.ledger_consumption_credits} credits → ${burst.exact ? "exact" : "NOT exact"}`,
    );
    console.log(row("reserve + settle (live key)", ls));
    console.log(row("no reservation (test key)", ts));
    console.log(`\nreserved/free p50 = ${results.latency.ratioP50}× (+${results.latency.extraP50Ms} ms)`);
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    log(`results written to ${RESULTS}`);
  } finally {
    await db.end();
  }
}

await runBench(log, main);
