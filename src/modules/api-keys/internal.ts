import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { ApiKeyRecord, ApiKeyStore } from "../../platform/apikeys";
import type { ServiceContext } from "../../platform/context";
import { Connections } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { users, workspaceMembers, workspaces } from "../../platform/identity/tables";
import { isUuid } from "../../platform/ids";
import { iso } from "../../platform/openapi";
import { apiKeys } from "./tables";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Row → API object. Never includes the key or its hash. */
export function toApiKey(k: ApiKeyRow, now = Date.now()) {
  return {
    id: k.id,
    name: k.name,
    description: k.description,
    prefix: k.prefix,
    scopes: k.scopes,
    mode: k.mode,
    is_active: k.isActive,
    is_revoked: k.revokedAt !== null,
    is_expired: k.expiresAt !== null && k.expiresAt.getTime() <= now,
    rate_limit_per_minute: k.rateLimitPerMinute,
    expires_at: iso(k.expiresAt),
    last_used_at: iso(k.lastUsedAt),
    revoked_at: iso(k.revokedAt),
    revoked_by_user_id: k.revokedByUserId,
    rotated_from_id: k.rotatedFromId,
    created_by_user_id: k.createdByUserId,
    created_at: k.createdAt.toISOString(),
    updated_at: k.updatedAt.toISOString(),
  };
}

/** A key of the bound workspace, or 404 (another workspace's key is not found either). */
export async function findKeyOrThrow(ctx: ServiceContext, id: string, workspaceId: string): Promise<ApiKeyRow> {
  if (!isUuid(id)) throw notFound("API key");
  const [row] = await ctx.control
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, workspaceId)))
    .limit(1);
  if (!row) throw notFound("API key");
  return row;
}

/** The lookups the auth middleware uses (registered in index.ts). */
export const apiKeyStore: ApiKeyStore = {
  async findByHash(ctx, hash): Promise<ApiKeyRecord | null> {
    const [r] = await ctx.control
      .select({
        k: apiKeys,
        plan: workspaces.plan,
        ownerActive: users.isActive,
        memberRole: workspaceMembers.role,
        membershipId: workspaceMembers.id,
      })
      .from(apiKeys)
      .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
      .innerJoin(users, eq(users.id, apiKeys.createdByUserId))
      .leftJoin(
        workspaceMembers,
        and(
          eq(workspaceMembers.workspaceId, apiKeys.workspaceId),
          eq(workspaceMembers.userId, apiKeys.createdByUserId),
          eq(workspaceMembers.status, "active"),
        ),
      )
      .where(eq(apiKeys.keyHash, hash))
      .limit(1);
    if (!r) return null;
    const k = r.k;
    return {
      id: k.id,
      workspaceId: k.workspaceId,
      userId: k.createdByUserId,
      scopes: k.scopes,
      mode: k.mode,
      isActive: k.isActive,
      revokedAt: k.revokedAt?.getTime() ?? null,
      expiresAt: k.expiresAt?.getTime() ?? null,
      lastUsedAt: k.lastUsedAt?.getTime() ?? null,
      rateLimitPerMinute: k.rateLimitPerMinute,
      plan: r.plan,
      ownerActive: r.ownerActive,
      membership: r.memberRole && r.membershipId ? [r.memberRole, r.membershipId] : null,
    };
  },

  // After the response: the request's own pools are closed by then, so this opens (and ends)
  // its own connection. Once a minute per key and isolate at most (see verifyApiKey).
  async markUsed(env, keyId, at) {
    const conns = new Connections(env.DB_WS_PROXY);
    try {
      // updated_at keeps tracking changes people make, not usage (it has $onUpdate otherwise).
      // Other isolates may have just written it: skip when it is less than a minute old.
      await conns
        .open(env.DATABASE_URL)
        .update(apiKeys)
        .set({ lastUsedAt: at, updatedAt: sql`${apiKeys.updatedAt}` })
        .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(at.getTime() - 60_000)))));
    } finally {
      await conns.close();
    }
  },
};
