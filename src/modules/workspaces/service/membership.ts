import { and, asc, eq, ne } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { outranks } from "../../../platform/identity/roles";
import { type Role, users, workspaceMembers, workspaces } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { bumpMembershipEpoch } from "../../../platform/tenancy/claims";
import { openTenantDb } from "../../../platform/tenancy/connection";
import { findUserByEmail } from "../../auth/internal";
import { sendActivationEmail } from "../../auth/service/activation";
import { issuePasswordReset } from "../../auth/service/password-reset";
import { members } from "../../members/tables";
import { toWorkspace } from "../internal";
import { assertCanManage, countOwners, requireWorkspaceRole } from "./access";
import { createWorkspace } from "./workspaces";

type Membership = typeof workspaceMembers.$inferSelect;

/** Active members and pending invitations, with their status (any active member may look). */
export async function listWorkspaceMembers(ctx: ServiceContext, workspaceId: string) {
  await requireWorkspaceRole(ctx, workspaceId);
  const rows = await ctx.control
    .select({ m: workspaceMembers, u: users })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(eq(workspaceMembers.workspaceId, workspaceId))
    .orderBy(asc(workspaceMembers.createdAt));
  return rows.map(({ m, u }) => ({
    id: m.id,
    user_id: u.id,
    email: u.email,
    full_name: u.fullName,
    avatar_url: u.avatarUrl,
    role: m.role,
    status: m.status === "active" ? ("active" as const) : ("pending" as const),
    is_active: u.isActive,
    invited_at: m.createdAt.toISOString(),
    joined_at: m.joinedAt ? m.joinedAt.toISOString() : null,
  }));
}

export async function updateWorkspace(
  ctx: ServiceContext,
  workspaceId: string,
  input: { name?: string | undefined; settings?: Record<string, unknown> | undefined },
) {
  const { membership, workspace } = await requireWorkspaceRole(ctx, workspaceId, "admin");
  const set: Partial<typeof workspaces.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  // Settings merge key by key, so clients can change one flag without resending the rest.
  if (input.settings !== undefined) set.settings = { ...workspace.settings, ...input.settings };
  if (Object.keys(set).length === 0) return toWorkspace(workspace, membership.role);
  const [w] = await ctx.control.update(workspaces).set(set).where(eq(workspaces.id, workspaceId)).returning();
  return toWorkspace(w ?? workspace, membership.role);
}

/** Makes a workspace the caller's default (first after sign-in). */
export async function switchWorkspace(ctx: ServiceContext, workspaceId: string) {
  const { membership, workspace } = await requireWorkspaceRole(ctx, workspaceId);
  await ctx.control
    .update(users)
    .set({ lastWorkspaceId: workspaceId })
    .where(eq(users.id, actorUserId(ctx)));
  return { workspace_id: workspaceId, workspace: toWorkspace(workspace, membership.role) };
}

/**
 * Removes a membership in one of the seed's three ways: a pending invitation just goes; an
 * accepted one also loses its member record in the workspace database; and a user left with
 * no workspace at all is deleted.
 */
export async function removeMembership(ctx: ServiceContext, m: Membership) {
  if (m.role === "owner" && m.status === "active" && (await countOwners(ctx, m.workspaceId)) <= 1) {
    throw new ServiceError("conflict", "The last owner cannot be removed; make someone else owner first");
  }
  if (m.status === "active") {
    const tenant = await openTenantDb(ctx, m.workspaceId);
    await tenant.delete(members).where(eq(members.userId, m.userId));
  }
  await ctx.control.delete(workspaceMembers).where(eq(workspaceMembers.id, m.id));
  if (m.status === "active") await bumpMembershipEpoch(ctx, m.userId);
  const others = await ctx.control.$count(workspaceMembers, eq(workspaceMembers.userId, m.userId));
  let userDeleted = false;
  // An invitee who never accepted only goes with the invitation if the account was made for it
  // (no password); an existing account that was merely invited stays.
  const [u] = m.status === "active" ? [] : await ctx.control.select({ hash: users.passwordHash }).from(users).where(eq(users.id, m.userId));
  if (others === 0 && (m.status === "active" || u?.hash === null)) {
    await ctx.control.delete(users).where(eq(users.id, m.userId));
    userDeleted = true;
  }
  const scenario: "invitation_removed" | "member_removed" | "user_deleted" =
    m.status !== "active" ? "invitation_removed" : userDeleted ? "user_deleted" : "member_removed";
  return { scenario, user_deleted: userDeleted };
}

