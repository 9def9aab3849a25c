import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { decryptSecret, encryptSecret } from "../../platform/crypto";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { iso } from "../../platform/openapi";
import { notify } from "../notifications/service";
import { type IntegrationDef, integrationDef } from "./catalogue";
import { ProviderAuthError } from "./http";
import { refreshTokens, type TokenSet } from "./oauth";
import { type integrationRuns, integrations } from "./tables";

export type IntegrationRow = typeof integrations.$inferSelect;
export type RunRow = typeof integrationRuns.$inferSelect;

export const SYNC_MESSAGE = "integration.sync";
/** Refresh an access token this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export function defOf(row: { type: string }): IntegrationDef {
  const d = integrationDef(row.type);
  if (!d) throw new ServiceError("internal_error", `Unknown integration type ${row.type}`);
  return d;
}

export async function getIntegrationOrThrow(ctx: ServiceContext, id: string): Promise<IntegrationRow> {
  if (!isUuid(id)) throw new ServiceError("not_found", "Integration not found");
  const [row] = await ctx.db.select().from(integrations).where(eq(integrations.id, id)).limit(1);
  if (!row) throw new ServiceError("not_found", "Integration not found");
  return row;
}

export async function getIntegrationByType(ctx: ServiceContext, type: string): Promise<IntegrationRow | undefined> {
  const [row] = await ctx.db.select().from(integrations).where(eq(integrations.type, type)).limit(1);
  return row;
}

/** API shape of an integration. Tokens never leave: only whether there are any and when they expire. */
export function toIntegrationJson(r: IntegrationRow) {
  const d = integrationDef(r.type);
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    category: d?.category ?? null,
    status: r.status,
    is_active: r.isActive,
    auth_type: r.authType,
    account_id: r.accountId,
    account_name: r.accountName,
    settings: r.settings,
    scopes: r.scopes,
    has_credentials: r.accessTokenEncrypted !== null,
    token_expires_at: iso(r.tokenExpiresAt),
    last_sync_at: iso(r.lastSyncAt),
    last_sync_status: r.lastSyncStatus,
    last_error: r.lastError,
    created_by_member_id: r.createdByMemberId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export function toRunJson(r: RunRow) {
  return {
    run_id: r.id,
    integration_id: r.integrationId,
    status: r.status,
    progress: r.progress,
    current_step: r.currentStep,
    records_synced: r.recordsSynced,
    pages_synced: r.pagesSynced,
    cursor: r.cursor,
    error_message: r.errorMessage,
    triggered_by_member_id: r.triggeredByMemberId,
    started_at: iso(r.startedAt),
    completed_at: iso(r.completedAt),
    created_at: r.createdAt.toISOString(),
  };
}

/** Encrypted columns for a token set (AES-GCM with ENCRYPTION_KEY, as tenant connection strings). */
export async function encryptedTokens(ctx: ServiceContext, t: TokenSet) {
  return {
    accessTokenEncrypted: await encryptSecret(ctx.env.ENCRYPTION_KEY, t.accessToken),
    refreshTokenEncrypted: t.refreshToken ? await encryptSecret(ctx.env.ENCRYPTION_KEY, t.refreshToken) : null,
    tokenExpiresAt: t.expiresAt,
  };
}

export async function decryptedTokens(ctx: ServiceContext, r: IntegrationRow) {
  const key = ctx.env.ENCRYPTION_KEY;
  return {
    accessToken: r.accessTokenEncrypted ? await decryptSecret(key, r.accessTokenEncrypted) : null,
    refreshToken: r.refreshTokenEncrypted ? await decryptSecret(key, r.refreshTokenEncrypted) : null,
  };
}

/**
 * Marks the integration needs_reauth (the provider refused its credentials) and tells the member
 * who connected it. Called from requests and from the sync consumer alike.
 */
export async function markNeedsReauth(ctx: ServiceContext, r: IntegrationRow, why: string): Promise<void> {
  const d = defOf(r);
  const [changed] = await ctx.db
    .update(integrations)
    .set({ status: "needs_reauth", lastError: why })
    .where(eq(integrations.id, r.id))
    .returning({ status: integrations.status });
  if (!changed || r.status === "needs_reauth" || !r.createdByMemberId) return;
  await notify(ctx, {
    recipients: [r.createdByMemberId],
    eventType: "integration_needs_reauth",
    title: `${d.name} needs to be reconnected`,
    body: why,
    link: `/integrations/${r.id}`,
    data: { integration_id: r.id, type: r.type, status: "needs_reauth" },
  });
}

/**
 * The integration's access token, refreshed first when it expires within 5 minutes (the new
 * tokens are stored encrypted). A refused refresh marks the integration needs_reauth, notifies
 * its owner and throws a 409 that says to reconnect.
 */
export async function accessTokenFor(ctx: ServiceContext, r: IntegrationRow): Promise<string> {
  if (r.status === "needs_reauth") throw reconnect(r);
  const t = await decryptedTokens(ctx, r);
  if (!t.accessToken) throw new ServiceError("conflict", "This integration has no credentials; connect it again");
  const expiring = r.tokenExpiresAt && r.tokenExpiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS;
  if (!expiring) return t.accessToken;
  if (!t.refreshToken) {
    await markNeedsReauth(ctx, r, "The access token expired and there is no refresh token");
    throw reconnect(r);
  }
  try {
    const fresh = await refreshTokens(ctx.env, defOf(r), t.refreshToken, (r.settings.shop_domain as string | undefined) ?? null);
    await ctx.db
      .update(integrations)
      .set({ ...(await encryptedTokens(ctx, fresh)), ...(fresh.scopes ? { scopes: fresh.scopes } : {}) })
      .where(eq(integrations.id, r.id));
    return fresh.accessToken;
  } catch (e) {
    if (e instanceof ProviderAuthError) {
      await markNeedsReauth(ctx, r, e.message);
      throw reconnect(r);
    }
    throw e;
  }
}

const reconnect = (r: IntegrationRow) =>
  new ServiceError("conflict", `${defOf(r).name} refused this integration's credentials; reconnect it (status needs_reauth)`);
