/**
 * API keys: format, hashing, scopes and the verified-key cache used by the auth middleware.
 * The table and the management endpoints live in src/modules/api-keys, which registers the
 * lookups below (platform code never imports modules).
 *
 * Format: `atr_live_<40 base62 chars>` or `atr_test_<…>` (238 random bits). Only the SHA-256
 * hex of the whole key is stored; the first 17 characters (`atr_live_AbCd1234`) are kept as
 * the display prefix.
 */
import type { Bindings } from "../env";
import type { ServiceContext } from "./context";
import { sha256Hex } from "./crypto";
import { ServiceError } from "./errors";

export const API_KEY_MODES = ["live", "test"] as const;
export type ApiKeyMode = (typeof API_KEY_MODES)[number];

/**
 * - `read`: safe methods only (GET, HEAD).
 * - `write`: mutations (POST, PUT, PATCH, DELETE). It does not imply `read`.
 * - `admin`: everything, including managing API keys and permissions (which need `admin`
 *   on top of the creator's `can_manage_api_keys` / `can_manage_permissions`).
 */
export const API_KEY_SCOPES = ["read", "write", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_LENGTH = 40;
const PREFIX_SECRET_CHARS = 8;
const KEY_RE = /^atr_(live|test)_[0-9A-Za-z]{40}$/;

/** Uniform base62 characters (rejection sampling: bytes ≥ 248 would bias the modulo). */
function randomBase62(n: number): string {
  let out = "";
  while (out.length < n) {
    const bytes = new Uint8Array(n * 2);
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < 248 && out.length < n) out += BASE62[b % 62];
    }
  }
  return out;
}

export const hashApiKey = (key: string) => sha256Hex(key);

/** A new key: the full value (shown once), its display prefix and its hash (stored). */
export async function generateApiKey(mode: ApiKeyMode): Promise<{ key: string; prefix: string; hash: string }> {
  const head = `atr_${mode}_`;
  const key = head + randomBase62(SECRET_LENGTH);
  return { key, prefix: key.slice(0, head.length + PREFIX_SECRET_CHARS), hash: await hashApiKey(key) };
}

/** Whether a bearer credential is meant as an API key (rather than a JWT). */
export const looksLikeApiKey = (s: string) => s.startsWith("atr_");
export const isWellFormedApiKey = (s: string) => KEY_RE.test(s);

/** What the auth middleware needs to know about a key; timestamps are epoch ms. */
export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  /** The creator: the key acts as this user, with their current role in the workspace. */
  userId: string;
  scopes: ApiKeyScope[];
  mode: ApiKeyMode;
  isActive: boolean;
  revokedAt: number | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  rateLimitPerMinute: number | null;
  /** workspaces.plan, for the rate-limit tier. */
  plan: string;
  /** The creator's account is active (users.is_active). */
  ownerActive: boolean;
  /**
   * The creator's active membership of the key's workspace, [role, workspace_members.id], read
   * with the key (and cached with it, 5 s), so a key request resolves its workspace without
   * another control query; null when the creator is no longer an active member.
   */
  membership: [role: string, membershipId: string] | null;
}

export interface ApiKeyStore {
  /** One control-DB query: the key and what it needs from its workspace and creator. */
  findByHash(ctx: ServiceContext, hash: string): Promise<ApiKeyRecord | null>;
  /** Sets last_used_at (runs after the response, on its own connection). */
  markUsed(env: Bindings, keyId: string, at: Date): Promise<void>;
}

let store: ApiKeyStore | undefined;
export function registerApiKeyStore(s: ApiKeyStore): void {
  store = s;
}

// ---- verified-key cache -------------------------------------------------------------------

/**
 * Verified records are kept per isolate for this long, so a key costs no control-DB round trip
 * on most requests. Revoking, disabling or deleting a key takes effect at once on the isolate
 * that did it (its entry is dropped) and within this TTL on every other isolate. Expiry is
 * checked on every request against the cached `expires_at`, so it is exact.
 */
export const API_KEY_CACHE_MS = 5_000;
/** While one request refreshes an expired entry, others may use the old one this much longer. */
const STALE_GRACE_MS = 2_000;
const MAX_ENTRIES = 10_000;
const LAST_USED_EVERY_MS = 60_000;

