import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ServiceError } from "../errors";
import type { AppEnv } from "../hono";

export const JSON_LIMIT = 1024 * 1024;
export const UPLOAD_LIMIT = 25 * 1024 * 1024;

/**
 * JSON bodies up to 1 MiB, uploads (multipart or raw files) up to 25 MiB. Enforced on the
 * stream too, so a chunked body without Content-Length cannot slip past.
 */
export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const onError = () => {
    throw new ServiceError("payload_too_large", "Request body is too large");
  };
  const json = bodyLimit({ maxSize: JSON_LIMIT, onError });
  const upload = bodyLimit({ maxSize: UPLOAD_LIMIT, onError });
  return (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const type = c.req.header("content-type") ?? "";
    return (type.startsWith("multipart/") || type.startsWith("application/octet-stream") ? upload : json)(c, next);
  };
}
