import { and, eq, isNull, or, sql } from "drizzle-orm";
import {
  assertAttemptsLeft,
  clearAttempts,
  consumeAttempt,
  EMAIL_SENDS,
  PASSWORD_ATTEMPTS,
  recordFailedAttempt,
} from "../../../platform/attempts";
import { requireWithinLimit } from "../../../platform/billing/limits";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { randomToken, sha256Hex } from "../../../platform/crypto";
import type { Tx } from "../../../platform/db";
import { enqueueEmail } from "../../../platform/email/outbox";
import { ServiceError } from "../../../platform/errors";
import { emitEvent, publishOutbox } from "../../../platform/events/outbox";
import { type Role, users, workspaceMembers, workspaces } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { hashPassword, verifyPassword } from "../../../platform/passwords";
import { openTenantDb } from "../../../platform/tenancy/connection";
import { findUserByEmail } from "../../auth/internal";
import { assertCanSignIn, startSession } from "../../auth/service/sessions";
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

type Delivery = "email" | "link";

/**
 * Retires the membership's earlier tokens and issues a new one (returned once, stored hashed).
 * `email` tokens go only to the invitee's mailbox; `link` tokens are shown to the inviter.
 */
async function issueToken(
  ctx: ServiceContext,
  m: Membership,
  email: string,
  delivery: Delivery,
  invitedBy: string | null = actorUserId(ctx),
  db: Tx = ctx.control,
) {
  await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.membershipId, m.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  await db.insert(invitations).values({
    workspaceId: m.workspaceId,
    membershipId: m.id,
    userId: m.userId,
    email,
    role: m.role,
    tokenHash: await sha256Hex(token),
    delivery,
    invitedBy,
    expiresAt,
  });
  return { token, expiresAt, url: inviteUrl(ctx, token) };
}

