import { and, eq, inArray } from "drizzle-orm";
import { requireFeature } from "../../platform/billing/limits";
import { actorUserId, type ServiceContext } from "../../platform/context";
import type { Db, Tx } from "../../platform/db";
import { ServiceError } from "../../platform/errors";
import { ROLE_RANK } from "../../platform/identity/roles";
import type { Role } from "../../platform/identity/tables";
import {
  ALL_PERMISSIONS,
  DEFAULT_ROLE_PERMISSIONS,
  describePermission,
  isPermission,
  PERMISSION_CATALOGUE,
  type Permission,
  type Resource,
} from "./catalogue";
import { rolePermissions } from "./tables";

export type { Permission, Resource };

// Effective permissions per request context: loaded once (one tenant query), then reused by
// every check the request makes.
const cache = new WeakMap<ServiceContext, Promise<Set<Permission>>>();

function load(ctx: ServiceContext, role: Role, db?: Tx): Promise<Set<Permission>> {
  return rolePermissionSet(db ?? ctx.db, role);
}

/**
 * The effective permissions of a role (defaults + the workspace's overrides), for checks on a
 * member other than the caller (e.g. whether a named decider may still decide an approval).
 */
export async function rolePermissionSet(db: Db | Tx, role: Role): Promise<Set<Permission>> {
  const set = new Set<Permission>(DEFAULT_ROLE_PERMISSIONS[role] ?? []);
  if (role === "owner") return set;
  const overrides = await db.select().from(rolePermissions).where(eq(rolePermissions.role, role));
  for (const o of overrides) {
    if (!isPermission(o.permission)) continue;
    if (o.allowed) set.add(o.permission);
    else set.delete(o.permission);
  }
  return set;
}

function scopeOf(ctx: ServiceContext) {
  if (!ctx.workspace) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  return ctx.workspace;
}

/**
 * The caller's effective permissions in the bound workspace (role defaults + overrides). Pass
 * `db` when calling inside an open transaction: a request's pool has one connection, so a query
 * on ctx.db would wait for the transaction that waits for it.
 */
export function myPermissions(ctx: ServiceContext, db?: Tx): Promise<Set<Permission>> {
  let p = cache.get(ctx);
  if (!p) {
    p = load(ctx, scopeOf(ctx).role, db);
    cache.set(ctx, p);
  }
  return p;
}

export async function hasPermission(ctx: ServiceContext, permission: Permission, db?: Tx): Promise<boolean> {
  return (await myPermissions(ctx, db)).has(permission);
}

export async function requirePermission(ctx: ServiceContext, permission: Permission, db?: Tx): Promise<void> {
  if (!(await hasPermission(ctx, permission, db))) {
    throw new ServiceError("forbidden", `You need the ${permission} permission for this`);
  }
}

/** Who may act on an object besides holders of the resource-wide permission. */
export interface ObjectAccess {
  /** Resource-wide permission, e.g. `can_edit_goal`. */
  permission: Permission;
  /** "Own" variant, e.g. `can_edit_own_goal`, granted when the caller owns the object. */
  ownPermission?: Permission;
  /** The object's owner (and assignees, where a module counts them as owners): member ids. */
  ownerMemberIds?: (string | null | undefined)[];
  /** Object grants: members and teams granted this action on the object. */
  grantedMemberIds?: string[];
  grantedTeamIds?: string[];
}

/**
 * The one object-level check every module uses: the resource-wide permission, or the "own"
 * permission on an object the caller owns, or a grant to the caller or one of their teams.
 */
export async function canAccessObject(
  ctx: ServiceContext,
  access: ObjectAccess,
  me: { memberId: string; teamIds: string[] },
): Promise<boolean> {
  const perms = await myPermissions(ctx);
  if (perms.has(access.permission)) return true;
  if (access.ownPermission && perms.has(access.ownPermission) && access.ownerMemberIds?.includes(me.memberId)) return true;
  if (access.grantedMemberIds?.includes(me.memberId)) return true;
  if (access.grantedTeamIds?.some((t) => me.teamIds.includes(t))) return true;
  return false;
}

export async function requireObjectAccess(ctx: ServiceContext, access: ObjectAccess, me: { memberId: string; teamIds: string[] }) {
  if (!(await canAccessObject(ctx, access, me)))
    throw new ServiceError("forbidden", `You need the ${access.permission} permission for this`);
}

// ---- the Permissions endpoints --------------------------------------------------------------

export function listPermissions(resource?: string) {
  if (resource !== undefined && !(resource in PERMISSION_CATALOGUE)) return [];
  return ALL_PERMISSIONS.map(describePermission).filter((p) => resource === undefined || p.resource === resource);
}

