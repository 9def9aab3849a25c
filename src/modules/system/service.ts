import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";

export async function checkHealth(ctx: ServiceContext) {
  const started = Date.now();
  try {
    await ctx.control.execute(sql`SELECT 1`);
    return { status: "ok" as const, database: "ok" as const, latency_ms: Date.now() - started, environment: ctx.env.ENVIRONMENT };
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: "health check failed", error: String(e) }));
    return {
      status: "degraded" as const,
      database: "unreachable" as const,
      latency_ms: Date.now() - started,
      environment: ctx.env.ENVIRONMENT,
    };
  }
}
