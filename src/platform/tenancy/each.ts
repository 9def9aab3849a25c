import { eq } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { Connections, type Db } from "../db";
import { tenantDatabases, workspaces } from "../identity/tables";
import { tenantConnectionString } from "./connection";
import { isSchemaBehind } from "./resolve";

/** Workspaces whose tenant databases are worked on at the same time. */
const CONCURRENCY = 4;

/**
 * Cron work over every workspace: runs `fn` on each active workspace's tenant database, a few at
 * a time, each on its own connection closed as soon as it is done. Workspaces whose schema is
 * behind are skipped; one failing workspace is logged under `task` and does not stop the others.
 * Returns the sum of what `fn` returned (rows changed).
 */
export async function sumOverTenants(
  ctx: ServiceContext,
  task: string,
  fn: (db: Db, workspace: { id: string; name: string }) => Promise<number>,
): Promise<number> {
  const rows = await ctx.control
    .select({
      id: workspaces.id,
      name: workspaces.name,
      encrypted: tenantDatabases.connectionEncrypted,
      schemaVersion: tenantDatabases.schemaVersion,
    })
    .from(workspaces)
    .innerJoin(tenantDatabases, eq(tenantDatabases.workspaceId, workspaces.id))
    .where(eq(workspaces.status, "active"));
  const todo = rows.filter((r) => !isSchemaBehind(r.schemaVersion));
  let total = 0;
  const worker = async () => {
    for (let ws = todo.shift(); ws; ws = todo.shift()) {
      const conns = new Connections(ctx.env.DB_WS_PROXY);
      try {
        const db = conns.open(await tenantConnectionString(ctx.env.ENCRYPTION_KEY, ws.encrypted));
        total += await fn(db, { id: ws.id, name: ws.name });
      } catch (e) {
        console.error(
          JSON.stringify({ level: "error", msg: "cron task failed in a workspace", task, workspace_id: ws.id, error: String(e) }),
        );
      } finally {
        await conns.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
  return total;
}
