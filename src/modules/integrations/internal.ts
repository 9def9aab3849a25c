import { and, eq, ne } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { decryptSecret, encryptSecret } from "../../platform/crypto";
import type { Tx } from "../../platform/db";
import { ServiceError } from "../../platform/errors";
import { emitEvent } from "../../platform/events/outbox";
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
/** A consumer's hold on a run, renewed every page (a page takes at most the provider timeout, 20 s). */
export const LEASE_MS = 2 * 60_000;
/** An open run whose lease lapsed (or that was never claimed) this long ago has no live consumer. */
export const STALE_AFTER_MS = 10 * 60_000;

/** Whether an open run has had no live consumer for STALE_AFTER_MS. */
export const isStaleRun = (r: Pick<RunRow, "leaseUntil" | "createdAt">, now = Date.now()) =>
  (r.leaseUntil ?? r.createdAt).getTime() < now - STALE_AFTER_MS;

/** The integration as events name it. */
export const integrationRef = (r: Pick<IntegrationRow, "id" | "type" | "name">) => ({ id: r.id, type: r.type, name: r.name });

/** integration.sync.completed / integration.sync.failed for a run that just ended, in `tx`. */
export async function emitSyncEnded(ctx: ServiceContext, tx: Tx, run: RunRow): Promise<void> {
  if (run.status !== "COMPLETED" && run.status !== "FAILED") return;
  const [r] = await tx.select().from(integrations).where(eq(integrations.id, run.integrationId));
  if (!r) return;
  await emitEvent(ctx, tx, run.status === "COMPLETED" ? "integration.sync.completed" : "integration.sync.failed", {
    integration: integrationRef(r),
    run: {
      id: run.id,
      status: run.status,
      records_synced: run.recordsSynced,
      error: run.errorMessage,
      started_at: run.startedAt?.toISOString() ?? null,
      completed_at: (run.completedAt ?? new Date()).toISOString(),
    },
  });
}

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
  const changed = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(integrations)
      .set({ status: "needs_reauth", lastError: why })
      .where(and(eq(integrations.id, r.id), ne(integrations.status, "needs_reauth")))
      .returning();
    if (row) await emitEvent(ctx, tx, "integration.needs_reauth", { integration: integrationRef(row), reason: why });
    return row;
  });
  // Only the caller that changed the status notifies (concurrent refusals notify once).
  if (!changed || !r.createdByMemberId) return;
  await notify(ctx, {
    recipients: [r.createdByMemberId],
    eventType: "integration_needs_reauth",
    title: `${d.name} needs to be reconnected`,
    body: why,
    link: `/integrations/${r.id}`,
    data: { integration_id: r.id, type: r.type, status: "needs_reauth" },
  });
}

const expiring = (r: IntegrationRow) => r.tokenExpiresAt !== null && r.tokenExpiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS;

/**
 * The integration's access token, refreshed first when it expires within 5 minutes, or when the
 * provider just refused `refused` (the new tokens are stored encrypted). The refresh runs with the
 * integration row locked (SELECT … FOR UPDATE) and re-reads the tokens first: a concurrent
 * refresher's new token is used instead of spending the (rotated) refresh token twice. A refused
 * refresh marks the integration needs_reauth, notifies its owner and throws a 409 that says to reconnect.
 */
export async function accessTokenFor(ctx: ServiceContext, r: IntegrationRow, opts: { refused?: string } = {}): Promise<string> {
  if (r.status === "needs_reauth") throw reconnect(r);
  const t = await decryptedTokens(ctx, r);
  if (!t.accessToken) throw new ServiceError("conflict", "This integration has no credentials; connect it again");
  if (!opts.refused && !expiring(r)) return t.accessToken;
  const out = await ctx.db.transaction(async (tx): Promise<{ token: string } | { refusal: string }> => {
    const [cur] = await tx.select().from(integrations).where(eq(integrations.id, r.id)).for("update");
    if (!cur) throw new ServiceError("not_found", "Integration not found");
    if (cur.status === "needs_reauth") throw reconnect(cur);
    const now = await decryptedTokens(ctx, cur);
    // Another refresher got there first: its token is the one to use.
    if (now.accessToken && (opts.refused ? now.accessToken !== opts.refused : !expiring(cur))) return { token: now.accessToken };
    if (!now.refreshToken) return { refusal: "The access token expired and there is no refresh token" };
    try {
      const fresh = await refreshTokens(ctx.env, defOf(cur), now.refreshToken, (cur.settings.shop_domain as string | undefined) ?? null);
      await tx
        .update(integrations)
        .set({ ...(await encryptedTokens(ctx, fresh)), ...(fresh.scopes ? { scopes: fresh.scopes } : {}) })
        .where(eq(integrations.id, cur.id));
      return { token: fresh.accessToken };
    } catch (e) {
      if (e instanceof ProviderAuthError) return { refusal: e.message };
      throw e;
    }
  });
  if ("token" in out) return out.token;
  // After the transaction: markNeedsReauth writes the row this transaction had locked.
  await markNeedsReauth(ctx, r, out.refusal);
  throw reconnect(r);
}

const reconnect = (r: IntegrationRow) =>
  new ServiceError("conflict", `${defOf(r).name} refused this integration's credentials; reconnect it (status needs_reauth)`);