async function sendInvitationEmail(
  ctx: ServiceContext,
  to: string,
  workspaceName: string,
  url: string,
  token: string,
  db: Tx = ctx.control,
) {
  await enqueueEmail(db, {
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

/** The inviter's view: the token (and the URL holding it) only for links, never for emailed tokens. */
function toInvitation(m: Membership, email: string, invite: { url: string; expiresAt: Date; token: string }, delivery: Delivery) {
  return {
    member_id: m.id,
    workspace_id: m.workspaceId,
    user_id: m.userId,
    email,
    role: m.role,
    status: m.status,
    delivery,
    invite_url: delivery === "link" ? invite.url : null,
    expires_at: invite.expiresAt.toISOString(),
    ...(delivery === "link" ? { token: invite.token } : {}),
  };
}

/**
 * Invites someone by email (`send`) or makes a shareable link (`send: false`). A person
 * without an account gets a placeholder one without any credential: it can only be claimed
 * through a token sent to that mailbox. Re-inviting a pending invitee issues a new token;
 * inviting an active member is a 409. Nobody joins until the invitee accepts.
 */
export async function inviteToWorkspace(ctx: ServiceContext, workspaceId: string, input: InviteInput, opts: { send: boolean }) {
  const { membership: caller, workspace } = await requireWorkspaceRole(ctx, workspaceId, "admin");
  assertCanGrant(caller.role, input.role);
  // One control transaction: the seat count and every write of the invitation, so a refusal
  // writes nothing and concurrent invites cannot pass the seat limit together.
  return ctx.control.transaction(async (tx) => {
    let user = await findUserByEmail(tx, input.email);
    const [existing] = user
      ? await tx
          .select()
          .from(workspaceMembers)
          .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, user.id)))
          .limit(1)
      : [];
    if (existing?.status === "active") throw new ServiceError("conflict", "This person is already a member of the workspace");
    // A pending invitee already holds a seat; anyone else takes one.
    if (existing?.status !== "invited") await requireWithinLimit(ctx, "seats", 1, tx, workspaceId);
    if (!user) {
      [user] = await tx
        .insert(users)
        .values({ email: input.email, fullName: input.full_name ?? null, displayName: input.full_name ?? null, isVerified: false })
        .onConflictDoNothing()
        .returning();
      user ??= await findUserByEmail(tx, input.email);
      if (!user) throw new Error("could not create the invited user");
    }
    let m = existing;
    if (m) {
      [m] = await tx
        .update(workspaceMembers)
        .set({ role: input.role, invitedBy: caller.userId })
        .where(eq(workspaceMembers.id, m.id))
        .returning();
    } else {
      [m] = await tx
        .insert(workspaceMembers)
        .values({ workspaceId, userId: user.id, role: input.role, status: "invited", invitedBy: caller.userId })
        .returning();
    }
    if (!m) throw new Error("membership write returned nothing");
    const delivery: Delivery = opts.send ? "email" : "link";
    const invite = await issueToken(ctx, m, user.email, delivery, actorUserId(ctx), tx);
    if (opts.send) await sendInvitationEmail(ctx, user.email, workspace.name, invite.url, invite.token, tx);
    return toInvitation(m, user.email, invite, delivery);
  });
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
  const invite = await issueToken(ctx, m, email, "email");
  await sendInvitationEmail(ctx, email, workspace.name, invite.url, invite.token);
  return toInvitation(m, email, invite, "email");
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

/** Whether the account can already sign in (a password or a linked Clerk identity). */
const hasCredential = (u: { passwordHash: string | null; clerkId: string | null }) => u.passwordHash !== null || u.clerkId !== null;

/**
 * No authentication: the token is the credential for reading. Tells the client what accepting
 * takes: signing in (`requires_sign_in`, an existing account), choosing a password
 * (`requires_password`, a new account reached through its mailbox), or confirming the email
 * address first (`requires_email_verification`, a new account reached through a shared link).
 */
export async function invitationDetails(ctx: ServiceContext, token: string) {
  const row = await liveInvitation(ctx, token);
  const existing = hasCredential(row.user);
  return {
    workspace_id: row.inv.workspaceId,
    workspace_name: row.workspaceName,
    email: row.user.email,
    full_name: row.user.fullName,
    role: row.inv.role,
    requires_sign_in: existing,
    requires_password: !existing && row.inv.delivery === "email",
    requires_email_verification: !existing && row.inv.delivery === "link",
    expires_at: row.inv.expiresAt.toISOString(),
  };
}

export type AcceptResult =
  | ({ kind: "joined" } & Awaited<ReturnType<typeof startSession>> & { workspace_id: string })
  | { kind: "verification_sent"; email: string; workspace_id: string };

/**
 * Accepts an invitation for its invitee only; holding the token is never enough to act as
 * them. The account proves itself in one of three ways:
 * - the caller is signed in as the invitee (Bearer token; another account → 403);
 * - the account already has a credential: its own password, in this call (counted against
 *   the account's failed-password limit, like sign-in);
 * - a new account (no credential) with a token that was emailed to it: the mailbox is proven,
 *   so the password given here becomes its first one.
 * A new account holding a shared link (which the inviter has seen) gets nothing but an email:
 * a fresh invitation is sent to its mailbox (`verification_sent`), and joining happens from there.
 * Impersonated sessions cannot accept: joining is the invitee's own choice.
 */
export async function acceptInvitation(
  ctx: ServiceContext,
  input: { token: string; password?: string | undefined; full_name?: string | undefined },
): Promise<AcceptResult> {
  const row = await liveInvitation(ctx, input.token);
  const actor = ctx.actor;
  const existing = hasCredential(row.user);
  let setPassword = false;
  if (actor.kind === "user") {
    if (actor.impersonatorId) throw new ServiceError("forbidden", "An impersonated session cannot accept invitations for the user");
    if (actor.userId !== row.user.id) {
      throw new ServiceError("forbidden", "This invitation is for another account; sign in as the invited person to accept it");
    }
  } else if (existing) {
    if (!input.password) {
      throw new ServiceError("unauthorized", "This email already has an account: sign in (or give its password) to accept the invitation");
    }
    await assertAttemptsLeft(ctx, PASSWORD_ATTEMPTS, row.user.email);
    if (!(await verifyPassword(input.password, row.user.passwordHash))) {
      await recordFailedAttempt(ctx, PASSWORD_ATTEMPTS, row.user.email);
      throw new ServiceError("unauthorized", "Incorrect password for the invited account");
    }
    assertCanSignIn(row.user);
  } else if (row.inv.delivery === "link") {
    await consumeAttempt(ctx, EMAIL_SENDS, row.user.email);
    const m = { id: row.inv.membershipId, workspaceId: row.inv.workspaceId, userId: row.user.id, role: row.inv.role } as Membership;
    const invite = await issueToken(ctx, m, row.user.email, "email", row.inv.invitedBy);
    await sendInvitationEmail(ctx, row.user.email, row.workspaceName, invite.url, invite.token);
    return { kind: "verification_sent", email: row.user.email, workspace_id: row.inv.workspaceId };
  } else {
    if (!input.password) {
      throw new ServiceError("validation_error", "A password is required to accept this invitation", {
        issues: [{ loc: ["body", "password"], msg: "Field required for users without a password", type: "missing" }],
      });
    }
    setPassword = true;
  }
  const [used] = await ctx.control
    .update(invitations)
    .set({ acceptedAt: new Date() })
    .where(and(eq(invitations.id, row.inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning();
  if (!used) throw new ServiceError("invalid_token", "This invitation has already been accepted");
  const set: Partial<typeof users.$inferInsert> = { isVerified: true };
  if (setPassword && input.password) set.passwordHash = await hashPassword(input.password);
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
  await tenant.transaction(async (tx) => {
    const member = await upsertMember(tx, { userId: user.id, email: user.email, fullName: user.fullName, role: m?.role ?? row.inv.role });
    if (!member) return;
    await emitEvent(ctx, tx, "member.joined", {
      member: { id: member.id, user_id: member.userId, email: member.email, role: member.role },
    });
  });
  // This request has no workspace bound (its caller is joining), so publish here rather than at its end.
  await publishOutbox(tenant, ctx.env, row.inv.workspaceId, ctx.requestId).catch((e) =>
    console.error(JSON.stringify({ level: "error", msg: "event publish failed; the cron sweep retries", error: String(e) })),
  );
  if (existing && actor.kind !== "user") ctx.waitUntil(clearAttempts(ctx, PASSWORD_ATTEMPTS, user.email));
  const session = await startSession(ctx, user);
  return { kind: "joined", ...session, workspace_id: row.inv.workspaceId };
}
