import { and, eq, isNull, or, sql } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { randomToken, sha256Hex } from "../../../platform/crypto";
import { enqueueEmail } from "../../../platform/email/outbox";
import { ServiceError } from "../../../platform/errors";
import { type Role, users, workspaceMembers, workspaces } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { hashPassword } from "../../../platform/passwords";
import { openTenantDb } from "../../../platform/tenancy/connection";
import { findUserByEmail } from "../../auth/internal";
import { startSession } from "../../auth/service/sessions";
import { upsertMember } from "../../members/service";
import { invitations } from "../tables";
import { assertCanGrant, requireWorkspaceRole } from "./access";

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;

type Membership = typeof workspaceMembers.$inferSelect;

function inviteUrl(ctx: ServiceContext, token: string) {
  const u = new URL("/invitations/accept", ctx.env.APP_URL);
  u.searchParams.set("token", token);
  return u.toString();
}

/** Retires the membership's earlier tokens and issues a new one (returned once, stored hashed). */
async function issueToken(ctx: ServiceContext, m: Membership, email: string) {
  await ctx.control
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.membershipId, m.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  await ctx.control.insert(invitations).values({
    workspaceId: m.workspaceId,
    membershipId: m.id,
    userId: m.userId,
    email,
    role: m.role,
    tokenHash: await sha256Hex(token),
    invitedBy: actorUserId(ctx),
    expiresAt,
  });
  return { token, expiresAt, url: inviteUrl(ctx, token) };
}

async function sendInvitationEmail(ctx: ServiceContext, to: string, workspaceName: string, url: string, token: string) {
  await enqueueEmail(ctx.control, {
    to,
    subject: `You're invited to ${workspaceName} on Atrium`,
    text: `You have been invited to join ${workspaceName}.\n\nAccept the invitation: ${url}\n\nThe link is valid for 7 days.`,
    template: "invitation",
    data: { token, link: url, workspace_name: workspaceName },
  });
}

export interface InviteInput {
  email: string;
  role: Role;
  full_name?: string | undefined;
}

function toInvitation(m: Membership, email: string, invite: { url: string; expiresAt: Date; token: string }, includeToken: boolean) {
  return {
    member_id: m.id,
    workspace_id: m.workspaceId,
    user_id: m.userId,
    email,
    role: m.role,
    status: m.status,
    invite_url: invite.url,
    expires_at: invite.expiresAt.toISOString(),
    ...(includeToken ? { token: invite.token } : {}),
  };
}

/**
 * Invites someone by email (`send`) or makes a shareable link (`send: false`). A person
 * without an account gets one without a password (set when accepting). Re-inviting a pending
 * invitee issues a new token; inviting an active member is a 409.
 */
export async function inviteToWorkspace(ctx: ServiceContext, workspaceId: string, input: InviteInput, opts: { send: boolean }) {
  const { membership: caller, workspace } = await requireWorkspaceRole(ctx, workspaceId, "admin");
  assertCanGrant(caller.role, input.role);
  let user = await findUserByEmail(ctx.control, input.email);
  if (!user) {
    [user] = await ctx.control
      .insert(users)
      .values({ email: input.email, fullName: input.full_name ?? null, displayName: input.full_name ?? null, isVerified: false })
      .onConflictDoNothing()
      .returning();
    user ??= await findUserByEmail(ctx.control, input.email);
    if (!user) throw new Error("could not create the invited user");
  }
  const [existing] = await ctx.control
    .select()
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, user.id)))
    .limit(1);
  if (existing?.status === "active") throw new ServiceError("conflict", "This person is already a member of the workspace");
  let m = existing;
  if (m) {
    [m] = await ctx.control
      .update(workspaceMembers)
      .set({ role: input.role, invitedBy: caller.userId })
      .where(eq(workspaceMembers.id, m.id))
      .returning();
  } else {
    [m] = await ctx.control
      .insert(workspaceMembers)
      .values({ workspaceId, userId: user.id, role: input.role, status: "invited", invitedBy: caller.userId })
      .returning();
  }
  if (!m) throw new Error("membership write returned nothing");
  const invite = await issueToken(ctx, m, user.email);
  if (opts.send) await sendInvitationEmail(ctx, user.email, workspace.name, invite.url, invite.token);
  return toInvitation(m, user.email, invite, !opts.send);
}

/** Finds the pending membership named by member_id (WorkspaceMember id), user_id or email. */
async function pendingMembership(
  ctx: ServiceContext,
  workspaceId: string,
  ref: { member_id?: string | undefined; user_id?: string | undefined; email?: string | undefined },
) {
  const conds = [];
  if (ref.member_id && isUuid(ref.member_id)) conds.push(eq(workspaceMembers.id, ref.member_id));
  if (ref.user_id && isUuid(ref.user_id)) conds.push(eq(workspaceMembers.userId, ref.user_id));
  if (ref.email) conds.push(sql`${workspaceMembers.userId} = (SELECT id FROM users WHERE lower(email) = ${ref.email.toLowerCase()})`);
  if (conds.length === 0) throw new ServiceError("not_found", "Invitation not found");
  const [m] = await ctx.control
    .select({ m: workspaceMembers, email: users.email })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(and(eq(workspaceMembers.workspaceId, workspaceId), or(...conds)))
    .limit(1);
  if (!m) throw new ServiceError("not_found", "Invitation not found");
  if (m.m.status !== "invited") throw new ServiceError("conflict", "This invitation has already been accepted");
  return m;
}

