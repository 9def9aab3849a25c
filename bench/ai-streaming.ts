// `npm run bench:ai` (node bench/ai-streaming.ts): the AI gateway's streaming overhead against a
// throwaway local stack (embedded PostgreSQL + WebSocket proxy + local model server + `wrangler dev`).
//
// The same scripted reply (BENCH_WORDS words, BENCH_CHUNK_DELAY_MS between chunks) is streamed
//   a) straight from the local model server (POST /v1/chat/completions, stream: true), and
//   b) through Atrium (POST /api/v1/ai/llm/complete/stream: auth, tenant, credits check, the
//      `openai` SDK to the same server, SSE re-encoding; usage + ledger are written after `done`),
// interleaved in one run. Measured per request: time to first token (first non-empty content) and
// total time (until the last event: [DONE] directly, `done: true` through Atrium).
// Goal: Atrium total ≤ 1.1 × direct, and TTFT ≤ direct + 20 ms (p50). For reading the gap,
// request floors are measured in the same loop: an unknown path (the Worker, no database),
// GET /health (one control-database connection) and GET /api/v1/ai/llm/models (a workspace
// request: auth and tenant resolution, no model call).
//
//   BENCH_N               measured requests per path (default 40)
//   BENCH_WARMUP          warm-up requests per path (default 5)
//   BENCH_WORDS           words in the scripted reply (default 50)
//   BENCH_CHUNK_DELAY_MS  scripted delay between chunks (default 20)
//
// Results are printed and written to bench/results/ai-streaming.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { benchLog, fetchJson, fmt, intEnv, readSse, round, runBench, type Stats, signUp, startBenchStack, stats } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "ai-streaming.json");

const N = intEnv("BENCH_N", 40, 0);
const WARMUP = intEnv("BENCH_WARMUP", 5, 0);
const WORDS = intEnv("BENCH_WORDS", 50, 0);
const CHUNK_DELAY_MS = intEnv("BENCH_CHUNK_DELAY_MS", 20, 0);
const GOAL_TOTAL_RATIO = 1.1;
const GOAL_TTFT_EXTRA_MS = 20;
const RUN_ID = Date.now().toString(36);
const MARKER = `bench-ai-${RUN_ID}`;

const log = benchLog("bench:ai");

interface Sample {
  ttft: number;
  total: number;
  text: string;
}

/** Streams one request; TTFT at the first non-empty content, total at the terminal event. */
async function measure(url: string, init: RequestInit, content: (data: string) => { text: string; end: boolean }): Promise<Sample> {
  const start = performance.now();
  let ttft = Number.NaN;
  let text = "";
  for await (const ev of readSse(url, init)) {
    const c = content(ev.data);
    if (c.text && Number.isNaN(ttft)) ttft = performance.now() - start;
    text += c.text;
    if (c.end) break;
  }
  return { ttft, total: performance.now() - start, text };
}

function summary(samples: Sample[]) {
  return { ttft: stats(samples.map((s) => s.ttft)), total: stats(samples.map((s) => s.total)) };
}

