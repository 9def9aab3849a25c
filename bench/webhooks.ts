// `npm run bench:webhooks`: outgoing webhooks against a throwaway local stack (embedded
// PostgreSQL + WebSocket proxy + `wrangler dev`) and a local receiver (test/fakes/receiver.ts).
//
// 1. Latency: BENCH_N channel messages to a healthy receiver, twice: at a steady
//    BENCH_LATENCY_RATE (below the local pipeline's capacity: the pipeline's own latency), then
//    one after the other as fast as the POSTs go (saturated: what a backlog adds).
//    Commit (the message's created_at) → arrival at the receiver, p50/p99; the baseline is the
//    POST's own latency in the same run (ratio = delivery p50 / POST p50).
// 2. Outage: the receiver answers 503 while BENCH_OUTAGE messages are posted at BENCH_RATE; then
//    it recovers and an hour passes (simulated: the due times of the scheduled retries move an
//    hour back, and the cron sweep runs, as it does every 5 minutes). Every event must then
//    reach the receiver with one 2xx answer (0 lost); repeats carry the same webhook-id.
// 3. Consumer faults: a second Worker whose queue consumer throws on BENCH_FAULT_RATE (default
//    0.1) of its messages before handling them (QUEUE_FAULT_RATE); BENCH_FAULTY messages. Every
//    event must end delivered (one 2xx) or dead, none delivered twice.
//
//   BENCH_N        messages in the latency run (default 200)
//   BENCH_LATENCY_RATE  messages a second in the steady latency run (default 2)
//   BENCH_RATE     messages a second in the saturated, outage and fault runs (default 10)
//   BENCH_OUTAGE   messages posted during the outage (default 300)
//   BENCH_FAULTY   messages in the consumer-fault run (default 300)
//
// Results are printed and written to bench/results/webhooks.json.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startReceiver } from "../test/fakes/receiver.ts";
import { benchLog, fetchJson, fmt, intEnv, onCleanup, percentile, round, runBench, signUp, startBenchStack, stats, timed } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "webhooks.json");
const N = intEnv("BENCH_N", 200);
const RATE = intEnv("BENCH_RATE", 10);
const LATENCY_RATE = intEnv("BENCH_LATENCY_RATE", 2);
const OUTAGE = intEnv("BENCH_OUTAGE", 300);
const FAULTY = intEnv("BENCH_FAULTY", 300);
const FAULT_RATE = Number(process.env.BENCH_FAULT_RATE ?? 0.1);
const RUN_ID = randomUUID().slice(0, 8);
const log = benchLog("webhooks");

interface Got {
  headers: Record<string, string>;
  body: string;
  at: number;
  answered: number;
}

