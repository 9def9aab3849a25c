// Helpers for the benchmarks: environment options, the run's life cycle (cleanups, Ctrl-C,
// failure report), the throwaway stack (PostgreSQL + proxy + model server + `wrangler dev`),
// timing and percentiles, and an SSE reader. Node only (never bundled into the Worker).
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { startAiServer } from "../scripts/ai-server.ts";
import { freePort, ROOT, type Stack, startThrowawayStack, throwawayDir } from "../scripts/stack.ts";
import { startStripeFake } from "../scripts/stripe-fake.ts";

export { freePort };

/** Integer environment variable `name`; `fallback` when unset or empty, an error when below `min`. */
export function intEnv(name: string, fallback: number, min: 0 | 1 = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a ${min === 0 ? "non-negative" : "positive"} integer, got "${raw}"`);
  return n;
}

/** Rounded to 0.01. */
export const round = (x: number) => Math.round(x * 100) / 100;
/** Two decimals, "-" for NaN and infinities. */
export const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");

/** A bench's progress lines: `[tag] msg`, the tag in magenta. */
export function benchLog(tag: string): (msg: string) => void {
  return (msg) => console.log(`\x1b[35m[${tag}]\x1b[0m ${msg}`);
}

// ---- the run: cleanups, signals, failure report ------------------------------------------------

const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
/** Output tails of the started `wrangler dev` instances: they explain most failures (e.g. a 500). */
const workerOutputs: (() => string)[] = [];
let runLog: (msg: string) => void = console.log;
let cleaningUp: Promise<void> | undefined;

/** Registers `fn` to run at the end, on a failure and on Ctrl-C; cleanups run in reverse order. */
export function onCleanup(name: string, fn: () => Promise<void> | void): void {
  cleanups.push({ name, fn });
}

function cleanup(): Promise<void> {
  cleaningUp ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c.fn();
        if (process.env.BENCH_DEBUG) runLog(`stopped ${c.name}`);
      } catch (e) {
        console.error(`[bench] cleanup of ${c.name} failed:`, e);
      }
    }
  })();
  return cleaningUp;
}

/**
 * Runs a bench's `main` and exits: 0 when it returns; 1 when it throws, after printing each
 * wrangler's output tail and the error; 130 on SIGINT/SIGTERM (what `main` throws once the stack
 * is being stopped is not reported). The cleanups run first in every case. BENCH_DEBUG set: each
 * cleanup step is logged.
 */
export async function runBench(log: (msg: string) => void, main: () => Promise<void>): Promise<never> {
  runLog = log;
  let stopping = false;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      stopping = true;
      log(`${sig}: stopping…`);
      void cleanup().then(() => process.exit(130));
    });
  }
  let exitCode = 0;
  try {
    await main();
  } catch (e) {
    exitCode = 1;
    if (!stopping) {
      for (const out of workerOutputs) console.error(`\n--- wrangler output (tail) ---\n${out()}\n---`);
      console.error("\n[bench] FAILED:", e);
    }
  } finally {
    await cleanup();
  }
  // Pools and sockets of the stopped stack must not keep the process alive.
  process.exit(stopping ? 130 : exitCode);
}

// ---- the throwaway stack -----------------------------------------------------------------------

/**
 * One attempt at removing `dir`; true once it is gone. On Ctrl-C postgres may still be writing
 * there (the terminal's SIGINT reaches it too): a recursive rmSync can then fail or return with
 * the tree still there, so callers retry after a pause.
 */
function tryRemove(dir: string): boolean {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // retried by the caller
  }
  return !existsSync(dir);
}

/** Removes `dir`: up to 20 attempts, 100 ms apart. */
async function removeTree(dir: string) {
  for (let i = 0; i < 20 && !tryRemove(dir); i++) await sleep(100);
  if (existsSync(dir)) throw new Error(`could not remove ${dir}`);
}

/** removeTree for an exit hook, where nothing async runs: the pauses block. */
function removeTreeSync(dir: string) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 20 && !tryRemove(dir); i++) Atomics.wait(pause, 0, 0, 100);
}

/**
 * A copy of the Worker's sources in `dir`/app for `wrangler dev` to run: it rebuilds and reloads
 * on every change under its directory, which would cut a run short (streams included) while
 * someone edits the project.
 */
function snapshotApp(dir: string): string {
  const app = join(dir, "app");
  for (const entry of [
    "src",
    "durable-objects",
    "queues",
    "workflows",
    "migrations",
    "scripts",
    "wrangler.toml",
    "package.json",
    "tsconfig.json",
  ]) {
    cpSync(join(ROOT, entry), join(app, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"), "dir");
  return app;
}

export interface BenchStackOptions {
  log: (msg: string) => void;
  /** Name prefix of the throwaway directory, e.g. "atrium-bench-ai-". */
  prefix: string;
  /** Start the local model server (scripts/ai-server.ts) as OPENAI_BASE_URL (default true); false: an address nothing listens on. */
  ai?: boolean;
  /** Run wrangler on a copy of the sources (default true); false: in the project itself (ROOT). */
  snapshot?: boolean;
  /**
   * The `wrangler dev` instances, started one after the other with `vars` added to the stack's;
   * default one, unnamed. A named one is logged by name and keeps its state in wrangler-<name>.
   */
  workers?: { name?: string; vars?: Record<string, string>; args?: string[] }[];
}

export interface BenchStack {
  /** The throwaway directory (removed at the end). */
  dir: string;
  stack: Stack;
  /** The Worker's OPENAI_BASE_URL (…/v1). */
  aiUrl: string;
  /** wrangler's working directory: the snapshot, or ROOT. */
  app: string;
  /** One per `workers` entry, in order. */
  workers: Wrangler[];
  /** The first instance and its URL. */
  wrangler: Wrangler;
  api: string;
  /** The connection URL of a workspace's tenant database. */
  tenantUrl(workspaceId: string): string;
}

/**
 * Starts a throwaway stack for a bench: a temp directory (removed at cleanup, and on exit in case
 * an exit hook ends the process first), embedded PostgreSQL + WebSocket proxy with migrations, the
 * local model server unless `ai: false`, then `wrangler dev` on free ports. Everything started is
 * registered with onCleanup.
 */
export async function startBenchStack(opts: BenchStackOptions): Promise<BenchStack> {
  const { log } = opts;
  const started = performance.now();
  const dir = throwawayDir(opts.prefix);
  const removeOnExit = () => removeTreeSync(dir);
  process.once("exit", removeOnExit);
  onCleanup("temp dir", async () => {
    await removeTree(dir);
    process.off("exit", removeOnExit);
  });
  const stack = await startThrowawayStack(dir, log);
  onCleanup("stack", stack.stop);
  let aiUrl = "http://127.0.0.1:9/v1";
  if (opts.ai ?? true) {
    const ai = await startAiServer(0);
    onCleanup("model server", ai.close);
    aiUrl = `http://127.0.0.1:${ai.port}/v1`;
  }
  // Signups create a Stripe customer and Checkout session: the local fake answers them.
  const stripe = await startStripeFake(0);
  onCleanup("stripe fake", stripe.close);
  const app = (opts.snapshot ?? true) ? snapshotApp(dir) : ROOT;
  const workers: Wrangler[] = [];
  for (const { name, vars, args } of opts.workers ?? [{}]) {
    const port = await freePort();
    log(`starting wrangler dev${name ? ` (${name})` : ""} on 127.0.0.1:${port}`);
    const w = await startWrangler({
      cwd: app,
      port,
      vars: {
        DATABASE_URL: stack.controlUrl,
        DB_WS_PROXY: `127.0.0.1:${stack.proxyPort}`,
        OPENAI_BASE_URL: aiUrl,
        STRIPE_API_URL: stripe.url,
        API_URL: `http://127.0.0.1:${port}`,
        ...vars,
      },
      // Own inspector port and Durable Object state, so a running `npm run dev` is not disturbed.
      extraArgs: [
        "--inspector-port",
        String(await freePort()),
        "--persist-to",
        join(dir, name ? `wrangler-${name}` : "wrangler-state"),
        ...(args ?? []),
      ],
    });
    onCleanup(name ? `wrangler ${name}` : "wrangler", w.stop);
    workerOutputs.push(w.output);
    workers.push(w);
  }
  const wrangler = workers[0];
  if (!wrangler) throw new Error("startBenchStack: no workers");
  log(`stack ready in ${Math.round(performance.now() - started)} ms`);
  const tenantUrl = (workspaceId: string) => {
    const url = new URL(stack.controlUrl);
    url.pathname = `/ws_${workspaceId.replace(/-/g, "")}`;
    return url.toString();
  };
  return { dir, stack, aiUrl, app, workers, wrangler, api: wrangler.url, tenantUrl };
}

// ---- measuring ---------------------------------------------------------------------------------

/** Runs `fn` and returns its result with the elapsed wall time in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

/** Percentile `p` (0-100) of ascending `sorted`, linearly interpolated between closest ranks. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

/** Summary statistics in milliseconds, rounded to 0.01 ms. */
export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, x) => acc + x, 0);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
  };
}

