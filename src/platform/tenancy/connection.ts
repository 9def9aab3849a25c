import { eq } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { decryptSecret } from "../crypto";
import type { Db } from "../db";
import { ServiceError } from "../errors";
import { tenantDatabases } from "../identity/tables";

/**
 * A workspace's database other than the request's bound one (accepting an invitation,
 * staff provisioning, cross-workspace clean-up). No membership check: callers decide access.
 * The connection belongs to the invocation and closes with it.
 */
export async function openTenantDb(ctx: ServiceContext, workspaceId: string): Promise<Db> {
  if (ctx.workspace?.id === workspaceId) return ctx.db;
  const [row] = await ctx.control
    .select({ encrypted: tenantDatabases.connectionEncrypted })
    .from(tenantDatabases)
    .where(eq(tenantDatabases.workspaceId, workspaceId))
    .limit(1);
  if (!row) throw new ServiceError("service_unavailable", "The workspace database is not ready", { retryable: true });
  return ctx.connections.open(await decryptSecret(ctx.env.ENCRYPTION_KEY, row.encrypted));
}