async function main() {
  const receiver = await startReceiver();
  onCleanup("receiver", receiver.close);
  const { api, workers, stack, tenantUrl } = await startBenchStack({
    log,
    prefix: "atrium-bench-webhooks-",
    ai: false,
    // Limits off: the posting rate is the bench's to set (a backlog would otherwise be 429s).
    workers: [
      { args: ["--test-scheduled"], vars: { RATE_LIMITS: "off" } },
      { name: "faulty", vars: { QUEUE_FAULT_RATE: String(FAULT_RATE), RATE_LIMITS: "off" } },
    ],
  });
  const faultyApi = workers[1]?.url as string;
  const owner = await signUp(api, { email: `bench-wh-${RUN_ID}@example.com`, full_name: "Bench Owner", company_name: "Bench Hooks" });
  const ws = owner.workspace.id;
  const headers = { authorization: `Bearer ${owner.access_token}`, "x-workspace-id": ws, "content-type": "application/json" };
  const tenant = new pg.Client({ connectionString: tenantUrl(ws) });
  await tenant.connect();
  onCleanup("tenant client", () => tenant.end());
  void stack;

  const channel = await fetchJson<{ slug: string }>(`${api}/api/v1/channels`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: `bench-${RUN_ID}` }),
    expected: 201,
  });
  const hook = async (name: string) =>
    fetchJson<{ id: string }>(`${api}/api/v1/webhooks`, {
      method: "POST",
      headers,
      body: JSON.stringify({ url: `${receiver.url}/hooks/${name}`, events: ["channel.message.created"] }),
      expected: 201,
    });
  const received = async (name: string) => fetchJson<Got[]>(`${receiver.url}/_received/${name}`);
  const setHook = async (id: string, active: boolean) =>
    fetchJson(`${api}/api/v1/webhooks/${id}`, { method: "PUT", headers, body: JSON.stringify({ is_active: active }) });

  /**
   * Posts `count` messages through `base`, at RATE a second, or one after the other when
   * `sequential` (the latency run: no backlog of our own making); returns each message's id,
   * created_at and POST time.
   */
  async function post(base: string, count: number, label: string, sequential = false, rate = RATE) {
    const out: { id: string; createdAt: number; postMs: number }[] = [];
    const started = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (sequential) await Promise.all(pending);
      pending.push(
        timed(() =>
          fetchJson<{ id: string; created_at: string }>(`${base}/api/v1/channels/${channel.slug}/messages`, {
            method: "POST",
            headers,
            body: JSON.stringify({ content: `${label} ${i}` }),
            expected: 201,
          }),
        ).then(({ ms, result }) => {
          out.push({ id: result.id, createdAt: Date.parse(result.created_at), postMs: ms });
        }),
      );
    }
    await Promise.all(pending);
    return out;
  }

  /** Waits until `name` holds a 2xx-answered request for each of `ids` (message ids in the payload). */
  async function awaitAll(name: string, ids: Set<string>, timeoutMs: number) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const got = await received(name);
      const ok = got.filter((g) => g.answered >= 200 && g.answered < 300);
      const seen = new Set(ok.map((g) => (JSON.parse(g.body) as { data: { message: { id: string } } }).data.message.id));
      if ([...ids].every((id) => seen.has(id)) || Date.now() > until) return { got, ok, seen };
      await sleep(250);
    }
  }

  const perId = (ok: Got[]) => {
    const counts = new Map<string, number>();
    for (const g of ok) counts.set(g.headers["webhook-id"] ?? "", (counts.get(g.headers["webhook-id"] ?? "") ?? 0) + 1);
    return counts;
  };

  // ---- 1. latency -------------------------------------------------------------------------------
  const healthy = await hook(`healthy-${RUN_ID}`);
  await post(api, 10, "warm-up");
  await awaitAll(`healthy-${RUN_ID}`, new Set(), 0);
  await fetch(`${receiver.url}/_received/healthy-${RUN_ID}`, { method: "DELETE" });
  /** One latency run: N messages at `rate`, one after the other; delivery and POST latencies. */
  async function latencyRun(label: string, rate: number) {
    await fetch(`${receiver.url}/_received/healthy-${RUN_ID}`, { method: "DELETE" });
    const sent = await post(api, N, label, true, rate);
    const done = await awaitAll(`healthy-${RUN_ID}`, new Set(sent.map((s) => s.id)), 60_000);
    const arrival = new Map(
      done.ok.map((g) => [(JSON.parse(g.body) as { data: { message: { id: string } } }).data.message.id, g.at] as const),
    );
    const latencies = sent.map((s) => (arrival.get(s.id) ?? Number.NaN) - s.createdAt).filter(Number.isFinite);
    const sorted = [...latencies].sort((a, b) => a - b);
    const delivery = { ...stats(latencies), p99: round(percentile(sorted, 99)) };
    const postStats = stats(sent.map((s) => s.postMs));
    log(
      `latency (${label}): ${latencies.length}/${N} delivered; commit → receiver p50 ${fmt(delivery.p50)} ms, p99 ${fmt(delivery.p99)} ms`,
    );
    log(`baseline POST p50 ${fmt(postStats.p50)} ms; ratio delivery p50 / POST p50 = ${fmt(delivery.p50 / postStats.p50)}`);
    return {
      events: N,
      rate_per_s: rate,
      commit_to_receiver_ms: delivery,
      post_ms: postStats,
      ratio_p50: round(delivery.p50 / postStats.p50),
    };
  }
  const steady = await latencyRun(`steady ${LATENCY_RATE}/s`, LATENCY_RATE);
  const saturated = await latencyRun("saturated", RATE);
  await setHook(healthy.id, false);

  // ---- 2. an hour-long outage ------------------------------------------------------------------
  const downName = `down-${RUN_ID}`;
  const down = await hook(downName);
  await fetch(`${receiver.url}/_behaviour/${downName}`, { method: "PUT", body: JSON.stringify({ fail: -1, status: 503 }) });
  const outage = await post(api, OUTAGE, "outage");
  // Let the first two attempts (at once, then 5 s) of every event fail, as they would.
  for (const until = Date.now() + 180_000; Date.now() < until; await sleep(500)) {
    const r = await tenant.query<{ n: string }>("SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND attempts >= 2", [
      down.id,
    ]);
    if (Number(r.rows[0]?.n) >= OUTAGE) break;
  }
  await fetch(`${receiver.url}/_behaviour/${downName}`, { method: "PUT", body: JSON.stringify({ fail: 0 }) });
  const shifted = await tenant.query(
    "UPDATE webhook_deliveries SET next_attempt_at = next_attempt_at - interval '1 hour' WHERE endpoint_id = $1 AND status = 'pending'",
    [down.id],
  );
  log(`outage: ${OUTAGE} events while down; ${shifted.rowCount} deliveries pending; an hour passes; cron sweep`);
  const cron = await fetch(`${api}/cdn-cgi/handler/scheduled`);
  if (!cron.ok) throw new Error(`scheduled handler: HTTP ${cron.status}`);
  const recovered = await awaitAll(downName, new Set(outage.map((s) => s.id)), 120_000);
  const outageCounts = perId(recovered.ok);
  const outageLost = outage.filter((s) => !recovered.seen.has(s.id)).length;
  const outageTwice = [...outageCounts.values()].filter((c) => c > 1).length;
  log(
    `outage: ${recovered.seen.size}/${OUTAGE} delivered after recovery, ${outageLost} lost, ${outageTwice} delivered twice; ` +
      `${recovered.got.length} requests in all (failed attempts included)`,
  );
  await setHook(down.id, false);

  // ---- 3. consumer faults ------------------------------------------------------------------------
  const faultName = `faulty-${RUN_ID}`;
  await hook(faultName);
  const faulty = await post(faultyApi, FAULTY, "faulty");
  const afterFaults = await awaitAll(faultName, new Set(faulty.map((s) => s.id)), 240_000);
  const faultCounts = perId(afterFaults.ok);
  const dead = Number(
    (
      await tenant.query<{ n: string }>(
        "SELECT count(*) AS n FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.url LIKE $1 AND d.status = 'dead'",
        [`%/${faultName}`],
      )
    ).rows[0]?.n,
  );
  const faultLost = faulty.filter((s) => !afterFaults.seen.has(s.id)).length;
  const faultTwice = [...faultCounts.values()].filter((c) => c > 1).length;
  log(
    `consumer faults (${FAULT_RATE * 100}%): ${afterFaults.seen.size}/${FAULTY} delivered, ${dead} dead-lettered, ` +
      `${faultLost - dead} unaccounted, ${faultTwice} delivered twice`,
  );

  const results = {
    when: new Date().toISOString(),
    latency: steady,
    latency_saturated: saturated,
    outage: {
      events: OUTAGE,
      delivered: recovered.seen.size,
      lost: outageLost,
      delivered_twice: outageTwice,
      requests: recovered.got.length,
    },
    consumer_faults: {
      rate: FAULT_RATE,
      events: FAULTY,
      delivered: afterFaults.seen.size,
      dead,
      unaccounted: faultLost - dead,
      delivered_twice: faultTwice,
    },
  };
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log(`written to ${RESULTS}`);
  if (outageLost > 0 || outageTwice > 0 || faultLost - dead > 0 || faultTwice > 0) throw new Error("events were lost or delivered twice");
}

await runBench(log, main);
