import { neonConfig, Pool } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";

/** A Drizzle database over one Neon `Pool`. Tables are imported where used, not registered. */
export type Db = NeonDatabase<Record<string, never>>;

let proxyConfigured: string | undefined;
/**
 * Local Postgres has no Neon WebSocket endpoint, so the same driver goes through a small
 * WebSocket-to-TCP proxy (scripts/ws-proxy.ts). Global driver config, not a connection.
 */
export function configureDriver(wsProxy: string | undefined): void {
  if (!wsProxy || proxyConfigured === wsProxy) return;
  neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
  proxyConfigured = wsProxy;
}

/**
 * The connections of one invocation (request, queue batch, DO call). Workers cannot share a
 * socket between requests, so pools never live at module scope; `close()` ends them all.
 */
export class Connections {
  private readonly pools: Pool[] = [];

  constructor(private readonly wsProxy: string | undefined) {}

  open(connectionString: string): Db {
    configureDriver(this.wsProxy);
    const pool = new Pool({ connectionString, max: 5 });
    // A dropped socket must not crash the isolate; the query that used it reports the error.
    pool.on("error", (err: unknown) => console.error(JSON.stringify({ level: "error", msg: "pg pool error", error: String(err) })));
    this.pools.push(pool);
    return drizzle({ client: pool });
  }

  async close(): Promise<void> {
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
