import { and, eq } from "drizzle-orm";
import type { ServiceContext, WorkspaceScope } from "../context";
import { decryptSecret } from "../crypto";
import { ServiceError } from "../errors";
import { tenantDatabases, workspaceMembers, workspaces } from "../identity/tables";
import { isUuid } from "../ids";

// Decrypted connection strings, per isolate, briefly: saves an AES-GCM decrypt per request.
// Keyed by ciphertext, so a re-provisioned workspace never reuses a stale entry.
const CACHE_MS = 5 * 60_000;
const cache = new Map<string, { value: string; until: number }>();

async function connectionString(encryptionKey: string, ciphertext: string): Promise<string> {
  const hit = cache.get(ciphertext);
  if (hit && hit.until > Date.now()) return hit.value;
  const value = await decryptSecret(encryptionKey, ciphertext);
  if (cache.size > 1000) cache.clear();
  cache.set(ciphertext, { value, until: Date.now() + CACHE_MS });
  return value;
}

/**
 * Binds `ctx.db` to the workspace's own database, for a user who is an active member.
 * Anything else (unknown id, not a member, pending invite) is a 404: no existence oracle.
 */
export async function resolveWorkspace(ctx: ServiceContext, workspaceId: string, userId: string): Promise<WorkspaceScope> {
  if (!isUuid(workspaceId)) throw new ServiceError("not_found", "Workspace not found");
  const [row] = await ctx.control
    .select({
      membershipId: workspaceMembers.id,
      role: workspaceMembers.role,
      memberStatus: workspaceMembers.status,
      workspaceStatus: workspaces.status,
      encrypted: tenantDatabases.connectionEncrypted,
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
  const scope: WorkspaceScope = { id: workspaceId, role: row.role, membershipId: row.membershipId };
  ctx.bindTenant(scope, await connectionString(ctx.env.ENCRYPTION_KEY, row.encrypted));
  return scope;
}
