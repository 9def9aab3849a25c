import { eq } from "drizzle-orm";
import { createContext, type ServiceContext } from "../context";
import { ServiceError } from "../errors";
import { tenantDatabases } from "../identity/tables";
import { tenantConnectionString } from "../tenancy/connection";

export interface DetachedContext {
  ctx: ServiceContext;
  close(): Promise<void>;
}

/**
 * A context with its own database connections, for work that outlives the handler: the request
 * middleware closes the request's pools when the handler returns a (streaming) Response, but the
 * response body keeps the invocation alive. Open it before or while streaming; close it when done.
 * Same workspace, actor and request id; the workspace access was already checked.
 */
export async function detachContext(ctx: ServiceContext): Promise<DetachedContext> {
  const scope = ctx.workspace;
  if (!scope) throw new ServiceError("bad_request", "This needs a workspace (X-Workspace-Id header)");
  const d = createContext({ env: ctx.env, requestId: ctx.requestId, actor: ctx.actor, waitUntil: (p) => ctx.waitUntil(p) });
  try {
    const [row] = await d.control
      .select({ encrypted: tenantDatabases.connectionEncrypted })
      .from(tenantDatabases)
      .where(eq(tenantDatabases.workspaceId, scope.id))
      .limit(1);
    if (!row) throw new ServiceError("service_unavailable", "The workspace database is not ready", { retryable: true });
    d.bindTenant(scope, await tenantConnectionString(ctx.env.ENCRYPTION_KEY, row.encrypted));
  } catch (e) {
    await d.connections.close();
    throw e;
  }
  return { ctx: d, close: () => d.connections.close() };
}
