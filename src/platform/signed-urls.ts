import { hmacSign, hmacVerify } from "./crypto";

/**
 * HMAC-signed, expiring download URLs for R2 objects. Files never get public R2 URLs: an
 * authorised endpoint mints a URL for one object key, and GET /api/v1/files/download checks the
 * signature and expiry and streams the object through the Worker. The URL carries no identity,
 * so whoever holds it may download until `exp` (keep lifetimes short).
 */
export const DOWNLOAD_PATH = "/api/v1/files/download";
export const DEFAULT_DOWNLOAD_TTL_SECONDS = 60 * 60;
const MAX_TTL_SECONDS = 7 * 24 * 60 * 60;

// JSON array, so no choice of key can make two different (key, exp) pairs sign the same text;
// the purpose tag keeps these signatures from being valid for any other signed message.
const message = (key: string, exp: number) => JSON.stringify(["atrium.download.v1", key, exp]);

export interface SignedDownload {
  url: string;
  /** ISO 8601 UTC. */
  expires_at: string;
}

/** A URL of the download route for `key`, valid for `ttlSeconds` (capped at 7 days). */
export async function signDownloadUrl(
  opts: { secret: string; baseUrl: string; key: string; ttlSeconds?: number; download?: boolean },
  now = Date.now(),
): Promise<SignedDownload> {
  const ttl = Math.min(Math.max(1, Math.floor(opts.ttlSeconds ?? DEFAULT_DOWNLOAD_TTL_SECONDS)), MAX_TTL_SECONDS);
  const exp = Math.floor(now / 1000) + ttl;
  const url = new URL(DOWNLOAD_PATH, opts.baseUrl);
  url.searchParams.set("key", opts.key);
  url.searchParams.set("exp", String(exp));
  url.searchParams.set("sig", await hmacSign(opts.secret, message(opts.key, exp)));
  // Not signed: it only chooses inline vs attachment for the same bytes.
  if (opts.download) url.searchParams.set("download", "1");
  return { url: url.toString(), expires_at: new Date(exp * 1000).toISOString() };
}

export type DownloadCheck = "ok" | "expired" | "invalid";

/** Checks a signature first (a forged URL learns nothing about expiry), then the expiry. */
export async function verifyDownload(
  opts: { secret: string; key: string; exp: number; sig: string },
  now = Date.now(),
): Promise<DownloadCheck> {
  if (!Number.isSafeInteger(opts.exp) || !(await hmacVerify(opts.secret, message(opts.key, opts.exp), opts.sig))) return "invalid";
  return opts.exp * 1000 <= now ? "expired" : "ok";
}