interface Entry {
  value: ApiKeyRecord | null;
  until: number;
  refreshing: boolean;
}
// Only settled values are shared between requests (never a pending promise: a continuation
// waiting on another request's I/O is cancelled if that request ends first).
const cache = new Map<string, Entry>();
const touchedAt = new Map<string, number>();

/** Drops a key's cached record in this isolate (after revoke, toggle, update, delete, rotate). */
export function forgetApiKey(hash: string): void {
  cache.delete(hash);
}

/** Drops the cached records of a user's keys in this isolate (their membership changed). */
export function forgetApiKeysOf(userId: string): void {
  for (const [k, e] of cache) if (e.value?.userId === userId) cache.delete(k);
}

function prune(now: number) {
  if (cache.size < MAX_ENTRIES) return;
  for (const [k, e] of cache) if (e.until + STALE_GRACE_MS < now) cache.delete(k);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  if (touchedAt.size >= MAX_ENTRIES) touchedAt.clear();
}

async function lookup(ctx: ServiceContext, hash: string): Promise<ApiKeyRecord | null> {
  const now = Date.now();
  const hit = cache.get(hash);
  if (hit && (hit.until > now || (hit.refreshing && hit.until + STALE_GRACE_MS > now))) return hit.value;
  if (!store) throw new ServiceError("service_unavailable", "API keys are not available");
  if (hit) hit.refreshing = true;
  try {
    const value = await store.findByHash(ctx, hash);
    prune(now);
    cache.set(hash, { value, until: Date.now() + API_KEY_CACHE_MS, refreshing: false });
    return value;
  } catch (e) {
    if (hit) hit.refreshing = false;
    throw e;
  }
}

const invalid = (message: string) => new ServiceError("invalid_token", message);

/**
 * Verifies a presented key: well formed, known, active, not revoked, not expired, creator
 * active. Every failure is a 401. Also schedules the last_used_at update (once a minute).
 */
export async function verifyApiKey(ctx: ServiceContext, presented: string): Promise<ApiKeyRecord> {
  if (!isWellFormedApiKey(presented)) throw invalid("Invalid API key");
  const rec = await lookup(ctx, await hashApiKey(presented));
  if (!rec) throw invalid("Invalid API key");
  if (rec.revokedAt !== null) throw invalid("This API key has been revoked");
  if (!rec.isActive) throw invalid("This API key is disabled");
  if (rec.expiresAt !== null && rec.expiresAt <= Date.now()) throw new ServiceError("token_expired", "This API key has expired");
  if (!rec.ownerActive) throw invalid("The owner of this API key is no longer active");

  const now = Date.now();
  const last = Math.max(rec.lastUsedAt ?? 0, touchedAt.get(rec.id) ?? 0);
  if (now - last >= LAST_USED_EVERY_MS && store) {
    touchedAt.set(rec.id, now);
    const s = store;
    ctx.waitUntil(
      s
        .markUsed(ctx.env, rec.id, new Date(now))
        .catch((e) =>
          console.warn(JSON.stringify({ level: "warn", msg: "api key last_used_at update failed", key_id: rec.id, error: String(e) })),
        ),
    );
  }
  return rec;
}

// ---- the request's key and its scopes -----------------------------------------------------

const requestKeys = new WeakMap<ServiceContext, ApiKeyRecord>();
export const setRequestApiKey = (ctx: ServiceContext, rec: ApiKeyRecord) => requestKeys.set(ctx, rec);
/** The verified key of this request, when the caller authenticated with one. */
export const requestApiKey = (ctx: ServiceContext) => requestKeys.get(ctx);

export const hasScope = (scopes: readonly string[], needed: ApiKeyScope) => scopes.includes("admin") || scopes.includes(needed);

/** The scope a request method needs: GET/HEAD/OPTIONS read, everything else writes. */
export const scopeForMethod = (method: string): ApiKeyScope =>
  method === "GET" || method === "HEAD" || method === "OPTIONS" ? "read" : "write";

export const insufficientScope = (needed: ApiKeyScope) =>
  new ServiceError("forbidden", `insufficient_scope: this API key needs the "${needed}" scope`);

/** For services: API-key callers must hold `scope`; people are not affected. */
export function requireApiKeyScope(ctx: ServiceContext, scope: ApiKeyScope): void {
  if (ctx.actor.kind === "api_key" && !hasScope(ctx.actor.scopes, scope)) throw insufficientScope(scope);
}
