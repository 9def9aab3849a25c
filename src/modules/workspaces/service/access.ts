import { and, eq } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { ROLE_RANK } from "../../../platform/identity/roles";
import { type Role, workspaceMembers, workspaces } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";

/**
 * The caller's active membership in a workspace named in the path (not X-Workspace-Id).
 * Not a member → 404; below `min` → 403.
 */
export async function requireWorkspaceRole(ctx: ServiceContext, workspaceId: string, min: Role = "viewer") {
  if (!isUuid(workspaceId)) throw new ServiceError("not_found", "Workspace not found");
  const [row] = await ctx.control
    .select({ membership: workspaceMembers, workspace: workspaces })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(
      and(
        eq(workspaceMembers.workspaceId, workspaceId),
        eq(workspaceMembers.userId, actorUserId(ctx)),
        eq(workspaceMembers.status, "active"),
      ),
    )
    .limit(1);
  if (!row) throw new ServiceError("not_found", "Workspace not found");
  if (ROLE_RANK[row.membership.role] < ROLE_RANK[min]) {
    throw new ServiceError("forbidden", min === "admin" ? "Requires admin or owner role in the workspace" : `Requires the ${min} role`);
  }
  return row;
}

/** Nobody grants a role above their own; only owners make owners. */
export function assertCanGrant(callerRole: Role, role: Role) {
  if (ROLE_RANK[role] > ROLE_RANK[callerRole]) throw new ServiceError("forbidden", "You cannot grant a role above your own");
}

/** Admins act on members up to their own rank; owners on everyone. */
export function assertCanManage(callerRole: Role, targetRole: Role) {
  if (ROLE_RANK[targetRole] > ROLE_RANK[callerRole]) throw new ServiceError("forbidden", "You cannot manage a member with a higher role");
}

export async function countOwners(ctx: ServiceContext, workspaceId: string): Promise<number> {
  return ctx.control.$count(
    workspaceMembers,
    and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.role, "owner"), eq(workspaceMembers.status, "active")),
  );
}
