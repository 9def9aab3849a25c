// `node bench/channels.ts`: live channel fan-out and message posting against a throwaway local
// stack (embedded PostgreSQL + WebSocket proxy + local model server + `wrangler dev`).
//
// 1. Delivery: one subscriber, then BENCH_SUBSCRIBERS (mixed SSE and WebSocket, spread over
//    BENCH_USERS members) on one channel; BENCH_MESSAGES messages posted one after the other.
//    Latency per (subscriber, message) from the message's commit (its created_at) to the event's
//    arrival — the goal's measure — and from the POST's 201 (negative: the event arrived before
//    the response) and from the POST's start. Every subscriber must get every message exactly
//    once, in order. Subscribers run in a worker thread, so parsing their frames does not stall
//    this thread (which also runs the database's WebSocket proxy). Same machine, same clock.
// 2. Posting: POST …/messages (201) against the same INSERT sent straight to the tenant
//    database (a persistent `pg` connection; and the Neon driver over the proxy with a new
//    connection per insert, as the Worker connects) and against GET /health.
//
//   BENCH_SUBSCRIBERS  connected subscribers (default 500)
//   BENCH_WS_SHARE     share of them on WebSockets, the rest SSE (default 0.5)
//   BENCH_USERS        members the subscribers are spread over (default 10)
//   BENCH_MESSAGES     messages per delivery run (default 200)
//   BENCH_N            measured requests per kind in the posting comparison (default 200)
//   BENCH_WARMUP       warm-up requests per kind (default 20)
//   BENCH_PIN          "1": the server side (postgres, wrangler/workerd, this thread with the
//                      database proxy) on CPU 0, the subscribers' thread on CPU 1 (taskset),
//                      so clients and server do not compete for a core
//
// Run with Node 24 (`npx node bench/channels.ts`, or `node` from an npm script). `wrangler dev` runs
// a copy of the Worker's sources, so edits to the project during a run cannot reload it.
// Results are printed and written to bench/results/channels.json.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { Pool as NeonPool, neonConfig } from "@neondatabase/serverless";
import pg from "pg";
import WebSocket from "ws";
import {
  benchLog,
  fetchJson,
  fmt,
  intEnv,
  type Joined,
  joinWorkspace,
  onCleanup,
  percentile,
  round,
  runBench,
  type Stats,
  signUp,
  startBenchStack,
  stats,
} from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "channels.json");

const SUBSCRIBERS = intEnv("BENCH_SUBSCRIBERS", 500);
const PIN = process.env.BENCH_PIN === "1";
const WS_SHARE = Math.min(1, Math.max(0, Number(process.env.BENCH_WS_SHARE ?? 0.5)));
const USERS = intEnv("BENCH_USERS", 10);
const MESSAGES = intEnv("BENCH_MESSAGES", 200);
const N = intEnv("BENCH_N", 200);
const WARMUP = intEnv("BENCH_WARMUP", 20);
const GOAL_FANOUT_P99 = 3;
const GOAL_POST_VS_INSERT = 2;
const DELIVERY_TIMEOUT_MS = 120_000;
const RUN_ID = Date.now().toString(36);

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across threads. */
const now = () => performance.timeOrigin + performance.now();

// ---- subscriber side (worker thread) -----------------------------------------------------------

interface SubscriberSpec {
  kind: "sse" | "ws";
  url: string;
  headers: Record<string, string>;
}

interface SubscriberReport {
  kind: "sse" | "ws";
  /** Arrival time per seq in [from, to] (NaN: never arrived). */
  arrivals: number[];
  /** The message's created_at (the database's clock when it was inserted) per seq. */
  created: number[];
  lost: number;
  duplicated: number;
  reordered: number;
  /** Room event ids (all events, not only messages) strictly increasing. */
  idsInOrder: boolean;
  /** Why the stream or socket ended early, if it did. */
  ended: string | null;
  lastId: number;
}

