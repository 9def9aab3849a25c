import { and, eq, lt, sql } from "drizzle-orm";
import type { Context, Next } from "hono";
import { decryptSecret, encryptSecret, sha256Hex } from "../crypto";
import { ServiceError } from "../errors";
import type { AppEnv } from "../hono";
import { idempotencyKeys } from "../idempotency/tables";

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
const KEY_RE = /^[A-Za-z0-9._:-]{8,255}$/;
const REPLAYED_HEADERS = ["content-type", "location"];

/** Bodies streamed to storage by their routes: never buffered here. */
const isStreamedBody = (type: string) => type.startsWith("multipart/") || type.startsWith("application/octet-stream");

/**
 * The request's fingerprint. JSON bodies are read (already capped by the route's body limit);
 * streamed uploads are not: their fingerprint is the declared media type and length, so a retried
 * upload still has one effect and the body streams through untouched.
 */
async function requestHashOf(c: Context<AppEnv>): Promise<string> {
  // The workspace is part of the request: the same body in another workspace is another request.
  const head = `${c.req.method} ${c.req.path} ${c.req.header("x-workspace-id") ?? ""}`;
  const type = c.req.header("content-type") ?? "";
  // The media type without parameters: a retried multipart body has a new random boundary.
  const media = type.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  if (isStreamedBody(type)) return sha256Hex(`${head}\n${media}\n${c.req.header("content-length") ?? "chunked"}`);
  return sha256Hex(`${head}\n${await c.req.text()}`);
}

/**
 * `Idempotency-Key` on POST, run by requireUser after authentication with the caller as
 * `scope` (`user:<id>` or `key:<id>`); anonymous requests never get one, so nobody can replay
 * or probe another caller's entries. The same key with the same request returns the stored
 * response (`Idempotent-Replayed: true`), with another request a 422, and while the first is
 * still running a 409, so concurrent retries have one effect. Server errors are not stored:
 * the key is freed and the client may retry.
 */
export async function withIdempotency(c: Context<AppEnv>, scope: string, next: Next): Promise<void> {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || !key) return next();
  if (!KEY_RE.test(key)) {
    throw new ServiceError("validation_error", "Idempotency-Key must be 8-255 characters of letters, digits and ._:-", {
      issues: [{ loc: ["header", "idempotency-key"], msg: "Invalid Idempotency-Key", type: "value_error" }],
    });
  }
  const ctx = c.get("ctx");
  const requestHash = await requestHashOf(c);
  const db = ctx.control;
  // Expired entries make way for a fresh request.
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.scope, scope),
        eq(idempotencyKeys.key, key),
        lt(idempotencyKeys.createdAt, new Date(Date.now() - IDEMPOTENCY_TTL_MS)),
      ),
    );
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ scope, key, requestHash })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) {
    const [row] = await db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)))
      .limit(1);
    if (!row) throw new ServiceError("conflict", "This Idempotency-Key is being released; retry");
    if (row.requestHash !== requestHash) {
      throw new ServiceError("validation_error", "This Idempotency-Key was used with a different request", {
        issues: [{ loc: ["header", "idempotency-key"], msg: "Key reused with a different request body or path", type: "value_error" }],
      });
    }
    if (row.state !== "done") throw new ServiceError("conflict", "A request with this Idempotency-Key is still in progress");
    const headers = new Headers(row.responseHeaders ?? {});
    headers.set("idempotent-replayed", "true");
    const stored = row.responseBody === null ? null : await decryptSecret(c.env.ENCRYPTION_KEY, row.responseBody);
    c.res = new Response(stored, { status: row.responseStatus ?? 200, headers });
    return;
  }
  try {
    await next();
  } catch (e) {
    await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    throw e;
  }
  const res = c.res;
  const streaming = (res.headers.get("content-type") ?? "").includes("text/event-stream");
  if (res.status >= 500 || streaming) {
    await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    return;
  }
  const text = await res.clone().text();
  const headers: Record<string, string> = {};
  for (const h of REPLAYED_HEADERS) {
    const v = res.headers.get(h);
    if (v) headers[h] = v;
  }
  await db
    .update(idempotencyKeys)
    // Encrypted: responses can hold secrets shown once (tokens, new API keys).
    .set({
      state: "done",
      responseStatus: res.status,
      responseHeaders: headers,
      responseBody: await encryptSecret(c.env.ENCRYPTION_KEY, text),
    })
    .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
}

/** Cron: drop entries older than the replay window. */
export const purgeIdempotencySql = sql`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`;
