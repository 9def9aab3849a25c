import { errors, jwtVerify, SignJWT } from "jose";
import type { Bindings } from "../../env";
import { decryptSecret, encryptSecret, randomToken, toBase64Url } from "../../platform/crypto";
import { ServiceError } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { type IntegrationDef, META_API_VERSION, SHOPIFY_API_VERSION } from "./catalogue";
import { ProviderAuthError, providerErrorText, providerFetch, readJson } from "./http";

/** How long an authorisation may take between initiate and callback. */
export const STATE_TTL_SECONDS = 10 * 60;
const STATE_AUDIENCE = "atrium-oauth-state";
const enc = new TextEncoder();

/** Which callback a state is for: the provider's redirect to our API (anonymous) or the web app's POST (authenticated). */
export type CallbackTarget = "api" | "app";

export interface OAuthState {
  /** workspace id, user id, workspace_members.id: who started it, where. */
  workspaceId: string;
  userId: string;
  membershipId: string;
  type: string;
  redirectUri: string;
  target: CallbackTarget;
  shop: string | null;
  /** PKCE code verifier (decrypted), for providers that take PKCE. */
  codeVerifier: string | null;
  jti: string;
  expiresAt: Date;
}

/**
 * The `state` parameter: a JWT (HS256, SIGNING_KEY, its own audience) binding the flow to the
 * workspace and member that started it, the integration type, the redirect URI and the callback
 * it may be presented at (cb: api or app), valid 10
 * minutes and single use (its jti is recorded in used_token_ids when a callback presents it).
 * The PKCE verifier rides inside it AES-GCM encrypted, so nothing is stored before the callback
 * and the verifier is never readable from the URL.
 */
export async function signState(
  env: Bindings,
  s: Omit<OAuthState, "jti" | "expiresAt" | "codeVerifier"> & { codeVerifier: string | null },
): Promise<string> {
  const claims: Record<string, unknown> = { ws: s.workspaceId, mid: s.membershipId, typ: s.type, ru: s.redirectUri, cb: s.target };
  if (s.shop) claims.shop = s.shop;
  if (s.codeVerifier) claims.cv = await encryptSecret(env.ENCRYPTION_KEY, s.codeVerifier);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(s.userId)
    .setAudience(STATE_AUDIENCE)
    .setIssuer("atrium")
    .setJti(uuidv7())
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + STATE_TTL_SECONDS)
    .sign(enc.encode(env.SIGNING_KEY));
}

const badState = (why = "Invalid or expired OAuth state; start the connection again") => new ServiceError("bad_request", why);

/** Verifies a state's signature, audience and expiry (not its single use: see consumeState). */
export async function verifyState(env: Bindings, state: string): Promise<OAuthState> {
  let p: Record<string, unknown>;
  try {
    ({ payload: p } = await jwtVerify(state, enc.encode(env.SIGNING_KEY), {
      algorithms: ["HS256"],
      audience: STATE_AUDIENCE,
      issuer: "atrium",
      requiredClaims: ["sub", "exp", "jti"],
    }));
  } catch (e) {
    if (e instanceof errors.JOSEError || e instanceof TypeError) throw badState();
    throw e;
  }
  if (typeof p.ws !== "string" || typeof p.mid !== "string" || typeof p.typ !== "string" || typeof p.ru !== "string") throw badState();
  if (p.cb !== "api" && p.cb !== "app") throw badState();
  let codeVerifier: string | null = null;
  if (typeof p.cv === "string") {
    try {
      codeVerifier = await decryptSecret(env.ENCRYPTION_KEY, p.cv);
    } catch {
      throw badState();
    }
  }
  return {
    workspaceId: p.ws,
    userId: String(p.sub),
    membershipId: p.mid,
    type: p.typ,
    redirectUri: p.ru,
    target: p.cb,
    shop: typeof p.shop === "string" ? p.shop : null,
    codeVerifier,
    jti: String(p.jti),
    expiresAt: new Date(Number(p.exp) * 1000),
  };
}

/** RFC 7636: a 43-char verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = randomToken(32);
  const digest = await crypto.subtle.digest("SHA-256", enc.encode(verifier));
  return { verifier, challenge: toBase64Url(new Uint8Array(digest)) };
}

export function clientCredentials(env: Bindings, def: IntegrationDef): { id: string; secret: string } {
  const vars = env as unknown as Record<string, string | undefined>;
  const id = vars[def.oauth.clientIdVar];
  const secret = vars[def.oauth.clientSecretVar];
  if (!id || !secret) {
    throw new ServiceError(
      "service_unavailable",
      `${def.name} is not configured on this server (${def.oauth.clientIdVar} and ${def.oauth.clientSecretVar})`,
    );
  }
  return { id, secret };
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/;
export function shopDomain(shop: string | null | undefined): string {
  const s = (shop ?? "").trim().toLowerCase();
  const full = s.includes(".") ? s : `${s}.myshopify.com`;
  if (!SHOP_DOMAIN.test(full)) {
    throw new ServiceError("validation_error", "shop must be a Shopify shop domain (name.myshopify.com)", {
      issues: [{ loc: ["query", "shop"], msg: "Expected name.myshopify.com", type: "value_error" }],
    });
  }
  return full;
}

/** A shop domain read from stored settings: checked again at use (409 when it is not name.myshopify.com). */
export function storedShopDomain(v: unknown): string {
  if (typeof v !== "string" || !SHOP_DOMAIN.test(v)) {
    throw new ServiceError("conflict", "This Shopify integration's shop_domain is not a name.myshopify.com domain; reconnect it");
  }
  return v;
}

