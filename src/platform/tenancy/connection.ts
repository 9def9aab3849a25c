import { eq } from "drizzle-orm";
import type { ServiceContext } from "../context";
import { decryptSecret } from "../crypto";
import type { Db } from "../db";
import { ServiceError } from "../errors";
import { tenantDatabases } from "../identity/tables";

// Decrypted connection strings, per isolate, briefly: saves an AES-GCM decrypt per request.
// Keyed by key and ciphertext, so a re-provisioned workspace or a rotated key never hits a stale entry.
const CACHE_MS = 5 * 60_000;
const cache = new Map<string, { value: string; until: number }>();

/** The one way to read a tenant connection string from the registry's ciphertext. */
export async function tenantConnectionString(encryptionKey: string, ciphertext: string): Promise<string> {
  const k = `${encryptionKey}\u0000${ciphertext}`;
  const hit = cache.get(k);
  if (hit && hit.until > Date.now()) return hit.value;
  const value = await decryptSecret(encryptionKey, ciphertext);
  if (cache.size > 1000) cache.clear();
  cache.set(k, { value, until: Date.now() + CACHE_MS });
  return value;
}

/**
 * A workspace's database other than the request's bound one (accepting an invitation,
 * staff provisioning, cross-workspace clean-up). No membership check: callers decide access.
 * The connection belongs to the invocation and closes with it.
 */
export async function openTenantDb(ctx: ServiceContext, workspaceId: string): Promise<Db> {
  if (ctx.workspace?.id === workspaceId) return ctx.db;
  const [row] = await ctx.control
    .select({ encrypted: tenantDatabases.connectionEncrypted })
    .from(tenantDatabases)
    .where(eq(tenantDatabases.workspaceId, workspaceId))
    .limit(1);
  if (!row) throw new ServiceError("service_unavailable", "The workspace database is not ready", { retryable: true });
  return ctx.connections.open(await tenantConnectionString(ctx.env.ENCRYPTION_KEY, row.encrypted));
}
