import { and, eq } from "drizzle-orm";
import { tenantMigrations } from "../../../migrations/tenant";
import type { ServiceContext, WorkspaceScope } from "../context";
import type { Db } from "../db";
import { latestMigration } from "../db/migrator";
import { isServiceError, ServiceError } from "../errors";
import { isRole } from "../identity/roles";
import { tenantDatabases, workspaceMembers, workspaces } from "../identity/tables";
import { isUuid } from "../ids";
import { tenantConnectionString } from "./connection";

/** The tenant schema this build of the Worker expects (the last bundled tenant migration). */
export const TENANT_SCHEMA_VERSION = latestMigration(tenantMigrations) ?? null;

/**
 * Whether a tenant database recorded at `version` lacks migrations this build bundles.
 * Migration names start with a zero-padded sequence number, so they order as strings. A version
 * ahead of the bundle (a newer deployment migrated it first) is not behind: migrating could not help.
 */
export function isSchemaBehind(version: string | null): boolean {
  if (TENANT_SCHEMA_VERSION === null) return false;
  return version === null || version < TENANT_SCHEMA_VERSION;
}

export interface ResolveOptions {
  /**
   * Bind the tenant database even when its schema is behind. Only for the Workspace Health
   * routes, which report that state and run the migration; everything else gets 503.
   */
  allowOutdatedSchema?: boolean;
}

/**
 * Workspaces known to be ready (active, database registered, schema current), per isolate, for
 * REGISTRY_CACHE_MS: with a membership claim from the access token, a cached workspace resolves
 * with no control-database round trip. Only ready entries are cached, so a workspace being
 * provisioned or migrated is re-read every time (a finished migration shows at once), and a
 * schema once current stays current for this build. A suspended workspace is seen within the TTL.
 */
export const REGISTRY_CACHE_MS = 60_000;
const ready = new Map<string, { encrypted: string; until: number }>();

function remember(workspaceId: string, encrypted: string) {
  if (ready.size > 5000) ready.clear();
  ready.set(workspaceId, { encrypted, until: Date.now() + REGISTRY_CACHE_MS });
}

/** Forget a workspace's registry entry in this isolate (status or database changed here). */
export function forgetWorkspace(workspaceId: string) {
  ready.delete(workspaceId);
}

/** The workspace's status and tenant-database registry entry (no membership). */
function registryRows(ctx: ServiceContext, id: string) {
  return ctx.control
    .select({
      workspaceStatus: workspaces.status,
      encrypted: tenantDatabases.connectionEncrypted,
      schemaVersion: tenantDatabases.schemaVersion,
    })
    .from(workspaces)
    .leftJoin(tenantDatabases, eq(tenantDatabases.workspaceId, workspaces.id))
    .where(eq(workspaces.id, id))
    .limit(1);
}

function checkRegistry(
  row: { workspaceStatus: string; encrypted: string | null; schemaVersion: string | null },
  opts: ResolveOptions,
): string {
  if (row.workspaceStatus !== "active" || !row.encrypted) {
    throw new ServiceError("service_unavailable", "The workspace is still being provisioned", { retryable: true });
  }
  if (!opts.allowOutdatedSchema && isSchemaBehind(row.schemaVersion)) {
    throw new ServiceError(
      "migration_required",
      "The workspace database needs a migration; an admin can start it with POST /api/v1/workspace-health/migrate",
      { retryable: true },
    );
  }
  return row.encrypted;
}

/**
 * Binds `ctx.db` to the workspace's own database, for a user who is an active member.
 * Anything else (unknown id, not a member, pending invite) is a 404: no existence oracle.
 * A database behind the bundled tenant schema is a 503 `migration_required`.
 *
 * `claim` is the caller's membership from a current access token (see tenancy/claims.ts): with
 * it, only the registry is needed, and that comes from the isolate's cache when warm. Without
 * it, one control query reads membership and registry together.
 */