export function groupedPermissions() {
  return Object.entries(PERMISSION_CATALOGUE).map(([resource, group]) => ({
    resource,
    permissions: Object.entries(group).map(([name, description]) => ({ name, description })),
  }));
}

async function effectiveFor(ctx: ServiceContext, role: Role): Promise<Record<string, boolean>> {
  const set = await load(ctx, role);
  return Object.fromEntries(ALL_PERMISSIONS.map((p) => [p, set.has(p)]));
}

export async function getMyPermissions(ctx: ServiceContext) {
  const set = await myPermissions(ctx);
  return { role: scopeOf(ctx).role, permissions: Object.fromEntries(ALL_PERMISSIONS.map((p) => [p, set.has(p)])) };
}

export async function checkPermission(ctx: ServiceContext, permission: string) {
  if (!isPermission(permission)) throw new ServiceError("not_found", `Unknown permission ${permission}`);
  return { permission, allowed: await hasPermission(ctx, permission), role: scopeOf(ctx).role };
}

function requireAdmin(ctx: ServiceContext) {
  if (ROLE_RANK[scopeOf(ctx).role] < ROLE_RANK.admin) throw new ServiceError("forbidden", "Only workspace admins and owners can do this");
}

/** Only admins and owners see every role's permissions. */
export async function getAllRolePermissions(ctx: ServiceContext) {
  requireAdmin(ctx);
  const roles: Role[] = ["owner", "admin", "member", "viewer"];
  const out: Record<string, Record<string, boolean>> = {};
  for (const r of roles) out[r] = await effectiveFor(ctx, r);
  return out;
}

export async function getRolePermissions(ctx: ServiceContext, role: Role) {
  scopeOf(ctx);
  return { role, permissions: await effectiveFor(ctx, role) };
}

async function assertCanEditRole(ctx: ServiceContext, role: Role) {
  requireAdmin(ctx);
  await requirePermission(ctx, "can_manage_permissions");
  if (role === "owner") throw new ServiceError("forbidden", "Owner permissions cannot be changed");
  // An admin may not widen or narrow their own role; only owners change admin permissions.
  if (role === "admin" && scopeOf(ctx).role !== "owner") throw new ServiceError("forbidden", "Only owners can change admin permissions");
}

/**
 * Stores the given values as overrides of the role's defaults (a value equal to the default
 * removes the override, so "reset" and "set back" leave the same state).
 */
export async function setRolePermissions(ctx: ServiceContext, role: Role, values: Record<string, boolean>) {
  await assertCanEditRole(ctx, role);
  await requireFeature(ctx, "custom_roles");
  const unknown = Object.keys(values).filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw new ServiceError("validation_error", `Unknown permissions: ${unknown.join(", ")}`, {
      issues: unknown.map((p) => ({ loc: ["body", "permissions", p], msg: "Unknown permission", type: "value_error" })),
    });
  }
  const defaults = new Set(DEFAULT_ROLE_PERMISSIONS[role]);
  const editable = role as Exclude<Role, "owner">;
  const updatedBy = actorUserId(ctx);
  await ctx.db.transaction(async (tx) => {
    const entries = Object.entries(values) as [Permission, boolean][];
    const toDefault = entries.filter(([p, v]) => defaults.has(p) === v).map(([p]) => p);
    const toOverride = entries.filter(([p, v]) => defaults.has(p) !== v);
    if (toDefault.length > 0) {
      await tx.delete(rolePermissions).where(and(eq(rolePermissions.role, editable), inArray(rolePermissions.permission, toDefault)));
    }
    for (const [permission, allowed] of toOverride) {
      await tx
        .insert(rolePermissions)
        .values({ role: editable, permission, allowed, updatedBy })
        .onConflictDoUpdate({ target: [rolePermissions.role, rolePermissions.permission], set: { allowed, updatedBy } });
    }
  });
  cache.delete(ctx);
  return getRolePermissions(ctx, role);
}

export async function resetRolePermissions(ctx: ServiceContext, role: Role) {
  await assertCanEditRole(ctx, role);
  await ctx.db.delete(rolePermissions).where(eq(rolePermissions.role, role as Exclude<Role, "owner">));
  cache.delete(ctx);
  return getRolePermissions(ctx, role);
}

/**
 * Defaults live in code, so a workspace is "seeded" by construction; this endpoint reports
 * the catalogue it has and stays for clients that call it after creating a workspace.
 */
export async function seedPermissions(ctx: ServiceContext) {
  requireAdmin(ctx);
  const overrides = await ctx.db.$count(rolePermissions);
  return { seeded: ALL_PERMISSIONS.length, overrides, message: "Default permissions are in place" };
}
