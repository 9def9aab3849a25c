import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";

/** A Drizzle database over one Neon `Pool`. Tables are imported where used, not registered. */
export type Db = NeonDatabase<Record<string, never>>;
/** A database or an open transaction on it. */
export type Tx = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

let proxyConfigured: string | undefined;
/**
 * Local Postgres has no Neon WebSocket endpoint, so the same driver goes through a small
 * WebSocket-to-TCP proxy (scripts/ws-proxy.ts). Global driver config, not a connection.
 */
export function configureDriver(wsProxy: string | undefined): void {
  if (!wsProxy || proxyConfigured === wsProxy) return;
  neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  // The local server takes the cleartext password on loopback (scripts/stack.ts), so startup and
  // password go in one flight, as against Neon; SCRAM would cost ~4k HMACs in JS per connection.
  neonConfig.pipelineConnect = "password";
  neonConfig.pipelineTLS = false;
  // Coalesced writes are flushed on a timer, after end() has already closed the WebSocket, so
  // the Terminate message is lost and the proxy sees a broken socket. Locally, close cleanly.
  neonConfig.coalesceWrites = false;
  proxyConfigured = wsProxy;
}

/**
 * The connections of one invocation (request, queue batch, DO call). Workers cannot share a
 * socket between requests, so pools never live at module scope; `close()` ends them all.
 */
export class Connections {
  private readonly pools: Pool[] = [];
  private closing = false;

  constructor(private readonly wsProxy: string | undefined) {}

  open(connectionString: string): Db {
    configureDriver(this.wsProxy);
    const pool = new Pool({ connectionString, max: 1 });
    // One connection per pool: a request's queries are short and mostly sequential, and every
    // extra WebSocket connection costs a handshake and counts against the runtime's limit.
    // Errors on idle sockets must not crash the isolate. The runtime may cancel an idle socket
    // when an invocation waits on too many connections; after close() such errors are expected.
    const report = (err: unknown) => {
      if (this.closing) return;
      const message = (err as { message?: string })?.message ?? String(err);
      // pg-pool drops the broken client and connects again on the next query.
      console.warn(JSON.stringify({ level: "warn", msg: "pg idle connection lost", error: message }));
    };
    pool.on("error", report);
    pool.on("connect", (client: { on(event: "error", f: (e: unknown) => void): void }) => client.on("error", report));
    this.pools.push(pool);
    return drizzle({ client: pool });
  }

  async close(): Promise<void> {
    this.closing = true;
    const pools = this.pools.splice(0);
    await Promise.allSettled(pools.map((p) => p.end()));
  }
}

/** Postgres unique violation, for turning races into clean 409s. */
export function isUniqueViolation(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    if (typeof cur === "object" && cur !== null && (cur as { code?: string }).code === "23505") return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