type ToWorker = { cmd: "open"; specs: SubscriberSpec[] } | { cmd: "collect"; from: number; to: number } | { cmd: "close" };
type FromWorker =
  | { type: "opened"; count: number }
  | { type: "collected"; reports: SubscriberReport[] }
  | { type: "closed" }
  | { type: "error"; message: string };

class Subscriber {
  /** [seq, arrival, created_at] of message events, in arrival order. */
  readonly messages: [number, number, number][] = [];
  readonly ids: number[] = [];
  ended: string | null = null;
  private closing = false;
  private closeFn: () => void = () => {};
  readonly spec: SubscriberSpec;

  constructor(spec: SubscriberSpec) {
    this.spec = spec;
  }

  /** `data`: the event's JSON text (SSE) or its parsed value (WebSocket frames), parsed once either way. */
  private onEvent(t: number, id: number, event: string | undefined, data: string | unknown) {
    this.ids.push(id);
    if (event === "message") {
      const m = (typeof data === "string" ? JSON.parse(data) : data) as { seq: number; created_at: string };
      this.messages.push([m.seq, t, Date.parse(m.created_at)]);
    }
  }

  open(): Promise<void> {
    return this.spec.kind === "sse" ? this.openSse() : this.openWs();
  }

  private async openSse() {
    const controller = new AbortController();
    this.closeFn = () => controller.abort();
    const res = await fetch(this.spec.url, { headers: { ...this.spec.headers, accept: "text/event-stream" }, signal: controller.signal });
    if (res.status !== 200 || !res.body) throw new Error(`SSE ${this.spec.url}: HTTP ${res.status}: ${await res.text()}`);
    const body = res.body;
    // Read in the background; the stream is open once the headers are here.
    void (async () => {
      const decoder = new TextDecoder();
      let buf = "";
      try {
        for await (const chunk of body as AsyncIterable<Uint8Array>) {
          const t = now();
          buf += decoder.decode(chunk, { stream: true });
          for (let end = buf.indexOf("\n\n"); end !== -1; end = buf.indexOf("\n\n")) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            let id: number | undefined;
            let event: string | undefined;
            let data: string | undefined;
            for (const line of block.split("\n")) {
              if (line.startsWith("id: ")) id = Number(line.slice(4));
              else if (line.startsWith("event: ")) event = line.slice(7);
              else if (line.startsWith("data: ")) data = line.slice(6);
            }
            if (id !== undefined && data !== undefined) this.onEvent(t, id, event, data);
          }
        }
        if (!this.closing) this.ended = "stream ended";
      } catch (e) {
        if (!this.closing) this.ended = `stream failed: ${String(e)}`;
      }
    })();
  }

  private openWs() {
    return new Promise<void>((resolve, reject) => {
      const sock = new WebSocket(this.spec.url, { headers: this.spec.headers });
      this.closeFn = () => sock.close(1000, "done");
      sock.once("open", () => resolve());
      sock.once("error", reject);
      sock.on("close", (code, reason) => {
        if (!this.closing) this.ended = `socket closed ${code} ${reason.toString()}`;
      });
      sock.on("message", (raw) => {
        const t = now();
        const text = raw.toString();
        if (text === "pong") return;
        const f = JSON.parse(text) as { id?: number; event?: string; data: unknown };
        if (typeof f.id === "number") this.onEvent(t, f.id, f.event, f.data);
      });
    });
  }

  report(from: number, to: number): SubscriberReport {
    const arrivals = new Array<number>(to - from + 1).fill(Number.NaN);
    const created = new Array<number>(to - from + 1).fill(Number.NaN);
    const inRange = this.messages.filter(([seq]) => seq >= from && seq <= to);
    const seen = new Set<number>();
    let duplicated = 0;
    let reordered = 0;
    let prev = -1;
    for (const [seq, t, c] of inRange) {
      if (seen.has(seq)) duplicated++;
      else {
        arrivals[seq - from] = t;
        created[seq - from] = c;
      }
      seen.add(seq);
      if (seq <= prev) reordered++;
      prev = seq;
    }
    const idsInOrder = this.ids.every((id, i) => i === 0 || id > (this.ids[i - 1] as number));
    return {
      kind: this.spec.kind,
      arrivals,
      created,
      lost: to - from + 1 - seen.size,
      duplicated,
      reordered,
      idsInOrder,
      ended: this.ended,
      lastId: this.ids.at(-1) ?? 0,
    };
  }

  complete(from: number, to: number): boolean {
    let count = 0;
    for (const [seq] of this.messages) if (seq >= from && seq <= to) count++;
    return count >= to - from + 1;
  }

  close() {
    this.closing = true;
    this.closeFn();
  }
}

