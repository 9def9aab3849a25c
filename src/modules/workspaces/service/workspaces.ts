import { and, asc, eq } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { randomToken } from "../../../platform/crypto";
import { isUniqueViolation } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { users, workspaceMembers, workspaces } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { destroyTenantDatabase, type ProgressFn, provisionTenantDatabase } from "../../../platform/tenancy/service";
import { upsertMember } from "../../members/service";
import { slugify, toWorkspace } from "../internal";
import type { WorkspaceCreate } from "../schemas";

export interface WorkspaceOwner {
  id: string;
  email: string;
  fullName: string | null;
}

async function insertWorkspace(ctx: ServiceContext, name: string, ownerId: string) {
  const base = slugify(name);
  for (let i = 0; i < 5; i++) {
    const slug =
      i === 0
        ? base
        : `${base}-${randomToken(3)
            .toLowerCase()
            .replace(/[^a-z0-9]/g, "x")}`;
    try {
      const [w] = await ctx.control.insert(workspaces).values({ name, slug, ownerId, status: "provisioning" }).returning();
      if (w) return w;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
  }
  throw new ServiceError("conflict", "Could not find a free slug for this workspace name");
}

/**
 * Creates a workspace with its own database and the owner's membership:
 * workspace row → owner membership → tenant database (clone + migrations) → member record →
 * active. Any failure removes what was made (database, rows) and raises `provisioning_failed`.
 */
export async function createWorkspace({
  ctx,
  input,
  owner,
  progress,
}: {
  ctx: ServiceContext;
  input: WorkspaceCreate;
  owner: WorkspaceOwner;
  progress?: ProgressFn;
}) {
  await progress?.("creating_workspace", 25, `Creating workspace ${input.name}`);
  const ws = await insertWorkspace(ctx, input.name, owner.id);
  try {
    await ctx.control
      .insert(workspaceMembers)
      .values({ workspaceId: ws.id, userId: owner.id, role: "owner", status: "active", joinedAt: new Date() });
    await provisionTenantDatabase(ctx, ws.id, {
      progress,
      seed: async (tenant) => {
        await upsertMember(tenant, { userId: owner.id, email: owner.email, fullName: owner.fullName, role: "owner" });
      },
    });
    const [active] = await ctx.control.update(workspaces).set({ status: "active" }).where(eq(workspaces.id, ws.id)).returning();
    return toWorkspace(active ?? ws, "owner");
  } catch (e) {
    await deleteWorkspaceCompletely(ctx, ws.id).catch((err) =>
      console.error(JSON.stringify({ level: "error", msg: "workspace cleanup failed", workspace_id: ws.id, error: String(err) })),
    );
    if (e instanceof ServiceError) throw e;
    throw new ServiceError("provisioning_failed", "The workspace database could not be created. Please try again.", {
      retryable: true,
      cause: e,
    });
  }
}

/** Removes a workspace, its memberships and its database (used by compensation). */
export async function deleteWorkspaceCompletely(ctx: ServiceContext, workspaceId: string): Promise<void> {
  await destroyTenantDatabase(ctx, workspaceId);
  await ctx.control.delete(workspaces).where(eq(workspaces.id, workspaceId));
}

/** Workspaces the caller is an active member of, oldest membership first. */
export async function listMyWorkspaces(ctx: ServiceContext, userId = actorUserId(ctx)) {
  const rows = await ctx.control
    .select({ w: workspaces, role: workspaceMembers.role })
    .from(workspaceMembers)
    .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
    .where(and(eq(workspaceMembers.userId, userId), eq(workspaceMembers.status, "active")))
    .orderBy(asc(workspaceMembers.createdAt));
  return rows.map((r) => toWorkspace(r.w, r.role));
}

export async function getWorkspace(ctx: ServiceContext, workspaceId: string) {
  if (!isUuid(workspaceId)) throw new ServiceError("not_found", "Workspace not found");
  const [r] = await ctx.control
    .select({ w: workspaces, role: workspaceMembers.role })
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
  if (!r) throw new ServiceError("not_found", "Workspace not found");
  return toWorkspace(r.w, r.role);
}

/** POST /workspaces: a new workspace owned by the caller. */
export async function createWorkspaceForCaller({ ctx, input }: { ctx: ServiceContext; input: WorkspaceCreate }) {
  const [u] = await ctx.control
    .select({ id: users.id, email: users.email, fullName: users.fullName, isActive: users.isActive })
    .from(users)
    .where(eq(users.id, actorUserId(ctx)))
    .limit(1);
  if (!u?.isActive) throw new ServiceError("unauthorized", "Not authenticated");
  return createWorkspace({ ctx, input, owner: u });
}
