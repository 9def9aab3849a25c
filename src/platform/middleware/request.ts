import type { MiddlewareHandler } from "hono";
import { createContext } from "../context";
import { flushEvents } from "../events/outbox";
import type { AppEnv } from "../hono";
import { uuidv7 } from "../ids";

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Paths with a credential in them; the log line gets the replacement. Query strings (signed
 * download and upload links, invitation tokens) are never logged.
 */
const SECRET_PATHS: [RegExp, string][] = [
  // The signup job id unlocks the new account's tokens for an hour.
  [/^(\/api\/v1\/auth\/signup\/jobs\/)[^/]+/i, "$1[redacted]"],
  // A payment invite code is its endpoint's only credential.
  [/^(\/api\/v1\/auth\/stripe-invite\/)[^/]+/i, "$1[redacted]"],
  // A document share token reads the document's file for anyone holding it.
  [/^(\/api\/v1\/documents\/public\/[^/]+\/)[^/]+/i, "$1[redacted]"],
];

export const loggedPath = (path: string) => SECRET_PATHS.reduce((p, [re, to]) => p.replace(re, to), path);

/**
 * Request id (kept from a trusted-looking `x-request-id`, else a new UUIDv7), the service
 * context, one JSON log line per request, and closing the invocation's DB pools afterwards.
 */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : uuidv7();
    c.set("requestId", requestId);
    const waitUntil = (p: Promise<unknown>) => {
      try {
        c.executionCtx.waitUntil(p);
      } catch {
        // No ExecutionContext (direct app.request in unit code): let it run unawaited.
        p.catch(() => {});
      }
    };
    const ctx = createContext({ env: c.env, requestId, waitUntil });
    c.set("ctx", ctx);
    try {
      await next();
    } finally {
      c.header("x-request-id", requestId);
      flushEvents(ctx);
      // Close the request's pools before the response leaves: a socket still open when the
      // request's I/O context ends is cut ("Network connection lost"). Streams (SSE) hold no pool.
      await ctx.connections.close();
      const a = ctx.actor;
      console.log(
        JSON.stringify({
          level: c.res.status >= 500 ? "error" : "info",
          msg: "request",
          request_id: requestId,
          method: c.req.method,
          path: loggedPath(c.req.path),
          status: c.res.status,
          duration_ms: Date.now() - started,
          user_id: a.kind === "user" || a.kind === "api_key" ? (a.userId ?? undefined) : undefined,
          api_key_id: a.kind === "api_key" ? a.keyId : undefined,
          workspace_id: ctx.workspace?.id,
        }),
      );
    }
  };
}
