import type { MiddlewareHandler } from "hono";
import { ServiceError } from "../errors";
import type { AppEnv } from "../hono";
import { verifyAccessToken } from "../jwt";
import { resolveWorkspace } from "../tenancy/resolve";

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}

/**
 * Authenticates the caller from `Authorization: Bearer <access token>` and sets `ctx.actor`.
 * Access tokens are self-contained (15 min), so this costs no database round trip.
 * API keys (`X-API-Key` or a bearer with a key prefix) plug in here with the API keys module.
 */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header("authorization"));
    if (!token) {
      c.header("WWW-Authenticate", 'Bearer realm="atrium"');
      throw new ServiceError("unauthorized", "Not authenticated");
    }
    const claims = await verifyAccessToken(c.env.JWT_SECRET, token);
    const ctx = c.get("ctx");
    ctx.actor = { kind: "user", userId: claims.sub, email: claims.email, ...(claims.imp ? { impersonatorId: claims.imp } : {}) };
    await next();
  };
}

/** Resolves `X-Workspace-Id` to the caller's membership and binds the tenant database. */
export function requireWorkspace(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.get("ctx");
    const id = c.req.header("x-workspace-id");
    if (!id) {
      throw new ServiceError("validation_error", "X-Workspace-Id header is required", {
        issues: [{ loc: ["header", "x-workspace-id"], msg: "Field required", type: "missing" }],
      });
    }
    if (ctx.actor.kind !== "user") throw new ServiceError("unauthorized", "Not authenticated");
    await resolveWorkspace(ctx, id, ctx.actor.userId);
    await next();
  };
}

/** Like requireWorkspace, but only when the header is present. */
export function optionalWorkspace(): MiddlewareHandler<AppEnv> {
  const required = requireWorkspace();
  return (c, next) => (c.req.header("x-workspace-id") ? required(c, next) : next());
}
