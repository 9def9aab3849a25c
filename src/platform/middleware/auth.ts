import type { Context, MiddlewareHandler, Next } from "hono";
import { matchedRoutes } from "hono/route";
import type { AcquireResult } from "../../../durable-objects/rate-limiter";
import { hasScope, insufficientScope, looksLikeApiKey, requestApiKey, scopeForMethod, setRequestApiKey, verifyApiKey } from "../apikeys";
import type { Actor } from "../context";
import { ServiceError } from "../errors";
import type { AppEnv } from "../hono";
import { verifyAccessToken, verifyStreamTicket } from "../jwt";
import { type ResolveOptions, resolveWorkspace } from "../tenancy/resolve";
import { withIdempotency } from "./idempotency";
import { apiKeyLimits, SESSION_LIMITS, withRateLimit } from "./rate-limit";

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}

// The middleware instances made by requireWorkspace()/optionalWorkspace(): a route that has one
// acts inside a workspace, the only kind of route an API key may call.
const workspaceMiddleware = new WeakSet<object>();
// Every route matching the URL is listed (/auth/me also matches /auth/{user_id}), so only the
// handlers of the route being run count: the ones after this middleware with its method and path.
function isWorkspaceRoute(c: Context<AppEnv>): boolean {
  const routes = matchedRoutes(c);
  const self = routes[c.req.routeIndex];
  if (!self) return false;
  for (let i = c.req.routeIndex + 1; i < routes.length; i++) {
    const r = routes[i];
    if (!r || r.path !== self.path || r.method !== self.method) break;
    if (workspaceMiddleware.has(r.handler)) return true;
  }
  return false;
}

// Account endpoints (profiles, avatars, other people's accounts) act on identities, not on a
// workspace's data: a person must sign in for them even where a workspace is optional.
const ACCOUNT_PATHS = /^\/api\/v1\/auth(\/|$)/;
// API-key requests may manage keys only with the admin scope; permission changes likewise.
// Webhooks too, reads included: an endpoint sends data out, and its delivery log holds payloads.
const ADMIN_SCOPE_PATHS = /^\/api\/v1\/(api-keys|webhooks)(\/|$)/;
const ADMIN_SCOPE_MUTATIONS = /^\/api\/v1\/permissions(\/|$)/;

/**
 * Authenticates the caller and sets `ctx.actor`, then applies the caller's rate limits to the
 * rest of the request (X-RateLimit-* on every authenticated response, 429 over a limit).
 *
 * - `Authorization: Bearer <access token>`: a person. Access tokens are self-contained
 *   (15 min), so this costs no database round trip. Limited per user (SESSION_LIMITS).
 * - `Authorization: Bearer atr_…` or `X-API-Key: atr_…`: an API key, verified against a
 *   short in-isolate cache (src/platform/apikeys.ts). It acts as its creator within its own
 *   workspace, so it is refused (403) on routes that do not act in a workspace and on the
 *   account endpoints (/api/v1/auth/…): those need a person. Its scopes limit the methods.
 *   Limited per key by the workspace's plan.
 *
 * `Idempotency-Key` is honoured here, after authentication and the limits, scoped to the caller.
 */
export function requireUser(opts: { streamTicket?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.get("ctx");
    const token = bearer(c.req.header("authorization"));
    const presentedKey = token && looksLikeApiKey(token) ? token : token ? undefined : c.req.header("x-api-key")?.trim();
    const ticket = opts.streamTicket && token === undefined && presentedKey === undefined ? c.req.query("ticket") : undefined;
    if (ticket !== undefined) return withStreamTicket(c, ticket, next);
    if (presentedKey !== undefined) {
      const key = await verifyApiKey(ctx, presentedKey);
      if (!isWorkspaceRoute(c) || ACCOUNT_PATHS.test(c.req.path)) {
        throw new ServiceError("forbidden", "API keys can only be used on workspace endpoints; this one needs a signed-in user");
      }
      setRequestApiKey(ctx, key);
      ctx.actor = { kind: "api_key", keyId: key.id, userId: key.userId, scopes: key.scopes };
      return withRateLimit(c, `key:${key.id}`, apiKeyLimits(key), async () => {
        const method = c.req.method;
        const needed = scopeForMethod(method);
        if (!hasScope(key.scopes, needed)) throw insufficientScope(needed);
        const path = c.req.path;
        if (ADMIN_SCOPE_PATHS.test(path) || (needed === "write" && ADMIN_SCOPE_MUTATIONS.test(path))) {
          if (!hasScope(key.scopes, "admin")) throw insufficientScope("admin");
        }
        await withIdempotency(c, `key:${key.id}`, next);
      });
    }
    if (!token) {
      c.header("WWW-Authenticate", 'Bearer realm="atrium"');
      throw new ServiceError(
        "unauthorized",
        opts.streamTicket
          ? "Not authenticated: send Authorization: Bearer <access token> with X-Workspace-Id, or (browsers' EventSource and WebSocket) ?ticket= from POST /api/v1/auth/stream-tickets"
          : "Not authenticated",
      );
    }
    const claims = await verifyAccessToken(c.env.JWT_SECRET, token);
    const actor: Actor = { kind: "user", userId: claims.sub, email: claims.email, ...(claims.imp ? { impersonatorId: claims.imp } : {}) };
    ctx.actor = actor;
    // The token's workspace claims count only if no membership of this user changed since it
    // was issued (the epoch comes back from the limiter call every request makes anyway).
    const trustClaims = (r: AcquireResult) => {
      if (claims.ws && claims.ep !== undefined && r.epoch <= claims.ep) actor.memberships = claims.ws;
    };
    return withRateLimit(c, `user:${claims.sub}`, SESSION_LIMITS, () => withIdempotency(c, `user:${claims.sub}`, next), trustClaims);
  };
}