export async function resolveWorkspace(
  ctx: ServiceContext,
  workspaceId: string,
  userId: string,
  opts: ResolveOptions = {},
  claim?: readonly [role: string, membershipId: string],
): Promise<WorkspaceScope> {
  if (!isUuid(workspaceId)) throw new ServiceError("not_found", "Workspace not found");
  const id = workspaceId.toLowerCase();
  let scope: WorkspaceScope;
  let encrypted: string;
  const cached = ready.get(id);
  if (claim && isRole(claim[0])) {
    scope = { id, role: claim[0], membershipId: claim[1] };
    if (cached && cached.until > Date.now()) encrypted = cached.encrypted;
    else {
      const [row] = await registryRows(ctx, id);
      if (!row) throw new ServiceError("not_found", "Workspace not found");
      encrypted = checkRegistry(row, opts);
      if (!isSchemaBehind(row.schemaVersion)) remember(id, encrypted);
    }
  } else {
    const [row] = await ctx.control
      .select({
        membershipId: workspaceMembers.id,
        role: workspaceMembers.role,
        memberStatus: workspaceMembers.status,
        workspaceStatus: workspaces.status,
        encrypted: tenantDatabases.connectionEncrypted,
        schemaVersion: tenantDatabases.schemaVersion,
      })
      .from(workspaceMembers)
      .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
      .leftJoin(tenantDatabases, eq(tenantDatabases.workspaceId, workspaceMembers.workspaceId))
      .where(and(eq(workspaceMembers.workspaceId, id), eq(workspaceMembers.userId, userId)))
      .limit(1);
    if (row?.memberStatus !== "active") throw new ServiceError("not_found", "Workspace not found");
    encrypted = checkRegistry(row, opts);
    if (!isSchemaBehind(row.schemaVersion)) remember(id, encrypted);
    scope = { id, role: row.role, membershipId: row.membershipId };
  }
  ctx.bindTenant(scope, await tenantConnectionString(ctx.env.ENCRYPTION_KEY, encrypted));
  return scope;
}

/**
 * Binds a workspace's database for system work that acts for no member (queue consumers such as
 * the knowledge indexer): the workspace must be active with a current schema (else the same
 * retryable errors as for a person); an unknown workspace is not_found. The scope's role is
 * "owner" because such work sees all of the workspace's data; it never acts as a member.
 */
export async function resolveWorkspaceForSystem(ctx: ServiceContext, workspaceId: string): Promise<WorkspaceScope> {
  if (ctx.actor.kind !== "system") throw new ServiceError("forbidden", "Only system work binds a workspace without a member");
  if (!isUuid(workspaceId)) throw new ServiceError("not_found", "Workspace not found");
  const id = workspaceId.toLowerCase();
  // Queue consumers bind a workspace per message: a warm registry entry saves the control round trip.
  const cached = ready.get(id);
  let encrypted: string;
  if (cached && cached.until > Date.now()) encrypted = cached.encrypted;
  else {
    const [row] = await registryRows(ctx, id);
    if (!row) throw new ServiceError("not_found", "Workspace not found");
    encrypted = checkRegistry(row, {});
    if (!isSchemaBehind(row.schemaVersion)) remember(id, encrypted);
  }
  const scope: WorkspaceScope = { id, role: "owner", membershipId: "" };
  ctx.bindTenant(scope, await tenantConnectionString(ctx.env.ENCRYPTION_KEY, encrypted));
  return scope;
}

/** Binds the workspace for system work; false when it is gone (there is nothing left to do). */
export async function bindSystemWorkspace(ctx: ServiceContext, workspaceId: string): Promise<boolean> {
  try {
    await resolveWorkspaceForSystem(ctx, workspaceId);
    return true;
  } catch (e) {
    if (isServiceError(e) && e.code === "not_found") return false;
    throw e;
  }
}

/**
 * The tenant database of an active workspace whose schema is current, for a request that carries
 * no member: anonymous reads authorised by a token stored in that database (document share
 * links). No workspace scope is bound, so nothing downstream can act as a member. Unknown,
 * inactive or outdated workspaces are null (the caller answers 404, whatever the reason).
 */
export async function tenantDbForToken(ctx: ServiceContext, workspaceId: string): Promise<Db | null> {
  if (!isUuid(workspaceId)) return null;
  const id = workspaceId.toLowerCase();
  const cached = ready.get(id);
  let encrypted: string;
  if (cached && cached.until > Date.now()) encrypted = cached.encrypted;
  else {
    const [row] = await registryRows(ctx, id);
    if (row?.workspaceStatus !== "active" || !row.encrypted || isSchemaBehind(row.schemaVersion)) return null;
    encrypted = row.encrypted;
    remember(id, encrypted);
  }
  return ctx.connections.open(await tenantConnectionString(ctx.env.ENCRYPTION_KEY, encrypted));
}
