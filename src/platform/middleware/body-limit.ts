import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ServiceError } from "../errors";
import type { AppEnv } from "../hono";

export const JSON_LIMIT = 1024 * 1024;
export const UPLOAD_LIMIT = 25 * 1024 * 1024;
/** Recordset imports: 100 MB files (the seed's cap) plus room for the multipart envelope. */
export const IMPORT_UPLOAD_LIMIT = 100 * 1024 * 1024 + 64 * 1024;
/** Upload routes that stream their body to R2 and count bytes themselves (POST multipart, signed PUT). */
const STREAMED_UPLOAD_PATHS = new Set(["/api/v1/recordsets/import/upload"]);

/**
 * JSON bodies up to 1 MiB, uploads (multipart or raw files) up to 25 MiB. Enforced on the
 * stream too, so a chunked body without Content-Length cannot slip past.
 *
 * Import uploads get 100 MB and are not buffered here: hono's bodyLimit holds a body without
 * Content-Length in memory to count it, and 100 MB would not fit a Worker's 128 MB. Those routes
 * stream the body to R2 and stop at 100 MB themselves; a declared Content-Length above the cap is
 * refused here before anything is read.
 */
export function bodyLimits(): MiddlewareHandler<AppEnv> {
  const onError = () => {
    throw new ServiceError("payload_too_large", "Request body is too large");
  };
  const json = bodyLimit({ maxSize: JSON_LIMIT, onError });
  const upload = bodyLimit({ maxSize: UPLOAD_LIMIT, onError });
  return (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    if ((c.req.method === "POST" || c.req.method === "PUT") && STREAMED_UPLOAD_PATHS.has(c.req.path)) {
      const declared = Number(c.req.header("content-length") ?? "0");
      if (declared > IMPORT_UPLOAD_LIMIT) return onError();
      return next();
    }
    const type = c.req.header("content-type") ?? "";
    return (type.startsWith("multipart/") || type.startsWith("application/octet-stream") ? upload : json)(c, next);
  };
}