export async function removeWorkspaceMember(ctx: ServiceContext, workspaceId: string, membershipId: string) {
  const { membership: caller } = await requireWorkspaceRole(ctx, workspaceId, "admin");
  if (!isUuid(membershipId)) throw new ServiceError("not_found", "Member not found");
  const [m] = await ctx.control
    .select()
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.id, membershipId), eq(workspaceMembers.workspaceId, workspaceId)))
    .limit(1);
  if (!m) throw new ServiceError("not_found", "Member not found");
  assertCanManage(caller.role, m.role);
  const r = await removeMembership(ctx, m);
  return { message: "Member removed", member_id: m.id, ...r };
}

/** An accepted member whose password the caller may reset: themselves, or someone they outrank. */
async function resetTarget(ctx: ServiceContext, workspaceId: string, userId: string, callerRole: Role) {
  if (!isUuid(userId)) throw new ServiceError("not_found", "User not found");
  const [row] = await ctx.control
    .select({ m: workspaceMembers, u: users })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    // Only people who accepted: a pending invitation gives no power over someone's account.
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId), eq(workspaceMembers.status, "active")))
    .limit(1);
  if (!row) throw new ServiceError("not_found", "User not found");
  if (userId !== actorUserId(ctx) && !outranks(callerRole, row.m.role)) {
    throw new ServiceError("forbidden", "Only someone with a higher role can reset this person's password");
  }
  return row;
}

/** Admin-triggered reset email (the link is valid 1 hour). */
export async function sendAdminPasswordReset(ctx: ServiceContext, workspaceId: string, userId: string) {
  const { membership } = await requireWorkspaceRole(ctx, workspaceId, "admin");
  const { u } = await resetTarget(ctx, workspaceId, userId, membership.role);
  await issuePasswordReset(ctx, u.id, u.email);
  return { message: `A password reset email was sent to ${u.email}` };
}

/** A reset link for sharing by hand: valid 24 hours, no email sent. */
export async function createAdminPasswordResetLink(ctx: ServiceContext, workspaceId: string, userId: string) {
  const { membership } = await requireWorkspaceRole(ctx, workspaceId, "admin");
  const { u } = await resetTarget(ctx, workspaceId, userId, membership.role);
  // A link hands the admin a credential for the account: only for accounts that live in this
  // workspace alone (others get the email, which only the account's owner can read).
  if ((await otherWorkspaceCount(ctx, u.id, workspaceId)) > 0) {
    throw new ServiceError("forbidden", "This user belongs to other workspaces; send them the reset email instead");
  }
  const ttl = 24 * 3600_000;
  const link = await issuePasswordReset(ctx, u.id, u.email, ttl, false);
  return { reset_url: link, expires_at: new Date(Date.now() + ttl).toISOString(), email: u.email };
}

/**
 * Staff provisioning: a workspace for an owner who may not have an account yet (then created
 * without a password and sent an activation link for the new workspace).
 */
export async function provisionWorkspace(
  ctx: ServiceContext,
  input: { email: string; full_name?: string | undefined; workspace_name: string; plan?: string | undefined },
) {
  const [caller] = await ctx.control
    .select()
    .from(users)
    .where(eq(users.id, actorUserId(ctx)))
    .limit(1);
  if (!caller || !(caller.isSuperuser || caller.isStaff)) throw new ServiceError("forbidden", "Only staff can provision workspaces");
  let owner = await findUserByEmail(ctx.control, input.email);
  const created = !owner;
  if (!owner) {
    [owner] = await ctx.control
      .insert(users)
      .values({ email: input.email, fullName: input.full_name ?? null, displayName: input.full_name ?? null, isVerified: false })
      .returning();
    if (!owner) throw new Error("user insert returned nothing");
  }
  try {
    const workspace = await createWorkspace({
      ctx,
      input: { name: input.workspace_name },
      owner: { id: owner.id, email: owner.email, fullName: owner.fullName },
    });
    if (input.plan) await ctx.control.update(workspaces).set({ plan: input.plan }).where(eq(workspaces.id, workspace.id));
    if (owner.passwordHash === null) await sendActivationEmail(ctx, owner.id, workspace.id);
    return { workspace: { ...workspace, plan: input.plan ?? workspace.plan }, user_id: owner.id, user_created: created };
  } catch (e) {
    if (created) await ctx.control.delete(users).where(eq(users.id, owner.id));
    throw e;
  }
}

/** Other workspaces of a user (deletion info for members). */
export async function otherWorkspaceCount(ctx: ServiceContext, userId: string, workspaceId: string) {
  return ctx.control.$count(workspaceMembers, and(eq(workspaceMembers.userId, userId), ne(workspaceMembers.workspaceId, workspaceId)));
}