export async function resendInvitation(
  ctx: ServiceContext,
  workspaceId: string,
  ref: { member_id?: string | undefined; user_id?: string | undefined },
) {
  const { workspace } = await requireWorkspaceRole(ctx, workspaceId, "admin");
  const { m, email } = await pendingMembership(ctx, workspaceId, ref);
  const invite = await issueToken(ctx, m, email);
  await sendInvitationEmail(ctx, email, workspace.name, invite.url, invite.token);
  return toInvitation(m, email, invite, false);
}

/** Cancels a pending invitation: the membership and its tokens go; an account made only for it goes too. */
export async function cancelInvitation(
  ctx: ServiceContext,
  input: { workspace_id: string; member_id?: string | undefined; user_id?: string | undefined; email?: string | undefined },
) {
  await requireWorkspaceRole(ctx, input.workspace_id, "admin");
  const { m } = await pendingMembership(ctx, input.workspace_id, input);
  await ctx.control.delete(workspaceMembers).where(eq(workspaceMembers.id, m.id));
  await deleteUserIfOrphaned(ctx, m.userId);
  return { message: "Invitation cancelled", member_id: m.id };
}

/** Deletes a user who has no memberships left and never set a password (an unaccepted invitee). */
async function deleteUserIfOrphaned(ctx: ServiceContext, userId: string) {
  await ctx.control.execute(
    sql`DELETE FROM users WHERE id = ${userId} AND password_hash IS NULL AND NOT EXISTS (SELECT 1 FROM workspace_members WHERE user_id = ${userId})`,
  );
}

async function liveInvitation(ctx: ServiceContext, token: string) {
  const [row] = await ctx.control
    .select({ inv: invitations, workspaceName: workspaces.name, user: users, status: workspaceMembers.status })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .innerJoin(users, eq(users.id, invitations.userId))
    .innerJoin(workspaceMembers, eq(workspaceMembers.id, invitations.membershipId))
    .where(eq(invitations.tokenHash, await sha256Hex(token)))
    .limit(1);
  if (!row || row.inv.revokedAt) throw new ServiceError("invalid_token", "Invalid or unknown invitation");
  if (row.inv.acceptedAt || row.status === "active") throw new ServiceError("invalid_token", "This invitation has already been accepted");
  if (row.inv.expiresAt.getTime() <= Date.now()) throw new ServiceError("token_expired", "This invitation has expired");
  return row;
}

/** No authentication: the token is the credential. Tells the client whether a password is needed. */
export async function invitationDetails(ctx: ServiceContext, token: string) {
  const row = await liveInvitation(ctx, token);
  return {
    workspace_id: row.inv.workspaceId,
    workspace_name: row.workspaceName,
    email: row.user.email,
    full_name: row.user.fullName,
    role: row.inv.role,
    requires_password: row.user.passwordHash === null,
    expires_at: row.inv.expiresAt.toISOString(),
  };
}

/**
 * Accepts an invitation: sets the password if the user has none (then required), activates
 * the membership, creates the member record in the workspace's database, and signs in.
 */
export async function acceptInvitation(
  ctx: ServiceContext,
  input: { token: string; password?: string | undefined; full_name?: string | undefined },
) {
  const row = await liveInvitation(ctx, input.token);
  if (row.user.passwordHash === null && !input.password) {
    throw new ServiceError("validation_error", "A password is required to accept this invitation", {
      issues: [{ loc: ["body", "password"], msg: "Field required for users without a password", type: "missing" }],
    });
  }
  const [used] = await ctx.control
    .update(invitations)
    .set({ acceptedAt: new Date() })
    .where(and(eq(invitations.id, row.inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning();
  if (!used) throw new ServiceError("invalid_token", "This invitation has already been accepted");
  const set: Partial<typeof users.$inferInsert> = { isVerified: true };
  if (row.user.passwordHash === null && input.password) set.passwordHash = await hashPassword(input.password);
  if (input.full_name && !row.user.fullName) {
    set.fullName = input.full_name;
    set.displayName = input.full_name;
  }
  const [user] = await ctx.control.update(users).set(set).where(eq(users.id, row.user.id)).returning();
  if (!user) throw new ServiceError("not_found", "User not found");
  const [m] = await ctx.control
    .update(workspaceMembers)
    .set({ status: "active", joinedAt: new Date() })
    .where(eq(workspaceMembers.id, row.inv.membershipId))
    .returning();
  const tenant = await openTenantDb(ctx, row.inv.workspaceId);
  await upsertMember(tenant, { userId: user.id, email: user.email, fullName: user.fullName, role: m?.role ?? row.inv.role });
  const session = await startSession(ctx, user);
  return { ...session, workspace_id: row.inv.workspaceId };
}
