// `npm run bench:workflows` (node bench/workflows.ts): the workflow engine (src/modules/workflows,
// interpreter workflows/run-interpreter.ts on Cloudflare Workflows) against a throwaway local stack
// (embedded PostgreSQL + WebSocket proxy + local model server + `wrangler dev`).
//
// 1. Engine overhead: a linear chain of BENCH_NODES llm_prompt nodes, run with mode "sync", against
//    the same number of gateway calls made directly (POST /api/v1/ai/llm/complete), one after the
//    other, interleaved in the same run. Every prompt carries a marker the model server is scripted
//    for, so each model call answers after BENCH_MODEL_DELAY_MS. Reported: p50/p95 of both, the
//    ratio (goal ≤ 1.1×) and the overhead per node (goal ≤ 15 ms). The run's own duration_ms
//    (GET /api/v1/workflow-runs/{id}: started → finished, as the engine records it) splits the gap
//    into engine time and HTTP waiting (instance start, finish notification, the answer).
// 2. Concurrency: BENCH_CONCURRENT async runs started at once of a one-node workflow (module_tool
//    create_task with a title unique to the run). Every run must end completed exactly once and
//    every task exist exactly once (counted in the tenant database); time to drain = first POST →
//    the last run's finished_at. Baseline: BENCH_SOLO runs of it alone (sync, one after the other);
//    ratios: drain / (runs × solo POST p50), drain / (runs × solo duration p50) (≈ 1: the runs did
//    not overlap), concurrent run duration p50 / solo duration p50.
// 3. Approval: a run of a human_approval node, started async. The POST answers 202 (no request is
//    kept open while it waits) and the run reads "waiting"; its Workflow instance is described
//    (`wrangler workflows instances describe --local`: last step a waitForEvent not finished; local
//    status says "running"), then the run is cancelled.
//
//   BENCH_N               measured rounds in part 1 (default 20)
//   BENCH_WARMUP          warm-up rounds in part 1 (default 3)
//   BENCH_NODES           chain length in part 1 (default 5)
//   BENCH_MODEL_DELAY_MS  scripted model latency (default 50)
//   BENCH_CONCURRENT      runs in part 2 (default 100)
//   BENCH_SOLO            baseline runs of the same workflow alone, sync, in part 2 (default 5)
//
// Timings are reported, never asserted; counts (lost or duplicated runs and effects) are.
// Results are printed and written to bench/results/workflows.json.
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { ROOT } from "../scripts/stack.ts";
import { benchLog, fetchJson, fmt, intEnv, onCleanup, round, runBench, type Stats, signUp, startBenchStack, stats, timed } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "workflows.json");

const N = intEnv("BENCH_N", 20);
const WARMUP = intEnv("BENCH_WARMUP", 3, 0);
const NODES = intEnv("BENCH_NODES", 5);
const MODEL_DELAY_MS = intEnv("BENCH_MODEL_DELAY_MS", 50, 0);
const CONCURRENT = intEnv("BENCH_CONCURRENT", 100);
const SOLO = intEnv("BENCH_SOLO", 5);
const GOAL_RATIO = 1.1;
const GOAL_PER_NODE_MS = 15;
const RUN_ID = Date.now().toString(36);
const MARKER = `bench-wf-${RUN_ID}`;

const log = benchLog("bench:workflows");
const run = promisify(execFile);

interface Run {
  id: string;
  status: string;
  duration_ms: number | null;
  started_at: string | null;
  finished_at: string | null;
  error: unknown;
  nodes?: { node_id: string; status: string; attempts: number; duration_ms: number | null }[];
}

const row = (name: string, s: Stats) =>
  `${name.padEnd(26)} p50 ${fmt(s.p50).padStart(9)}  p95 ${fmt(s.p95).padStart(9)}  min ${fmt(s.min).padStart(9)}  max ${fmt(s.max).padStart(9)} ms`;

/**
 * The run's Workflow instance as `wrangler workflows instances describe --local` sees it (the
 * instance id is the run id): its status and last step. Best effort, for the report only.
 */
