import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isServiceError } from "../errors";
import type { AppEnv } from "../hono";

/** Maps anything thrown to the platform error shape `{detail, code, request_id}`. */
export function handleError(err: Error, c: Context<AppEnv>) {
  const request_id = c.get("requestId") ?? "";
  if (isServiceError(err)) {
    const detail = err.issues ?? err.message;
    // Temporary conditions (provisioning, migration running) tell clients when to come back.
    if (err.retryAfter !== undefined) c.header("Retry-After", String(err.retryAfter));
    else if (err.status === 503 && err.retryable) c.header("Retry-After", "5");
    return c.json({ detail, code: err.code, ...err.extra, request_id }, err.status as ContentfulStatusCode);
  }
  // Duck-typed too: a second copy of hono (bundlers) would defeat instanceof.
  if (
    err instanceof HTTPException ||
    (err as { name?: string }).name === "HTTPException" ||
    typeof (err as HTTPException).getResponse === "function"
  ) {
    const status = (err as HTTPException).status;
    const code =
      status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : status === 415 ? "unsupported_media_type" : "bad_request";
    const detail = status === 413 ? "Request body is too large" : err.message || "Bad request";
    return c.json({ detail, code, request_id }, status as ContentfulStatusCode);
  }
  console.error(JSON.stringify({ level: "error", msg: "unhandled error", request_id, error: String(err), stack: err.stack }));
  return c.json({ detail: "Internal server error", code: "internal_error", request_id }, 500);
}

type RouteMatcher = { method: string; re: RegExp };

/** JSON 404, or 405 with `Allow` when the path exists under another method. */
export function notFoundOrMethodNotAllowed(routes: () => { method: string; path: string }[]) {
  let matchers: RouteMatcher[] | undefined;
  return (c: Context<AppEnv>) => {
    matchers ??= routes()
      .filter((r) => r.method !== "ALL")
      .map((r) => ({
        method: r.method,
        re: new RegExp(
          `^${r.path
            .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
            .replace(/\/:[^/]+/g, "/[^/]+")
            .replace(/\*/g, ".*")}/?$`,
        ),
      }));
    const request_id = c.get("requestId") ?? "";
    const allowed = [...new Set(matchers.filter((m) => m.re.test(c.req.path)).map((m) => m.method))];
    // A route of this method that answered "not found" itself (c.notFound()) is a 404, not a 405.
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      c.header("Allow", allowed.join(", "));
      return c.json({ detail: `Method ${c.req.method} not allowed`, code: "method_not_allowed", request_id }, 405);
    }
    return c.json({ detail: "Not found", code: "not_found", request_id }, 404);
  };
}