const withShop = (url: string, shop: string | null) => (shop ? url.replace("{shop}", shop) : url);

export function authorizationUrl(
  env: Bindings,
  def: IntegrationDef,
  o: { state: string; redirectUri: string; challenge: string | null; shop: string | null },
): string {
  const { id } = clientCredentials(env, def);
  const u = new URL(withShop(def.oauth.authorizeUrl, o.shop));
  u.searchParams.set("client_id", id);
  u.searchParams.set("redirect_uri", o.redirectUri);
  u.searchParams.set("state", o.state);
  u.searchParams.set("scope", def.oauth.scopes.join(def.oauth.scopeSeparator));
  if (def.type !== "shopify") u.searchParams.set("response_type", "code");
  for (const [k, v] of Object.entries(def.oauth.authorizeParams ?? {})) u.searchParams.set(k, v);
  if (o.challenge) {
    u.searchParams.set("code_challenge", o.challenge);
    u.searchParams.set("code_challenge_method", "S256");
  }
  // The URL the user's browser visits: the real host, or the development fake.
  const base = env.INTEGRATION_PROVIDER_URL;
  return base ? `${base.replace(/\/+$/, "")}/${u.host}${u.pathname}${u.search}` : u.toString();
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string | null;
  /** From the token response, when the provider puts the account there (Slack's team). */
  account: { id: string; name: string } | null;
}

async function tokenRequest(env: Bindings, def: IntegrationDef, params: Record<string, string>, shop: string | null) {
  const { id, secret } = clientCredentials(env, def);
  const all: Record<string, string> = { client_id: id, client_secret: secret, ...params };
  const url = withShop(def.oauth.tokenUrl, shop);
  if (def.oauth.tokenStyle === "query") {
    const u = new URL(url);
    for (const [k, v] of Object.entries(all)) if (k !== "grant_type") u.searchParams.set(k, v);
    return providerFetch(env, def.name, u.toString(), { headers: { accept: "application/json" } });
  }
  if (def.oauth.tokenStyle === "json") {
    if (def.type === "shopify") delete all.grant_type;
    return providerFetch(env, def.name, url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(all),
    });
  }
  return providerFetch(env, def.name, url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(all).toString(),
  });
}

function toTokenSet(def: IntegrationDef, body: Record<string, unknown>, previousRefresh: string | null): TokenSet {
  const access = body.access_token;
  if (typeof access !== "string" || !access) throw new ServiceError("bad_request", `${def.name} answered without an access token`);
  const expiresIn = Number(body.expires_in);
  const team = body.team as { id?: unknown; name?: unknown } | undefined;
  return {
    accessToken: access,
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : previousRefresh,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null,
    scopes: typeof body.scope === "string" ? body.scope : null,
    account: team && typeof team.id === "string" ? { id: team.id, name: String(team.name ?? team.id) } : null,
  };
}

/** A refusal in the provider's shape: OAuth's 4xx {error}, or Slack's 200 {ok: false, error}. */
const refused = (res: Response, body: Record<string, unknown>) => res.status >= 400 || body.ok === false;

/** Exchanges an authorisation code for tokens (with the PKCE verifier when the flow used one). */
export async function exchangeCode(env: Bindings, def: IntegrationDef, s: OAuthState, code: string): Promise<TokenSet> {
  const params: Record<string, string> = { grant_type: "authorization_code", code, redirect_uri: s.redirectUri };
  if (s.codeVerifier) params.code_verifier = s.codeVerifier;
  const res = await tokenRequest(env, def, params, s.shop);
  const body = await readJson(res);
  if (refused(res, body)) {
    throw new ServiceError("bad_request", `${def.name} refused the authorisation code: ${providerErrorText(body)}`);
  }
  return toTokenSet(def, body, null);
}

/** A new access token from the refresh token; a refusal is a ProviderAuthError (needs re-authorisation). */
export async function refreshTokens(env: Bindings, def: IntegrationDef, refreshToken: string, shop: string | null): Promise<TokenSet> {
  const res = await tokenRequest(env, def, { grant_type: "refresh_token", refresh_token: refreshToken }, shop);
  const body = await readJson(res);
  if (refused(res, body)) throw new ProviderAuthError(def.type, `${def.name} refused to refresh the token: ${providerErrorText(body)}`);
  return toTokenSet(def, body, refreshToken);
}