/**
 * `?ticket=` on a stream route (POST /api/v1/auth/stream-tickets): a person acting in the
 * ticket's workspace, on the ticket's stream only. Its first use (within 60 s of issue) binds it
 * to this path; afterwards only the browser's own reconnects (with Last-Event-ID) may reuse it,
 * until it expires. Membership is resolved afresh (no token claims) when the stream opens.
 */
async function withStreamTicket(c: Context<AppEnv>, ticket: string, next: Next): Promise<void> {
  const t = await verifyStreamTicket(c.env.JWT_SECRET, ticket);
  const path = c.req.path;
  if (t.path !== "*" && t.path !== path) throw new ServiceError("forbidden", "This stream ticket is for another stream");
  const named = c.req.header("x-workspace-id");
  if (named !== undefined && named.trim().toLowerCase() !== t.wsid) throw new ServiceError("not_found", "Workspace not found");
  const ns = c.env.RATE_LIMITER;
  const resuming = c.req.header("last-event-id") !== undefined;
  const r = await ns.get(ns.idFromName(`user:${t.sub}`)).redeemTicket(t.jti, path, resuming, t.cby * 1000, t.exp * 1000);
  if (r === "expired") throw new ServiceError("token_expired", "This stream ticket was not used within 60 s; request a new one");
  if (r === "used") throw new ServiceError("invalid_token", "This stream ticket has been used; request a new one");
  c.get("ctx").actor = { kind: "user", userId: t.sub, email: t.email, ...(t.imp ? { impersonatorId: t.imp } : {}) };
  c.set("ticketWorkspace", t.wsid);
  return withRateLimit(c, `user:${t.sub}`, SESSION_LIMITS, next);
}

/**
 * For anonymous routes that also serve a signed-in caller differently (accepting an
 * invitation): sets `ctx.actor` when a valid access token is sent; a bad token is a 401, never
 * silently anonymous. API keys are refused: these are account actions.
 */
export function optionalUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header("authorization"));
    if (token === undefined && c.req.header("x-api-key") === undefined) return next();
    if (!token || looksLikeApiKey(token)) throw new ServiceError("forbidden", "API keys cannot be used here; sign in as a person");
    const claims = await verifyAccessToken(c.env.JWT_SECRET, token);
    c.get("ctx").actor = { kind: "user", userId: claims.sub, email: claims.email, ...(claims.imp ? { impersonatorId: claims.imp } : {}) };
    return next();
  };
}

/**
 * An API key is bound to its workspace: X-Workspace-Id is optional with a key, and naming any
 * other workspace is a 404. The creator's membership is re-read on every request (through
 * resolveWorkspace), so demoting or removing the creator demotes or disables the key.
 */
async function bindApiKeyWorkspace(c: Context<AppEnv>, opts: ResolveOptions): Promise<void> {
  const ctx = c.get("ctx");
  const key = requestApiKey(ctx);
  if (!key) throw new ServiceError("unauthorized", "Not authenticated");
  const named = c.req.header("x-workspace-id");
  if (named !== undefined && named.trim().toLowerCase() !== key.workspaceId) throw new ServiceError("not_found", "Workspace not found");
  try {
    await resolveWorkspace(ctx, key.workspaceId, key.userId, opts, key.membership ?? undefined);
  } catch (e) {
    if (e instanceof ServiceError && e.code === "not_found") {
      throw new ServiceError("invalid_token", "The owner of this API key is no longer a member of its workspace");
    }
    throw e;
  }
}

/**
 * Resolves `X-Workspace-Id` to the caller's membership and binds the tenant database.
 * `opts` go to resolveWorkspace (e.g. allowOutdatedSchema for the Workspace Health routes).
 */
export function requireWorkspace(opts: ResolveOptions = {}): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    const ctx = c.get("ctx");
    if (ctx.actor.kind === "api_key") {
      await bindApiKeyWorkspace(c, opts);
      return next();
    }
    const ticketWs = c.get("ticketWorkspace");
    const id = c.req.header("x-workspace-id") ?? ticketWs;
    if (ticketWs && id?.trim().toLowerCase() !== ticketWs) throw new ServiceError("not_found", "Workspace not found");
    if (!id) {
      throw new ServiceError("validation_error", "X-Workspace-Id header is required", {
        issues: [{ loc: ["header", "x-workspace-id"], msg: "Field required", type: "missing" }],
      });
    }
    if (ctx.actor.kind !== "user") throw new ServiceError("unauthorized", "Not authenticated");
    await resolveWorkspace(ctx, id, ctx.actor.userId, opts, ctx.actor.memberships?.[id.trim().toLowerCase()]);
    await next();
  };
  workspaceMiddleware.add(mw);
  return mw;
}

/** Like requireWorkspace, but only when the header is present (an API key always binds its own). */
export function optionalWorkspace(): MiddlewareHandler<AppEnv> {
  const required = requireWorkspace();
  const mw: MiddlewareHandler<AppEnv> = (c, next) =>
    c.req.header("x-workspace-id") || c.get("ctx").actor.kind === "api_key" ? required(c, next) : next();
  workspaceMiddleware.add(mw);
  return mw;
}
