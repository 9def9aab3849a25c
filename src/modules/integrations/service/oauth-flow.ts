import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { resolveWorkspace } from "../../../platform/tenancy/resolve";
import { recordActivity } from "../../activity/service";
import { usedTokenIds } from "../../auth/tables";
import { currentMember } from "../../members/service/records";
import { CATALOGUE, type IntegrationDef, integrationDef } from "../catalogue";
import { encryptedTokens, toIntegrationJson } from "../internal";
import { accountInfo, authorizationUrl, exchangeCode, pkcePair, STATE_TTL_SECONDS, shopDomain, signState, verifyState } from "../oauth";
import { integrations } from "../tables";
import { requireManage } from "./access";

/** Where the provider sends the browser back: our API (slack, google-ads) or the web app's page. */
export type CallbackTarget = "api" | "app";

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
    shop,
    codeVerifier: pkce?.verifier ?? null,
  });
  const url = authorizationUrl(ctx.env, d, { state, redirectUri, challenge: pkce?.challenge ?? null, shop });
  return { authorization_url: url, url, state, integration_type: d.type, expires_in: STATE_TTL_SECONDS };
}

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
  const [existing] = await ctx.db.select().from(integrations).where(eq(integrations.type, d.type)).limit(1);
  const [row] = existing
    ? await ctx.db
        .update(integrations)
        .set({ ...values, settings: { ...existing.settings, ...account.settings } })
        .where(eq(integrations.id, existing.id))
        .returning()
    : await ctx.db
        .insert(integrations)
        .values({ ...values, type: d.type, settings: account.settings, createdByMemberId: me.id })
        .onConflictDoUpdate({ target: integrations.type, set: values })
        .returning();
  if (!row) throw new ServiceError("internal_error", "The integration was not saved");
  await recordActivity(ctx, {
    type: existing ? "integration.reconnected" : "integration.connected",
    subjectType: "integration",
    subjectId: row.id,
    summary: `${existing ? "Reconnected" : "Connected"} ${d.name}`,
    data: { integration_id: row.id, type: d.type },
  });
  return { success: true as const, integration: toIntegrationJson(row) };
}
