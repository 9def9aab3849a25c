import { and, desc, eq, isNotNull, isNull, type SQL } from "drizzle-orm";
import { forgetApiKey, generateApiKey, requireApiKeyScope } from "../../platform/apikeys";
import { actorUserId, type ServiceContext } from "../../platform/context";
import { invalidField, ServiceError } from "../../platform/errors";
import { requirePermission } from "../permissions/service";
import { findKeyOrThrow, toApiKey } from "./internal";
import type { ApiKeyCreate, ApiKeyFilters, ApiKeyUpdate, ListApiKeysQuery } from "./schemas";
import { apiKeys } from "./tables";

/**
 * Every API-key endpoint: the can_manage_api_keys permission (admins and owners by default),
 * and, when the caller is itself an API key, the admin scope. Returns the workspace id.
 */
async function managed(ctx: ServiceContext): Promise<string> {
  requireApiKeyScope(ctx, "admin");
  await requirePermission(ctx, "can_manage_api_keys");
  if (!ctx.workspace) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  return ctx.workspace.id;
}

function filters(workspaceId: string, f: ApiKeyFilters): SQL | undefined {
  const where: SQL[] = [eq(apiKeys.workspaceId, workspaceId)];
  if (f.is_active !== undefined) where.push(eq(apiKeys.isActive, f.is_active));
  if (f.is_revoked !== undefined) where.push(f.is_revoked ? isNotNull(apiKeys.revokedAt) : isNull(apiKeys.revokedAt));
  return and(...where);
}

/** The workspace's keys, newest first; prefixes only. */
export async function listApiKeys(ctx: ServiceContext, q: ListApiKeysQuery) {
  const ws = await managed(ctx);
  const rows = await ctx.control
    .select()
    .from(apiKeys)
    .where(filters(ws, q))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .offset(q.skip)
    .limit(q.limit);
  const now = Date.now();
  return rows.map((r) => toApiKey(r, now));
}

export async function countApiKeys(ctx: ServiceContext, f: ApiKeyFilters) {
  const ws = await managed(ctx);
  return { count: await ctx.control.$count(apiKeys, filters(ws, f)) };
}

export async function getApiKey(ctx: ServiceContext, id: string) {
  const ws = await managed(ctx);
  return toApiKey(await findKeyOrThrow(ctx, id, ws));
}

/** A new key. The full key is in this response only; the database keeps its SHA-256. */
export async function createApiKey({ ctx, input }: { ctx: ServiceContext; input: ApiKeyCreate }) {
  const ws = await managed(ctx);
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw invalidField(["body", "expires_at"], "Must be in the future");
  const { key, prefix, hash } = await generateApiKey(input.mode);
  const [row] = await ctx.control
    .insert(apiKeys)
    .values({
      workspaceId: ws,
      createdByUserId: actorUserId(ctx),
      name: input.name,
      description: input.description ?? null,
      prefix,
      keyHash: hash,
      scopes: input.scopes,
      mode: input.mode,
      expiresAt,
      rateLimitPerMinute: input.rate_limit_per_minute ?? null,
    })
    .returning();
  if (!row) throw new ServiceError("internal_error", "The API key could not be created");
  return { ...toApiKey(row), key };
}

/** Revoked keys stop working at once (here; within seconds elsewhere) and are kept for audit. */
export async function revokeApiKey(ctx: ServiceContext, id: string) {
  const ws = await managed(ctx);
  const cur = await findKeyOrThrow(ctx, id, ws);
  forgetApiKey(cur.keyHash);
  if (cur.revokedAt) return toApiKey(cur);
  const [row] = await ctx.control
    .update(apiKeys)
    .set({ revokedAt: new Date(), revokedByUserId: actorUserId(ctx), isActive: false })
    .where(and(eq(apiKeys.id, cur.id), isNull(apiKeys.revokedAt)))
    .returning();
  return toApiKey(row ?? (await findKeyOrThrow(ctx, id, ws)));
}