/** fetch + JSON body; throws with the response text when the status is not `expected`. */
export async function fetchJson<T>(url: string, init: RequestInit & { expected?: number } = {}): Promise<T> {
  const { expected = 200, ...rest } = init;
  const res = await fetch(url, rest);
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${rest.method ?? "GET"} ${url}: HTTP ${res.status} (expected ${expected}): ${text}`);
  return JSON.parse(text) as T;
}

/** The password of every account a bench makes. */
export const BENCH_PASSWORD = "bench-password-123";

export interface SignedUp {
  access_token: string;
  workspace: { id: string };
}

/** POST /api/v1/auth/signup (expects 201): a new account with BENCH_PASSWORD and its workspace. */
export function signUp(
  api: string,
  who: { email: string; full_name: string; company_name: string },
  headers: Record<string, string> = {},
): Promise<SignedUp> {
  return fetchJson<SignedUp>(`${api}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ ...who, password: BENCH_PASSWORD }),
    expected: 201,
  });
}

/** One timed GET: status checked (200), body fully read (part of the measured time). */
export async function timedGet(url: string, headers: Record<string, string> = {}): Promise<number> {
  const { ms, result } = await timed(async () => {
    const res = await fetch(url, { headers });
    return { status: res.status, body: await res.text() };
  });
  if (result.status !== 200) throw new Error(`GET ${url}: HTTP ${result.status}: ${result.body}`);
  return ms;
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Reads a Server-Sent Events stream and yields each event that carries data (comments such
 * as heartbeats and `retry:` lines are skipped). Breaking out of the loop cancels the request.
 */
export async function* readSse(url: string, init: RequestInit = {}): AsyncGenerator<SseEvent> {
  const controller = new AbortController();
  const signal = init.signal ? AbortSignal.any([controller.signal, init.signal]) : controller.signal;
  const res = await fetch(url, { ...init, headers: { accept: "text/event-stream", ...init.headers }, signal });
  if (res.status !== 200 || !res.body) throw new Error(`GET ${url}: HTTP ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
      for (let end = buf.indexOf("\n\n"); end !== -1; end = buf.indexOf("\n\n")) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const ev: SseEvent = { data: "" };
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line === "" || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon === -1 ? line : line.slice(0, colon);
          const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "data") data.push(value);
          else if (field === "id") ev.id = value;
          else if (field === "event") ev.event = value;
        }
        if (data.length === 0) continue;
        ev.data = data.join("\n");
        yield ev;
      }
    }
  } finally {
    controller.abort();
  }
}

// ---- wrangler dev --------------------------------------------------------------------------------

export interface Wrangler {
  url: string;
  /** The last 200 lines wrangler printed (stdout and stderr), for error reports. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `npx wrangler dev` on `port` with `vars` as `--var` bindings and resolves once it
 * prints "Ready on". It runs in its own process group so that stopping it also ends the
 * wrangler and workerd processes under npx. Output is kept (last 200 lines) for error reports.
 */
export function startWrangler(opts: {
  cwd: string;
  port: number;
  vars: Record<string, string>;
  extraArgs?: string[];
  timeoutMs?: number;
}): Promise<Wrangler> {
  const args = ["wrangler", "dev", "--port", String(opts.port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(opts.vars)) args.push("--var", `${k}:${v}`);
  args.push(...(opts.extraArgs ?? []));
  const child = spawn("npx", args, {
    cwd: opts.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString().split("\n"));
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stderr?.on("data", keep);

  // Last resort if this process exits before stop() has finished: never leave wrangler/workerd orphaned.
  const killNow = () => signalGroup(child, "SIGKILL");
  process.once("exit", killNow);
  const stop = async () => {
    await killGroup(child);
    process.off("exit", killNow);
  };
  return new Promise((resolve, reject) => {
    const fail = (msg: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${msg}\n--- wrangler output (tail) ---\n${tail.join("\n")}`)));
    };
    const timer = setTimeout(() => fail(`wrangler dev did not get ready in ${opts.timeoutMs ?? 60_000} ms`), opts.timeoutMs ?? 60_000);
    let ready = false;
    child.stdout?.on("data", (chunk: Buffer) => {
      keep(chunk);
      if (!ready && /Ready on/i.test(tail.join("\n"))) {
        ready = true;
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${opts.port}`, output: () => tail.join("\n"), stop });
      }
    });
    child.once("error", (e) => fail(`could not spawn wrangler: ${e.message}`));
    child.once("exit", (code, signal) => {
      if (!ready) fail(`wrangler dev exited early (code ${code}, signal ${signal})`);
    });
  });
}

/** Sends `sig` to the child's whole process group (it was spawned detached, so pgid = pid). */
function signalGroup(child: ChildProcess, sig: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // the group is already gone
  }
}

/** SIGINT to the child's process group, SIGKILL after 5 s; resolves when the child has exited. */
async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  signalGroup(child, "SIGINT");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
  // workerd may outlive npx briefly; make sure nothing of the group is left.
  signalGroup(child, "SIGKILL");
}

export interface Joined {
  token: string;
  memberId: string;
}

/**
 * A new member of `workspace` with `role`: invited by email, then accepted with a first password
 * using the token from the invitation email (read from the control database's outbox, i.e. the
 * invitee's mailbox). `control` is any client with a `query` on the control database.
 */
export async function joinWorkspace(
  api: string,
  control: { query<R>(text: string, params: unknown[]): Promise<{ rows: R[] }> },
  opts: { ownerToken: string; workspace: string; email: string; fullName: string; role?: "member" | "viewer" | "admin" },
): Promise<Joined> {
  const auth = { authorization: `Bearer ${opts.ownerToken}`, "x-workspace-id": opts.workspace, "content-type": "application/json" };
  await fetchJson(`${api}/api/v1/workspaces/${opts.workspace}/invite`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ email: opts.email, role: opts.role ?? "member" }),
    expected: 201,
  });
  const mail = await control.query<{ token: string }>(
    "SELECT data->>'token' AS token FROM email_outbox WHERE to_address = $1 AND template = 'invitation' ORDER BY created_at DESC LIMIT 1",
    [opts.email],
  );
  const token = mail.rows[0]?.token;
  if (!token) throw new Error(`no invitation email for ${opts.email}`);
  const accepted = await fetchJson<{ access_token: string }>(`${api}/api/v1/workspaces/invitations/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, password: BENCH_PASSWORD, full_name: opts.fullName }),
  });
  const me = await fetchJson<{ id: string }>(`${api}/api/v1/members/me`, {
    headers: { authorization: `Bearer ${accepted.access_token}`, "x-workspace-id": opts.workspace },
  });
  return { token: accepted.access_token, memberId: me.id };
}
