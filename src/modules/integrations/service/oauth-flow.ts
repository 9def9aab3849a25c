import { and, eq, inArray } from "drizzle-orm";
import { requireFeature } from "../../../platform/billing/limits";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { resolveWorkspace } from "../../../platform/tenancy/resolve";
import { recordActivity } from "../../activity/service";
import { usedTokenIds } from "../../auth/tables";
import { stagedRows } from "../../integration-records/tables";
import { currentMember } from "../../members/service/records";
import { CATALOGUE, type IntegrationDef, integrationDef } from "../catalogue";
import { encryptedTokens, type IntegrationRow, integrationRef, type RunRow, toIntegrationJson } from "../internal";
import {
  accountInfo,
  authorizationUrl,
  type CallbackTarget,
  exchangeCode,
  pkcePair,
  STATE_TTL_SECONDS,
  shopDomain,
  signState,
  verifyState,
} from "../oauth";
import { integrationRuns, integrations } from "../tables";
import { requireManage } from "./access";
import { publishRun } from "./runs";

export type { CallbackTarget };

function oauthDef(type: string): IntegrationDef {
  const d = integrationDef(type);
  if (!d) {
    throw new ServiceError("not_found", `Unknown integration type ${type}; available: ${CATALOGUE.map((c) => c.type).join(", ")}`);
  }
  return d;
}

const apiCallbackPath = (d: IntegrationDef) => `/api/v1/oauth/${d.type.replace(/_/g, "-")}/callback`;

function redirectUriFor(ctx: ServiceContext, d: IntegrationDef, target: CallbackTarget): string {
  if (target === "api") return `${ctx.env.API_URL.replace(/\/+$/, "")}${apiCallbackPath(d)}`;
  return `${ctx.env.APP_URL.replace(/\/+$/, "")}/integrations/oauth/${d.type}/callback`;
}

/**
 * The provider's authorisation URL and a state bound to this workspace and member (10 minutes,
 * single use). PKCE (S256) where the provider takes it. Needs can_manage_integration.
 */
export async function initiateOAuth(ctx: ServiceContext, type: string, opts: { shop?: string | undefined; target: CallbackTarget }) {
  const d = oauthDef(type);
  await requireManage(ctx);
  await requireFeature(ctx, "integrations");
  const scope = ctx.workspace;
  if (!scope || ctx.actor.kind !== "user") throw new ServiceError("forbidden", "Connecting an integration needs a signed-in member");
  const shop = d.type === "shopify" ? shopDomain(opts.shop) : null;
  const pkce = d.oauth.pkce ? await pkcePair() : null;
  const redirectUri = redirectUriFor(ctx, d, opts.target);
  const state = await signState(ctx.env, {
    workspaceId: scope.id,
    userId: ctx.actor.userId,
    membershipId: scope.membershipId,
    type: d.type,
    redirectUri,
    target: opts.target,
    shop,
    codeVerifier: pkce?.verifier ?? null,
  });
  const url = authorizationUrl(ctx.env, d, { state, redirectUri, challenge: pkce?.challenge ?? null, shop });
  return { authorization_url: url, url, state, integration_type: d.type, expires_in: STATE_TTL_SECONDS };
}

/** Settings that name the provider account: dropped when a reconnection picks another account. */
const ACCOUNT_SETTINGS = ["shop_domain", "ad_account_id", "cloud_id", "site_url"];
const SWITCHED = "Cancelled: the integration was reconnected to another account";

/**
 * The callback: verifies the state (signature, expiry, integration type; for the authenticated
 * variant also that it is the caller's own workspace and account), spends it (its jti goes into
 * used_token_ids: a replay is a 400), then — only then — exchanges the code, reads the account
 * and creates or updates the integration with the tokens encrypted. The anonymous callbacks
 * recover the workspace and member from the verified state alone, and the member must still be
 * active and allowed to manage integrations.
 */