async function main() {
  const { aiUrl, api } = await startBenchStack({ log, prefix: "atrium-bench-ai-" });

  const user = await signUp(api, { email: `bench-ai-${RUN_ID}@example.com`, full_name: "Bench AI", company_name: "Bench AI Co" });
  const ws = user.workspace.id;

  // One script for both paths: every request carries the marker, so each gets the same reply.
  const reply = Array.from({ length: WORDS }, (_, i) => `word${i}`).join(" ");
  await fetchJson(`${aiUrl.replace(/\/v1$/, "")}/__script`, {
    method: "POST",
    body: JSON.stringify({ match: MARKER, replies: [{ content: reply, chunk_delay_ms: CHUNK_DELAY_MS }] }),
  });
  const prompt = `Say the words. ${MARKER}`;

  const direct = () =>
    measure(
      `${aiUrl}/chat/completions`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer local-dev-model" },
        body: JSON.stringify({
          model: "gpt-4o-mini",
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: prompt }],
        }),
      },
      (data) => {
        if (data === "[DONE]") return { text: "", end: true };
        const chunk = JSON.parse(data) as { choices: { delta?: { content?: string } }[] };
        return { text: chunk.choices[0]?.delta?.content ?? "", end: false };
      },
    );
  const atrium = () =>
    measure(
      `${api}/api/v1/ai/llm/complete/stream`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${user.access_token}`, "x-workspace-id": ws },
        body: JSON.stringify({ prompt }),
      },
      (data) => {
        const ev = JSON.parse(data) as { content: string; done: boolean; incomplete?: boolean };
        if (ev.done && ev.incomplete) throw new Error("Atrium reported an incomplete stream");
        return { text: ev.content, end: ev.done };
      },
    );

  // Floors, for reading the TTFT gap: the Worker with no database work (an unknown path, 404),
  // GET /health (one control-database connection and query), and a workspace request's fixed
  // cost (auth, tenant resolution; GET /api/v1/ai/llm/models).
  const timed = async (url: string, init: RequestInit, expected = 200) => {
    const start = performance.now();
    const res = await fetch(url, init);
    await res.arrayBuffer();
    if (res.status !== expected) throw new Error(`${url} answered ${res.status}`);
    return performance.now() - start;
  };
  const noDb = () => timed(`${api}/api/v1/__bench_floor`, {}, 404);
  const health = () => timed(`${api}/health`, {});
  const models = () =>
    timed(`${api}/api/v1/ai/llm/models`, { headers: { authorization: `Bearer ${user.access_token}`, "x-workspace-id": ws } });

  log(`warm-up: ${WARMUP} requests per path`);
  for (let i = 0; i < WARMUP; i++) {
    await direct();
    await atrium();
  }
  log(`measuring: ${N} requests per path, interleaved (${WORDS} words, ${CHUNK_DELAY_MS} ms between chunks)`);
  const d: Sample[] = [];
  const a: Sample[] = [];
  const f: number[] = [];
  const h: number[] = [];
  const m: number[] = [];
  for (let i = 0; i < N; i++) {
    f.push(await noDb());
    h.push(await health());
    m.push(await models());
    // Alternate which path goes first, so neither always runs on a warmer machine.
    if (i % 2 === 0) {
      d.push(await direct());
      a.push(await atrium());
    } else {
      a.push(await atrium());
      d.push(await direct());
    }
  }
  for (const s of [...d, ...a]) {
    if (s.text !== reply) throw new Error(`a stream did not deliver the whole reply: ${JSON.stringify(s.text.slice(0, 80))}…`);
  }
  const ds = summary(d);
  const as = summary(a);
  const ratio = round(as.total.p50 / ds.total.p50);
  const ttftExtra = round(as.ttft.p50 - ds.ttft.p50);
  const results = {
    run_at: new Date().toISOString(),
    config: { n: N, warmup: WARMUP, words: WORDS, chunk_delay_ms: CHUNK_DELAY_MS },
    direct: ds,
    atrium: as,
    floors: { noDatabase: stats(f), health: stats(h), workspaceRequest: stats(m) },
    comparison: {
      totalRatioP50: ratio,
      totalExtraP50Ms: round(as.total.p50 - ds.total.p50),
      ttftExtraP50Ms: ttftExtra,
      ttftExtraP95Ms: round(as.ttft.p95 - ds.ttft.p95),
      goals: { totalRatio: GOAL_TOTAL_RATIO, ttftExtraMs: GOAL_TTFT_EXTRA_MS },
      met: ratio <= GOAL_TOTAL_RATIO && ttftExtra <= GOAL_TTFT_EXTRA_MS,
    },
  };
  const row = (name: string, s: Stats) =>
    `${name.padEnd(18)} p50 ${fmt(s.p50).padStart(9)}  p95 ${fmt(s.p95).padStart(9)}  min ${fmt(s.min).padStart(9)}  max ${fmt(s.max).padStart(9)} ms`;
  console.log("");
  console.log(row("direct TTFT", ds.ttft));
  console.log(row("Atrium TTFT", as.ttft));
  console.log(row("direct total", ds.total));
  console.log(row("Atrium total", as.total));
  console.log(row("404 (no DB)", results.floors.noDatabase));
  console.log(row("GET /health", results.floors.health));
  console.log(row("GET llm/models", results.floors.workspaceRequest));
  console.log(
    `\ntotal: Atrium/direct p50 = ${ratio}× (goal ≤ ${GOAL_TOTAL_RATIO}×); TTFT: +${ttftExtra} ms p50 (goal ≤ +${GOAL_TTFT_EXTRA_MS} ms) → ${results.comparison.met ? "met" : "NOT met"}`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${RESULTS}`);
}

await runBench(log, main);
