// `npm run bench:limits` (node bench/limits.ts): the cost of the tier-limit check on a hot create
// path, POST /api/v1/workflows, against a throwaway local stack (embedded PostgreSQL + WebSocket
// proxy + `wrangler dev`).
//
// Two workspaces, same stack, same run: one with a finite workflows limit (an override of
// 1,000,000: the check takes the advisory lock and counts the workflows in the create
// transaction), one with `workflows: null` (unlimited: no lock, no count). Creates alternate
// between them, one at a time. Reported: p50/p95 of each, the ratio of the p50s and their
// difference in ms (goal: under 2 ms added).
//
//   BENCH_N       measured creates per workspace (default 200)
//   BENCH_WARMUP  warm-up creates per workspace (default 20)
//
// Timings are reported, never asserted. Results are printed and written to bench/results/limits.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { benchLog, fetchJson, fmt, intEnv, onCleanup, round, runBench, type Stats, signUp, startBenchStack, stats, timed } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "limits.json");
const N = intEnv("BENCH_N", 200);
const WARMUP = intEnv("BENCH_WARMUP", 20, 0);
const GOAL_ADDED_MS = 2;
const RUN_ID = Date.now().toString(36);
const log = benchLog("bench:limits");

const row = (name: string, s: Stats) =>
  `${name.padEnd(30)} p50 ${fmt(s.p50).padStart(8)}  p95 ${fmt(s.p95).padStart(8)}  min ${fmt(s.min).padStart(8)}  max ${fmt(s.max).padStart(8)} ms`;

async function main() {
  const { api, stack } = await startBenchStack({
    log,
    prefix: "atrium-bench-limits-",
    ai: false,
    workers: [{ vars: { RATE_LIMITS: "off" } }],
  });
  const control = new pg.Client({ connectionString: stack.controlUrl });
  await control.connect();
  onCleanup("control client", () => control.end());

  // Overrides are written before the first create, so no cached billing state predates them.
  const workspace = async (tag: string, workflows: number | null) => {
    const u = await signUp(api, {
      email: `bench-limits-${tag}-${RUN_ID}@example.com`,
      full_name: "Bench Limits",
      company_name: `Bench ${tag}`,
    });
    await control.query(
      `INSERT INTO workspace_billing (workspace_id, overrides) VALUES ($1, $2::jsonb)
       ON CONFLICT (workspace_id) DO UPDATE SET overrides = EXCLUDED.overrides`,
      [u.workspace.id, JSON.stringify({ limits: { workflows } })],
    );
    const headers = { authorization: `Bearer ${u.access_token}`, "x-workspace-id": u.workspace.id, "content-type": "application/json" };
    let i = 0;
    return () =>
      timed(() =>
        fetchJson(`${api}/api/v1/workflows`, {
          method: "POST",
          headers,
          body: JSON.stringify({ name: `wf ${tag} ${i++}`, definition: { nodes: [{ id: "a", component: "input" }] } }),
          expected: 201,
        }),
      ).then((t) => t.ms);
  };
  const limited = await workspace("limited", 1_000_000);
  const unlimited = await workspace("unlimited", null);

  log(`warm-up: ${WARMUP} creates each`);
  for (let i = 0; i < WARMUP; i++) {
    await limited();
    await unlimited();
  }
  log(`measuring: ${N} creates each, alternating`);
  const with_: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < N; i++) {
    // Alternate which goes first so neither always follows the other.
    if (i % 2 === 0) {
      with_.push(await limited());
      without.push(await unlimited());
    } else {
      without.push(await unlimited());
      with_.push(await limited());
    }
  }
  const a = stats(with_);
  const b = stats(without);
  const ratio = round(a.p50 / b.p50);
  const added = round(a.p50 - b.p50);
  console.log("");
  console.log("POST /api/v1/workflows");
  console.log(row("with limit check (finite)", a));
  console.log(row("without (unlimited override)", b));
  console.log(
    `ratio of p50s ${fmt(ratio)}×, added ${fmt(added)} ms at p50 (goal < ${GOAL_ADDED_MS} ms): ${added < GOAL_ADDED_MS ? "met" : "NOT met"}`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ at: new Date().toISOString(), n: N, warmup: WARMUP, with_limit: a, unlimited: b, ratio, added_ms: added, goal_added_ms: GOAL_ADDED_MS }, null, 2)}\n`,
  );
  log(`written to ${RESULTS}`);
}

await runBench(log, main);