/** Revokes the grant at the provider. Returns whether the provider confirmed it. */
export async function revokeAtProvider(
  env: Bindings,
  def: IntegrationDef,
  t: { accessToken: string | null; refreshToken: string | null; shop: string | null },
): Promise<{ revoked: boolean; detail: string }> {
  const url = def.oauth.revokeUrl;
  if (!url) return { revoked: false, detail: `${def.name} has no revocation endpoint; the tokens were deleted` };
  const token = t.refreshToken ?? t.accessToken;
  if (!token) return { revoked: false, detail: "No token was stored" };
  let res: Response;
  switch (def.type) {
    case "slack":
      res = await providerFetch(env, def.name, url, { method: "POST", headers: { authorization: `Bearer ${t.accessToken}` } });
      break;
    case "meta_ads":
      res = await providerFetch(env, def.name, url, { method: "DELETE", headers: { authorization: `Bearer ${t.accessToken ?? ""}` } });
      break;
    case "shopify":
      res = await providerFetch(env, def.name, withShop(url, t.shop), {
        method: "DELETE",
        headers: { "x-shopify-access-token": t.accessToken ?? "" },
      });
      break;
    case "hubspot":
      res = await providerFetch(env, def.name, url.replace("{refresh_token}", encodeURIComponent(token)), { method: "DELETE" });
      break;
    default:
      res = await providerFetch(env, def.name, url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }).toString(),
      });
  }
  const body = res.status === 204 ? {} : await readJson(res);
  if (refused(res, body)) return { revoked: false, detail: `${def.name} did not revoke: ${providerErrorText(body)}` };
  return { revoked: true, detail: `Revoked at ${def.name}` };
}

/** Step 3 of the flow: who/what was connected (account id and name, and provider settings). */
export async function accountInfo(
  env: Bindings,
  def: IntegrationDef,
  t: TokenSet,
  shop: string | null,
): Promise<{ id: string; name: string; settings: Record<string, unknown> }> {
  const bearer = { authorization: `Bearer ${t.accessToken}`, accept: "application/json" };
  const fail = (body: Record<string, unknown>) =>
    new ServiceError("bad_request", `${def.name} refused the token: ${providerErrorText(body)}`);
  switch (def.type) {
    case "slack":
      if (!t.account) throw new ServiceError("bad_request", "Slack did not name the team");
      return { ...t.account, settings: {} };
    case "google_drive":
    case "google_ads": {
      const res = await providerFetch(env, def.name, "https://www.googleapis.com/oauth2/v3/userinfo", { headers: bearer });
      const b = await readJson(res);
      if (res.status >= 400) throw fail(b);
      return { id: String(b.sub), name: String(b.email ?? b.sub), settings: {} };
    }
    case "meta_ads": {
      // The token goes in the Authorization header (Graph API accepts Bearer), never in a URL.
      const me = await providerFetch(env, def.name, `https://graph.facebook.com/${META_API_VERSION}/me?fields=id,name`, {
        headers: bearer,
      });
      const b = await readJson(me);
      if (me.status >= 400) throw fail(b);
      const acc = await providerFetch(
        env,
        def.name,
        `https://graph.facebook.com/${META_API_VERSION}/me/adaccounts?fields=id,name&limit=1`,
        {
          headers: bearer,
        },
      );
      const a = await readJson(acc);
      if (acc.status >= 400) throw fail(a);
      const first = (a.data as { id?: string; name?: string }[] | undefined)?.[0];
      return {
        id: first?.id ?? String(b.id),
        name: first?.name ?? String(b.name ?? b.id),
        settings: first?.id ? { ad_account_id: first.id } : {},
      };
    }
    case "shopify": {
      const res = await providerFetch(env, def.name, `https://${shop}/admin/api/${SHOPIFY_API_VERSION}/shop.json`, {
        headers: { "x-shopify-access-token": t.accessToken, accept: "application/json" },
      });
      const b = await readJson(res);
      if (res.status >= 400) throw fail(b);
      const s = b.shop as { myshopify_domain?: string; name?: string } | undefined;
      const domain = s?.myshopify_domain ?? (shop as string);
      return { id: domain, name: s?.name ?? domain, settings: { shop_domain: domain } };
    }
    case "hubspot": {
      const res = await providerFetch(env, def.name, `https://api.hubapi.com/oauth/v1/access-tokens/${encodeURIComponent(t.accessToken)}`);
      const b = await readJson(res);
      if (res.status >= 400) throw fail(b);
      return { id: String(b.hub_id), name: String(b.hub_domain ?? b.hub_id), settings: {} };
    }
    case "jira": {
      const res = await providerFetch(env, def.name, "https://api.atlassian.com/oauth/token/accessible-resources", { headers: bearer });
      const b = await readJson(res);
      const sites = (Array.isArray(b) ? b : ((b.value as unknown[]) ?? [])) as { id?: string; name?: string; url?: string }[];
      if (res.status >= 400 || !sites[0]?.id) throw fail(b);
      return { id: sites[0].id, name: String(sites[0].name ?? sites[0].url), settings: { cloud_id: sites[0].id, site_url: sites[0].url } };
    }
    default:
      throw new ServiceError("bad_request", `Unknown integration ${def.type}`);
  }
}
