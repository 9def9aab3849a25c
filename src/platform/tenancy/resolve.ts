import { and, eq } from "drizzle-orm";
import { tenantMigrations } from "../../../migrations/tenant";
import type { ServiceContext, WorkspaceScope } from "../context";
import { latestMigration } from "../db/migrator";
import { ServiceError } from "../errors";
import { tenantDatabases, workspaceMembers, workspaces } from "../identity/tables";
import { isUuid } from "../ids";
import { tenantConnectionString } from "./connection";

/** The tenant schema this build of the Worker expects (the last bundled tenant migration). */
export const TENANT_SCHEMA_VERSION = latestMigration(tenantMigrations) ?? null;

/**
 * Whether a tenant database recorded at `version` lacks migrations this build bundles.
 * Migration names start with a zero-padded sequence number, so they order as strings. A version
 * ahead of the bundle (a newer deployment migrated it first) is not behind: migrating could not help.
 */
export function isSchemaBehind(version: string | null): boolean {
  if (TENANT_SCHEMA_VERSION === null) return false;
  return version === null || version < TENANT_SCHEMA_VERSION;
}

export interface ResolveOptions {
  /**
   * Bind the tenant database even when its schema is behind. Only for the Workspace Health
   * routes, which report that state and run the migration; everything else gets 503.
   */
  allowOutdatedSchema?: boolean;
}

/**
 * Binds `ctx.db` to the workspace's own database, for a user who is an active member.
 * Anything else (unknown id, not a member, pending invite) is a 404: no existence oracle.
 * A database behind the bundled tenant schema is a 503 `migration_required` (read per request
 * from the registry, never cached, so a finished migration shows at once).
 */
export async function resolveWorkspace(
  ctx: ServiceContext,
  workspaceId: string,
  userId: string,
  opts: ResolveOptions = {},
): Promise<WorkspaceScope> {
  if (!isUuid(workspaceId)) throw new ServiceError("not_found", "Workspace not found");
  const [row] = await ctx.control
    .select({
      membershipId: workspaceMembers.id,
      role: workspaceMembers.role,
      memberStatus: workspaceMembers.status,
      workspaceStatus: workspaces.status,
      encrypted: tenantDatabases.connectionEncrypted,
      schemaVersion: tenantDatabases.schemaVersion,
    })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .leftJoin(tenantDatabases, eq(tenantDatabases.workspaceId, workspaceMembers.workspaceId))
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId)))
    .limit(1);
  if (row?.memberStatus !== "active") throw new ServiceError("not_found", "Workspace not found");
  if (row.workspaceStatus !== "active" || !row.encrypted) {
    throw new ServiceError("service_unavailable", "The workspace is still being provisioned", { retryable: true });
  }
  if (!opts.allowOutdatedSchema && isSchemaBehind(row.schemaVersion)) {
    throw new ServiceError(
      "migration_required",
      "The workspace database needs a migration; an admin can start it with POST /api/v1/workspace-health/migrate",
      { retryable: true },
    );
  }
  const scope: WorkspaceScope = { id: workspaceId, role: row.role, membershipId: row.membershipId };
  ctx.bindTenant(scope, await tenantConnectionString(ctx.env.ENCRYPTION_KEY, row.encrypted));
  return scope;
}