async function describeInstance(api: string, instanceId: string) {
  const port = new URL(api).port;
  const args = [
    "wrangler",
    "workflows",
    "instances",
    "describe",
    "atrium-run-interpreter",
    instanceId,
    "--local",
    "--port",
    port,
    "--json",
  ];
  try {
    const { stdout } = await run("npx", args, { cwd: ROOT, timeout: 60_000, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
    const d = JSON.parse(stdout.slice(stdout.indexOf("{"))) as { status?: string; steps?: Record<string, unknown>[] };
    const last = d.steps?.at(-1) ?? null;
    const inWait = !!last && /wait/i.test(String(last.type)) && !last.finished && !last.end;
    return { ok: true as const, status: d.status ?? null, last_step: last, in_wait_for_event: inWait };
  } catch (e) {
    return { ok: false as const, error: String(e instanceof Error ? e.message : e).split("\n")[0] };
  }
}

async function main() {
  const { aiUrl, api, tenantUrl } = await startBenchStack({
    log,
    prefix: "atrium-bench-workflows-",
    // In the project itself: lib.ts's source snapshot does not copy workflows/ (the interpreter
    // src/index.ts exports), so wrangler could not build it there.
    snapshot: false,
    // Limits off: part 2 starts its runs all at once (they would otherwise be 429s).
    workers: [{ vars: { RATE_LIMITS: "off" } }],
  });
  const user = await signUp(api, { email: `bench-wf-${RUN_ID}@example.com`, full_name: "Bench Flows", company_name: "Bench Flows Co" });
  const ws = user.workspace.id;
  const headers = { authorization: `Bearer ${user.access_token}`, "x-workspace-id": ws, "content-type": "application/json" };
  const tenant = new pg.Client({ connectionString: tenantUrl(ws) });
  await tenant.connect();
  onCleanup("tenant client", () => tenant.end());

  const createWorkflow = (name: string, definition: Record<string, unknown>) =>
    fetchJson<{ id: string }>(`${api}/api/v1/workflows`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name, definition }),
      expected: 201,
    });
  const startRun = async (workflowId: string, body: Record<string, unknown>) => {
    const res = await fetch(`${api}/api/v1/workflows/${workflowId}/runs`, { method: "POST", headers, body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 202) throw new Error(`POST runs: HTTP ${res.status}: ${text}`);
    return { status: res.status, run: JSON.parse(text) as Run };
  };
  const getRun = (id: string) => fetchJson<Run>(`${api}/api/v1/workflow-runs/${id}`, { headers });

  // ---- 1. engine overhead ---------------------------------------------------------------------
  await fetchJson(`${aiUrl.replace(/\/v1$/, "")}/__script`, {
    method: "POST",
    body: JSON.stringify({ match: MARKER, replies: [{ content: "ok", delay_ms: MODEL_DELAY_MS }] }),
  });
  const ids = Array.from({ length: NODES }, (_, i) => `n${i}`);
  const prompt = (id: string) => `Step ${id}: answer ok. ${MARKER}`;
  const chain = await createWorkflow(`bench chain ${RUN_ID}`, {
    nodes: ids.map((id) => ({ id, component: "llm_prompt", inputs: { prompt: { template: prompt(id) } } })),
    edges: ids.slice(1).map((id, i) => ({ from: ids[i], to: id })),
  });
  const direct = async () => {
    const { ms } = await timed(async () => {
      for (const id of ids) {
        await fetchJson(`${api}/api/v1/ai/llm/complete`, { method: "POST", headers, body: JSON.stringify({ prompt: prompt(id) }) });
      }
    });
    return ms;
  };
  const viaWorkflow = async () => {
    const { ms, result } = await timed(() => startRun(chain.id, { mode: "sync", timeout: 60, input: {} }));
    if (result.status !== 200 || result.run.status !== "completed") {
      throw new Error(`chain run ${result.run.id} did not complete in the sync call: HTTP ${result.status}, ${JSON.stringify(result.run)}`);
    }
    const run = await getRun(result.run.id);
    const nodeMs = (run.nodes ?? []).reduce((acc, n) => acc + (n.duration_ms ?? 0), 0);
    return { ms, durationMs: run.duration_ms ?? Number.NaN, nodeMs, nodes: run.nodes?.length ?? 0 };
  };

  log(`part 1 warm-up: ${WARMUP} rounds`);
  for (let i = 0; i < WARMUP; i++) {
    await direct();
    await viaWorkflow();
  }
  log(`part 1: ${N} rounds of ${NODES} calls (direct) vs a ${NODES}-node chain (sync run), model delay ${MODEL_DELAY_MS} ms`);
  const d: number[] = [];
  const w: number[] = [];
  const dur: number[] = [];
  const nodeSum: number[] = [];
  for (let i = 0; i < N; i++) {
    // Alternate which path goes first, so neither always runs on a warmer machine.
    const one = async () => {
      const r = await viaWorkflow();
      if (r.nodes !== NODES) throw new Error(`a chain run recorded ${r.nodes} nodes, expected ${NODES}`);
      w.push(r.ms);
      dur.push(r.durationMs);
      nodeSum.push(r.nodeMs);
    };
    if (i % 2 === 0) {
      d.push(await direct());
      await one();
    } else {
      await one();
      d.push(await direct());
    }
  }
  const ds = stats(d);
  const wsync = stats(w);
  const durs = stats(dur);
  const nodeStats = stats(nodeSum);
  const ratioP50 = round(wsync.p50 / ds.p50);
  const ratioP95 = round(wsync.p95 / ds.p95);
  const perNodeMs = round((wsync.p50 - ds.p50) / NODES);
  const enginePerNodeMs = round((durs.p50 - ds.p50) / NODES);
  const httpWaitMs = round(wsync.p50 - durs.p50);
  const modelFloorMs = NODES * MODEL_DELAY_MS;
  const betweenMs = round(durs.p50 - nodeStats.p50);

  // ---- 2. concurrent async runs ---------------------------------------------------------------
  const prefix = `bench-wf-task-${RUN_ID}-`;
  const tool = await createWorkflow(`bench tasks ${RUN_ID}`, {
    nodes: [
      {
        id: "make",
        component: "module_tool",
        config: { tool: "create_task" },
        inputs: { arguments: { template: '{{ {"title": trigger.data.title} }}' } },
      },
    ],
  });
  // Baseline: the same run alone, one after the other (sync; the first is a warm-up, not counted).
  const solo: { ms: number; durationMs: number }[] = [];
  for (let i = 0; i <= SOLO; i++) {
    const { ms, result } = await timed(() => startRun(tool.id, { mode: "sync", timeout: 60, input: { title: `${prefix}solo-${i}` } }));
    if (result.run.status !== "completed") throw new Error(`solo task run: ${JSON.stringify(result.run)}`);
    if (i > 0) solo.push({ ms, durationMs: (await getRun(result.run.id)).duration_ms ?? Number.NaN });
  }
  const soloPost = stats(solo.map((x) => x.ms));
  const soloDuration = stats(solo.map((x) => x.durationMs));
  log(`part 2: ${CONCURRENT} async runs at once (module_tool create_task, unique title each)`);
  const firstPost = Date.now();
  const posts = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) =>
      timed(() => startRun(tool.id, { mode: "async", input: { title: `${prefix}${String(i).padStart(3, "0")}` } })),
    ),
  );
  const postedAllMs = Date.now() - firstPost;
  const runIds = posts.map((p) => p.result.run.id);
  const not202 = posts.filter((p) => p.result.status !== 202).length;
  const countRuns = async () =>
    (
      await tenant.query<{ status: string; n: number; last: Date | null }>(
        "SELECT status, count(*)::int AS n, max(finished_at) AS last FROM workflow_runs WHERE id = ANY($1::uuid[]) GROUP BY status",
        [runIds],
      )
    ).rows;
  let byStatus = await countRuns();
  const drainDeadline = Date.now() + 300_000;
  const finalStatuses = new Set(["completed", "failed", "cancelled"]);
  for (;;) {
    const final = byStatus.filter((r) => finalStatuses.has(r.status)).reduce((a, r) => a + r.n, 0);
    if (final >= CONCURRENT || Date.now() > drainDeadline) break;
    await sleep(100);
    byStatus = await countRuns();
  }
  const lastFinished = Math.max(...byStatus.map((r) => r.last?.getTime() ?? 0));
  const drainMs = lastFinished - firstPost;
  const completed = byStatus.find((r) => r.status === "completed")?.n ?? 0;
  // Effects: one task per run, no title twice; one node row per run, one attempt each.
  const tasks = await tenant.query<{ title: string; n: number }>(
    "SELECT title, count(*)::int AS n FROM tasks WHERE title LIKE $1 AND title NOT LIKE $2 GROUP BY title",
    [`${prefix}%`, `${prefix}solo-%`],
  );
  const taskTitles = tasks.rows.length;
  const duplicatedTasks = tasks.rows.filter((r) => r.n > 1).length;
  const nodeRows = await tenant.query<{ run_id: string; n: number; attempts: number }>(
    "SELECT run_id, count(*)::int AS n, sum(attempts)::int AS attempts FROM workflow_node_runs WHERE run_id = ANY($1::uuid[]) GROUP BY run_id",
    [runIds],
  );
  const duplicatedNodes = nodeRows.rows.filter((r) => r.n > 1).length;
  const retriedNodes = nodeRows.rows.filter((r) => r.attempts > 1).length;
  const durations = await tenant.query<{ ms: number }>(
    "SELECT extract(epoch from (finished_at - started_at)) * 1000 AS ms FROM workflow_runs WHERE id = ANY($1::uuid[]) AND finished_at IS NOT NULL",
    [runIds],
  );
  const queued = await tenant.query<{ ms: number }>(
    "SELECT extract(epoch from (started_at - created_at)) * 1000 AS ms FROM workflow_runs WHERE id = ANY($1::uuid[]) AND started_at IS NOT NULL",
    [runIds],
  );

  const concurrentDuration = stats(durations.rows.map((r) => Number(r.ms)));

  // ---- 3. a run waiting on an approval ----------------------------------------------------------
  const approval = await createWorkflow(`bench approval ${RUN_ID}`, {
    nodes: [{ id: "ask", component: "human_approval", config: { title: "Bench: ship it?" } }],
  });
  log("part 3: a run waiting on a human_approval node");
  const asked = await timed(() => startRun(approval.id, { mode: "async", input: {} }));
  const askedId = asked.result.run.id;
  let waiting = await getRun(askedId);
  const waitDeadline = Date.now() + 30_000;
  while (waiting.status !== "waiting" && Date.now() < waitDeadline) {
    await sleep(100);
    waiting = await getRun(askedId);
  }
  // Still waiting a moment later, with nothing of ours open.
  await sleep(2000);
  const stillWaiting = await getRun(askedId);
  const askNode = stillWaiting.nodes?.find((n) => n.node_id === "ask");
  const instance = await describeInstance(api, askedId);
  const cancelled = await fetchJson<Run>(`${api}/api/v1/workflow-runs/${askedId}/cancel`, { method: "POST", headers });

  const results = {
    run_at: new Date().toISOString(),
    config: { n: N, warmup: WARMUP, nodes: NODES, model_delay_ms: MODEL_DELAY_MS, concurrent: CONCURRENT },
    overhead: {
      direct_ms: ds,
      workflow_sync_ms: wsync,
      run_duration_ms: durs,
      node_durations_sum_ms: nodeStats,
      model_floor_ms: modelFloorMs,
      ratio_p50: ratioP50,
      ratio_p95: ratioP95,
      per_node_ms_p50: perNodeMs,
      engine_per_node_ms_p50: enginePerNodeMs,
      http_wait_ms_p50: httpWaitMs,
      between_nodes_ms_p50: betweenMs,
      goals: { ratio: GOAL_RATIO, per_node_ms: GOAL_PER_NODE_MS },
      met: ratioP50 <= GOAL_RATIO && perNodeMs <= GOAL_PER_NODE_MS,
    },
    concurrent: {
      runs: CONCURRENT,
      post_202: CONCURRENT - not202,
      post_ms: stats(posts.map((p) => p.ms)),
      all_posted_ms: postedAllMs,
      by_status: Object.fromEntries(byStatus.map((r) => [r.status, r.n])),
      completed,
      tasks_created: taskTitles,
      tasks_duplicated: duplicatedTasks,
      node_rows_duplicated: duplicatedNodes,
      nodes_retried: retriedNodes,
      queued_ms: stats(queued.rows.map((r) => Number(r.ms))),
      run_duration_ms: concurrentDuration,
      drain_ms: drainMs,
      solo_post_ms: soloPost,
      solo_run_duration_ms: soloDuration,
      drain_vs_sequential: round(drainMs / (CONCURRENT * soloPost.p50)),
      drain_vs_serial_durations: round(drainMs / (CONCURRENT * soloDuration.p50)),
      duration_vs_solo_p50: round(concurrentDuration.p50 / soloDuration.p50),
    },
    approval: {
      post_status: asked.result.status,
      post_ms: round(asked.ms),
      run_status: stillWaiting.status,
      node_status: askNode?.status ?? null,
      cancelled_status: cancelled.status,
      instance,
    },
  };

  console.log("");
  console.log(`1. engine overhead: ${NODES} llm_prompt nodes, model delay ${MODEL_DELAY_MS} ms (floor ${modelFloorMs} ms), ${N} rounds`);
  console.log(row(`direct ${NODES} × llm/complete`, ds));
  console.log(row("workflow sync POST", wsync));
  console.log(row("run duration_ms", durs));
  console.log(row("sum of node duration_ms", nodeStats));
  console.log(
    `   workflow/direct p50 = ${ratioP50}× (p95 ${ratioP95}×, goal ≤ ${GOAL_RATIO}×); overhead per node p50 = ${perNodeMs} ms ` +
      `(goal ≤ ${GOAL_PER_NODE_MS} ms) → ${results.overhead.met ? "met" : "NOT met"}`,
  );
  console.log(
    `   split (p50): engine (run duration − direct) ${fmt(durs.p50 - ds.p50)} ms = ${enginePerNodeMs} ms/node; ` +
      `HTTP waiting (POST − run duration) ${httpWaitMs} ms`,
  );
  console.log(
    `   inside the run (p50): nodes (model calls through the gateway) ${fmt(nodeStats.p50)} ms, between nodes ` +
      `(run duration − Σ node duration_ms) ${fmt(betweenMs)} ms = ${fmt(betweenMs / NODES)} ms/node`,
  );
  console.log(`2. ${CONCURRENT} concurrent async runs (module_tool create_task)`);
  console.log(row("solo: sync POST", soloPost));
  console.log(row("solo: run duration_ms", soloDuration));
  console.log(row("POST (202)", results.concurrent.post_ms));
  console.log(row("queued (created → started)", results.concurrent.queued_ms));
  console.log(row("run duration_ms", results.concurrent.run_duration_ms));
  console.log(
    `   ${completed}/${CONCURRENT} completed (${JSON.stringify(results.concurrent.by_status)}), ${CONCURRENT - not202} answered 202; ` +
      `tasks ${taskTitles}/${CONCURRENT}, ${duplicatedTasks} duplicated; node rows duplicated ${duplicatedNodes}, retried ${retriedNodes}; ` +
      `drain (first POST → last finished_at) ${drainMs} ms (all POSTs answered in ${postedAllMs} ms)`,
  );
  console.log(
    `   drain / (${CONCURRENT} × solo sync POST p50) = ${results.concurrent.drain_vs_sequential}× (< 1: faster than one after the other); ` +
      `drain / (${CONCURRENT} × solo run duration p50) = ${results.concurrent.drain_vs_serial_durations}× (≈ 1: runs did not overlap); ` +
      `run duration p50 concurrent / solo = ${results.concurrent.duration_vs_solo_p50}×`,
  );
  console.log(
    `3. approval: POST answered ${asked.result.status} in ${fmt(asked.ms)} ms; run status "${stillWaiting.status}", node "${askNode?.status}"`,
  );
  console.log(`   no request open while it waits (the POST had returned); cancelled afterwards → ${cancelled.status}`);
  console.log(
    instance.ok
      ? `   Workflow instance: status "${instance.status}", last step ${JSON.stringify(instance.last_step)}` +
          (instance.in_wait_for_event ? " (blocked in waitForEvent; local status says running, production says waiting)" : "")
      : `   Workflow instance: not described (${instance.error})`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${RESULTS}`);

  const problems: string[] = [];
  if (not202 > 0) problems.push(`${not202} async POSTs did not answer 202`);
  if (completed !== CONCURRENT) problems.push(`${CONCURRENT - completed} of ${CONCURRENT} concurrent runs did not complete`);
  if (taskTitles !== CONCURRENT) problems.push(`${CONCURRENT - taskTitles} tasks missing`);
  if (duplicatedTasks > 0) problems.push(`${duplicatedTasks} tasks created twice`);
  if (duplicatedNodes > 0) problems.push(`${duplicatedNodes} runs recorded a node twice`);
  if (asked.result.status !== 202) problems.push(`the approval run's POST answered ${asked.result.status}, not 202`);
  if (stillWaiting.status !== "waiting") problems.push(`the approval run is "${stillWaiting.status}", not waiting`);
  if (problems.length) throw new Error(problems.join("; "));
}

await runBench(log, main);