export async function completeOAuth(ctx: ServiceContext, type: string, input: { code: string; state: string }, authenticated: boolean) {
  const d = oauthDef(type);
  const s = await verifyState(ctx.env, input.state);
  const bad = () => new ServiceError("bad_request", "Invalid or expired OAuth state; start the connection again");
  if (s.type !== d.type) throw bad();
  // A state works only at the callback it was issued for (the URL endpoints' at the provider's redirect, initiate's at the app's POST).
  if (s.target !== (authenticated ? "app" : "api")) {
    throw new ServiceError(
      "bad_request",
      authenticated
        ? "This OAuth state was issued for the provider's redirect to /api/v1/oauth/…/callback, not this callback; start the connection again"
        : "This OAuth state was issued for POST /api/v1/integrations/oauth/{integration_type}/callback, not this callback; start the connection again",
    );
  }
  if (authenticated) {
    const me = ctx.actor.kind === "user" ? ctx.actor.userId : null;
    if (ctx.workspace?.id !== s.workspaceId || me !== s.userId || ctx.workspace.membershipId !== s.membershipId) throw bad();
  }
  const fresh = await ctx.control
    .insert(usedTokenIds)
    .values({ jti: `oauth:${s.jti}`, expiresAt: s.expiresAt })
    .onConflictDoNothing()
    .returning({ jti: usedTokenIds.jti });
  if (fresh.length === 0) throw new ServiceError("bad_request", "This OAuth state has already been used; start the connection again");
  if (!authenticated) {
    let scope: Awaited<ReturnType<typeof resolveWorkspace>>;
    try {
      scope = await resolveWorkspace(ctx, s.workspaceId, s.userId);
    } catch (e) {
      if (e instanceof ServiceError && e.code === "not_found") throw bad();
      throw e;
    }
    if (scope.membershipId !== s.membershipId) throw bad();
    ctx.actor = { kind: "user", userId: s.userId, email: "" };
  }
  await requireManage(ctx);
  const tokens = await exchangeCode(ctx.env, d, s, input.code);
  const account = await accountInfo(ctx.env, d, tokens, s.shop);
  const me = await currentMember(ctx);
  const values = {
    name: `${d.name} (${account.name})`,
    status: "connected" as const,
    authType: "oauth" as const,
    accountId: account.id,
    accountName: account.name,
    scopes: tokens.scopes ?? d.oauth.scopes.join(d.oauth.scopeSeparator),
    lastError: null,
    ...(await encryptedTokens(ctx, tokens)),
  };
  const tables = d.entities.map((e) => e.table_name);
  const { row, existed, cancelled } = await ctx.db.transaction(async (tx) => {
    const connected = (r: IntegrationRow, reconnected: boolean) =>
      emitEvent(ctx, tx, "integration.connected", {
        integration: integrationRef(r),
        account_name: r.accountName,
        reconnected,
        actor_member_id: me.id,
      });
    const current = () => tx.select().from(integrations).where(eq(integrations.type, d.type)).for("update");
    let [existing] = await current();
    if (!existing) {
      const [inserted] = await tx
        .insert(integrations)
        .values({ ...values, type: d.type, settings: account.settings, createdByMemberId: me.id })
        .onConflictDoNothing({ target: integrations.type })
        .returning();
      if (inserted) {
        await connected(inserted, false);
        return { row: inserted, existed: false, cancelled: [] };
      }
      [existing] = await current(); // a concurrent callback connected it first: update that one
      if (!existing) throw new ServiceError("conflict", `${d.name} was connected and disconnected meanwhile; try again`);
    }
    // Another provider account: the old account's open run, staged rows and account settings go.
    const switched = existing.accountId !== account.id;
    let cancelled: RunRow[] = [];
    if (switched) {
      cancelled = await tx
        .update(integrationRuns)
        .set({ status: "CANCELLED", currentStep: "Cancelled", errorMessage: SWITCHED, completedAt: new Date(), leaseUntil: null })
        .where(and(eq(integrationRuns.integrationId, existing.id), inArray(integrationRuns.status, ["PENDING", "RUNNING"])))
        .returning();
      if (tables.length) await tx.delete(stagedRows).where(inArray(stagedRows.source, tables));
    }
    const kept = Object.fromEntries(Object.entries(existing.settings).filter(([k]) => !switched || !ACCOUNT_SETTINGS.includes(k)));
    const [updated] = await tx
      .update(integrations)
      .set({
        ...values,
        settings: { ...kept, ...account.settings },
        ...(switched ? { lastSyncAt: null, lastSyncStatus: null } : {}),
      })
      .where(eq(integrations.id, existing.id))
      .returning();
    if (updated) await connected(updated, true);
    return { row: updated, existed: true, cancelled };
  });
  for (const r of cancelled) await publishRun(ctx, r).catch(() => {});
  if (!row) throw new ServiceError("internal_error", "The integration was not saved");
  await recordActivity(ctx, {
    type: existed ? "integration.reconnected" : "integration.connected",
    subjectType: "integration",
    subjectId: row.id,
    summary: `${existed ? "Reconnected" : "Connected"} ${d.name}`,
    data: { integration_id: row.id, type: d.type },
  });
  return { success: true as const, integration: toIntegrationJson(row) };
}