/** Pins the calling thread (or with `allThreads`, this whole process) to one CPU; children inherit it. */
function pinTo(cpu: number, allThreads = false) {
  // /proc/thread-self names the calling thread, so a worker thread can pin itself alone.
  const id = allThreads ? String(process.pid) : (readlinkSync("/proc/thread-self").split("/").pop() as string);
  execFileSync("taskset", [...(allThreads ? ["-a"] : []), "-p", "-c", String(cpu), id], { stdio: "ignore" });
}

function runSubscriberThread() {
  const port = parentPort;
  if (!port) return;
  if (PIN) pinTo(1);
  const subs: Subscriber[] = [];
  const send = (m: FromWorker) => port.postMessage(m);
  port.on("message", async (m: ToWorker) => {
    try {
      if (m.cmd === "open") {
        // In batches, so the Worker is not asked to authenticate hundreds of requests at once.
        for (let i = 0; i < m.specs.length; i += 25) {
          const batch = m.specs.slice(i, i + 25).map((s) => new Subscriber(s));
          await Promise.all(batch.map((s) => s.open()));
          subs.push(...batch);
        }
        send({ type: "opened", count: subs.length });
      } else if (m.cmd === "collect") {
        const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
        while (!subs.every((s) => s.complete(m.from, m.to)) && Date.now() < deadline) await sleep(20);
        // A moment more, so late duplicates would be seen too.
        await sleep(200);
        send({ type: "collected", reports: subs.map((s) => s.report(m.from, m.to)) });
      } else if (m.cmd === "close") {
        for (const s of subs.splice(0)) s.close();
        send({ type: "closed" });
      }
    } catch (e) {
      send({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
}

/** The main thread's handle on a subscriber thread. */
class Subscribers {
  private readonly worker = new Worker(fileURLToPath(import.meta.url), { workerData: { subscribers: true } });

  private ask(m: ToWorker): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      const onMessage = (r: FromWorker) => {
        this.worker.off("message", onMessage);
        this.worker.off("error", reject);
        if (r.type === "error") reject(new Error(`subscriber thread: ${r.message}`));
        else resolve(r);
      };
      this.worker.on("message", onMessage);
      this.worker.once("error", reject);
      this.worker.postMessage(m);
    });
  }

  async open(specs: SubscriberSpec[]) {
    await this.ask({ cmd: "open", specs });
  }

  async collect(from: number, to: number): Promise<SubscriberReport[]> {
    const r = await this.ask({ cmd: "collect", from, to });
    if (r.type !== "collected") throw new Error(`unexpected reply ${r.type}`);
    return r.reports;
  }

  async close() {
    await this.ask({ cmd: "close" });
  }

  async stop() {
    await this.worker.terminate();
  }
}

// ---- main thread -----------------------------------------------------------------------------

const log = benchLog("bench:channels");

type Person = Joined;

function headers(token: string, workspace: string, json = false): Record<string, string> {
  return { authorization: `Bearer ${token}`, "x-workspace-id": workspace, ...(json ? { "content-type": "application/json" } : {}) };
}

interface Posted {
  seq: number;
  sentAt: number;
  respondedAt: number;
}

async function postMessage(api: string, who: Person, workspace: string, slug: string, content: string): Promise<Posted> {
  const sentAt = now();
  const res = await fetch(`${api}/api/v1/channels/${slug}/messages`, {
    method: "POST",
    headers: headers(who.token, workspace, true),
    body: JSON.stringify({ content }),
  });
  const text = await res.text();
  const respondedAt = now();
  if (res.status !== 201) throw new Error(`POST message: HTTP ${res.status}: ${text}`);
  return { seq: (JSON.parse(text) as { seq: number }).seq, sentAt, respondedAt };
}

interface LatencyStats extends Stats {
  p99: number;
}

function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { ...stats(samples), p99: round(percentile(sorted, 99)) };
}

/** One delivery run: post MESSAGES messages one by one, then collect what every subscriber got. */
async function deliveryRun(api: string, subs: Subscribers, poster: Person, workspace: string, slug: string, label: string) {
  log(`${label}: posting ${MESSAGES} messages one after the other`);
  const posted: Posted[] = [];
  for (let i = 0; i < MESSAGES; i++)
    posted.push(await postMessage(api, poster, workspace, slug, `${label} message ${i + 1} ${randomUUID()}`));
  const from = posted[0]?.seq ?? 0;
  const to = posted.at(-1)?.seq ?? 0;
  const reports = await subs.collect(from, to);
  const fromResponse: number[] = [];
  const fromRequest: number[] = [];
  const fromCommit: number[] = [];
  const byKind: Record<string, number[]> = { sse: [], ws: [] };
  for (const r of reports) {
    r.arrivals.forEach((t, i) => {
      const p = posted[i];
      if (!p || Number.isNaN(t)) return;
      fromResponse.push(t - p.respondedAt);
      fromRequest.push(t - p.sentAt);
      fromCommit.push(t - (r.created[i] as number));
      byKind[r.kind]?.push(t - (r.created[i] as number));
    });
  }
  const sum = (f: (r: SubscriberReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  return {
    subscribers: reports.length,
    sse: reports.filter((r) => r.kind === "sse").length,
    ws: reports.filter((r) => r.kind === "ws").length,
    deliveries: fromResponse.length,
    expectedDeliveries: reports.length * MESSAGES,
    lost: sum((r) => r.lost),
    duplicated: sum((r) => r.duplicated),
    reordered: sum((r) => r.reordered),
    subscribersWithIdsOutOfOrder: reports.filter((r) => !r.idsInOrder).length,
    endedEarly: [...new Set(reports.map((r) => r.ended).filter((e): e is string => e !== null))],
    post: latencyStats(posted.map((p) => p.respondedAt - p.sentAt)),
    latencyFromResponse: latencyStats(fromResponse),
    latencyFromRequest: latencyStats(fromRequest),
    latencyFromCommit: latencyStats(fromCommit),
    latencyFromCommitByKind: {
      sse: byKind.sse?.length ? latencyStats(byKind.sse) : null,
      ws: byKind.ws?.length ? latencyStats(byKind.ws) : null,
    },
    lastRoomId: Math.max(0, ...reports.map((r) => r.lastId)),
  };
}

/** The statement POST …/messages runs to assign the seq and insert (src/modules/channels/service/messages.ts). */
const INSERT_SQL = `
  WITH ch AS (
    UPDATE channels SET last_message_seq = last_message_seq + 1, last_message_at = now()
    WHERE id = $2 RETURNING last_message_seq
  )
  INSERT INTO messages (id, channel_id, seq, author_member_id, content, kind, parent_id, mentions, attachments)
  SELECT $1, $2, ch.last_message_seq, $3, $4, 'message', NULL, '[]'::jsonb, '[]'::jsonb FROM ch
  RETURNING *, (
    SELECT coalesce(json_agg(cm.member_id), '[]'::json) FROM channel_members cm
    WHERE cm.channel_id = $2 AND cm.is_starred AND NOT cm.is_muted AND cm.member_id <> $3
  ) AS followers`;

async function postingComparison(
  api: string,
  owner: Person,
  workspace: string,
  slug: string,
  channelId: string,
  tenantUrl: string,
  proxy: string,
) {
  const client = new pg.Client({ connectionString: tenantUrl });
  await client.connect();
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = "password"; // as src/platform/db configureDriver
  neonConfig.pipelineTLS = false;
  neonConfig.coalesceWrites = false;
  neonConfig.webSocketConstructor = WebSocket;
  let i = 0;
  const kinds: Record<string, () => Promise<number>> = {
    post: async () => {
      const p = await postMessage(api, owner, workspace, slug, `timed ${i++}`);
      return p.respondedAt - p.sentAt;
    },
    rawInsert: async () => {
      const t0 = now();
      await client.query(INSERT_SQL, [randomUUID(), channelId, owner.memberId, `raw ${i++}`]);
      return now() - t0;
    },
    neonInsertNewConnection: async () => {
      const t0 = now();
      const pool = new NeonPool({ connectionString: tenantUrl, max: 1 });
      await pool.query(INSERT_SQL, [randomUUID(), channelId, owner.memberId, `neon ${i++}`]);
      const ms = now() - t0;
      await pool.end();
      return ms;
    },
    // The same driver path as the POST, minus its work: a Worker request that resolves the
    // workspace (control DB), opens the tenant database and runs one query there.
    tenantRead: async () => {
      const t0 = now();
      const res = await fetch(`${api}/api/v1/members/me`, { headers: headers(owner.token, workspace) });
      await res.text();
      if (res.status !== 200) throw new Error(`GET /members/me: HTTP ${res.status}`);
      return now() - t0;
    },
    health: async () => {
      const t0 = now();
      const res = await fetch(`${api}/health`);
      await res.text();
      if (res.status !== 200) throw new Error(`GET /health: HTTP ${res.status}`);
      return now() - t0;
    },
  };
  const names = Object.keys(kinds);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  try {
    for (let w = 0; w < WARMUP; w++) for (const k of names) await kinds[k]?.();
    for (let r = 0; r < N; r++) {
      // Rotate which kind goes first, so no kind always follows the same neighbour.
      for (let j = 0; j < names.length; j++) {
        const k = names[(r + j) % names.length] as string;
        samples[k]?.push(await (kinds[k] as () => Promise<number>)());
      }
    }
  } finally {
    await client.end();
  }
  const post = latencyStats(samples.post ?? []);
  const rawInsert = latencyStats(samples.rawInsert ?? []);
  const neonInsertNewConnection = latencyStats(samples.neonInsertNewConnection ?? []);
  const health = latencyStats(samples.health ?? []);
  const tenantRead = latencyStats(samples.tenantRead ?? []);
  return {
    post,
    rawInsert,
    neonInsertNewConnection,
    health,
    tenantRead,
    ratio: {
      postVsTenantReadP50: round(post.p50 / tenantRead.p50),
      postVsRawInsertP50: round(post.p50 / rawInsert.p50),
      postVsNeonInsertNewConnectionP50: round(post.p50 / neonInsertNewConnection.p50),
      postVsHealthP50: round(post.p50 / health.p50),
      postMinusHealthP50Ms: round(post.p50 - health.p50),
    },
  };
}

async function main() {
  if (PIN) {
    pinTo(0, true); // before the stack starts: postgres and wrangler inherit CPU 0
    log("pinned: server side on CPU 0, subscribers on CPU 1");
  }
  const { stack, api, tenantUrl } = await startBenchStack({ log, prefix: "atrium-bench-channels-" });

  const signedUp = await signUp(api, { email: `bench-chan-${RUN_ID}@example.com`, full_name: "Bench Owner", company_name: "Bench Chan" });
  const workspace = signedUp.workspace.id;
  const ownerMe = await fetchJson<{ id: string }>(`${api}/api/v1/members/me`, { headers: headers(signedUp.access_token, workspace) });
  const owner: Person = { token: signedUp.access_token, memberId: ownerMe.id };
  log(`joining ${USERS + 1} members`);
  const people: Person[] = [];
  const control = new pg.Client({ connectionString: stack.controlUrl });
  await control.connect();
  try {
    for (let i = 0; i <= USERS; i++)
      people.push(
        await joinWorkspace(api, control, {
          ownerToken: owner.token,
          workspace,
          email: `bench-chan-${RUN_ID}-${i}@example.com`,
          fullName: `Bench Member ${i}`,
        }),
      );
  } finally {
    await control.end();
  }
  // Sessions are limited per user: the second delivery run posts as its own member.
  const poster = people.pop() as Person;
  const createChannel = (name: string) =>
    fetchJson<{ id: string; slug: string }>(`${api}/api/v1/channels`, {
      method: "POST",
      headers: headers(owner.token, workspace, true),
      body: JSON.stringify({ name, member_ids: [...people, poster].map((p) => p.memberId) }),
      expected: 201,
    });
  const channel = await createChannel(`Fan-out ${RUN_ID}`);

  const wsBase = api.replace(/^http/, "ws");
  const spec = (kind: "sse" | "ws", who: Person, since: number): SubscriberSpec => ({
    kind,
    url: `${kind === "sse" ? api : wsBase}/api/v1/channels/${channel.slug}/${kind === "sse" ? "stream" : "ws"}?since=${since}`,
    headers: headers(who.token, workspace),
  });

  const subs = new Subscribers();
  onCleanup("subscriber thread", () => subs.stop());

  log("delivery run 1: a single SSE subscriber");
  await subs.open([spec("sse", people[0] as Person, 0)]);
  const single = await deliveryRun(api, subs, owner, workspace, channel.slug, "single");
  await subs.close();

  const wsCount = Math.round(SUBSCRIBERS * WS_SHARE);
  log(
    `delivery run 2: opening ${SUBSCRIBERS} subscribers (${SUBSCRIBERS - wsCount} SSE, ${wsCount} WebSocket) over ${people.length} members`,
  );
  const specs: SubscriberSpec[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    // Alternate kinds until one runs out, so both are spread over the members.
    const kind =
      i % 2 === 1 && specs.filter((s) => s.kind === "ws").length < wsCount
        ? "ws"
        : specs.filter((s) => s.kind === "sse").length < SUBSCRIBERS - wsCount
          ? "sse"
          : "ws";
    specs.push(spec(kind, people[i % people.length] as Person, single.lastRoomId));
  }
  const opening = performance.now();
  await subs.open(specs);
  log(`opened in ${Math.round(performance.now() - opening)} ms; letting presence events settle`);
  await sleep(1000);
  const fanout = await deliveryRun(api, subs, poster, workspace, channel.slug, "fanout");
  await subs.close();

  log(`posting: POST …/messages vs the same INSERT straight to the tenant database vs GET /health (${WARMUP} warm-up + ${N} each)`);
  const quiet = await createChannel(`Posting ${RUN_ID}`);
  const posting = await postingComparison(
    api,
    owner,
    workspace,
    quiet.slug,
    quiet.id,
    tenantUrl(workspace),
    `127.0.0.1:${stack.proxyPort}`,
  );

  // From the 201 the event often arrives first (negative: the Worker publishes before it closes
  // its connections and answers), so that ratio is only defined while the single p99 is positive.
  // The goal is judged on delivery from the message's commit (created_at), which is always defined.
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : Number.NaN);
  const p99Ratio = {
    fromCommit: ratio(fanout.latencyFromCommit.p99, single.latencyFromCommit.p99),
    fromResponse: ratio(fanout.latencyFromResponse.p99, single.latencyFromResponse.p99),
    fromRequest: ratio(fanout.latencyFromRequest.p99, single.latencyFromRequest.p99),
  };
  const broken = (d: typeof fanout) => d.lost + d.duplicated + d.reordered + d.subscribersWithIdsOutOfOrder;
  const results = {
    timestamp: new Date().toISOString(),
    config: { subscribers: SUBSCRIBERS, wsShare: WS_SHARE, users: USERS, messages: MESSAGES, n: N, warmup: WARMUP, node: process.version },
    delivery: {
      single,
      fanout,
      p99Ratio,
      goal: `fan-out p99 <= ${GOAL_FANOUT_P99}x single-subscriber p99 (delivery from the message's commit)`,
      goalMet: Number.isFinite(p99Ratio.fromCommit) && p99Ratio.fromCommit <= GOAL_FANOUT_P99,
      intact: broken(fanout) + broken(single) === 0,
    },
    posting: {
      ...posting,
      goal: `POST p50 <= ${GOAL_POST_VS_INSERT}x raw INSERT p50`,
      goalMet: posting.ratio.postVsRawInsertP50 <= GOAL_POST_VS_INSERT,
    },
  };

  const row = (name: string, s: Stats & { p99?: number }) =>
    `  ${name.padEnd(46)}${String(s.n).padStart(7)}${fmt(s.p50).padStart(10)}${fmt(s.p95).padStart(10)}${fmt(s.p99 ?? Number.NaN).padStart(10)}${fmt(s.max).padStart(10)}`;
  const header = (title: string) =>
    console.log(
      `\n  ${title.padEnd(46)}${"n".padStart(7)}${"p50".padStart(10)}${"p95".padStart(10)}${"p99".padStart(10)}${"max".padStart(10)}`,
    );
  header("delivery (ms)");
  for (const [label, d] of [
    ["1 subscriber", single],
    [`${fanout.subscribers} subscribers`, fanout],
  ] as const) {
    console.log(row(`${label}: commit → event`, d.latencyFromCommit));
    console.log(row(`${label}: POST 201 → event`, d.latencyFromResponse));
    console.log(row(`${label}: POST start → event`, d.latencyFromRequest));
  }
  if (fanout.latencyFromCommitByKind.sse) console.log(row(`  commit → event, SSE (${fanout.sse})`, fanout.latencyFromCommitByKind.sse));
  if (fanout.latencyFromCommitByKind.ws) console.log(row(`  commit → event, WebSocket (${fanout.ws})`, fanout.latencyFromCommitByKind.ws));
  console.log(row("POST …/messages while 1 subscriber", single.post));
  console.log(row(`POST …/messages while ${fanout.subscribers} subscribers`, fanout.post));
  console.log(
    `  p99 ratio ${fanout.subscribers}/1: ${fmt(p99Ratio.fromCommit)} from the commit ` +
      `(goal <= ${GOAL_FANOUT_P99}: ${results.delivery.goalMet ? "met" : "NOT met"}), ${fmt(p99Ratio.fromResponse)} from the 201, ` +
      `${fmt(p99Ratio.fromRequest)} from the POST's start`,
  );
  console.log(
    `  deliveries ${fanout.deliveries}/${fanout.expectedDeliveries}: lost ${fanout.lost}, duplicated ${fanout.duplicated}, ` +
      `reordered ${fanout.reordered}, subscribers with room ids out of order ${fanout.subscribersWithIdsOutOfOrder} — ` +
      `${results.delivery.intact ? "intact" : "NOT intact"}`,
  );
  header("posting (ms)");
  console.log(row("POST …/messages → 201", posting.post));
  console.log(row("raw INSERT (pg, persistent connection)", posting.rawInsert));
  console.log(row("same INSERT, Neon driver, new connection", posting.neonInsertNewConnection));
  console.log(row("GET /health (Worker baseline)", posting.health));
  console.log(row("GET /members/me (tenant path)", posting.tenantRead));
  const r = posting.ratio;
  console.log(
    `  POST p50 / raw INSERT ${fmt(r.postVsRawInsertP50)} (goal <= ${GOAL_POST_VS_INSERT}: ${results.posting.goalMet ? "met" : "NOT met"}), ` +
      `/ Neon new-connection INSERT ${fmt(r.postVsNeonInsertNewConnectionP50)}, / health ${fmt(r.postVsHealthP50)}, / tenant read ${fmt(r.postVsTenantReadP50)} ` +
      `(POST − health p50 ${fmt(r.postMinusHealthP50Ms)} ms)\n`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${RESULTS}`);
  if (!results.delivery.intact) throw new Error("events were lost, duplicated or reordered");
}

if (!isMainThread && (workerData as { subscribers?: boolean } | null)?.subscribers) {
  runSubscriberThread();
} else {
  await runBench(log, main);
}