/**
 * A new key with the same settings (name, description, scopes, mode, expiry, rate limit,
 * enabled state); the old one is revoked. The new key acts as the person who rotated it:
 * rotating someone else's key must not mint a secret with their (possibly higher) role.
 */
export async function rotateApiKey(ctx: ServiceContext, id: string) {
  const ws = await managed(ctx);
  const old = await findKeyOrThrow(ctx, id, ws);
  if (old.revokedAt) throw new ServiceError("conflict", "This API key is revoked; create a new key instead");
  const userId = actorUserId(ctx);
  const { key, prefix, hash } = await generateApiKey(old.mode);
  const row = await ctx.control.transaction(async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date(), revokedByUserId: userId, isActive: false })
      .where(and(eq(apiKeys.id, old.id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    // Two rotations at once: only the first one replaces the key.
    if (!revoked) throw new ServiceError("conflict", "This API key was revoked meanwhile");
    const [created] = await tx
      .insert(apiKeys)
      .values({
        workspaceId: ws,
        createdByUserId: userId,
        name: old.name,
        description: old.description,
        prefix,
        keyHash: hash,
        scopes: old.scopes,
        mode: old.mode,
        isActive: old.isActive,
        expiresAt: old.expiresAt,
        rateLimitPerMinute: old.rateLimitPerMinute,
        rotatedFromId: old.id,
      })
      .returning();
    return created;
  });
  forgetApiKey(old.keyHash);
  if (!row) throw new ServiceError("internal_error", "The API key could not be rotated");
  return { ...toApiKey(row), key };
}

const revokedConflict = () => new ServiceError("conflict", "A revoked API key cannot be re-enabled");

/** Enables a disabled key or disables an enabled one (a revoked key stays off). */
export async function toggleApiKey(ctx: ServiceContext, id: string) {
  const ws = await managed(ctx);
  const cur = await findKeyOrThrow(ctx, id, ws);
  if (cur.revokedAt) throw revokedConflict();
  const [row] = await ctx.control
    .update(apiKeys)
    .set({ isActive: !cur.isActive })
    .where(and(eq(apiKeys.id, cur.id), isNull(apiKeys.revokedAt)))
    .returning();
  forgetApiKey(cur.keyHash);
  if (!row) throw revokedConflict();
  return toApiKey(row);
}

/** Name, description, scopes, enabled state, rate limit. The key itself changes only by rotating. */
export async function updateApiKey({ ctx, id, input }: { ctx: ServiceContext; id: string; input: ApiKeyUpdate }) {
  const ws = await managed(ctx);
  const cur = await findKeyOrThrow(ctx, id, ws);
  if (cur.revokedAt && input.is_active === true) throw revokedConflict();
  const set: Partial<typeof apiKeys.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.description !== undefined) set.description = input.description;
  if (input.scopes !== undefined) set.scopes = input.scopes;
  if (input.is_active !== undefined) set.isActive = input.is_active;
  if (input.rate_limit_per_minute !== undefined) set.rateLimitPerMinute = input.rate_limit_per_minute;
  if (Object.keys(set).length === 0) return toApiKey(cur);
  // Re-enabling only while unrevoked, even if a revoke lands between the read and this write.
  const where = input.is_active ? and(eq(apiKeys.id, cur.id), isNull(apiKeys.revokedAt)) : eq(apiKeys.id, cur.id);
  const [row] = await ctx.control.update(apiKeys).set(set).where(where).returning();
  forgetApiKey(cur.keyHash);
  if (!row) throw revokedConflict();
  return toApiKey(row);
}

/** Removes the key for good (revoke keeps it for audit). */
export async function deleteApiKey(ctx: ServiceContext, id: string): Promise<void> {
  const ws = await managed(ctx);
  const cur = await findKeyOrThrow(ctx, id, ws);
  await ctx.control.delete(apiKeys).where(eq(apiKeys.id, cur.id));
  forgetApiKey(cur.keyHash);
}
