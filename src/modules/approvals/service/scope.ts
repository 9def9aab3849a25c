import { and, eq } from "drizzle-orm";
import { createContext, type ServiceContext } from "../../../platform/context";
import { tenantDatabases, workspaces } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { tenantConnectionString } from "../../../platform/tenancy/connection";
import { isSchemaBehind } from "../../../platform/tenancy/resolve";

/** Active workspaces whose schema is current, with their tenant connection ciphertext. */
async function tenantRows(ctx: ServiceContext, workspaceId?: string) {
  const rows = await ctx.control
    .select({ id: workspaces.id, encrypted: tenantDatabases.connectionEncrypted, schemaVersion: tenantDatabases.schemaVersion })
    .from(workspaces)
    .innerJoin(tenantDatabases, eq(tenantDatabases.workspaceId, workspaces.id))
    .where(and(eq(workspaces.status, "active"), workspaceId ? eq(workspaces.id, workspaceId) : undefined));
  return rows.filter((r) => !isSchemaBehind(r.schemaVersion));
}

/**
 * Binds the anonymous request context of a signed link to the link's workspace (no member: the
 * approval verbs check the link's decider). False when the workspace is unknown or unavailable.
 */
export async function bindLinkWorkspace(ctx: ServiceContext, workspaceId: string): Promise<boolean> {
  if (!isUuid(workspaceId)) return false;
  if (ctx.workspace) return ctx.workspace.id === workspaceId;
  const [row] = await tenantRows(ctx, workspaceId);
  if (!row) return false;
  ctx.bindTenant({ id: row.id, role: "viewer", membershipId: "" }, await tenantConnectionString(ctx.env.ENCRYPTION_KEY, row.encrypted));
  return true;
}

/**
 * Cron work over every workspace, each in a full system context bound to it (so hooks that fork
 * or open approvals work as in a request), closed when done. A failing workspace is logged and
 * does not stop the others. Returns the sum of what `fn` returned.
 */
export async function forEachWorkspace(ctx: ServiceContext, task: string, fn: (wctx: ServiceContext) => Promise<number>): Promise<number> {
  let total = 0;
  for (const ws of await tenantRows(ctx)) {
    const wctx = createContext({ env: ctx.env, requestId: ctx.requestId, actor: { kind: "system", name: task }, waitUntil: ctx.waitUntil });
    try {
      wctx.bindTenant({ id: ws.id, role: "viewer", membershipId: "" }, await tenantConnectionString(ctx.env.ENCRYPTION_KEY, ws.encrypted));
      total += await fn(wctx);
    } catch (e) {
      console.error(
        JSON.stringify({ level: "error", msg: "cron task failed in a workspace", task, workspace_id: ws.id, error: String(e) }),
      );
    } finally {
      await wctx.connections.close();
    }
  }
  return total;
}
